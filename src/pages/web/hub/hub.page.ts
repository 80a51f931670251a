// The hub's page for staff: today's sessions live from /hubs; check in, open the child's kiosk,
// supervise the call (waiting room, admit/remove, video, end).
import type { CallParticipant, HubSessionView, HubsClientToServer, HubsServerToClient } from '@app/realtime-protocol';
import { NAMESPACES } from '@app/realtime-protocol';
import { io, type Socket } from 'socket.io-client';
import { api, ApiError, auth, whenSignedOut, type Page } from '../lib/api';
import { CallClient } from '../lib/call-client';
import { callView } from '../lib/call-view';
import { formatTime, h, show } from '../lib/dom';
import { pickLang, translator } from '../lib/i18n';
import { staffSignIn } from '../lib/sign-in';
import { isSignedOut, refusalOf } from '../lib/socket-refusal';
import '../styles.css';

const zh = {
  title: '今天的通话',
  pickHub: '选择站点',
  none: '今天没有通话。',
  checkIn: '签到',
  kiosk: '打开孩子的平板页面',
  joinCall: '进入通话（监护）',
  signOut: '退出',
  guardianWaiting: '家长在等候',
  assentYes: '孩子同意',
  assentNotToday: '今天不要',
  assentNo: '不要',
  assentNone: '还没问孩子',
  waitingRoom: '等候室',
  inCall: '通话中',
  admit: '让他进来',
  remove: '请他等一下',
  end: '结束通话',
  back: '返回列表',
  mute: '静音',
  unmute: '打开声音',
  cameraOff: '关摄像头',
  cameraOn: '开摄像头',
  waitingVideo: '等家长进来…',
  nobodyWaiting: '还没有人在等候。',
  ended: '通话已结束。请打开孩子的平板做一下感受小问卷。',
  refused: '不能进入通话：{detail}',
  failed: '没做成：{detail}',
  live: '实时',
  offline: '连接中断，正在重连…',
  roleGuardian: '家长',
  roleSupervisor: '老师',
  roleCounselor: '心理老师',
  statusBooked: '已预约',
  statusCheckedIn: '已签到',
  statusInCall: '通话中',
  statusDeclined: '孩子今天不通话',
  statusCompleted: '已结束',
  statusCancelled: '已取消',
  statusNoShowGuardian: '家长没来',
  statusNoShowChild: '孩子没来',
};
const en: typeof zh = {
  title: 'Today’s calls',
  pickHub: 'Choose a hub',
  none: 'No calls today.',
  checkIn: 'Check in',
  kiosk: 'Open the child’s kiosk',
  joinCall: 'Join the call (supervise)',
  signOut: 'Sign out',
  guardianWaiting: 'Parent waiting',
  assentYes: 'Child said yes',
  assentNotToday: 'Not today',
  assentNo: 'No',
  assentNone: 'Not asked yet',
  waitingRoom: 'Waiting room',
  inCall: 'In the call',
  admit: 'Let in',
  remove: 'Send back to wait',
  end: 'End call',
  back: 'Back to the list',
  mute: 'Mute',
  unmute: 'Unmute',
  cameraOff: 'Camera off',
  cameraOn: 'Camera on',
  waitingVideo: 'Waiting for the parent…',
  nobodyWaiting: 'Nobody is waiting yet.',
  ended: 'The call has ended. Please open the child’s kiosk for the wellbeing check.',
  refused: 'Cannot join the call: {detail}',
  failed: 'Did not work: {detail}',
  live: 'live',
  offline: 'Connection lost, reconnecting…',
  roleGuardian: 'Parent',
  roleSupervisor: 'Staff',
  roleCounselor: 'Counselor',
  statusBooked: 'Booked',
  statusCheckedIn: 'Checked in',
  statusInCall: 'In call',
  statusDeclined: 'Child declined today',
  statusCompleted: 'Finished',
  statusCancelled: 'Cancelled',
  statusNoShowGuardian: 'Parent did not come',
  statusNoShowChild: 'Child did not come',
};
type Key = keyof typeof zh;

const lang = pickLang();
const t = translator(zh, en, lang);
const HUB_KEY = 'kinbridge.hubId';
const STATUS: Record<string, Key> = {
  booked: 'statusBooked',
  checked_in: 'statusCheckedIn',
  in_call: 'statusInCall',
  declined: 'statusDeclined',
  completed: 'statusCompleted',
  cancelled: 'statusCancelled',
  no_show_guardian: 'statusNoShowGuardian',
  no_show_child: 'statusNoShowChild',
};
const ASSENT: Record<string, Key> = { yes: 'assentYes', not_today: 'assentNotToday', no: 'assentNo' };
const ROLE: Record<string, Key> = { guardian: 'roleGuardian', supervisor: 'roleSupervisor', counselor: 'roleCounselor' };

interface HubItem {
  id: string;
  name: string;
  timeZone: string;
}

