export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];

interface Rendered {
  subject: string;
  body: string;
}

type TemplateSet = Record<Locale, (params: Record<string, string>) => Rendered>;

/**
 * Every message Kinbridge sends, in each locale. Guardians read them on a phone, often as SMS,
 * so bodies stay short and plain.
 */
export const TEMPLATES = {
  otp_code: {
    'zh-CN': (p) => ({ subject: 'Kinbridge 验证码', body: `您的 Kinbridge 验证码是 ${p.code}，${p.minutes} 分钟内有效。请勿告诉他人。` }),
    en: (p) => ({ subject: 'Kinbridge sign-in code', body: `Your Kinbridge code is ${p.code}. It expires in ${p.minutes} minutes. Do not share it.` }),
  },

  // Sessions, to the guardian: `when` is already written in the guardian's zone and locale.
  session_booked: {
    'zh-CN': (p) => ({
      subject: '视频通话已预约',
      body: `您和${p.childName}的视频通话已预约：${p.when}，约 ${p.minutes} 分钟。届时${p.hubName}的老师会陪在孩子身边。`,
    }),
    en: (p) => ({
      subject: 'Video call booked',
      body: `Your video call with ${p.childName} is booked for ${p.when} (about ${p.minutes} minutes). A staff member at ${p.hubName} will be beside your child.`,
    }),
  },
  session_rescheduled: {
    'zh-CN': (p) => ({
      subject: '视频通话时间已更改',
      body: `您和${p.childName}的视频通话改到了 ${p.when}（原定 ${p.previousWhen}），约 ${p.minutes} 分钟。${p.hubName}的老师会陪在孩子身边。`,
    }),
    en: (p) => ({
      subject: 'Video call moved',
      body: `Your video call with ${p.childName} has moved to ${p.when} (it was ${p.previousWhen}), about ${p.minutes} minutes. A staff member at ${p.hubName} will be beside your child.`,
    }),
  },
  session_cancelled: {
    'zh-CN': (p) => ({
      subject: '视频通话已取消',
      body: `您和${p.childName}原定 ${p.when} 的视频通话已取消。原因：${p.reason}。如需另约时间，请联系${p.hubName}。`,
    }),
    en: (p) => ({
      subject: 'Video call cancelled',
      body: `Your video call with ${p.childName} on ${p.when} is cancelled. Reason: ${p.reason}. To find another time, contact ${p.hubName}.`,
    }),
  },
  // `prompts` is a few open conversation starters, one per line, already in the guardian's locale;
  // `advice` is the counselor's note for this parent, quoted as written (may be empty).
  session_reminder: {
    'zh-CN': (p) => ({
      subject: `提醒：${p.when} 和${p.childName}视频`,
      body:
        `提醒：您和${p.childName}的视频通话在 ${p.when}，老师会陪在孩子身边。\n` +
        `可以试着聊聊：\n${p.prompts}\n` +
        (p.advice ? `辅导老师的建议：${p.advice}\n` : '') +
        '不用问成绩，听孩子说就好。孩子今天不想聊也没关系。',
    }),
    en: (p) => ({
      subject: `Reminder: video call with ${p.childName}, ${p.when}`,
      body:
        `Reminder: your video call with ${p.childName} is at ${p.when}. A staff member will be beside your child.\n` +
        `Some things you could talk about:\n${p.prompts}\n` +
        (p.advice ? `The counselor's advice: ${p.advice}\n` : '') +
        'No need to ask about marks; listening is enough. If your child does not want to talk today, that is all right.',
    }),
  },
  // The child's answer was not "yes" (not_today and no read the same: a parent never hears a refusal). Never a blame.
  child_not_ready_today: {
    'zh-CN': (p) => ({
      subject: '今天的视频通话改天再聊',
      body:
        `${p.childName}今天还没准备好视频通话（原定 ${p.when}）。这很正常，不是谁的错，孩子有时需要一点时间。` +
        `${p.hubName}的老师在孩子身边，会和您约下一次。`,
    }),
    en: (p) => ({
      subject: 'Today’s video call: another day',
      body:
        `${p.childName} was not ready for today’s video call (${p.when}). That is normal and nobody’s fault; children sometimes need a little time. ` +
        `Staff at ${p.hubName} are with your child and will arrange the next call with you.`,
    }),
  },
  // The child was not checked in for the call: the call did not take place.
  call_not_held: {
    'zh-CN': (p) => ({
      subject: '今天的视频通话未能进行',
      body: `原定 ${p.when} 和${p.childName}的视频通话今天未能进行。${p.hubName}会和您另约时间。`,
    }),
    en: (p) => ({
      subject: 'Today’s video call did not take place',
      body: `Your video call with ${p.childName} on ${p.when} could not take place today. ${p.hubName} will arrange another time with you.`,
    }),
  },
  reschedule_declined: {
    'zh-CN': (p) => ({
      subject: '改期未能安排',
      body:
        `抱歉，您和${p.childName}的视频通话暂时无法改期，仍在 ${p.when} 进行。` +
        (p.note ? `老师留言：${p.note}。` : '') +
        `如有需要，可以再提出其他时间，或联系${p.hubName}。`,
    }),
    en: (p) => ({
      subject: 'Your call could not be moved',
      body:
        `Sorry, we could not move your video call with ${p.childName}; it stays at ${p.when}. ` +
        (p.note ? `A note from the hub: ${p.note}. ` : '') +
        `You are welcome to suggest another time, or contact ${p.hubName}.`,
    }),
  },

  // Sessions, to staff and counselors: `when` is in the hub's zone.
  session_booked_staff: {
    'zh-CN': (p) => ({
      subject: `新预约：${p.childName} ${p.when}`,
      body: `已预约视频通话：${p.childName} 与 ${p.guardianName}，${p.when}（${p.minutes} 分钟），${p.hubName} ${p.stationName}。`,
    }),
    en: (p) => ({
      subject: `Booked: ${p.childName}, ${p.when}`,
      body: `Video call booked: ${p.childName} with ${p.guardianName}, ${p.when} (${p.minutes} min), ${p.hubName}, ${p.stationName}.`,
    }),
  },
  session_rescheduled_staff: {
    'zh-CN': (p) => ({
      subject: `改期：${p.childName} ${p.when}`,
      body: `视频通话已改期：${p.childName} 与 ${p.guardianName}，改到 ${p.when}（原定 ${p.previousWhen}），${p.hubName} ${p.stationName}。`,
    }),
    en: (p) => ({
      subject: `Moved: ${p.childName}, ${p.when}`,
      body: `Video call moved: ${p.childName} with ${p.guardianName}, now ${p.when} (was ${p.previousWhen}), ${p.hubName}, ${p.stationName}.`,
    }),
  },
  session_cancelled_staff: {
    'zh-CN': (p) => ({
      subject: `已取消：${p.childName} ${p.when}`,
      body: `视频通话已取消：${p.childName} 与 ${p.guardianName}，原定 ${p.when}，${p.hubName} ${p.stationName}。原因：${p.reason}。`,
    }),
    en: (p) => ({
      subject: `Cancelled: ${p.childName}, ${p.when}`,
      body: `Video call cancelled: ${p.childName} with ${p.guardianName}, was ${p.when}, ${p.hubName}, ${p.stationName}. Reason: ${p.reason}.`,
    }),
  },
  session_no_show_staff: {
    'zh-CN': (p) => ({
      subject: `家长未上线：${p.childName} ${p.when}`,
      body: `${p.guardianName} 没有加入 ${p.when} 和${p.childName}的视频通话（${p.stationName}），已记为家长缺席。请照顾好孩子的情绪。`,
    }),
    en: (p) => ({
      subject: `Parent did not join: ${p.childName}, ${p.when}`,
      body: `${p.guardianName} did not join the ${p.when} call with ${p.childName} (${p.stationName}); it is recorded as a guardian no-show. Please look after the child's feelings.`,
    }),
  },
  reschedule_requested_staff: {
    'zh-CN': (p) => ({
      subject: `改期申请：${p.childName} ${p.when}`,
      body:
        `${p.guardianName} 申请改期 ${p.when} 和${p.childName}的视频通话。` +
        (p.proposedWhen ? `希望改到：${p.proposedWhen}。` : '没有提出具体时间。') +
        (p.note ? `留言：${p.note}` : ''),
    }),
    en: (p) => ({
      subject: `Reschedule request: ${p.childName}, ${p.when}`,
      body:
        `${p.guardianName} asks to move the ${p.when} call with ${p.childName}. ` +
        (p.proposedWhen ? `Proposed time: ${p.proposedWhen}. ` : 'No time proposed. ') +
        (p.note ? `Note: ${p.note}` : ''),
    }),
  },

  // Alerts, to counselors and admins: `rule` is the rule's English label, `dueBy` in the hub's zone.
  // No answers or notes: the message says only that a child needs a look, the inbox shows why.
  alert_raised: {
    'zh-CN': (p) => ({
      subject: `新提醒：${p.childName}`,
      body: `${p.childName} 有一条新的关注提醒（${p.rule}），请在 ${p.dueBy} 之前确认。详情见辅导员收件箱。`,
    }),
    en: (p) => ({
      subject: `New alert: ${p.childName}`,
      body: `${p.childName} has a new alert (${p.rule}, ${p.severity} priority). Please acknowledge it by ${p.dueBy}. Details are in the counselor inbox.`,
    }),
  },
  alert_escalated: {
    'zh-CN': (p) => ({
      subject: `提醒超时未确认：${p.childName}`,
      body: `${p.childName} 的关注提醒（${p.rule}）在 ${p.dueBy} 前无人确认，现转给您。请查看辅导员收件箱。`,
    }),
    en: (p) => ({
      subject: `Alert not acknowledged: ${p.childName}`,
      body: `Nobody acknowledged the alert for ${p.childName} (${p.rule}, ${p.severity} priority) by ${p.dueBy}; it is passed on to you. Please look at the counselor inbox.`,
    }),
  },
} satisfies Record<string, TemplateSet>;

export type TemplateName = keyof typeof TEMPLATES;

export function renderTemplate(name: TemplateName, locale: Locale, params: Record<string, string>): Rendered {
  return (TEMPLATES[name] as TemplateSet)[locale](params);
}
