// The child's kiosk on the hub's device, with a staff member beside the child: the assent question,
// then after the call (or after "not today") the wellbeing check, then the staff-only observation.
// Big pictures, small words, a speaker button that reads the question aloud: no reading needed.
import type { HubSessionView, HubsClientToServer, HubsServerToClient } from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError, auth, idFromUrl, whenSignedOut } from '../lib/api';
import { h, show } from '../lib/dom';
import { face, levelFace, reasonPicture, sign, speaker } from '../lib/faces';
import { pickLang, translator } from '../lib/i18n';
import { staffSignIn } from '../lib/sign-in';
import { ASSENT_REASONS, SKIP_REASONS, wellbeingBody, type WellbeingAnswers } from './kiosk-model';
import '../styles.css';

const zh = {
  hello: '你好，{name}！',
  assentQuestion: '今天想和{parent}视频吗？',
  yes: '想',
  notToday: '今天不要',
  no: '不想',
  whyQuestion: '可以告诉我为什么吗？（不说也可以）',
  reason_tired: '累了',
  reason_busy_playing: '在玩呢',
  reason_feeling_sad: '心里难过',
  reason_feeling_shy: '不好意思',
  reason_wants_later: '晚点再说',
  reason_other: '别的原因',
  okay: '没关系！',
  okayMore: '今天不视频也没问题。',
  next: '继续',
  enjoy: '祝你和{parent}聊得开心！',
  enjoyMore: '通话结束后，我们一起回答几个小问题。',
  checkInFirst: '请老师先在站点页面签到。',
  checkIn: '签到',
  feelingNow: '你现在感觉怎么样？',
  callFeeling: '今天和{parent}说话感觉怎么样？',
  thermometer: '你心里有多难受？点一点温度计。',
  wantsToTalk: '你想和老师聊一聊吗？',
  talkYes: '想',
  talkNo: '不用',
  face1: '很难过',
  face2: '有点难过',
  face3: '一般',
  face4: '开心',
  face5: '很开心',
  staffTitle: '老师填写（孩子不用看）',
  distressSeen: '通话中看到孩子难受',
  safetyConcern: '有安全方面的担心',
  note: '备注（可选）',
  submit: '提交',
  skip: '老师：跳过问卷',
  skipTitle: '跳过的原因',
  skip_child_did_not_want: '孩子不想回答',
  skip_no_time: '没有时间',
  skip_technical_problem: '设备问题',
  skip_other: '其他',
  skipConfirm: '确认跳过',
  thanks: '谢谢你！',
  thanksMore: '你做得很好。',
  done: '这次的问卷已经完成了。',
  notAvailable: '这次通话现在不能做这一步（{status}）。',
  failed: '没有保存成功：{detail}',
  parent: '爸爸妈妈',
  listen: '听一听',
};
const en: typeof zh = {
  hello: 'Hello, {name}!',
  assentQuestion: 'Would you like to video call {parent} today?',
  yes: 'Yes',
  notToday: 'Not today',
  no: 'No',
  whyQuestion: 'Can you tell me why? (You don’t have to.)',
  reason_tired: 'Tired',
  reason_busy_playing: 'Busy playing',
  reason_feeling_sad: 'Feeling sad',
  reason_feeling_shy: 'Feeling shy',
  reason_wants_later: 'Maybe later',
  reason_other: 'Something else',
  okay: 'That’s okay!',
  okayMore: 'No call today is fine.',
  next: 'Next',
  enjoy: 'Have a lovely talk with {parent}!',
  enjoyMore: 'After the call we will answer a few small questions together.',
  checkInFirst: 'Staff: please check in on the hub page first.',
  checkIn: 'Check in',
  feelingNow: 'How do you feel right now?',
  callFeeling: 'How was talking with {parent} today?',
  thermometer: 'How upset do you feel inside? Tap the thermometer.',
  wantsToTalk: 'Do you want to talk to a teacher?',
  talkYes: 'Yes',
  talkNo: 'No thanks',
  face1: 'Very sad',
  face2: 'A bit sad',
  face3: 'Okay',
  face4: 'Happy',
  face5: 'Very happy',
  staffTitle: 'For staff (not for the child)',
  distressSeen: 'Distress seen during the call',
  safetyConcern: 'Safety concern',
  note: 'Note (optional)',
  submit: 'Submit',
  skip: 'Staff: skip the check',
  skipTitle: 'Why skip?',
  skip_child_did_not_want: 'The child did not want to',
  skip_no_time: 'No time',
  skip_technical_problem: 'Technical problem',
  skip_other: 'Other',
  skipConfirm: 'Skip the check',
  thanks: 'Thank you!',
  thanksMore: 'You did really well.',
  done: 'The check for this session is done.',
  notAvailable: 'This step is not possible for this session now ({status}).',
  failed: 'Not saved: {detail}',
  parent: 'Mum or Dad',
  listen: 'Listen',
};
type Key = keyof typeof zh;

