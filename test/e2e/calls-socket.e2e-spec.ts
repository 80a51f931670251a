import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { DateTime } from 'luxon';
import { CallEndJob } from '../../src/calls/call-end.job';
import { FixedClock } from '../../src/common/clock';
import { NoShowJob } from '../../src/calls/no-show.job';
import { GuardianRow, UserRow } from '../factories';
import { tableDigest } from '../support/route-fixtures';
import { connectSocket, refusal, TestSocket } from '../support/sockets';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const START = DateTime.fromISO('2032-05-03T02:00:00Z', { zone: 'utc' });
const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' };
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host', sdpMid: '0', sdpMLineIndex: 0 };

describe('/calls namespace: handshake, waiting room, admission, signaling, presence, rejoin, end', () => {
  const clock = new FixedClock(START);
  const schema = `kb_jobs_calls_socket_${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  let day = 0;
  const open: TestSocket[] = [];

  const world = async (input: { kind?: 'supervised' | 'mediated'; status?: string } = {}) => {
    const w = await t.factories.newHubWorld();
    const startsAt = START.plus({ days: day++ });
    const session = await t.factories.sessionOf(w, {
      counselorId: input.kind === 'mediated' ? w.counselor.id : null,
      kind: input.kind,
      startsAt: startsAt.toJSDate(),
      durationMinutes: 30,
      status: input.status,
    });
    clock.set(startsAt);
    return { ...w, session, startsAt, endsAt: DateTime.fromJSDate(session.endsAt, { zone: 'utc' }) };
  };
  type World = Awaited<ReturnType<typeof world>>;
  const api = (path: string, token: string, body?: object) => t.http().post(`/api/v1/sessions/${path}`).set(...bearer(token)).send(body);
  const joinToken = async (sessionId: string, account: UserRow | GuardianRow): Promise<string> =>
    (await api(`${sessionId}/join-token`, account.token).expect(200)).body.token;
  const join = async (sessionId: string, account: UserRow | GuardianRow): Promise<TestSocket> => {
    const socket = await connectSocket(t, '/calls', { token: await joinToken(sessionId, account) });
    open.push(socket);
    await socket.next('welcome');
    return socket;
  };
  const checkInWithYes = async (w: World) => {
    await api(`${w.session.id}/check-in`, w.staff.token).expect(200);
    await api(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(200);
  };
  /** Supervisor and guardian both in, guardian admitted: the call is running. */
  const inCall = async () => {
    const w = await world();
    await checkInWithYes(w);
    const supervisor = await join(w.session.id, w.staff);
    const guardian = await join(w.session.id, w.guardian);
    expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
    await guardian.next('admitted');
    return { w, supervisor, guardian };
  };
  const row = async (id: string) => (await t.db.query(`SELECT * FROM sessions WHERE id = $1`, [id]))[0];

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { JOBS_SCHEMA: schema } });
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.close();
  });
  afterAll(() => t.close());

  describe('handshake', () => {
    it('refuses a connection without a valid join token', async () => {
      const w = await world();
      const token = await joinToken(w.session.id, w.guardian);
      expect((await refusal(t, '/calls', undefined)).code).toBe('UNAUTHENTICATED');
      expect((await refusal(t, '/calls', { token: 'not.a.jwt' })).code).toBe('UNAUTHENTICATED');
      expect((await refusal(t, '/calls', { token: 42 })).code).toBe('UNAUTHENTICATED');
      // An access token is not a join token (another audience), and a join token is not an access token.
      expect((await refusal(t, '/calls', { token: w.guardian.token })).code).toBe('UNAUTHENTICATED');
      expect((await refusal(t, '/hubs', { token })).code).toBe('UNAUTHENTICATED');
      // A token re-signed with another key, or naming another session, does not verify.
      const [header, , signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sid: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${signature}`;
      expect((await refusal(t, '/calls', { token: forged })).code).toBe('UNAUTHENTICATED');
      const otherKey = new JwtService({ secret: 'another-secret-of-enough-length-0123456789' }).sign(claims);
      expect((await refusal(t, '/calls', { token: otherKey })).code).toBe('UNAUTHENTICATED');
      // Expired: join tokens last 15 minutes.
      clock.advance({ minutes: 15 });
      expect((await refusal(t, '/calls', { token })).code).toBe('UNAUTHENTICATED');
    });

    it('refuses a holder who no longer has that part, and a session that can no longer be joined', async () => {
      const w = await world();
      const token = await joinToken(w.session.id, w.staff);
      const replacement = await t.factories.newUser('hub_staff', [w.hub.id]);
      await t.db.query(`UPDATE sessions SET supervisor_id = $2 WHERE id = $1`, [w.session.id, replacement.id]);
      expect((await refusal(t, '/calls', { token })).code).toBe('FORBIDDEN');

      const c = await world();
      const guardianToken = await joinToken(c.session.id, c.guardian);
      await t.http().post(`/api/v1/sessions/${c.session.id}/cancel`).set(...bearer(c.staff.token)).send({ reason: 'The child is ill today' }).expect(200);
      expect(await refusal(t, '/calls', { token: guardianToken })).toMatchObject({ code: 'CALL_NOT_JOINABLE' });
    });

    it('welcomes with who you are, the session and everyone in it; the supervisor is admitted on join, the guardian waits', async () => {
      const w = await world();
      const supervisor = await join(w.session.id, w.staff);
      const welcome = await supervisor.next('welcome');
      expect(welcome.self).toMatchObject({ participantId: w.staff.id, role: 'supervisor', state: 'admitted', connected: true });
      expect(welcome.session).toEqual({
        sessionId: w.session.id,
        kind: 'supervised',
        status: 'booked',
        assent: null,
        startsAt: w.session.startsAt.toISOString(),
        endsAt: w.session.endsAt.toISOString(),
      });
      const guardian = await join(w.session.id, w.guardian);
      expect((await guardian.next('welcome')).self).toMatchObject({ participantId: w.guardian.id, role: 'guardian', state: 'waiting' });
      const presence = await supervisor.next<{ participants: { role: string; state: string; connected: boolean }[] }>('presence', (p) => p.participants.length === 2);
      expect(presence.participants.map((p) => [p.role, p.state, p.connected])).toEqual([
        ['supervisor', 'admitted', true],
        ['guardian', 'waiting', true],
      ]);
      const audits = await t.db.query(`SELECT actor_type, actor_id, details->>'role' AS role FROM audit_log WHERE action = 'call.join' AND object_id = $1 ORDER BY id`, [w.session.id]);
      expect(audits).toEqual([
        { actor_type: 'user', actor_id: w.staff.id, role: 'supervisor' },
        { actor_type: 'guardian', actor_id: w.guardian.id, role: 'guardian' },
      ]);
    });
  });

  describe('admission and signaling', () => {
    it('cannot admit before the child said yes; a waiting participant cannot signal; only the supervisor admits', async () => {
      const w = await world();
      await api(`${w.session.id}/check-in`, w.staff.token).expect(200);
      const supervisor = await join(w.session.id, w.staff);
      const guardian = await join(w.session.id, w.guardian);
      const early = await supervisor.ask('admit', { participantId: w.guardian.id });
      expect(early).toMatchObject({ ok: false, problem: { code: 'ASSENT_REQUIRED', event: 'admit' } });
      expect(await supervisor.next('problem')).toMatchObject({ code: 'ASSENT_REQUIRED' });
      expect(await guardian.ask('signal', { to: w.staff.id, description: OFFER })).toMatchObject({ ok: false, problem: { code: 'NOT_ADMITTED' } });
      expect(await guardian.ask('admit', { participantId: w.guardian.id })).toMatchObject({ ok: false, problem: { code: 'FORBIDDEN' } });
      // The supervisor is admitted but nobody else is: a signal to the guardian is not delivered.
      expect(await supervisor.ask('signal', { to: w.guardian.id, description: OFFER })).toEqual({ ok: true });
      await api(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(200);
      expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
      await guardian.next('admitted');
      expect(guardian.count('signal')).toBe(0);
      expect((await row(w.session.id)).status).toBe('in_call');
    });

    it('admitting the guardian after yes starts the call and plans its scheduled end; signals flow between admitted participants', async () => {
      const { w, supervisor, guardian } = await inCall();
      expect(await guardian.next('status', (p: { session: { status: string } }) => p.session.status === 'in_call')).toBeTruthy();
      expect(await row(w.session.id)).toMatchObject({ status: 'in_call', call_started_at: clock.now().toJSDate() });
      // One queued job for the end (planned at check-in and again at the start: the same key).
      const jobs = await t.db.query(`SELECT start_after FROM ${schema}.job WHERE name = 'session.call-end' AND data->>'sessionId' = $1`, [w.session.id]);
      expect(jobs).toEqual([{ start_after: w.session.endsAt }]);

      expect(await supervisor.ask('signal', { to: w.guardian.id, description: OFFER })).toEqual({ ok: true });
      expect(await guardian.next('signal')).toEqual({ from: w.staff.id, description: OFFER });
      expect(await guardian.ask('signal', { to: w.staff.id, candidate: CANDIDATE })).toEqual({ ok: true });
      expect(await supervisor.next('signal')).toEqual({ from: w.guardian.id, candidate: CANDIDATE });
      const audit = await t.db.query(`SELECT details FROM audit_log WHERE action = 'call.admit' AND object_id = $1`, [w.session.id]);
      expect(audit).toEqual([{ details: { participantId: w.guardian.id, role: 'guardian', started: true } }]);
    });

    it('does not relay across sessions', async () => {
      const a = await inCall();
      const b = await inCall();
      expect(await a.supervisor.ask('signal', { to: b.w.guardian.id, description: OFFER })).toEqual({ ok: true });
      // Ordered on b's guardian socket: a leaked signal would arrive before this one.
      expect(await b.supervisor.ask('signal', { to: b.w.guardian.id, candidate: CANDIDATE })).toEqual({ ok: true });
      expect(await b.guardian.next('signal')).toEqual({ from: b.w.staff.id, candidate: CANDIDATE });
      expect(b.guardian.count('signal')).toBe(1);
    });

    it('a link no longer approved: no admission, and a token handed out before cannot connect (409 LINK_NOT_APPROVED)', async () => {
      const w = await world();
      await checkInWithYes(w);
      const supervisor = await join(w.session.id, w.staff);
      const guardian = await join(w.session.id, w.guardian);
      const spareToken = await joinToken(w.session.id, w.guardian);
      // The link alone, as a revocation racing this call would leave it (POST …/revoke also closes the session: see 'the end').
      await t.db.query(`UPDATE child_guardian_links SET status = 'revoked' WHERE child_id = $1 AND guardian_id = $2`, [w.child.id, w.guardian.id]);
      expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toMatchObject({ ok: false, problem: { code: 'LINK_NOT_APPROVED', event: 'admit' } });
      expect(await refusal(t, '/calls', { token: spareToken })).toMatchObject({ code: 'LINK_NOT_APPROVED' });
      expect(guardian.count('admitted')).toBe(0);
      expect(await row(w.session.id)).toMatchObject({ status: 'checked_in', call_started_at: null });
    });

    it('refuses admission before the start (the call may only start then)', async () => {
      const w = await world();
      clock.set(w.startsAt.minus({ minutes: 10 }));
      await checkInWithYes(w);
      const supervisor = await join(w.session.id, w.staff);
      await join(w.session.id, w.guardian);
      expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toMatchObject({ ok: false, problem: { code: 'OUTSIDE_CALL_WINDOW' } });
      clock.set(w.startsAt);
      expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
    });

    it('starts a mediated call only once the counselor is admitted too; the counselor’s first join is recorded', async () => {
      const w = await world({ kind: 'mediated' });
      await checkInWithYes(w);
      const supervisor = await join(w.session.id, w.staff);
      await join(w.session.id, w.guardian);
      const counselor = await join(w.session.id, w.counselor);
      expect((await row(w.session.id)).counselor_joined_at).toEqual(clock.now().toJSDate());
      expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
      expect((await row(w.session.id)).status).toBe('checked_in');
      expect(await supervisor.ask('admit', { participantId: w.counselor.id })).toEqual({ ok: true });
      await counselor.next('admitted');
      expect((await row(w.session.id)).status).toBe('in_call');
      expect(await counselor.ask('end', {})).toEqual({ ok: true });
      expect((await counselor.next('ended')).reason).toBe('ended_by_counselor');
    });

    it('remove sends a participant back to the waiting room: no signals either way until admitted again', async () => {
      const { w, supervisor, guardian } = await inCall();
      expect(await supervisor.ask('remove', { participantId: w.guardian.id })).toEqual({ ok: true });
      expect(await guardian.next('removed')).toEqual({ reason: 'removed_by_supervisor' });
      expect(await guardian.ask('signal', { to: w.staff.id, description: OFFER })).toMatchObject({ ok: false, problem: { code: 'NOT_ADMITTED' } });
      expect(await supervisor.ask('signal', { to: w.guardian.id, description: OFFER })).toEqual({ ok: true });
      expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
      await guardian.next('admitted', () => guardian.count('admitted') === 2);
      expect(guardian.count('signal')).toBe(0);
      expect(await supervisor.ask('remove', { participantId: w.staff.id })).toMatchObject({ ok: false, problem: { code: 'VALIDATION_FAILED' } });
      expect(await supervisor.ask('admit', { participantId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, problem: { code: 'NOT_FOUND' } });
    });
  });

  describe('malformed and unknown messages', () => {
    it('answers each with a problem (ack and event), never a crash or a disconnect', async () => {
      const { w, supervisor, guardian } = await inCall();
      const bad: [string, unknown[]][] = [
        ['signal', ['just a string']],
        ['signal', [null]],
        ['signal', [{ to: 'not-a-uuid', description: OFFER }]],
        ['signal', [{ to: w.guardian.id }]],
        ['signal', [{ to: w.guardian.id, description: OFFER, candidate: CANDIDATE }]],
        ['signal', [{ to: w.guardian.id, description: { type: 'pranswer', sdp: 'x' } }]],
        ['signal', [{ to: w.guardian.id, description: { type: 'offer', sdp: 'x'.repeat(70_000) } }]],
        ['signal', [{ to: w.guardian.id, candidate: { candidate: 'c', sdpMLineIndex: -1 } }]],
        ['signal', [{ to: w.guardian.id, description: OFFER, extra: true }]],
        ['signal', [{ to: w.staff.id, description: OFFER }]],
        ['admit', [{}]],
        ['admit', [{ participantId: 7 }]],
        ['remove', [[]]],
        ['leave', [{ now: true }]],
        ['end', ['please']],
      ];
      const before = await tableDigest(t);
      for (const [event, args] of bad) {
        const answer = await supervisor.ask(event, ...args);
        expect({ event, answer }).toMatchObject({ event, answer: { ok: false, problem: { code: 'VALIDATION_FAILED', event } } });
      }
      expect(await supervisor.ask('hack', { all: true })).toMatchObject({ ok: false, problem: { code: 'UNKNOWN_EVENT' } });
      // A refused message changes nothing.
      expect(await tableDigest(t)).toEqual(before);
      supervisor.socket.emit('signal', { garbage: true }); // without an ack: still a problem event
      const last = await supervisor.next('problem', () => supervisor.count('problem') === bad.length + 2);
      expect(last).toMatchObject({ code: 'VALIDATION_FAILED', event: 'signal' });
      expect(supervisor.socket.connected).toBe(true);
      expect(await supervisor.ask('signal', { to: w.guardian.id, description: OFFER })).toEqual({ ok: true });
      await guardian.next('signal');
    });
  });

  describe('presence, leaving and rejoining', () => {
    it('a participant who drops returns admitted with a fresh token; a second socket replaces the first', async () => {
      const { w, supervisor, guardian } = await inCall();
      guardian.close();
      await supervisor.next('presence', (p: { participants: { role: string; connected: boolean }[] }) =>
        p.participants.some((x) => x.role === 'guardian' && !x.connected),
      );
      clock.advance({ minutes: 20 }); // the first token has expired; a fresh one works until the scheduled end
      const back = await join(w.session.id, w.guardian);
      expect((await back.next('welcome')).self).toMatchObject({ state: 'admitted', connected: true });
      expect(await supervisor.ask('signal', { to: w.guardian.id, description: OFFER })).toEqual({ ok: true });
      expect(await back.next('signal')).toEqual({ from: w.staff.id, description: OFFER });

      const second = await join(w.session.id, w.guardian);
      await back.closed();
      expect(await supervisor.ask('signal', { to: w.guardian.id, candidate: CANDIDATE })).toEqual({ ok: true });
      expect(await second.next('signal')).toEqual({ from: w.staff.id, candidate: CANDIDATE });
      const [participant] = await t.db.query(`SELECT connected, state FROM call_participants WHERE session_id = $1 AND participant_id = $2`, [w.session.id, w.guardian.id]);
      expect(participant).toEqual({ connected: true, state: 'admitted' });
    });

    it('leave acks, closes the socket and shows the participant as gone', async () => {
      const { w, supervisor, guardian } = await inCall();
      expect(await guardian.ask('leave', {})).toEqual({ ok: true });
      await guardian.closed();
      await supervisor.next('presence', (p: { participants: { role: string; connected: boolean }[] }) =>
        p.participants.some((x) => x.role === 'guardian' && !x.connected),
      );
      expect((await row(w.session.id)).status).toBe('in_call');
    });

    it('the guardian’s first join is what the no-show check sees', async () => {
      const w = await world();
      clock.set(w.startsAt.minus({ minutes: 5 }));
      await join(w.session.id, w.guardian);
      expect((await row(w.session.id)).guardian_joined_at).toEqual(clock.now().toJSDate());
      clock.set(w.startsAt);
      await api(`${w.session.id}/check-in`, w.staff.token).expect(200);
      clock.set(w.startsAt.plus({ minutes: 10 }));
      expect(await t.app.get(NoShowJob).run({ sessionId: w.session.id, startsAt: w.session.startsAt.toISOString() })).toBe('not_applicable');
      expect((await row(w.session.id)).status).toBe('checked_in');
    });
  });

  describe('the end', () => {
    it('the supervisor ends the call: everyone gets ended and is disconnected; nobody can come back', async () => {
      const { w, supervisor, guardian } = await inCall();
      const token = await joinToken(w.session.id, w.guardian);
      expect(await guardian.ask('end', {})).toMatchObject({ ok: false, problem: { code: 'NOT_ALLOWED_FOR_ROLE' } });
      const closed = [supervisor.closed(), guardian.closed()];
      expect(await supervisor.ask('end', {})).toEqual({ ok: true });
      for (const socket of [supervisor, guardian]) {
        expect(await socket.next('ended')).toMatchObject({ reason: 'ended_by_supervisor', session: { status: 'completed' } });
      }
      await Promise.all(closed);
      expect(await row(w.session.id)).toMatchObject({ status: 'completed', end_reason: 'ended_by_supervisor' });
      expect((await refusal(t, '/calls', { token })).code).toBe('CALL_NOT_JOINABLE');
      await api(`${w.session.id}/join-token`, w.guardian.token).expect(409);
      const participants = await t.db.query(`SELECT connected FROM call_participants WHERE session_id = $1`, [w.session.id]);
      expect(participants).toEqual([{ connected: false }, { connected: false }]);
    });

    it('the scheduled-end job, the REST end and a cancellation close the room too', async () => {
      const scheduled = await inCall();
      clock.set(scheduled.w.endsAt);
      expect(await t.app.get(CallEndJob).run({ sessionId: scheduled.w.session.id, endsAt: scheduled.w.session.endsAt.toISOString() })).toBe('ended');
      expect((await scheduled.guardian.next('ended')).reason).toBe('scheduled_end');
      await scheduled.guardian.closed();

      const rest = await inCall();
      await api(`${rest.w.session.id}/end`, rest.w.staff.token).expect(200);
      expect((await rest.guardian.next('ended')).reason).toBe('ended_by_supervisor');
      await rest.guardian.closed();

      const w = await world();
      await api(`${w.session.id}/check-in`, w.staff.token).expect(200);
      const waiting = await join(w.session.id, w.guardian);
      await t.http().post(`/api/v1/sessions/${w.session.id}/cancel`).set(...bearer(w.staff.token)).send({ reason: 'The child is ill today' }).expect(200);
      expect(await waiting.next('ended')).toMatchObject({ reason: 'cancelled', session: { status: 'cancelled' } });
      await waiting.closed();
    });

    it('revoking the link ends a running call at once: ended (link_revoked) for everyone, the room closed, no way back', async () => {
      const { w, supervisor, guardian } = await inCall();
      const token = await joinToken(w.session.id, w.guardian);
      clock.set(w.startsAt.plus({ minutes: 5 }));
      const closed = [supervisor.closed(), guardian.closed()];
      await t.http().post(`/api/v1/children/${w.child.id}/guardians/${w.guardian.id}/revoke`).set(...bearer(w.staff.token)).send({}).expect(200);
      for (const socket of [supervisor, guardian]) {
        expect(await socket.next('ended')).toMatchObject({ reason: 'link_revoked', session: { status: 'completed' } });
      }
      await Promise.all(closed);
      expect(await row(w.session.id)).toMatchObject({ status: 'completed', end_reason: 'link_revoked', call_ended_at: clock.now().toJSDate() });
      const participants = await t.db.query(`SELECT connected FROM call_participants WHERE session_id = $1`, [w.session.id]);
      expect(participants).toEqual([{ connected: false }, { connected: false }]);
      expect((await refusal(t, '/calls', { token })).code).toBe('CALL_NOT_JOINABLE');
      const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'session.end_call' AND object_id = $1`, [w.session.id]);
      expect(audit.details).toMatchObject({ from: 'in_call', to: 'completed', endReason: 'link_revoked', by: 'system' });
    });

    it('revoking the link cancels a checked-in session whose call has not started, with the guardian waiting', async () => {
      const w = await world();
      await checkInWithYes(w);
      clock.set(w.startsAt.plus({ minutes: 2 }));
      const waiting = await join(w.session.id, w.guardian);
      await t.http().post(`/api/v1/children/${w.child.id}/guardians/${w.guardian.id}/revoke`).set(...bearer(w.staff.token)).send({}).expect(200);
      expect(await waiting.next('ended')).toMatchObject({ reason: 'cancelled', session: { status: 'cancelled' } });
      await waiting.closed();
      expect(await row(w.session.id)).toMatchObject({ status: 'cancelled', cancel_reason: "the parent's link was revoked" });
      // The same bulk cancellation as the sessions still to come: audited as such, pending reschedule requests closed with it.
      const [audit] = await t.db.query(`SELECT details FROM audit_log WHERE action = 'session.cancel' AND object_id = $1`, [w.session.id]);
      expect(audit.details).toMatchObject({ via: 'link_revoked', previousStatus: 'checked_in' });
    });

    it('a decline closes the room; the guardian reads not_today whatever the child said', async () => {
      const w = await world();
      await api(`${w.session.id}/check-in`, w.staff.token).expect(200);
      const supervisor = await join(w.session.id, w.staff);
      const guardian = await join(w.session.id, w.guardian);
      await api(`${w.session.id}/assent`, w.staff.token, { response: 'no' }).expect(200);
      expect(await guardian.next('ended')).toMatchObject({ reason: 'declined', session: { status: 'declined', assent: 'not_today' } });
      expect(await supervisor.next('ended')).toMatchObject({ reason: 'declined', session: { status: 'declined', assent: 'no' } });
      await guardian.closed();
    });
  });
});
