// The counselor's inbox: open alerts live from /counselors (backlog on every connect, then
// created/updated/escalated notices), acknowledge, follow up, resolve, and a child's timeline.
import type { AlertView, CounselorsClientToServer, CounselorsServerToClient } from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError, auth, whenSignedOut, type Page } from '../lib/api';
import { formatInstant, h, show } from '../lib/dom';
import { pickLang, translator } from '../lib/i18n';
import { staffSignIn } from '../lib/sign-in';
import { FOLLOW_UP_ACTIONS, scoreSeries, timelineEntry, type TimelineItem } from './timeline-model';
import { scoreChart } from './score-chart';
import { isSignedOut, refusalOf } from '../lib/socket-refusal';
import '../styles.css';

const zh = {
  title: '提醒',
  none: '没有待处理的提醒。',
  live: '实时',
  offline: '连接中断，正在重连…',
  signOut: '退出',
  high: '紧急',
  normal: '一般',
  open: '未处理',
  acknowledged: '已确认',
  resolved: '已解决',
  escalated: '已升级',
  due: '截止 {at}',
  acknowledge: '确认收到',
  followUp: '记录跟进',
  resolve: '解决',
  timeline: '孩子的记录',
  action: '做了什么',
  note: '备注',
  outcome: '结果',
  save: '保存',
  saved: '已保存',
  failed: '没做成：{detail}',
  close: '关闭',
  rule_help_requested: '孩子想找人聊 / 安全担心',
  rule_persistent_distress: '持续难受',
  rule_repeated_declines: '连续不想通话',
  rule_declining_trend: '情绪在下降',
  action_called_guardian: '给家长打了电话',
  action_met_child: '见了孩子',
  action_mediated_call_booked: '约了陪同通话',
  action_referred: '转介',
  action_call_plan_changed: '调整了通话计划',
  action_other: '其他',
  chartTitle: '每次问卷的分数',
  feeling: '现在的感受 (1–5)',
  callFeeling: '通话感受 (1–5)',
  thermometer: '难受温度计 (0–10)',
  empty: '还没有记录。',
  signInCounselor: '这个页面给心理老师使用。',
  type_session: '通话',
  type_assent: '孩子的回答',
  type_wellbeing_check: '感受问卷',
  type_alert: '提醒',
  type_follow_up: '跟进',
  type_call_plan_change: '通话计划',
};
const en: typeof zh = {
  title: 'Alerts',
  none: 'No open alerts.',
  live: 'live',
  offline: 'Connection lost, reconnecting…',
  signOut: 'Sign out',
  high: 'high',
  normal: 'normal',
  open: 'open',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
  escalated: 'escalated',
  due: 'due {at}',
  acknowledge: 'Acknowledge',
  followUp: 'Add follow-up',
  resolve: 'Resolve',
  timeline: 'Child’s timeline',
  action: 'What was done',
  note: 'Note',
  outcome: 'Outcome',
  save: 'Save',
  saved: 'Saved',
  failed: 'Did not work: {detail}',
  close: 'Close',
  rule_help_requested: 'Asked for help / safety concern',
  rule_persistent_distress: 'Persistent distress',
  rule_repeated_declines: 'Repeated declines',
  rule_declining_trend: 'Declining trend',
  action_called_guardian: 'Called the guardian',
  action_met_child: 'Met the child',
  action_mediated_call_booked: 'Booked a mediated call',
  action_referred: 'Referred',
  action_call_plan_changed: 'Changed the call plan',
  action_other: 'Other',
  chartTitle: 'Check scores over time',
  feeling: 'Feeling now (1–5)',
  callFeeling: 'Call feeling (1–5)',
  thermometer: 'Thermometer (0–10)',
  empty: 'Nothing recorded yet.',
  signInCounselor: 'This page is for counselors.',
  type_session: 'Session',
  type_assent: 'Child’s answer',
  type_wellbeing_check: 'Wellbeing check',
  type_alert: 'Alert',
  type_follow_up: 'Follow-up',
  type_call_plan_change: 'Call plan',
};
type Key = keyof typeof zh;

