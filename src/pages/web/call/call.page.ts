// The guardian's call page: sign in with phone + code, see upcoming calls, wait to be let in, talk.
import type { CallSessionView } from '@app/realtime-protocol';
import { api, ApiError, auth, idFromUrl, whenSignedOut, type Page } from '../lib/api';
import { CallClient } from '../lib/call-client';
import { callView } from '../lib/call-view';
import { formatInstant, h, show } from '../lib/dom';
import { pickLang, translator } from '../lib/i18n';
import { guardianSignIn, staffSignIn } from '../lib/sign-in';
import '../styles.css';

const zh = {
  title: '和孩子视频通话',
  upcoming: '接下来的通话',
  none: '现在没有安排通话。',
  join: '进入通话',
  signOut: '退出登录',
  refresh: '刷新',
  waitingTitle: '请稍等',
  waiting: '站点的老师很快会让你进来。请保持这个页面打开。',
  connecting: '正在连接…',
  reconnecting: '网络断了，正在重新连接…',
  waitingVideo: '正在接通视频…',
  mute: '静音',
  unmute: '打开声音',
  cameraOff: '关摄像头',
  cameraOn: '开摄像头',
  leave: '离开',
  endedTitle: '通话结束了',
  ended: '谢谢你今天打电话。孩子会记得的。',
  notTodayTitle: '今天孩子不想通话',
  notToday: '这很正常，不是谁的错。站点的老师会陪着孩子。下次再约一个时间吧。',
  removed: '老师请你先等一下。',
  noCamera: '没有打开摄像头：孩子看不到你，但能听到你（如果麦克风打开）。',
  back: '返回',
  statusBooked: '已预约',
  statusCheckedIn: '孩子已到站点',
  statusInCall: '通话中',
  statusDeclined: '今天不通话',
  statusCompleted: '已结束',
  statusCancelled: '已取消',
  staffLink: '工作人员或心理老师？用邮箱登录',
  advice: '心理老师的建议：{advice}',
  guardianLink: '家长？用手机号登录',
  cannotJoin: '现在还不能进入：{detail}',
  problem: '出了点问题：{detail}',
};
const en: typeof zh = {
  title: 'Video call with your child',
  upcoming: 'Your next calls',
  none: 'No calls are planned right now.',
  join: 'Join the call',
  signOut: 'Sign out',
  refresh: 'Refresh',
  waitingTitle: 'Please wait a moment',
  waiting: 'The hub will let you in soon. Keep this page open.',
  connecting: 'Connecting…',
  reconnecting: 'The network dropped. Reconnecting…',
  waitingVideo: 'Connecting the video…',
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Camera off',
  cameraOn: 'Camera on',
  leave: 'Leave',
  endedTitle: 'The call has ended',
  ended: 'Thank you for calling today. Your child will remember it.',
  notTodayTitle: 'Your child does not want to talk today',
  notToday: 'That is normal and nobody’s fault. The hub staff are with your child. Let’s find another time.',
  removed: 'The hub asked you to wait a moment.',
  noCamera: 'Your camera is off: your child cannot see you, but can hear you if the microphone works.',
  back: 'Back',
  statusBooked: 'Booked',
  statusCheckedIn: 'Your child is at the hub',
  statusInCall: 'In a call',
  statusDeclined: 'No call today',
  statusCompleted: 'Finished',
  statusCancelled: 'Cancelled',
  staffLink: 'Staff or counselor? Sign in with email',
  advice: 'The counselor’s advice: {advice}',
  guardianLink: 'Parent? Sign in with your phone',
  cannotJoin: 'You cannot join yet: {detail}',
  problem: 'Something went wrong: {detail}',
};

const lang = pickLang();
const t = translator(zh, en, lang);

interface SessionItem {
  id: string;
  childId: string;
  status: string;
  kind: 'supervised' | 'mediated';
  supervisorId: string;
  counselorId: string | null;
  startsAt: string;
  endsAt: string;
  guardianLocal: { start: string; end: string; timeZone: string };
}