const lang = pickLang();
const t = translator(zh, en, lang);
const sessionId = idFromUrl('session') ?? '';
const LEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const MOODS = [1, 2, 3, 4, 5] as const;

interface SessionItem {
  id: string;
  hubId: string;
  childId: string;
  status: string;
}

let socket: Socket<HubsServerToClient, HubsClientToServer> | undefined;
let childName = '';
let current: { status: string; assent: HubSessionView['assent'] } = { status: '', assent: null };
let screen = '';

whenSignedOut(() => void main());
void main();

async function main(): Promise<void> {
  socket?.disconnect();
  if (!auth.token() || auth.who()?.type !== 'user') await staffSignIn(lang);
  const session = await api<SessionItem>('GET', `/sessions/${sessionId}`);
  const child = await api<{ displayName: string }>('GET', `/children/${session.childId}`).catch(() => ({ displayName: '' }));
  childName = child.displayName;
  current = { status: session.status, assent: null };
  follow(session.hubId);
  route();
}

/** The hub's live list says when the call ends (and the assent recorded elsewhere). */
function follow(hubId: string): void {
  const live: Socket<HubsServerToClient, HubsClientToServer> = io(NAMESPACES.hubs, { auth: (send) => send({ token: auth.token() ?? '' }) });
  socket = live;
  live.on('connect', () =>
    live.emit('watch', { hubId }, (result) => {
      const mine = result.ok ? result.sessions.find((s) => s.id === sessionId) : undefined;
      if (mine) update(mine);
    }),
  );
  live.on('session.changed', ({ session }) => session.id === sessionId && update(session));
}

function update(session: Pick<HubSessionView, 'status' | 'assent'>): void {
  const changed = session.status !== current.status || session.assent !== current.assent;
  current = { status: session.status, assent: session.assent };
  if (changed) route();
}

/** Which screen the session's state calls for; screens in progress are not interrupted. */
function route(): void {
  const { status, assent } = current;
  if (['wellbeing', 'thanks', 'why', 'okay'].includes(screen)) return;
  if (status === 'booked') return checkInFirst();
  if (status === 'checked_in' && assent === null) return askAssent();
  if (status === 'checked_in' || status === 'in_call') return enjoy();
  if (status === 'completed' || status === 'declined') return wellbeing(status === 'declined');
  setScreen('closed');
  show(h('div', { class: 'gentle card' }, h('p', {}, t('notAvailable', { status }))));
}

function setScreen(name: string): void {
  screen = name;
  document.body.dataset.screen = name;
}

function checkInFirst(): void {
  setScreen('check-in');
  const message = h('p', { class: 'message' });
  show(
    h(
      'div',
      { class: 'gentle card' },
      h('div', { class: 'big-face' }, face(3, 96)),
      h('p', {}, t('checkInFirst')),
      h(
        'button',
        {
          type: 'button',
          class: 'primary big',
          id: 'kiosk-check-in',
          onclick: async () => {
            try {
              const session = await api<{ status: string }>('POST', `/sessions/${sessionId}/check-in`);
              update({ status: session.status, assent: current.assent });
            } catch (error) {
              message.textContent = failure(error);
            }
          },
        },
        t('checkIn'),
      ),
      message,
    ),
  );
}

function askAssent(): void {
  setScreen('assent');
  const message = h('p', { class: 'message' });
  const question = t('assentQuestion', { parent: t('parent') });
  const choice = (response: 'yes' | 'not_today' | 'no', mood: 1 | 2 | 3 | 4 | 5, word: Key, tone: string) =>
    h(
      'button',
      {
        type: 'button',
        class: `choice ${tone}`,
        'data-assent': response,
        'aria-label': t(word),
        onclick: () => (response === 'yes' ? void sendAssent(response, undefined, message) : askWhy(response)),
      },
      h('span', { class: 'face' }, face(mood, 96)),
      h('span', { class: 'word' }, t(word)),
    );
  show(
    childName ? h('p', { class: 'question' }, t('hello', { name: childName })) : null,
    questionLine(question),
    h('div', { class: 'choices' }, choice('yes', 5, 'yes', 'yes'), choice('not_today', 3, 'notToday', 'maybe'), choice('no', 2, 'no', 'no')),
    message,
  );
}