const lang = pickLang();
const t = translator(zh, en, lang);
const alerts = new Map<string, AlertView>();
const fresh = new Set<string>();
let socket: Socket<CounselorsServerToClient, CounselorsClientToServer> | undefined;
let list: HTMLElement | undefined;
let panel: HTMLElement | undefined;

whenSignedOut(() => void main());
void main();

async function main(): Promise<void> {
  socket?.disconnect();
  if (!auth.token() || auth.who()?.type !== 'user') {
    auth.clear();
    await staffSignIn(lang);
  }
  const state = h('span', { class: 'badge', id: 'live' }, '…');
  list = h('ul', { class: 'list', id: 'alerts' });
  panel = h('section', { id: 'panel' });
  show(
    h('div', { class: 'bar' }, h('h1', {}, t('title')), state, h('button', { type: 'button', class: 'link', onclick: () => (auth.clear(), void main()) }, t('signOut'))),
    panel,
    list,
  );
  render();
  const live: Socket<CounselorsServerToClient, CounselorsClientToServer> = io(NAMESPACES.counselors, { auth: (send) => send({ token: auth.token() ?? '' }) });
  socket = live;
  live.on('connect', () => (state.textContent = t('live')));
  live.on('disconnect', () => (state.textContent = t('offline')));
  live.on('connect_error', (error) => {
    const refused = refusalOf(error);
    if (refused && isSignedOut(refused)) return void (auth.clear(), main());
    if (refused) return void (state.textContent = refused.code === 'FORBIDDEN' ? t('signInCounselor') : refused.detail);
    state.textContent = t('offline');
    if (!live.active) setTimeout(() => live.connect(), 2000);
  });
  live.on('alert.backlog', ({ alerts: backlog }) => {
    alerts.clear();
    for (const alert of backlog) alerts.set(alert.id, alert);
    render();
  });
  const upsert = ({ alert }: { alert: AlertView }) => {
    fresh.add(alert.id);
    alerts.set(alert.id, alert);
    render();
  };
  live.on('alert.created', upsert);
  live.on('alert.updated', upsert);
  live.on('alert.escalated', upsert);
}

function render(): void {
  if (!list) return;
  const shown = [...alerts.values()]
    .filter((a) => a.status !== 'resolved')
    .sort((a, b) => (a.severity === b.severity ? a.dueBy.localeCompare(b.dueBy) : a.severity === 'high' ? -1 : 1));
  list.replaceChildren(...(shown.length ? shown.map(row) : [h('li', { class: 'muted', id: 'no-alerts' }, t('none'))]));
}

function row(alert: AlertView): HTMLElement {
  const message = h('p', { class: 'message' });
  const run = (action: () => Promise<AlertView | void>) => async () => {
    message.textContent = '';
    try {
      const updated = await action();
      if (updated && 'id' in updated) {
        alerts.set(updated.id, { ...alerts.get(updated.id)!, ...updated });
        render();
      }
    } catch (error) {
      message.textContent = t('failed', { detail: error instanceof ApiError ? error.detail : String(error) });
    }
  };
  return h(
    'li',
    { 'data-alert': alert.id, 'data-status': alert.status, class: fresh.has(alert.id) ? 'fresh' : '' },
    h(
      'div',
      { class: 'row spread' },
      h('strong', {}, alert.childName),
      h(
        'span',
        { class: 'row' },
        h('span', { class: `badge ${alert.severity === 'high' ? 'high' : ''}` }, t(alert.severity)),
        h('span', { class: 'badge' }, t(alert.status)),
        alert.escalatedAt ? h('span', { class: 'badge high' }, t('escalated')) : null,
      ),
    ),
    h('p', {}, ruleName(alert.rule)),
    h('p', { class: 'muted' }, alert.reason),
    h('p', { class: 'muted' }, t('due', { at: formatInstant(alert.dueBy, undefined, lang) })),
    h(
      'div',
      { class: 'row' },
      alert.status === 'open'
        ? h('button', { type: 'button', class: 'primary', 'data-action': 'acknowledge', onclick: run(() => api<AlertView>('POST', `/alerts/${alert.id}/acknowledge`)) }, t('acknowledge'))
        : null,
      h('button', { type: 'button', 'data-action': 'follow-up', onclick: () => followUpForm(alert) }, t('followUp')),
      h('button', { type: 'button', 'data-action': 'resolve', onclick: () => resolveForm(alert) }, t('resolve')),
      h('button', { type: 'button', 'data-action': 'timeline', onclick: () => void openTimeline(alert) }, t('timeline')),
    ),
    message,
  );
}