let hubSocket: Socket<HubsServerToClient, HubsClientToServer> | undefined;
const sessions = new Map<string, HubSessionView>();
let timeZone: string | undefined;
let listRoot: HTMLElement | undefined;
let activeCall: { sessionId: string; onHubChange(session: HubSessionView): void } | undefined;

whenSignedOut(() => void main());
void main();

async function main(): Promise<void> {
  hubSocket?.disconnect();
  if (!auth.token() || auth.who()?.type !== 'user') {
    auth.clear();
    await staffSignIn(lang);
  }
  const hubId = await chooseHub();
  watch(hubId);
}

async function chooseHub(): Promise<string> {
  const saved = sessionStorage.getItem(HUB_KEY);
  const hubs = (await api<Page<HubItem>>('GET', '/hubs?pageSize=100')).items;
  if (saved && hubs.some((hub) => hub.id === saved)) return saved;
  if (hubs.length === 1) return remember(hubs[0].id);
  return new Promise((done) => {
    show(
      h('h1', {}, t('pickHub')),
      h('ul', { class: 'list' }, ...hubs.map((hub) => h('li', {}, h('button', { type: 'button', class: 'big', onclick: () => done(remember(hub.id)) }, hub.name)))),
    );
  });
}

function remember(hubId: string): string {
  sessionStorage.setItem(HUB_KEY, hubId);
  return hubId;
}

function watch(hubId: string): void {
  const state = h('span', { class: 'badge', id: 'live' }, '…');
  listRoot = h('ul', { class: 'list', id: 'sessions' });
  show(
    h(
      'div',
      { class: 'bar' },
      h('h1', {}, t('title')),
      state,
      h('button', { type: 'button', class: 'link', onclick: () => (auth.clear(), sessionStorage.removeItem(HUB_KEY), void main()) }, t('signOut')),
    ),
    listRoot,
  );
  const socket: Socket<HubsServerToClient, HubsClientToServer> = io(NAMESPACES.hubs, { auth: (send) => send({ token: auth.token() ?? '' }) });
  hubSocket = socket;
  socket.on('connect', () => {
    state.textContent = t('live');
    socket.emit('watch', { hubId }, (result) => {
      if (!result.ok) {
        state.textContent = result.problem.detail;
        return;
      }
      timeZone = result.timeZone;
      sessions.clear();
      for (const session of result.sessions) sessions.set(session.id, session);
      renderList();
    });
  });
  socket.on('disconnect', () => (state.textContent = t('offline')));
  socket.on('connect_error', (error) => {
    const refused = refusalOf(error);
    if (refused && isSignedOut(refused)) return void (auth.clear(), main());
    if (refused) return void (state.textContent = refused.detail);
    state.textContent = t('offline');
    if (!socket.active) setTimeout(() => socket.connect(), 2000);
  });
  socket.on('session.changed', ({ session }) => {
    sessions.set(session.id, session);
    activeCall?.sessionId === session.id && activeCall.onHubChange(session);
    renderRow(session);
  });
}

function renderList(): void {
  if (!listRoot) return;
  const rows = [...sessions.values()].sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  listRoot.replaceChildren(...(rows.length ? rows.map(row) : [h('li', {}, t('none'))]));
}

function renderRow(session: HubSessionView): void {
  const existing = listRoot?.querySelector(`[data-session="${session.id}"]`);
  if (existing) existing.replaceWith(row(session));
  else renderList();
}

function row(session: HubSessionView): HTMLElement {
  const message = h('p', { class: 'message' });
  const act = (label: string, kind: string, action: () => Promise<unknown>, primary = false) =>
    h(
      'button',
      {
        type: 'button',
        class: primary ? 'primary' : '',
        'data-action': kind,
        onclick: async (event: Event) => {
          const button = event.currentTarget as HTMLButtonElement;
          button.disabled = true;
          message.textContent = '';
          try {
            await action();
          } catch (error) {
            message.textContent = t('failed', { detail: error instanceof ApiError ? error.detail : String(error) });
          } finally {
            button.disabled = false;
          }
        },
      },
      label,
    );
  const actions: HTMLElement[] = [];
  if (session.status === 'booked') actions.push(act(`✅ ${t('checkIn')}`, 'check-in', () => checkIn(session.id), true));
  if (['booked', 'checked_in', 'declined', 'completed', 'in_call'].includes(session.status)) {
    actions.push(act(`🧒 ${t('kiosk')}`, 'kiosk', async () => void window.open(`/pages/kiosk?session=${session.id}${lang === 'en' ? '&lang=en' : ''}`, `kiosk-${session.id}`)));
  }
  if (['checked_in', 'in_call'].includes(session.status)) actions.push(act(`🎥 ${t('joinCall')}`, 'join', async () => supervise(session), true));
  return h(
    'li',
    { 'data-session': session.id, 'data-status': session.status },
    h(
      'div',
      { class: 'row spread' },
      h('strong', {}, `${formatTime(session.startsAt, timeZone, lang)}–${formatTime(session.endsAt, timeZone, lang)} · ${session.childName}`),
      h('span', { class: 'badge status' }, t(STATUS[session.status] ?? 'statusBooked')),
    ),
    h('p', { class: 'muted' }, `${session.guardianName} · ${session.stationName} · ${t(session.assent ? ASSENT[session.assent] : 'assentNone')}`),
    session.guardianWaiting ? h('p', {}, h('span', { class: 'badge waiting', 'data-waiting': 'true' }, `⏳ ${t('guardianWaiting')}`)) : null,
    h('div', { class: 'row' }, ...actions),
    message,
  );
}