const STATUS_TEXT: Record<string, keyof typeof zh> = {
  booked: 'statusBooked',
  checked_in: 'statusCheckedIn',
  in_call: 'statusInCall',
  declined: 'statusDeclined',
  completed: 'statusCompleted',
  cancelled: 'statusCancelled',
};
const JOINABLE = new Set(['booked', 'checked_in', 'in_call']);

whenSignedOut(() => void main());
void main();

async function main(): Promise<void> {
  if (!auth.token()) await signIn('guardian');
  const direct = idFromUrl('session');
  if (direct) return join(direct);
  await listSessions();
}

/**
 * Parents sign in with their phone; a counselor (a mediated call) or a staff member may use this
 * page too, with their email: the list then shows the calls they take part in.
 */
async function signIn(as: 'guardian' | 'staff'): Promise<void> {
  const other = h('button', { type: 'button', class: 'link', id: 'switch-sign-in' }, as === 'guardian' ? t('staffLink') : t('guardianLink'));
  const switched = new Promise<'switch'>((resolve) => other.addEventListener('click', () => resolve('switch')));
  const signedIn = as === 'guardian' ? guardianSignIn(lang) : staffSignIn(lang);
  document.getElementById('app')?.append(other);
  if ((await Promise.race([signedIn, switched])) === 'switch') return signIn(as === 'guardian' ? 'staff' : 'guardian');
}

async function listSessions(): Promise<void> {
  const from = new Date(Date.now() - 6 * 3600_000).toISOString();
  const [page, children] = await Promise.all([
    api<Page<SessionItem>>('GET', `/sessions?from=${encodeURIComponent(from)}&pageSize=50`),
    // Names (and, for parents, the counselor's advice) of the children; the list works without them.
    api<Page<ChildItem>>('GET', '/children?pageSize=100').catch(() => ({ items: [] as ChildItem[] })),
  ]);
  const childOf = new Map(children.items.map((child) => [child.id, child]));
  const me = auth.who();
  const mine = (s: SessionItem) => me?.type !== 'user' || s.supervisorId === me.id || s.counselorId === me.id;
  const items = page.items.filter((s) => mine(s) && (JOINABLE.has(s.status) || s.status === 'declined'));
  show(
    h('div', { class: 'bar' }, h('h1', {}, t('title')), h('button', { type: 'button', class: 'link', onclick: signOut }, t('signOut'))),
    h('h2', {}, t('upcoming')),
    items.length === 0 ? h('p', { class: 'card' }, t('none')) : h('ul', { class: 'list', id: 'sessions' }, ...items.map((s) => sessionRow(s, childOf.get(s.childId)))),
    h('button', { type: 'button', class: 'big', onclick: () => void listSessions() }, `↻ ${t('refresh')}`),
  );
}

interface ChildItem {
  id: string;
  displayName: string;
  adviceForParent?: string | null;
}

function sessionRow(session: SessionItem, child: ChildItem | undefined): HTMLElement {
  const statusKey = STATUS_TEXT[session.status];
  const when = formatInstant(session.startsAt, session.guardianLocal.timeZone, lang);
  return h(
    'li',
    { 'data-session': session.id },
    h('p', {}, h('strong', {}, child ? `${child.displayName} · ${when}` : when)),
    child?.adviceForParent ? h('p', { class: 'muted advice' }, t('advice', { advice: child.adviceForParent })) : null,
    h('p', { class: 'muted' }, statusKey ? t(statusKey) : session.status),
    session.status === 'declined'
      ? h('button', { type: 'button', class: 'big', onclick: () => notToday() }, t('statusDeclined'))
      : h('button', { type: 'button', class: 'primary big join', onclick: () => void join(session.id) }, `📞 ${t('join')}`),
  );
}

