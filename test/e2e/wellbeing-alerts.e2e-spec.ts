import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { AlertEvaluations } from '../../src/alerts/alert-evaluations';
import { FixedClock } from '../../src/common/clock';
import { Transactions } from '../../src/database/transaction';
import type { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { connectCounselor, ConnectedCounselor, refusedConnection } from '../support/counselor-socket';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problems';

const SAD = { feelingNow: 2, callFeeling: 2, thermometer: 5, wantsToTalk: false };
const CALM = { feelingNow: 4, callFeeling: 5, thermometer: 1, wantsToTalk: false };


describe('wellbeing checks, alerts and the /counselors socket', () => {
  const now = DateTime.utc().startOf('minute');
  const clock = new FixedClock(now);
  const schema = `kb_jobs_alerts_${randomBytes(4).toString('hex')}`;
  let t: TestApp;
  let hub: HubRow;
  let station: { id: string };
  let staff: UserRow;
  let counselor: UserRow;
  let counselor2: UserRow;
  let admin: UserRow;
  let otherHub: HubRow;
  let otherCounselor: UserRow;
  let otherStaff: UserRow;
  let guardian: GuardianRow;
  let slot = 0;
  const sockets: ConnectedCounselor[] = [];

  const connect = async (token: string) => {
    const socket = await connectCounselor(t, token);
    sockets.push(socket);
    return socket;
  };

  /** A child of the hub (own guardian link + consent) and, by default, the first counselor as its counselor. */
  const newChild = async (input: { counselorId?: string | null; scopes?: string[] } = {}) => {
    const child = await t.factories.newChild(hub.id, { counselorId: input.counselorId === null ? undefined : (input.counselorId ?? counselor.id) });
    await t.factories.newLink(child.id, guardian.id);
    await t.factories.newConsent(child.id, guardian.id, input.scopes ?? ['video_call', 'wellbeing_check']);
    return child;
  };
  /** A finished session in the past, each one an hour after the previous (so they never overlap). */
  const session = async (child: ChildRow, status = 'completed') =>
    t.factories.newSession({
      hubId: hub.id,
      stationId: station.id,
      childId: child.id,
      guardianId: guardian.id,
      supervisorId: staff.id,
      startsAt: now.minus({ days: 20 }).plus({ hours: slot++ }).toJSDate(),
      status,
    });
  const submit = (sessionId: string, body: unknown, token = staff.token) =>
    t.http().post(`/api/v1/sessions/${sessionId}/wellbeing-check`).set(...bearer(token)).send(body as object);
  /** A check after a new completed call, a minute after the previous one (the rules order checks by time). */
  const checkAfterCall = async (child: ChildRow, answers: object, extra: object = {}) => {
    clock.advance({ minutes: 1 });
    const s = await session(child);
    const response = await submit(s.id, { answers, ...extra });
    expect(response.status).toBe(201);
    return { sessionId: s.id, check: response.body };
  };
  const alertsOf = (childId: string): Promise<{ id: string; rule: string; status: string; assigned_counselor_id: string; due_by: Date }[]> =>
    t.db.query(`SELECT id, rule, status, assigned_counselor_id, due_by FROM alerts WHERE child_id = $1 ORDER BY created_at, id`, [childId]);
  const evidenceOf = async (alertId: string) =>
    (await t.db.query(`SELECT check_id, session_id FROM alert_evidence WHERE alert_id = $1`, [alertId])) as { check_id: string | null; session_id: string | null }[];
  const checksOf = async (sessionId: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM wellbeing_checks WHERE session_id = $1`, [sessionId]))[0].n;

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { JOBS_SCHEMA: schema } });
    const f = t.factories;
    hub = await f.newHub({ name: 'Qingshan Hub' });
    station = await f.newStation(hub.id);
    staff = await f.newUser('hub_staff', [hub.id]);
    counselor = await f.newUser('counselor', [hub.id]);
    counselor2 = await f.newUser('counselor', [hub.id]);
    admin = await f.newAdmin();
    otherHub = await f.newHub();
    otherCounselor = await f.newUser('counselor', [otherHub.id]);
    otherStaff = await f.newUser('hub_staff', [otherHub.id]);
    guardian = await f.newGuardian({ hubId: hub.id });
  });
  afterEach(() => {
    clock.set(now);
    while (sockets.length) sockets.pop()!.close();
  });
  afterAll(() => t.close());

  describe('POST /sessions/:id/wellbeing-check', () => {
    it('stores the answers with score and distress, audits it and queues the evaluation on the same transaction', async () => {
      const child = await newChild();
      const s = await session(child);
      const response = await submit(s.id, { answers: SAD, observation: { distressSeen: true, safetyConcern: false, note: '  quiet today ' } }).expect(201);
      expect(response.body).toMatchObject({
        sessionId: s.id,
        childId: child.id,
        sessionOutcome: 'completed',
        status: 'answered',
        instrumentVersion: 1,
        answers: SAD,
        skipReason: null,
        observation: { distressSeen: true, safetyConcern: false, note: 'quiet today' },
        score: 2,
        distress: 'mild',
        recordedBy: staff.id,
        recordedAt: now.toISO({ suppressMilliseconds: true })?.replace('Z', '.000Z'),
      });
      const [row] = await t.db.query(`SELECT score, distress, thermometer, status FROM wellbeing_checks WHERE id = $1`, [response.body.id]);
      expect(row).toEqual({ score: '2.00', distress: 'mild', thermometer: 5, status: 'answered' });
      const jobs = await t.db.query(`SELECT name, data FROM ${schema}.job WHERE data->>'id' = $1`, [response.body.id]);
      expect(jobs).toEqual([{ name: 'alert.evaluate', data: { subject: 'check', id: response.body.id } }]);
      const audit = await t.db.query(`SELECT action, actor_id, child_id FROM audit_log WHERE object_id = $1`, [response.body.id]);
      expect(audit).toEqual([{ action: 'wellbeing_check.create', actor_id: staff.id, child_id: child.id }]);
    });

    it('takes a skipped check with its reason, and a check after a decline without the call question', async () => {
      const child = await newChild();
      const skipped = await submit((await session(child)).id, { skipped: { reason: 'child_did_not_want' } }).expect(201);
      expect(skipped.body).toMatchObject({ status: 'skipped', skipReason: 'child_did_not_want', answers: null, score: null, distress: null });
      const declined = await submit((await session(child, 'declined')).id, { answers: { feelingNow: 4, thermometer: 0, wantsToTalk: false } }).expect(201);
      expect(declined.body).toMatchObject({ sessionOutcome: 'declined', answers: { callFeeling: null }, score: 4, distress: 'none' });
    });

    it('refuses a session that is not completed or declined (409 naming the status) and stores nothing', async () => {
      const child = await newChild();
      for (const status of ['booked', 'checked_in', 'in_call', 'cancelled', 'no_show_guardian']) {
        const s = await session(child, status);
        const response = await submit(s.id, { answers: CALM });
        expectProblem(response, 409, 'SESSION_NOT_FINISHED');
        expect(response.body.currentStatus).toBe(status);
        expect(await checksOf(s.id)).toBe(0);
      }
    });

    it('requires the guardian’s active wellbeing_check consent', async () => {
      const child = await newChild({ scopes: ['video_call'] });
      const s = await session(child);
      const response = await submit(s.id, { answers: CALM });
      expectProblem(response, 409, 'CONSENT_REQUIRED');
      expect(response.body.scope).toBe('wellbeing_check');
      expect(await checksOf(s.id)).toBe(0);
    });

    it('takes one check per session', async () => {
      const child = await newChild();
      const s = await session(child);
      await submit(s.id, { answers: CALM }).expect(201);
      expectProblem(await submit(s.id, { skipped: { reason: 'no_time' } }), 409, 'WELLBEING_CHECK_EXISTS');
      expect(await checksOf(s.id)).toBe(1);
    });

    it.each([
      ['no body at all', {}, 'answers'],
      ['answers and skipped together', { answers: CALM, skipped: { reason: 'no_time' } }, 'skipped'],
      ['a thermometer above 10', { answers: { ...CALM, thermometer: 11 } }, 'answers.thermometer'],
      ['a face as text', { answers: { ...CALM, feelingNow: '3' } }, 'answers.feelingNow'],
      ['a face of 0', { answers: { ...CALM, callFeeling: 0 } }, 'answers.callFeeling'],
      ['no call question after a call', { answers: { feelingNow: 3, thermometer: 2, wantsToTalk: false } }, 'answers.callFeeling'],
      ['an unknown question', { answers: { ...CALM, favouriteColour: 'red' } }, 'answers.favouriteColour'],
      ['an unknown skip reason', { skipped: { reason: 'bored' } }, 'skipped.reason'],
      ['an observation without safetyConcern', { answers: CALM, observation: { distressSeen: true } }, 'observation.safetyConcern'],
      ['a string as answers', { answers: 'sad' }, 'answers'],
      ['an unknown top-level field', { answers: CALM, mood: 'bad' }, undefined],
    ])('answers 400 for %s and stores nothing', async (_name, body, field) => {
      const child = await newChild();
      const s = await session(child);
      expectProblem(await submit(s.id, body), 400, 'VALIDATION_FAILED', field);
      expect(await checksOf(s.id)).toBe(0);
    });

    it('asks nothing about the call after a decline', async () => {
      const child = await newChild();
      const s = await session(child, 'declined');
      expectProblem(await submit(s.id, { answers: CALM }), 400, 'VALIDATION_FAILED', 'answers.callFeeling');
      expect(await checksOf(s.id)).toBe(0);
    });

    it('is for staff of the session’s hub: another hub’s staff get 404, counselors 403', async () => {
      const child = await newChild();
      const s = await session(child);
      expectProblem(await submit(s.id, { answers: CALM }, otherStaff.token), 404, 'NOT_FOUND');
      expectProblem(await submit(s.id, { answers: CALM }, counselor.token), 403, 'FORBIDDEN');
      expectProblem(await submit('not-a-uuid', { answers: CALM }), 404, 'NOT_FOUND');
      expect(await checksOf(s.id)).toBe(0);
    });
  });

  describe('rules → alerts, live on the socket', () => {
    it('raises help_requested at once, owned by the child’s counselor, due in 4 h, on the open counselor socket', async () => {
      const child = await newChild();
      const live = await connect(counselor.token);
      const { check } = await checkAfterCall(child, { ...CALM, wantsToTalk: true });
      const alert = await live.next('alert.created', (a) => a.childId === child.id);
      expect(alert).toMatchObject({
        childId: child.id,
        childName: child.displayName,
        hubId: hub.id,
        rule: 'help_requested',
        ruleVersion: 1,
        severity: 'high',
        status: 'open',
        assignedCounselorId: counselor.id,
        dueBy: clock.now().plus({ hours: 4 }).toJSDate().toISOString(),
        escalatedAt: null,
      });
      expect(alert.reason).toMatch(/asked to talk to a teacher/);
      expect(await evidenceOf(alert.id)).toEqual(
        expect.arrayContaining([
          { check_id: check.id, session_id: null },
          { check_id: null, session_id: check.sessionId },
        ]),
      );
      const jobs = await t.db.query(`SELECT start_after FROM ${schema}.job WHERE name = 'alert.escalate' AND data->>'alertId' = $1`, [alert.id]);
      expect(jobs.map((j: { start_after: Date }) => j.start_after.toISOString())).toEqual([alert.dueBy]);
      const notes = await t.db.query(`SELECT recipient_id, template FROM notifications WHERE params->>'alertId' = $1`, [alert.id]);
      expect(notes).toEqual([{ recipient_id: counselor.id, template: 'alert_raised' }]);
    });

    it('dedupes: sad answers after two calls raise one persistent_distress alert, a third joins it (alert.updated), never a second', async () => {
      const child = await newChild();
      const live = await connect(counselor.token);
      const first = await checkAfterCall(child, SAD);
      expect(await alertsOf(child.id)).toEqual([]);
      const second = await checkAfterCall(child, SAD);
      const created = await live.next('alert.created', (a) => a.childId === child.id);
      expect(created.rule).toBe('persistent_distress');
      const third = await checkAfterCall(child, SAD);
      const updated = await live.next('alert.updated', (a) => a.childId === child.id);
      expect(updated.id).toBe(created.id);
      const alerts = await alertsOf(child.id);
      expect(alerts.map((a) => a.rule)).toEqual(['persistent_distress']);
      const evidence = await evidenceOf(created.id);
      expect(evidence.filter((e) => e.check_id).map((e) => e.check_id).sort()).toEqual([first.check.id, second.check.id, third.check.id].sort());
      expect(live.received.filter((r) => r.alert.childId === child.id).map((r) => r.event)).toEqual(['alert.created', 'alert.updated']);
    });

    it('is idempotent: evaluating a check again (the durable job after the in-process run) changes nothing', async () => {
      const child = await newChild();
      await checkAfterCall(child, SAD);
      const { check } = await checkAfterCall(child, SAD);
      const before = await t.db.query(`SELECT a.*, (SELECT count(*) FROM alert_evidence e WHERE e.alert_id = a.id) AS evidence FROM alerts a WHERE child_id = $1`, [child.id]);
      expect(before).toHaveLength(1);
      const evaluations = t.app.get(AlertEvaluations);
      expect(await evaluations.evaluate({ subject: 'check', id: check.id })).toBe('already_evaluated');
      const concurrent = await Promise.all([evaluations.evaluate({ subject: 'check', id: check.id }), evaluations.evaluate({ subject: 'check', id: check.id })]);
      expect(concurrent).toEqual(['already_evaluated', 'already_evaluated']);
      const after = await t.db.query(`SELECT a.*, (SELECT count(*) FROM alert_evidence e WHERE e.alert_id = a.id) AS evidence FROM alerts a WHERE child_id = $1`, [child.id]);
      expect(after).toEqual(before);
    });

    it('keeps the check when its evaluation fails; the queued job raises the alert later, once', async () => {
      const child = await newChild();
      await checkAfterCall(child, SAD);
      // The evaluation breaks (inside its savepoint) while the check is stored.
      await t.db.query(`CREATE FUNCTION kb_test_break_evaluation() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'evaluation broke'; END $$`);
      await t.db.query(`CREATE TRIGGER kb_test_break_evaluation BEFORE INSERT ON alert_evaluations FOR EACH ROW EXECUTE FUNCTION kb_test_break_evaluation()`);
      let checkId: string;
      try {
        checkId = (await checkAfterCall(child, SAD)).check.id;
      } finally {
        await t.db.query(`DROP TRIGGER kb_test_break_evaluation ON alert_evaluations`);
        await t.db.query(`DROP FUNCTION kb_test_break_evaluation()`);
      }
      expect(await t.db.query(`SELECT count(*)::int AS n FROM wellbeing_checks WHERE id = $1`, [checkId])).toEqual([{ n: 1 }]);
      expect(await alertsOf(child.id)).toEqual([]);
      const job = await t.db.query(`SELECT data FROM ${schema}.job WHERE name = 'alert.evaluate' AND data->>'id' = $1`, [checkId]);
      expect(job).toEqual([{ data: { subject: 'check', id: checkId } }]);

      const evaluations = t.app.get(AlertEvaluations);
      expect(await evaluations.evaluate({ subject: 'check', id: checkId })).toBe('evaluated');
      expect(await evaluations.evaluate({ subject: 'check', id: checkId })).toBe('already_evaluated');
      expect((await alertsOf(child.id)).map((alert) => alert.rule)).toEqual(['persistent_distress']);
    });

    it('opens an acknowledged high alert again when the child asks for help again: due again, escalates again, the owner told', async () => {
      const child = await newChild();
      await checkAfterCall(child, { ...CALM, wantsToTalk: true });
      const [first] = await alertsOf(child.id);
      await t.http().post(`/api/v1/alerts/${first.id}/acknowledge`).set(...bearer(counselor.token)).expect(200);
      clock.advance({ hours: 1 });
      const live = await connect(counselor.token);
      await checkAfterCall(child, { ...CALM, wantsToTalk: true });
      const reopened = await live.next('alert.updated', (a) => a.id === first.id);
      expect(reopened).toMatchObject({ status: 'open', escalatedAt: null, dueBy: clock.now().plus({ hours: 4 }).toJSDate().toISOString() });
      expect(await alertsOf(child.id)).toHaveLength(1);
      const notes = await t.db.query(`SELECT recipient_id FROM notifications WHERE params->>'alertId' = $1 AND template = 'alert_raised'`, [first.id]);
      expect(notes).toEqual([{ recipient_id: counselor.id }, { recipient_id: counselor.id }]);
      const jobs = await t.db.query(`SELECT start_after FROM ${schema}.job WHERE name = 'alert.escalate' AND data->>'alertId' = $1 ORDER BY start_after`, [first.id]);
      expect(jobs.map((j: { start_after: Date }) => j.start_after.toISOString())).toContain(reopened.dueBy);
    });

    it('tells the admins when the hub has no counselor to own the alert', async () => {
      const lonelyHub = await t.factories.newHub();
      const lonelyStation = await t.factories.newStation(lonelyHub.id);
      const lonelyStaff = await t.factories.newUser('hub_staff', [lonelyHub.id]);
      const child = await t.factories.newChild(lonelyHub.id);
      await t.factories.newLink(child.id, guardian.id);
      await t.factories.newConsent(child.id, guardian.id);
      const s = await t.factories.newSession({
        hubId: lonelyHub.id,
        stationId: lonelyStation.id,
        childId: child.id,
        guardianId: guardian.id,
        supervisorId: lonelyStaff.id,
        startsAt: now.minus({ days: 3 }).toJSDate(),
        status: 'completed',
      });
      await submit(s.id, { answers: { ...CALM, wantsToTalk: true } }, lonelyStaff.token).expect(201);
      const [alert] = await alertsOf(child.id);
      expect(alert.assigned_counselor_id).toBeNull();
      const recipients = (await t.db.query(`SELECT recipient_id FROM notifications WHERE params->>'alertId' = $1 AND template = 'alert_raised'`, [alert.id])).map(
        (row: { recipient_id: string }) => row.recipient_id,
      );
      expect(recipients).toContain(admin.id);
    });

    it('sees both of two checks evaluated at the same time: two distressed checks raise persistent_distress', async () => {
      const child = await newChild();
      const [a, b] = [await session(child), await session(child)];
      clock.advance({ minutes: 1 });
      const responses = await Promise.all([submit(a.id, { answers: SAD }), submit(b.id, { answers: SAD })]);
      expect(responses.map((response) => response.status)).toEqual([201, 201]);
      expect((await alertsOf(child.id)).map((alert) => alert.rule)).toEqual(['persistent_distress']);
    });

    it('keeps an owned alert out of reach once its counselor no longer works at the hub', async () => {
      const leaving = await t.factories.newUser('counselor', [hub.id]);
      const child = await newChild({ counselorId: leaving.id });
      await checkAfterCall(child, { ...CALM, wantsToTalk: true });
      const [alert] = await alertsOf(child.id);
      expect(alert.assigned_counselor_id).toBe(leaving.id);
      await t.http().get(`/api/v1/alerts/${alert.id}`).set(...bearer(leaving.token)).expect(200);
      await t.db.query(`DELETE FROM user_hubs WHERE user_id = $1`, [leaving.id]);
      await t.http().get(`/api/v1/alerts/${alert.id}`).set(...bearer(leaving.token)).expect(404);
      const list = await t.http().get(`/api/v1/alerts?childId=${child.id}`).set(...bearer(leaving.token)).expect(200);
      expect(list.body.items).toEqual([]);
    });

    it('shows hub staff the child’s timeline without the counselors’ notes and outcomes', async () => {
      const child = await newChild();
      await checkAfterCall(child, { ...CALM, wantsToTalk: true });
      const [alert] = await alertsOf(child.id);
      await t.http().post(`/api/v1/alerts/${alert.id}/follow-ups`).set(...bearer(counselor.token)).send({ action: 'met_child', note: 'Worried about the grandmother' }).expect(201);
      await t.http().post(`/api/v1/alerts/${alert.id}/resolve`).set(...bearer(counselor.token)).send({ outcome: 'Family situation discussed' }).expect(200);
      const read = async (token: string) => (await t.http().get(`/api/v1/children/${child.id}/timeline`).set(...bearer(token)).expect(200)).body.items;
      const byType = (items: { type: string; data: Record<string, unknown> }[], type: string) => items.find((item) => item.type === type)!.data;
      const forCounselor = await read(counselor.token);
      expect(byType(forCounselor, 'follow_up').note).toBe('Worried about the grandmother');
      expect(byType(forCounselor, 'alert').outcome).toBe('Family situation discussed');
      const forStaff = await read(staff.token);
      expect(byType(forStaff, 'follow_up')).toMatchObject({ action: 'met_child', note: null });
      expect(byType(forStaff, 'alert')).toMatchObject({ status: 'resolved', outcome: null });
    });

    it('gives alerts of a child without a counselor to the hub’s counselors in turn', async () => {
      const owners: string[] = [];
      for (let i = 0; i < 4; i++) {
        const child = await newChild({ counselorId: null });
        await checkAfterCall(child, { ...CALM, wantsToTalk: true });
        owners.push((await alertsOf(child.id))[0].assigned_counselor_id);
      }
      const pair = [counselor.id, counselor2.id].sort();
      expect(new Set(owners)).toEqual(new Set(pair));
      expect(owners[0]).not.toBe(owners[1]);
      expect(owners[2]).toBe(owners[0]);
      expect(owners[3]).toBe(owners[1]);
    });

    it('notices three declines in a row through the decline hook, without any check', async () => {
      const child = await newChild();
      const sessions = [await session(child, 'declined'), await session(child, 'declined'), await session(child, 'declined')];
      const evaluations = t.app.get(AlertEvaluations);
      for (const s of sessions) {
        await t.app.get(Transactions).run((tx) => evaluations.queue(tx, { subject: 'decline', id: s.id }));
        await evaluations.evaluate({ subject: "decline", id: s.id });
      }
      const alerts = await alertsOf(child.id);
      expect(alerts.map((a) => [a.rule, a.due_by.toISOString()])).toEqual([['repeated_declines', now.plus({ hours: 48 }).toJSDate().toISOString()]]);
      expect((await evidenceOf(alerts[0].id)).map((e) => e.session_id).sort()).toEqual(sessions.map((s) => s.id).sort());
      expect(await evaluations.evaluate({ subject: 'decline', id: sessions[0].id })).toBe('already_evaluated');
    });
  });

  describe('the /counselors socket', () => {
    it('refuses a handshake without a valid staff token, and refuses hub staff and guardians', async () => {
      expect((await refusedConnection(t, {})).data?.code).toBe('UNAUTHENTICATED');
      expect((await refusedConnection(t, { token: 'nonsense' })).data?.code).toBe('UNAUTHENTICATED');
      expect((await refusedConnection(t, { token: staff.token })).data?.code).toBe('FORBIDDEN');
      expect((await refusedConnection(t, { token: guardian.token })).data?.code).toBe('FORBIDDEN');
    });

    it('gives an offline counselor every open alert on (re)connect; another hub’s counselor sees none of them', async () => {
      const child = await newChild();
      const first = await connect(counselor.token);
      first.close();
      await checkAfterCall(child, { ...CALM, wantsToTalk: true });
      const [alert] = await alertsOf(child.id);
      const again = await connect(counselor.token);
      expect(again.backlog.map((a) => a.id)).toContain(alert.id);
      const other = await connect(otherCounselor.token);
      expect(other.backlog.map((a) => a.childId)).not.toContain(child.id);
      const adminSocket = await connect(admin.token);
      expect(adminSocket.backlog.map((a) => a.id)).toContain(alert.id);
      const asked = await new Promise<{ ok: boolean; alerts?: { id: string }[] }>((resolve) => again.socket.emit('backlog', {}, resolve as never));
      expect(asked.ok).toBe(true);
      expect(asked.alerts!.map((a) => a.id)).toContain(alert.id);
      const garbage = await new Promise<{ ok: boolean; problem?: { code: string } }>((resolve) => again.socket.emit('backlog', { all: true } as never, resolve as never));
      expect(garbage).toMatchObject({ ok: false, problem: { code: 'VALIDATION_FAILED' } });
    });
  });
});