async function checkIn(sessionId: string): Promise<void> {
  const updated = await api<{ status: string }>('POST', `/sessions/${sessionId}/check-in`);
  const known = sessions.get(sessionId);
  if (known && updated?.status) renderRow({ ...known, status: updated.status });
}

function supervise(session: HubSessionView): void {
  const people = h('ul', { class: 'list', id: 'participants' });
  const notice = h('p', { class: 'message', role: 'status' });
  let participants: CallParticipant[] = [];
  let selfId = '';
  const client: CallClient = new CallClient(session.id, {
    welcome: (self, _session, list) => {
      selfId = self.participantId;
      participants = list;
      renderPeople();
    },
    presence: (list) => {
      participants = list;
      renderPeople();
    },
    admitted: () => undefined,
    removed: () => undefined,
    status: () => undefined,
    ended: () => closeCall(t('ended')),
    refused: (error) => closeCall(t('refused', { detail: error.detail })),
    problem: (problem) => (notice.textContent = t('failed', { detail: problem.detail })),
    remoteStream: (id, stream) => view.setRemote(id, stream),
    peerState: (_id, state) => (document.body.dataset.peer = state),
    link: (state) => (document.body.dataset.link = state),
    media: (stream) => view.setLocal(stream),
  });
  const end = h('button', { type: 'button', class: 'danger', id: 'end-call' }, `⏹ ${t('end')}`);
  end.addEventListener('click', async () => {
    end.disabled = true;
    const result = await client.end();
    end.disabled = false;
    if (!result.ok) notice.textContent = t('failed', { detail: result.problem.detail });
  });
  const view = callView(client, { mute: t('mute'), unmute: t('unmute'), cameraOff: t('cameraOff'), cameraOn: t('cameraOn'), waitingVideo: t('waitingVideo') }, [end]);
  activeCall = { sessionId: session.id, onHubChange: (changed) => changed.assent === 'yes' && client.assentGiven() };

  function renderPeople(): void {
    const others = participants.filter((p) => p.participantId !== selfId);
    people.replaceChildren(
      ...(others.length === 0
        ? [h('li', { class: 'muted' }, t('nobodyWaiting'))]
        : others.map((p) =>
            h(
              'li',
              { 'data-participant': p.participantId, 'data-state': p.state },
              h('div', { class: 'row spread' }, h('strong', {}, `${p.displayName} · ${t(ROLE[p.role] ?? 'roleGuardian')}`), h('span', { class: 'badge' }, p.state === 'waiting' ? t('waitingRoom') : t('inCall'))),
              h(
                'div',
                { class: 'row' },
                p.state === 'waiting'
                  ? h('button', { type: 'button', class: 'primary admit', onclick: () => void decide(client.admit(p.participantId)) }, `✅ ${t('admit')}`)
                  : h('button', { type: 'button', class: 'remove', onclick: () => void decide(client.remove(p.participantId)) }, t('remove')),
              ),
            ),
          )),
    );
  }
  async function decide(pending: ReturnType<CallClient['admit']>): Promise<void> {
    window.kinbridgeCall?.steps.push(['admit clicked', Math.round(performance.now())]);
    const result = await pending;
    notice.textContent = result.ok ? '' : t('failed', { detail: result.problem.detail });
  }
  function closeCall(text: string): void {
    client.finish();
    activeCall = undefined;
    document.body.dataset.screen = 'call-closed';
    show(h('div', { class: 'gentle card', id: 'call-closed' }, h('p', {}, text), h('button', { type: 'button', class: 'big', onclick: () => backToList() }, t('back'))));
  }
  function backToList(): void {
    const hubId = sessionStorage.getItem(HUB_KEY);
    hubSocket?.disconnect();
    if (hubId) watch(hubId);
  }

  document.body.dataset.screen = 'supervise';
  show(
    h('div', { class: 'bar' }, h('h1', {}, `${session.childName} · ${session.guardianName}`)),
    view.element,
    h('h2', {}, t('waitingRoom')),
    people,
    notice,
  );
  renderPeople();
  void client.start().catch(() => undefined);
}