function askWhy(response: 'not_today' | 'no'): void {
  setScreen('why');
  const message = h('p', { class: 'message' });
  show(
    questionLine(t('whyQuestion')),
    h(
      'div',
      { class: 'choices' },
      ...ASSENT_REASONS.map((reason) =>
        h(
          'button',
          { type: 'button', class: 'choice', 'data-reason': reason, onclick: () => void sendAssent(response, reason, message) },
          h('span', { class: 'face' }, reasonPicture(reason)),
          h('span', { class: 'word' }, t(`reason_${reason}` as Key)),
        ),
      ),
    ),
    h('button', { type: 'button', class: 'big', id: 'no-reason', onclick: () => void sendAssent(response, undefined, message) }, `➡️ ${t('next')}`),
    message,
  );
}

async function sendAssent(response: 'yes' | 'not_today' | 'no', reason: string | undefined, message: HTMLElement): Promise<void> {
  try {
    const session = await api<{ status?: string }>('POST', `/sessions/${sessionId}/assent`, reason ? { response, reason } : { response });
    const status = session?.status ?? (response === 'yes' ? 'checked_in' : 'declined');
    current = { status, assent: response };
    if (response === 'yes') {
      setScreen('enjoy');
      return enjoy();
    }
    setScreen('okay');
    show(
      h(
        'div',
        { class: 'gentle card', id: 'okay' },
        h('div', { class: 'big-face' }, face(4, 96)),
        h('h1', {}, t('okay')),
        h('p', {}, t('okayMore')),
        h('button', { type: 'button', class: 'primary big', id: 'to-check', onclick: () => wellbeing(true) }, `➡️ ${t('next')}`),
      ),
    );
  } catch (error) {
    message.textContent = failure(error);
  }
}

function enjoy(): void {
  setScreen('enjoy');
  show(h('div', { class: 'gentle card', id: 'enjoy' }, h('div', { class: 'big-face' }, face(5, 96)), h('h1', {}, t('enjoy', { parent: t('parent') })), h('p', { class: 'muted' }, t('enjoyMore'))));
}

function wellbeing(afterDecline: boolean): void {
  setScreen('wellbeing');
  const answers: Partial<WellbeingAnswers> = {};
  const steps: (() => void)[] = [];
  let index = 0;
  const next = () => {
    index += 1;
    steps[index]();
  };
  const progress = (at: number, of: number) => h('div', { class: 'progress', 'aria-hidden': 'true' }, ...Array.from({ length: of }, (_, i) => h('span', { class: i <= at ? 'done' : '' })));
  const childSteps = afterDecline ? 3 : 4;
  const skipLink = h('button', { type: 'button', class: 'link', id: 'skip-check', onclick: () => skipCheck() }, t('skip'));

  const faces = (key: 'feelingNow' | 'callFeeling', prompt: string, step: number) => () =>
    show(
      progress(step, childSteps),
      questionLine(prompt),
      h(
        'div',
        { class: 'choices faces', 'data-item': key },
        ...MOODS.map((mood) =>
          h(
            'button',
            { type: 'button', class: 'choice', 'data-value': mood, 'aria-label': t(`face${mood}` as Key), onclick: () => ((answers[key] = mood), next()) },
            h('span', { class: 'face' }, face(mood, 56)),
            h('span', { class: 'word' }, t(`face${mood}` as Key)),
          ),
        ),
      ),
      skipLink,
    );
  steps.push(faces('feelingNow', t('feelingNow'), 0));
  if (!afterDecline) steps.push(faces('callFeeling', t('callFeeling', { parent: t('parent') }), 1));
  steps.push(() =>
    show(
      progress(afterDecline ? 1 : 2, childSteps),
      questionLine(t('thermometer')),
      h(
        'div',
        { class: 'thermometer', 'data-item': 'thermometer' },
        ...LEVELS.map((level) => {
          const bar = h('span', { class: 'level' });
          // Green at the bottom to red at the top; set through the CSSOM (the CSP forbids style attributes).
          bar.style.background = `hsl(${120 - level * 12} 70% 55%)`;
          bar.style.maxWidth = `${20 + level * 8}%`;
          return h(
            'button',
            { type: 'button', 'data-value': level, 'aria-label': String(level), onclick: () => ((answers.thermometer = level), next()) },
            h('span', { class: 'face' }, levelFace(level)),
            bar,
            h('span', { class: 'muted' }, String(level)),
          );
        }),
      ),
      skipLink,
    ),
  );
  steps.push(() =>
    show(
      progress(childSteps - 1, childSteps),
      questionLine(t('wantsToTalk')),
      h(
        'div',
        { class: 'choices', 'data-item': 'wantsToTalk' },
        h('button', { type: 'button', class: 'choice yes', 'data-value': 'true', onclick: () => ((answers.wantsToTalk = true), next()) }, h('span', { class: 'face' }, sign('yes')), h('span', { class: 'word' }, t('talkYes'))),
        h('button', { type: 'button', class: 'choice', 'data-value': 'false', onclick: () => ((answers.wantsToTalk = false), next()) }, h('span', { class: 'face' }, sign('no')), h('span', { class: 'word' }, t('talkNo'))),
      ),
      skipLink,
    ),
  );
  steps.push(() => {
    const observed = observationForm();
    const message = h('p', { class: 'message' });
    show(
      h(
        'form',
        {
          class: 'card stack staff-only',
          id: 'observation',
          onsubmit: async (event: Event) => {
            event.preventDefault();
            await submit(wellbeingBody({ answers: answers as WellbeingAnswers, afterDecline, observation: observed.value() }), message);
          },
        },
        h('h2', {}, `🧑‍🏫 ${t('staffTitle')}`),
        ...observed.fields,
        h('button', { type: 'submit', class: 'primary big', id: 'submit-check' }, t('submit')),
        message,
      ),
    );
  });
  steps[0]();
}

