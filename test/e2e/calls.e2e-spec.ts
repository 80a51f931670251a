import { createHmac, randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { CallEndJob } from '../../src/calls/call-end.job';
import { FixedClock } from '../../src/common/clock';
import { NoShowJob } from '../../src/calls/no-show.job';
import { UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const TURN_SECRET = 'north-wind-turn-secret';
const START = DateTime.fromISO('2031-03-03T03:00:00Z', { zone: 'utc' });

describe('calls over REST: check-in, assent, join tokens, end, the scheduled end and no-shows', () => {
  const clock = new FixedClock(START);
  const schema = `kb_jobs_calls_${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  let admin: UserRow;
  let foreignStaff: UserRow;
  let day = 0;

  /** A fresh hub world and one session of it, each on its own day so nothing overlaps. */
  const world = async (input: { status?: string; kind?: 'supervised' | 'mediated'; minutes?: number } = {}) => {
    const w = await t.factories.newHubWorld();
    const startsAt = START.plus({ days: day++ });
    const session = await t.factories.sessionOf(w, {
      counselorId: input.kind === 'mediated' ? w.counselor.id : null,
      kind: input.kind,
      startsAt: startsAt.toJSDate(),
      durationMinutes: input.minutes ?? 30,
      status: input.status,
    });
    clock.set(startsAt);
    return { ...w, session, startsAt, endsAt: DateTime.fromJSDate(session.endsAt, { zone: 'utc' }) };
  };
  const post = (path: string, token: string | undefined, body?: unknown) => {
    let request = t.http().post(`/api/v1/sessions/${path}`);
    if (token) request = request.set(...bearer(token));
    return body === undefined ? request : request.send(body as object);
  };
  const row = async (id: string) => (await t.db.query(`SELECT * FROM sessions WHERE id = $1`, [id]))[0];
  const jobs = (sessionId: string): Promise<{ name: string; start_after: Date; data: Record<string, string> }[]> =>
    t.db.query(`SELECT name, start_after, data FROM ${schema}.job WHERE data->>'sessionId' = $1 ORDER BY name, start_after`, [sessionId]);
  const notifications = (sessionId: string): Promise<{ recipient_type: string; recipient_id: string; template: string; body: string; params: Record<string, string> }[]> =>
    t.db.query(`SELECT recipient_type, recipient_id, template, body, params FROM notifications WHERE params->>'sessionId' = $1 ORDER BY created_at, id`, [sessionId]);

  beforeAll(async () => {
    t = await startTestApp({
      clock,
      env: { JOBS_SCHEMA: schema, STUN_URLS: 'stun:stun.example.org:3478', TURN_URLS: 'turn:turn.example.org:3478,turns:turn.example.org:5349', TURN_SECRET },
    });
    admin = await t.factories.newAdmin();
    foreignStaff = await t.factories.newUser('hub_staff', [(await t.factories.newHub()).id]);
  });
  afterAll(() => t.close());

  describe('POST /sessions/:id/check-in', () => {
    it('is open from 30 minutes before the start until 10 minutes after it, once, audited, and plans the scheduled end', async () => {
      const w = await world();
      clock.set(w.startsAt.minus({ minutes: 31 }));
      const early = await post(`${w.session.id}/check-in`, w.staff.token).expect(409);
      expect(early.body).toMatchObject({ code: 'OUTSIDE_CHECK_IN_WINDOW', currentStatus: 'booked' });
      expect(early.headers['content-type']).toContain('application/problem+json');

      clock.set(w.startsAt.minus({ minutes: 30 }));
      const done = await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
      expect(done.body).toMatchObject({ id: w.session.id, status: 'checked_in', checkedInAt: clock.now().toJSDate().toISOString(), assent: null });
      expect((await post(`${w.session.id}/check-in`, w.staff.token).expect(409)).body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'checked_in' });

      const audit = await t.db.query(`SELECT actor_id, details FROM audit_log WHERE action = 'session.check_in' AND object_id = $1`, [w.session.id]);
      expect(audit).toEqual([{ actor_id: w.staff.id, details: { from: 'booked', to: 'checked_in' } }]);
      const planned = await jobs(w.session.id);
      expect(planned.map((job) => [job.name, job.data.endsAt, job.start_after.toISOString()])).toEqual([
        ['session.call-end', w.session.endsAt.toISOString(), w.session.endsAt.toISOString()],
      ]);

      const late = await world();
      clock.set(late.startsAt.plus({ minutes: 10 }));
      expect((await post(`${late.session.id}/check-in`, late.staff.token).expect(409)).body.code).toBe('OUTSIDE_CHECK_IN_WINDOW');
      clock.set(late.startsAt.plus({ minutes: 9, seconds: 59 }));
      await post(`${late.session.id}/check-in`, late.staff.token).expect(200);
    });

    it('answers 404 out of scope, 403 to roles that may not check in, 400 to a body, and changes nothing', async () => {
      const w = await world();
      const other = await t.factories.newGuardian();
      await post(`${w.session.id}/check-in`, foreignStaff.token).expect(404);
      await post(`${w.session.id}/check-in`, other.token).expect(404);
      await post(`00000000-0000-4000-8000-000000000000/check-in`, w.staff.token).expect(404);
      await post(`not-a-uuid/check-in`, w.staff.token).expect(404);
      for (const token of [admin.token, w.counselor.token, w.guardian.token]) {
        expect((await post(`${w.session.id}/check-in`, token).expect(403)).body.code).toBe('NOT_ALLOWED_FOR_ROLE');
      }
      await post(`${w.session.id}/check-in`, undefined).expect(401);
      await post(`${w.session.id}/check-in`, w.staff.token, { force: true }).expect(400);
      expect((await row(w.session.id)).status).toBe('booked');
    });
  });

  describe('POST /sessions/:id/assent', () => {
    it('refuses bad bodies with 400 and an answer before check-in with 409', async () => {
      const w = await world();
      for (const body of [{}, { response: 'maybe' }, { response: 'no', reason: 'sulking' }, { response: 'yes', reason: 'tired' }, { response: 'yes', extra: 1 }, { response: 42 }]) {
        const answer = await post(`${w.session.id}/assent`, w.staff.token, body).expect(400);
        expect(answer.body.code).toBe('VALIDATION_FAILED');
      }
      expect((await post(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(409)).body).toMatchObject({
        code: 'INVALID_TRANSITION',
        currentStatus: 'booked',
      });
      expect((await row(w.session.id)).assent).toBeNull();
    });

    it('records yes once, by the staff member; a second answer is a 409', async () => {
      const w = await world();
      await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
      await post(`${w.session.id}/assent`, w.guardian.token, { response: 'yes' }).expect(403);
      await post(`${w.session.id}/assent`, foreignStaff.token, { response: 'yes' }).expect(404);
      const yes = await post(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(200);
      expect(yes.body).toMatchObject({ status: 'checked_in', assent: 'yes', assentReason: null, assentAt: clock.now().toJSDate().toISOString() });
      expect((await row(w.session.id)).assent_recorded_by).toBe(w.staff.id);
      expect((await post(`${w.session.id}/assent`, w.staff.token, { response: 'no' }).expect(409)).body).toMatchObject({
        code: 'ASSENT_ALREADY_RECORDED',
        currentStatus: 'checked_in',
      });
      expect(await notifications(w.session.id)).toEqual([]);
    });

    it('needs an active video_call consent', async () => {
      const w = await world();
      await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
      await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE id = $1`, [w.consent.id]);
      expect((await post(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(409)).body.code).toBe('CONSENT_REQUIRED');
      expect((await row(w.session.id)).assent).toBeNull();
    });

    it('ends the session as declined on not_today or no, with one gentle note to the guardian that reads the same for both', async () => {
      const answers = [];
      for (const response of ['not_today', 'no'] as const) {
        const w = await world();
        await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
        const declined = await post(`${w.session.id}/assent`, w.staff.token, { response, reason: 'tired' }).expect(200);
        expect(declined.body).toMatchObject({ status: 'declined', assent: response, assentReason: 'tired' });
        expect((await post(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(409)).body).toMatchObject({
          code: 'INVALID_TRANSITION',
          currentStatus: 'declined',
        });
        const notes = await notifications(w.session.id);
        expect(notes.map((note) => [note.recipient_type, note.recipient_id, note.template])).toEqual([['guardian', w.guardian.id, 'child_not_ready_today']]);
        answers.push({ body: notes[0].body.replace(notes[0].params.when, '<when>').replace(notes[0].params.childName, '<child>'), hub: notes[0].params.hubName });
        expect(notes[0].body).not.toMatch(/tired|refus|拒绝|不想/);
      }
      expect(answers[0].body.replace(answers[0].hub, '<hub>')).toBe(answers[1].body.replace(answers[1].hub, '<hub>'));
    });

    it('raises one repeated_declines alert after three declines in a row, with no wellbeing check needed', async () => {
      const w = await world();
      const sessions = [w.session];
      for (let i = 1; i < 3; i++) {
        sessions.push(
          await t.factories.sessionOf(w, {
            startsAt: w.startsAt.plus({ hours: i }).toJSDate(),
          }),
        );
      }
      const alerts = () => t.db.query(`SELECT rule, status FROM alerts WHERE child_id = $1`, [w.child.id]);
      for (const [i, session] of sessions.entries()) {
        clock.set(w.startsAt.plus({ hours: i }));
        await post(`${session.id}/check-in`, w.staff.token).expect(200);
        await post(`${session.id}/assent`, w.staff.token, { response: 'not_today' }).expect(200);
        expect(await alerts()).toEqual(i < 2 ? [] : [{ rule: 'repeated_declines', status: 'open' }]);
      }
    });
  });

  describe('POST /sessions/:id/join-token', () => {
    const decode = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

    it('gives the guardian, the supervisor and a mediating counselor their part, with TURN credentials until the scheduled end', async () => {
      const w = await world({ kind: 'mediated', minutes: 60 });
      clock.set(w.startsAt.minus({ minutes: 30 }));
      const expectedExpiry = Math.floor(w.session.endsAt.getTime() / 1000) + 300;
      for (const [account, role] of [
        [w.guardian, 'guardian'],
        [w.staff, 'supervisor'],
        [w.counselor, 'counselor'],
      ] as const) {
        const { body } = await post(`${w.session.id}/join-token`, account.token).expect(200);
        expect(body).toMatchObject({ sessionId: w.session.id, role, participantId: account.id, namespace: '/calls' });
        expect(body.expiresAt).toBe(clock.now().plus({ minutes: 15 }).toJSDate().toISOString());
        expect(decode(body.token)).toMatchObject({ sub: account.id, sid: w.session.id, crl: role, aud: 'kinbridge-call' });
        const username = `${expectedExpiry}:${account.id}`;
        expect(body.iceServers).toEqual([
          { urls: ['stun:stun.example.org:3478'] },
          {
            urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'],
            username,
            credential: createHmac('sha1', TURN_SECRET).update(username).digest('base64'),
          },
        ]);
      }
      const audits = await t.db.query(`SELECT details->>'role' AS role FROM audit_log WHERE action = 'call.join_token' AND object_id = $1 ORDER BY id`, [w.session.id]);
      expect(audits.map((a: { role: string }) => a.role)).toEqual(['guardian', 'supervisor', 'counselor']);
    });

    it('never lasts past the scheduled end', async () => {
      const w = await world();
      clock.set(w.endsAt.minus({ minutes: 4 }));
      const { body } = await post(`${w.session.id}/join-token`, w.guardian.token).expect(200);
      expect(body.expiresAt).toBe(w.session.endsAt.toISOString());
    });

    it('is 404 out of scope and 403 in scope without a part in the call', async () => {
      const w = await world();
      const colleague = await t.factories.newUser('hub_staff', [w.hub.id]);
      const otherGuardian = await t.factories.newGuardian();
      await post(`${w.session.id}/join-token`, foreignStaff.token).expect(404);
      await post(`${w.session.id}/join-token`, otherGuardian.token).expect(404);
      await post(`00000000-0000-4000-8000-000000000000/join-token`, w.guardian.token).expect(404);
      for (const token of [colleague.token, admin.token, w.counselor.token]) {
        expect((await post(`${w.session.id}/join-token`, token).expect(403)).body.code).toBe('FORBIDDEN');
      }
      await post(`${w.session.id}/join-token`, w.guardian.token, {}).expect(400);
    });

    it('is a 409 before the window, after the scheduled end, and once the session can no longer happen', async () => {
      const w = await world();
      clock.set(w.startsAt.minus({ minutes: 31 }));
      expect((await post(`${w.session.id}/join-token`, w.guardian.token).expect(409)).body).toMatchObject({ code: 'CALL_NOT_JOINABLE', currentStatus: 'booked' });
      clock.set(w.endsAt);
      await post(`${w.session.id}/join-token`, w.guardian.token).expect(409);
      const cancelled = await world({ status: 'cancelled' });
      expect((await post(`${cancelled.session.id}/join-token`, cancelled.guardian.token).expect(409)).body).toMatchObject({
        code: 'CALL_NOT_JOINABLE',
        currentStatus: 'cancelled',
      });
    });
  });

  describe('a revoked child–guardian link', () => {
    const revoke = (w: { child: { id: string }; guardian: { id: string }; staff: { token: string } }) =>
      t.http().post(`/api/v1/children/${w.child.id}/guardians/${w.guardian.id}/revoke`).set(...bearer(w.staff.token)).send({}).expect(200);

    it('revoking cancels the checked-in session of the pair whose call has not started: no join token, no assent', async () => {
      const w = await world();
      await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
      await revoke(w);
      expect(await row(w.session.id)).toMatchObject({ status: 'cancelled', cancel_reason: "the parent's link was revoked" });
      expect((await post(`${w.session.id}/join-token`, w.guardian.token).expect(409)).body.code).toBe('CALL_NOT_JOINABLE');
    });

    it('a link no longer approved gets no join token, for the guardian or the staff (409 LINK_NOT_APPROVED), and no assent is taken', async () => {
      const w = await world();
      await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
      // The link alone, as a revocation racing this session would leave it (POST …/revoke also cancels the session).
      await t.db.query(`UPDATE child_guardian_links SET status = 'revoked' WHERE child_id = $1 AND guardian_id = $2`, [w.child.id, w.guardian.id]);
      for (const account of [w.guardian, w.staff]) {
        expect((await post(`${w.session.id}/join-token`, account.token).expect(409)).body).toMatchObject({ code: 'LINK_NOT_APPROVED', linkStatus: 'revoked' });
      }
      expect((await post(`${w.session.id}/assent`, w.staff.token, { response: 'yes' }).expect(409)).body.code).toBe('LINK_NOT_APPROVED');
      expect(await row(w.session.id)).toMatchObject({ status: 'checked_in', assent: null });
      // Approved again (a new link request, approved): the call can be held.
      await t.http().post(`/api/v1/children/${w.child.id}/guardians`).set(...bearer(w.staff.token)).send({ guardianId: w.guardian.id, relationship: 'mother' }).expect(201);
      await t.http().post(`/api/v1/children/${w.child.id}/guardians/${w.guardian.id}/approve`).set(...bearer(w.staff.token)).expect(200);
      await post(`${w.session.id}/join-token`, w.guardian.token).expect(200);
    });
  });

  describe('POST /sessions/:id/end', () => {
    it('ends a call in progress for the supervisor; refuses other states, guardians and counselors of supervised calls', async () => {
      const booked = await world();
      expect((await post(`${booked.session.id}/end`, booked.staff.token).expect(409)).body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'booked' });
      const w = await world({ status: 'in_call' });
      clock.set(w.startsAt.plus({ minutes: 12 }));
      expect((await post(`${w.session.id}/end`, w.guardian.token).expect(403)).body.code).toBe('NOT_ALLOWED_FOR_ROLE');
      expect((await post(`${w.session.id}/end`, w.counselor.token).expect(403)).body.code).toBe('NOT_ALLOWED_FOR_ROLE');
      await post(`${w.session.id}/end`, foreignStaff.token).expect(404);
      const ended = await post(`${w.session.id}/end`, w.staff.token).expect(200);
      expect(ended.body).toMatchObject({ status: 'completed', endReason: 'ended_by_supervisor', callEndedAt: clock.now().toJSDate().toISOString() });
      await post(`${w.session.id}/end`, w.staff.token).expect(409);
    });

    it('is the supervisor’s: another staff member of the hub gets 403 FORBIDDEN and an admin 403 NOT_ALLOWED_FOR_ROLE, as on the socket', async () => {
      const w = await world({ status: 'in_call' });
      clock.set(w.startsAt.plus({ minutes: 5 }));
      const colleague = await t.factories.newUser('hub_staff', [w.hub.id]);
      const refused = await post(`${w.session.id}/end`, colleague.token).expect(403);
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN', detail: 'Only the supervising staff member ends the call' });
      expect((await post(`${w.session.id}/end`, admin.token).expect(403)).body.code).toBe('NOT_ALLOWED_FOR_ROLE');
      expect((await row(w.session.id)).status).toBe('in_call');
      await post(`${w.session.id}/end`, w.staff.token).expect(200);
    });

    it('lets the counselor of a mediated call end it', async () => {
      const w = await world({ status: 'in_call', kind: 'mediated' });
      const ended = await post(`${w.session.id}/end`, w.counselor.token).expect(200);
      expect(ended.body).toMatchObject({ status: 'completed', endReason: 'ended_by_counselor' });
    });
  });

  describe('session.call-end job (the scheduled end)', () => {
    const run = (session: { id: string; endsAt: Date }, endsAt = session.endsAt.toISOString()) => t.app.get(CallEndJob).run({ sessionId: session.id, endsAt });

    it('ends a call at its scheduled end, even one that started late, and not before', async () => {
      const w = await world({ status: 'in_call' });
      await t.db.query(`UPDATE sessions SET call_started_at = $2, assent = 'yes', assent_at = $2 WHERE id = $1`, [w.session.id, w.startsAt.plus({ minutes: 25 }).toJSDate()]);
      clock.set(w.endsAt.minus({ seconds: 1 }));
      expect(await run(w.session)).toBe('not_applicable');
      clock.set(w.endsAt);
      expect(await run(w.session)).toBe('ended');
      expect(await run(w.session)).toBe('not_applicable');
      expect(await row(w.session.id)).toMatchObject({ status: 'completed', end_reason: 'scheduled_end' });
      const [audit] = await t.db.query(`SELECT actor_type, details FROM audit_log WHERE action = 'session.end_call' AND object_id = $1`, [w.session.id]);
      expect(audit).toEqual({ actor_type: 'system', details: { from: 'in_call', to: 'completed', endReason: 'scheduled_end', by: 'system' } });
    });

    it('cancels a checked-in session that never started, telling every party; ignores a moved session', async () => {
      const w = await world();
      await post(`${w.session.id}/check-in`, w.staff.token).expect(200);
      await t.db.query(`UPDATE sessions SET guardian_joined_at = $2 WHERE id = $1`, [w.session.id, w.startsAt.toJSDate()]);
      clock.set(w.endsAt);
      expect(await run(w.session, w.endsAt.minus({ hours: 1 }).toISO()!)).toBe('not_applicable');
      expect(await run(w.session)).toBe('cancelled');
      expect(await row(w.session.id)).toMatchObject({ status: 'cancelled', cancel_reason: 'The call did not start before its scheduled end', cancelled_by: null });
      expect((await notifications(w.session.id)).map((note) => note.template).sort()).toEqual(['session_cancelled', 'session_cancelled_staff']);
    });
  });

  describe('no-show check (start + 10 min)', () => {
    const check = (session: { id: string; startsAt: Date }) =>
      t.app.get(NoShowJob).run({ sessionId: session.id, startsAt: session.startsAt.toISOString() });

    it('marks a never-checked-in session no_show_child, even when the guardian joined, and tells the guardian gently', async () => {
      for (const guardianJoined of [false, true]) {
        const w = await world();
        if (guardianJoined) await t.db.query(`UPDATE sessions SET guardian_joined_at = $2 WHERE id = $1`, [w.session.id, w.startsAt.toJSDate()]);
        clock.set(w.startsAt.plus({ minutes: 9 }));
        expect(await check(w.session)).toBe('not_applicable');
        clock.set(w.startsAt.plus({ minutes: 10 }));
        expect(await check(w.session)).toBe('marked');
        expect((await row(w.session.id)).status).toBe('no_show_child');
        const notes = await notifications(w.session.id);
        expect(notes.map((note) => [note.recipient_id, note.template])).toEqual([[w.guardian.id, 'call_not_held']]);
        const [audit] = await t.db.query(`SELECT actor_type FROM audit_log WHERE action = 'session.mark_no_show_child' AND object_id = $1`, [w.session.id]);
        expect(audit).toEqual({ actor_type: 'system' });
      }
    });

    it('marks a checked-in session whose guardian never joined no_show_guardian, and leaves one whose guardian joined', async () => {
      const absent = await world();
      await post(`${absent.session.id}/check-in`, absent.staff.token).expect(200);
      clock.set(absent.startsAt.plus({ minutes: 10 }));
      expect(await check(absent.session)).toBe('marked');
      expect((await row(absent.session.id)).status).toBe('no_show_guardian');

      const present = await world();
      await post(`${present.session.id}/check-in`, present.staff.token).expect(200);
      await t.db.query(`UPDATE sessions SET guardian_joined_at = $2 WHERE id = $1`, [present.session.id, present.startsAt.toJSDate()]);
      clock.set(present.startsAt.plus({ minutes: 10 }));
      expect(await check(present.session)).toBe('not_applicable');
      expect((await row(present.session.id)).status).toBe('checked_in');
    });
  });
});