function ruleName(rule: string): string {
  const key = `rule_${rule}` as Key;
  return key in zh ? t(key) : rule;
}

function form(title: string, fields: HTMLElement[], send: () => Promise<unknown>): void {
  if (!panel) return;
  const message = h('p', { class: 'message' });
  panel.replaceChildren(
    h(
      'form',
      {
        class: 'card stack',
        id: 'alert-form',
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            const updated = await send();
            if (updated && typeof updated === 'object' && 'id' in updated && 'status' in updated) {
              const alert = updated as AlertView;
              alerts.set(alert.id, { ...alerts.get(alert.id)!, ...alert });
              render();
            }
            panel?.replaceChildren(h('p', { class: 'card', id: 'saved' }, t('saved')));
          } catch (error) {
            message.textContent = t('failed', { detail: error instanceof ApiError ? error.detail : String(error) });
          }
        },
      },
      h('h2', {}, title),
      ...fields,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, t('save')), h('button', { type: 'button', onclick: () => panel?.replaceChildren() }, t('close'))),
      message,
    ),
  );
}

function followUpForm(alert: AlertView): void {
  const action = h('select', { id: 'follow-up-action' }, ...FOLLOW_UP_ACTIONS.map((a) => h('option', { value: a }, t(`action_${a}` as Key))));
  const note = h('textarea', { id: 'follow-up-note', maxlength: 2000, required: true });
  form(`${t('followUp')} · ${alert.childName}`, [h('label', { for: 'follow-up-action' }, t('action')), action, h('label', { for: 'follow-up-note' }, t('note')), note], () =>
    api('POST', `/alerts/${alert.id}/follow-ups`, { action: action.value, note: note.value.trim() }),
  );
}

function resolveForm(alert: AlertView): void {
  const outcome = h('textarea', { id: 'resolve-outcome', maxlength: 2000, required: true });
  form(`${t('resolve')} · ${alert.childName}`, [h('label', { for: 'resolve-outcome' }, t('outcome')), outcome], () =>
    api('POST', `/alerts/${alert.id}/resolve`, { outcome: outcome.value.trim() }),
  );
}

async function openTimeline(alert: AlertView): Promise<void> {
  if (!panel) return;
  try {
    const page = await api<Page<TimelineItem>>('GET', `/children/${alert.childId}/timeline?pageSize=100`);
    const series = scoreSeries(page.items);
    panel.replaceChildren(
      h(
        'div',
        { class: 'card stack', id: 'timeline' },
        h('div', { class: 'row spread' }, h('h2', {}, `${t('timeline')} · ${alert.childName}`), h('button', { type: 'button', onclick: () => panel?.replaceChildren() }, t('close'))),
        series.points.length ? scoreChart(series, { title: t('chartTitle'), feeling: t('feeling'), callFeeling: t('callFeeling'), thermometer: t('thermometer') }, lang) : null,
        page.items.length
          ? h(
              'ul',
              { class: 'list' },
              ...page.items.map((item) => {
                const entry = timelineEntry(item);
                const typeKey = `type_${entry.type}` as Key;
                return h(
                  'li',
                  { 'data-type': entry.type },
                  h('p', { class: 'row spread' }, h('span', { class: 'badge' }, typeKey in zh ? t(typeKey) : entry.type), h('span', { class: 'muted' }, formatInstant(entry.at, undefined, lang))),
                  entry.summary ? h('p', {}, entry.summary) : null,
                );
              }),
            )
          : h('p', {}, t('empty')),
      ),
    );
  } catch (error) {
    panel.replaceChildren(h('p', { class: 'message' }, t('failed', { detail: error instanceof ApiError ? error.detail : String(error) })));
  }
}