function observationForm() {
  const distress = h('input', { type: 'checkbox', id: 'distress-seen' });
  const safety = h('input', { type: 'checkbox', id: 'safety-concern' });
  const note = h('textarea', { id: 'note', maxlength: 2000 });
  return {
    fields: [
      h('label', { class: 'check' }, distress, t('distressSeen')),
      h('label', { class: 'check' }, safety, t('safetyConcern')),
      h('label', { for: 'note' }, t('note')),
      note,
    ],
    value: () => ({ distressSeen: distress.checked, safetyConcern: safety.checked, ...(note.value.trim() ? { note: note.value.trim() } : {}) }),
  };
}

function skipCheck(): void {
  setScreen('wellbeing');
  const reason = h('select', { id: 'skip-reason' }, ...SKIP_REASONS.map((r) => h('option', { value: r }, t(`skip_${r}` as Key))));
  const observed = observationForm();
  const message = h('p', { class: 'message' });
  show(
    h(
      'form',
      {
        class: 'card stack staff-only',
        id: 'skip-form',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          await submit(wellbeingBody({ skipReason: reason.value as (typeof SKIP_REASONS)[number], observation: observed.value() }), message);
        },
      },
      h('h2', {}, `🧑‍🏫 ${t('skipTitle')}`),
      reason,
      ...observed.fields,
      h('button', { type: 'submit', class: 'big' }, t('skipConfirm')),
      message,
    ),
  );
}

async function submit(body: unknown, message: HTMLElement): Promise<void> {
  try {
    await api('POST', `/sessions/${sessionId}/wellbeing-check`, body);
    setScreen('thanks');
    show(h('div', { class: 'gentle card', id: 'thanks' }, h('div', { class: 'big-face' }, face(5, 96)), h('h1', {}, t('thanks')), h('p', {}, t('thanksMore'))));
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && /already|exists|one per/i.test(error.detail)) {
      setScreen('thanks');
      show(h('div', { class: 'gentle card', id: 'thanks' }, h('p', {}, t('done'))));
      return;
    }
    message.textContent = failure(error);
  }
}

/** The question in big letters with a speaker button that reads it aloud (when the device can). */
function questionLine(text: string): HTMLElement {
  const canSpeak = 'speechSynthesis' in window;
  return h(
    'p',
    { class: 'question' },
    text,
    ' ',
    canSpeak
      ? h(
          'button',
          {
            type: 'button',
            class: 'speak',
            'aria-label': t('listen'),
            onclick: () => {
              const utterance = new SpeechSynthesisUtterance(text);
              utterance.lang = lang === 'en' ? 'en-GB' : 'zh-CN';
              utterance.rate = 0.9;
              speechSynthesis.cancel();
              speechSynthesis.speak(utterance);
            },
          },
          speaker(),
        )
      : null,
  );
}

function failure(error: unknown): string {
  return t('failed', { detail: error instanceof ApiError ? error.detail : String(error) });
}
