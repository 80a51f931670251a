import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { NoShowJob } from '../../src/calls/no-show.job';
import { connectSocket, refusal, TestSocket } from '../support/sockets';
import { bearer, startTestApp, TestApp } from '../support/test-app';

// 10:00 in Shanghai: the hub's day runs from 2033-06-05T16:00Z to 2033-06-06T16:00Z.
const NOW = DateTime.fromISO('2033-06-06T02:00:00Z', { zone: 'utc' });
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

interface Changed {
  session: { id: string; status: string; assent: string | null; guardianWaiting: boolean; checkedInAt: string | null };
}

describe('/hubs namespace: the hub’s day, live', () => {
  const clock = new FixedClock(NOW);
  let t: TestApp;
  const open: TestSocket[] = [];

  const world = async () => {
    const w = await t.factories.newHubWorld();
    await t.db.query(`UPDATE hubs SET minimum_notice_minutes = 0 WHERE id = $1`, [w.hub.id]);
    await t.factories.setOpeningHours(w.hub.id, ALL_DAY);
    await t.factories.setAvailability(w.guardian.id, ALL_DAY);
    const session = (startsAt: DateTime, status?: string) =>
      t.factories.sessionOf(w, {
        startsAt: startsAt.toJSDate(),
        status,
      });
    return { ...w, session };
  };
  const watcher = async (token: string, hubId: string) => {
    const socket = await connectSocket(t, '/hubs', { token });
    open.push(socket);
    const ack = await socket.ask('watch', { hubId });
    return { socket, ack };
  };
  const api = (path: string, token: string, body?: object) => t.http().post(`/api/v1/sessions/${path}`).set(...bearer(token)).send(body);
  const changeOf = (socket: TestSocket, id: string, match: (session: Changed['session']) => boolean) =>
    socket.next<Changed>('session.changed', (payload) => payload.session.id === id && match(payload.session));

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { JOBS_SCHEMA: `kb_jobs_hubs_live_${randomBytes(4).toString('hex')}` } });
  });
  afterEach(() => {
    clock.set(NOW);
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  it('refuses connections without an access token, with a join token, and from guardians', async () => {
    const w = await world();
    expect((await refusal(t, '/hubs', undefined)).code).toBe('UNAUTHENTICATED');
    expect((await refusal(t, '/hubs', { token: 'garbage' })).code).toBe('UNAUTHENTICATED');
    expect((await refusal(t, '/hubs', { token: w.guardian.token })).code).toBe('FORBIDDEN');
    await t.db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [w.staff.id]);
    expect((await refusal(t, '/hubs', { token: w.staff.token })).code).toBe('UNAUTHENTICATED');
  });

  it('cuts the watcher’s sockets (here and on /counselors) when the account’s hubs change or it signs out everywhere', async () => {
    const w = await world();
    const admin = await t.factories.newAdmin();
    const { socket } = await watcher(w.staff.token, w.hub.id);
    const other = await t.factories.newHub();
    const cut = socket.closed();
    await t.http().patch(`/api/v1/users/${w.staff.id}`).set(...bearer(admin.token)).send({ hubIds: [other.id] }).expect(200);
    expect(await cut).toBe('io server disconnect');

    const counselorSocket = await connectSocket(t, '/counselors', { token: w.counselor.token });
    open.push(counselorSocket);
    const signedOut = counselorSocket.closed();
    await t.http().post('/api/v1/auth/logout-everywhere').set(...bearer(w.counselor.token)).expect(204);
    expect(await signedOut).toBe('io server disconnect');
  });

  it('answers watch with today’s sessions in the hub’s own day, for its staff, counselors and admins; another hub is not found', async () => {
    const w = await world();
    const early = await w.session(DateTime.fromISO('2033-06-05T16:30:00Z')); // 00:30 in Shanghai: today
    const late = await w.session(DateTime.fromISO('2033-06-06T15:00:00Z')); // 23:00: today
    await w.session(DateTime.fromISO('2033-06-06T16:30:00Z')); // tomorrow
    await w.session(DateTime.fromISO('2033-06-05T15:00:00Z')); // yesterday
    const { ack } = await watcher(w.staff.token, w.hub.id);
    expect(ack).toMatchObject({ ok: true, day: '2033-06-06', timeZone: 'Asia/Shanghai' });
    expect(ack.sessions.map((s: { id: string }) => s.id)).toEqual([early.id, late.id]);
    expect(ack.sessions[0]).toEqual({
      id: early.id,
      hubId: w.hub.id,
      childId: w.child.id,
      childName: expect.any(String),
      guardianId: w.guardian.id,
      guardianName: expect.any(String),
      stationId: w.stations[0].id,
      stationName: w.stations[0].name,
      kind: 'supervised',
      status: 'booked',
      assent: null,
      startsAt: early.startsAt.toISOString(),
      endsAt: early.endsAt.toISOString(),
      checkedInAt: null,
      guardianWaiting: false,
    });
    const audits = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'session.read' AND details->>'via' = 'hub_watch' AND hub_id = $1`, [w.hub.id]);
    expect(audits).toEqual([{ n: 2 }]);

    expect((await watcher(w.counselor.token, w.hub.id)).ack.ok).toBe(true);
    expect((await watcher((await t.factories.newAdmin()).token, w.hub.id)).ack.ok).toBe(true);
    const other = await world();
    const { socket, ack: refused } = await watcher(other.staff.token, w.hub.id);
    expect(refused).toMatchObject({ ok: false, problem: { code: 'NOT_FOUND', event: 'watch' } });
    expect(await socket.ask('watch', { hubId: 'nope' })).toMatchObject({ ok: false, problem: { code: 'VALIDATION_FAILED' } });
    expect(await socket.ask('unwatch', { hubId: 'nope' })).toMatchObject({ ok: false, problem: { code: 'VALIDATION_FAILED', event: 'unwatch' } });
    expect(await socket.ask('unwatch', { hubId: w.hub.id, extra: 1 })).toMatchObject({ ok: false, problem: { code: 'VALIDATION_FAILED' } });
    expect(await socket.ask('watch', { hubId: w.hub.id, extra: 1 })).toMatchObject({ ok: false, problem: { code: 'VALIDATION_FAILED' } });
    expect(await socket.ask('watch', { hubId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, problem: { code: 'NOT_FOUND' } });
    expect(await socket.ask('shout')).toMatchObject({ ok: false, problem: { code: 'UNKNOWN_EVENT' } });
    expect(socket.socket.connected).toBe(true);
  });

  it('pushes every change of the day: check-in, guardian waiting, assent, in call, ended — and nothing to another hub', async () => {
    const w = await world();
    const session = await w.session(NOW);
    const { socket } = await watcher(w.staff.token, w.hub.id);
    const other = await world();
    const { socket: outsider } = await watcher(other.staff.token, other.hub.id);

    await api(`${session.id}/check-in`, w.staff.token).expect(200);
    expect((await changeOf(socket, session.id, (s) => s.status === 'checked_in')).session.checkedInAt).toBe(NOW.toJSDate().toISOString());

    const guardianToken = (await api(`${session.id}/join-token`, w.guardian.token).expect(200)).body.token;
    const guardian = await connectSocket(t, '/calls', { token: guardianToken });
    open.push(guardian);
    await changeOf(socket, session.id, (s) => s.guardianWaiting);

    await api(`${session.id}/assent`, w.staff.token, { response: 'yes' }).expect(200);
    await changeOf(socket, session.id, (s) => s.assent === 'yes');

    const supervisor = await connectSocket(t, '/calls', { token: (await api(`${session.id}/join-token`, w.staff.token).expect(200)).body.token });
    open.push(supervisor);
    await supervisor.next('welcome');
    expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
    await changeOf(socket, session.id, (s) => s.status === 'in_call' && !s.guardianWaiting);

    await api(`${session.id}/end`, w.staff.token).expect(200);
    await changeOf(socket, session.id, (s) => s.status === 'completed');
    // A round trip on the outsider's own connection: any push sent to it earlier would have arrived first.
    expect(await outsider.ask('unwatch', { hubId: other.hub.id })).toEqual({ ok: true });
    expect(outsider.count('session.changed')).toBe(0);
  });

  it('pushes bookings, cancellations, declines and no-shows', async () => {
    const w = await world();
    const { socket } = await watcher(w.staff.token, w.hub.id);
    const booked = await t.http()
      .post('/api/v1/sessions')
      .set(...bearer(w.staff.token))
      .set('Idempotency-Key', randomBytes(8).toString('hex'))
      .send({ childId: w.child.id, guardianId: w.guardian.id, durationMinutes: 20, kind: 'supervised', startsAt: NOW.plus({ hours: 2 }).toISO() })
      .expect(201);
    await changeOf(socket, booked.body.id, (s) => s.status === 'booked');
    await t.http().post(`/api/v1/sessions/${booked.body.id}/cancel`).set(...bearer(w.staff.token)).send({ reason: 'The child is ill today' }).expect(200);
    await changeOf(socket, booked.body.id, (s) => s.status === 'cancelled');

    const declined = await w.session(NOW.plus({ hours: 4 }));
    clock.set(NOW.plus({ hours: 4 }));
    await api(`${declined.id}/check-in`, w.staff.token).expect(200);
    await api(`${declined.id}/assent`, w.staff.token, { response: 'not_today' }).expect(200);
    await changeOf(socket, declined.id, (s) => s.status === 'declined' && s.assent === 'not_today');

    const missed = await w.session(NOW.plus({ hours: 6 }));
    clock.set(NOW.plus({ hours: 6, minutes: 10 }));
    expect(await t.app.get(NoShowJob).run({ sessionId: missed.id, startsAt: missed.startsAt.toISOString() })).toBe('marked');
    await changeOf(socket, missed.id, (s) => s.status === 'no_show_child');
  });

  it('unwatch stops the pushes', async () => {
    const w = await world();
    const session = await w.session(NOW);
    const { socket } = await watcher(w.staff.token, w.hub.id);
    expect(await socket.ask('unwatch', { hubId: w.hub.id })).toEqual({ ok: true });
    await api(`${session.id}/check-in`, w.staff.token).expect(200);
    // A second watcher sees the change; the first, no longer in the room, never does.
    const { socket: second } = await watcher(w.staff.token, w.hub.id);
    await api(`${session.id}/assent`, w.staff.token, { response: 'yes' }).expect(200);
    await changeOf(second, session.id, (s) => s.assent === 'yes');
    expect(await socket.ask('unwatch', { hubId: w.hub.id })).toEqual({ ok: true });
    expect(socket.count('session.changed')).toBe(0);
  });
});