async function join(sessionId: string): Promise<void> {
  show(h('div', { class: 'gentle' }, h('p', {}, t('connecting'))));
  let view: ReturnType<typeof callView> | undefined;
  let admitted = false;
  const linkNote = h('p', { class: 'muted', id: 'link-state' });
  const notice = h('p', { class: 'message', role: 'status' });
  const client: CallClient = new CallClient(sessionId, {
    welcome: (self, session) => {
      if (declined(session)) return notToday(client);
      admitted = self.state === 'admitted';
      admitted ? inCall() : waiting();
    },
    presence: () => undefined,
    admitted: () => {
      admitted = true;
      inCall();
    },
    removed: () => {
      admitted = false;
      waiting(t('removed'));
    },
    status: (session) => {
      if (declined(session)) notToday(client);
    },
    ended: (reason, session) => (reason === 'declined' || (session && declined(session)) ? notToday() : ended()),
    refused: (error) => {
      const status = typeof error.body.currentStatus === 'string' ? error.body.currentStatus : '';
      if (status === 'declined') return notToday();
      if (status === 'completed') return ended();
      show(h('div', { class: 'gentle card' }, h('p', {}, t('cannotJoin', { detail: error.detail })), backButton()));
    },
    problem: (problem) => {
      notice.textContent = t('problem', { detail: problem.detail });
    },
    remoteStream: (id, stream) => view?.setRemote(id, stream),
    peerState: (_id, state) => {
      document.body.dataset.peer = state;
    },
    link: (state) => {
      document.body.dataset.link = state;
      linkNote.textContent = state === 'reconnecting' ? t('reconnecting') : state === 'connecting' ? t('connecting') : '';
    },
    media: (stream, error) => {
      view?.setLocal(stream);
      if (error) notice.textContent = t('noCamera');
    },
  });
  // One leave button per screen (a DOM node lives in one place only).
  const leaveButton = () =>
    h(
      'button',
      {
        type: 'button',
        class: 'danger leave',
        onclick: async () => {
          await client.leave();
          await listSessions();
        },
      },
      `👋 ${t('leave')}`,
    );
  view = callView(client, { mute: t('mute'), unmute: t('unmute'), cameraOff: t('cameraOff'), cameraOn: t('cameraOn'), waitingVideo: t('waitingVideo') }, [leaveButton()]);

  function waiting(extra?: string): void {
    document.body.dataset.screen = 'waiting';
    show(
      h('div', { class: 'gentle card', id: 'waiting-room' }, h('div', { class: 'big-face' }, '⏳'), h('h1', {}, t('waitingTitle')), h('p', {}, extra ?? t('waiting'))),
      linkNote,
      notice,
      h('div', { class: 'controls' }, leaveButton()),
    );
  }
  function inCall(): void {
    if (!view) return;
    document.body.dataset.screen = 'call';
    show(view.element, linkNote, notice);
  }

  try {
    await client.start();
  } catch (error) {
    if (!(error instanceof ApiError)) show(h('div', { class: 'gentle card' }, h('p', {}, t('problem', { detail: String(error) })), backButton()));
  }
}

function declined(session: CallSessionView): boolean {
  return session.status === 'declined' || (session.assent !== null && session.assent !== 'yes');
}

function notToday(client?: CallClient): void {
  client?.finish();
  document.body.dataset.screen = 'not-today';
  show(h('div', { class: 'gentle card', id: 'not-today' }, h('div', { class: 'big-face' }, '🌱'), h('h1', {}, t('notTodayTitle')), h('p', {}, t('notToday')), backButton()));
}

function ended(): void {
  document.body.dataset.screen = 'ended';
  show(h('div', { class: 'gentle card', id: 'ended' }, h('div', { class: 'big-face' }, '💛'), h('h1', {}, t('endedTitle')), h('p', {}, t('ended')), backButton()));
}

function backButton(): HTMLElement {
  return h('button', { type: 'button', class: 'big', onclick: () => void listSessions() }, t('back'));
}

function signOut(): void {
  auth.clear();
  void main();
}
