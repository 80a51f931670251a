import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { AlertEscalations } from '../../src/alerts/alert-escalations';
import { FixedClock } from '../../src/common/clock';
import type { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { connectCounselor, ConnectedCounselor } from '../support/counselor-socket';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { expectProblem } from '../support/problems';

const SAD = { feelingNow: 2, callFeeling: 1, thermometer: 6, wantsToTalk: false };
const CALM = { feelingNow: 4, callFeeling: 4, thermometer: 1, wantsToTalk: false };
const HELP = { ...CALM, wantsToTalk: true };
const ALL_WEEK = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));


describe('alerts: REST workflow, escalation, timeline, call plan, restart', () => {
  const now = DateTime.utc().startOf('minute');
  const clock = new FixedClock(now);
  const env = { JOBS_SCHEMA: `kb_jobs_alertflow_${randomBytes(4).toString('hex')}` };
  let t: TestApp;
  let hub: HubRow;
  let station: { id: string };
  let staff: UserRow;
  let counselor: UserRow;
  let counselor2: UserRow;
  let admin: UserRow;
  let otherCounselor: UserRow;
  let guardian: GuardianRow;
  let slot = 0;
  const sockets: ConnectedCounselor[] = [];

  const connect = async (token: string) => {
    const socket = await connectCounselor(t, token);
    sockets.push(socket);
    return socket;
  };
  const api = (method: 'get' | 'post' | 'put', path: string, token: string) => t.http()[method](`/api/v1${path}`).set(...bearer(token));
  const newChild = async (displayName?: string) => {
    const child = await t.factories.newChild(hub.id, { counselorId: counselor.id, displayName });
    await t.factories.newLink(child.id, guardian.id);
    await t.factories.newConsent(child.id, guardian.id);
    return child;
  };
  const session = async (child: ChildRow, status = 'completed') =>
    t.factories.newSession({
      hubId: hub.id,
      stationId: station.id,
      childId: child.id,
      guardianId: guardian.id,
      supervisorId: staff.id,
      startsAt: now.minus({ days: 10 }).plus({ hours: slot++ }).toJSDate(),
      status,
    });
  const checkAfterCall = async (child: ChildRow, answers: object) => {
    clock.advance({ minutes: 1 });
    const s = await session(child);
    const response = await api('post', `/sessions/${s.id}/wellbeing-check`, staff.token).send({ answers });
    expect(response.status).toBe(201);
    return { sessionId: s.id, checkId: response.body.id as string };
  };
  const alertOf = async (child: ChildRow, rule = 'help_requested'): Promise<string> =>
    (await t.db.query(`SELECT id FROM alerts WHERE child_id = $1 AND rule = $2 ORDER BY created_at DESC LIMIT 1`, [child.id, rule]))[0].id;

  beforeAll(async () => {
    t = await startTestApp({ clock, env });
    const f = t.factories;
    hub = await f.newHub({ minimumNoticeMinutes: 0 });
    await f.setOpeningHours(hub.id, ALL_WEEK);
    station = await f.newStation(hub.id);
    staff = await f.newUser('hub_staff', [hub.id]);
    counselor = await f.newUser('counselor', [hub.id]);
    counselor2 = await f.newUser('counselor', [hub.id]);
    admin = await f.newAdmin();
    otherCounselor = await f.newUser('counselor', [(await f.newHub()).id]);
    guardian = await f.newGuardian({ hubId: hub.id });
    await f.setAvailability(guardian.id, ALL_WEEK);
  });
  afterEach(() => {
    clock.set(now);
    while (sockets.length) sockets.pop()!.close();
  });
  afterAll(() => t.close());

  describe('GET /alerts and GET /alerts/:id', () => {
    it('lists the caller’s hubs’ alerts with filters and pagination; another hub’s counselor gets 404 and an empty list', async () => {
      const child = await newChild();
      const help = await checkAfterCall(child, HELP);
      await checkAfterCall(child, SAD);
      await checkAfterCall(child, SAD);
      const page = await api('get', `/alerts?childId=${child.id}`, counselor.token).expect(200);
      expect(page.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
      expect(page.body.items.map((a: { rule: string }) => a.rule)).toEqual(['persistent_distress', 'help_requested']);
      const paged = await api('get', `/alerts?childId=${child.id}&pageSize=1&page=2`, counselor.token).expect(200);
      expect(paged.body.items.map((a: { rule: string }) => a.rule)).toEqual(['help_requested']);
      expect(paged.body.total).toBe(2);
      const filtered = await api('get', `/alerts?childId=${child.id}&rule=help_requested&severity=high&status=open&hubId=${hub.id}&assignedToMe=true`, counselor.token).expect(200);
      expect(filtered.body.items).toHaveLength(1);
      expect((await api('get', `/alerts?childId=${child.id}&assignedToMe=true`, counselor2.token).expect(200)).body.total).toBe(0);
      expect((await api('get', `/alerts?childId=${child.id}`, admin.token).expect(200)).body.total).toBe(2);

      const id = await alertOf(child);
      const detail = await api('get', `/alerts/${id}`, counselor.token).expect(200);
      expect(detail.body).toMatchObject({ id, rule: 'help_requested', status: 'open', followUps: [], acknowledgedAt: null, outcome: null });
      expect(detail.body.evidence).toEqual(expect.arrayContaining([{ type: 'check', id: help.checkId, addedAt: expect.any(String) }]));

      expect((await api('get', `/alerts?childId=${child.id}`, otherCounselor.token).expect(200)).body).toMatchObject({ total: 0, items: [] });
      expectProblem(await api('get', `/alerts/${id}`, otherCounselor.token), 404, 'NOT_FOUND');
      expectProblem(await api('post', `/alerts/${id}/acknowledge`, otherCounselor.token), 404, 'NOT_FOUND');
      expectProblem(await api('post', `/alerts/${id}/resolve`, otherCounselor.token).send({ outcome: 'x' }), 404, 'NOT_FOUND');
      expectProblem(await api('get', `/alerts/${id}`, staff.token), 403, 'FORBIDDEN');
      expectProblem(await api('get', `/alerts?status=closed`, counselor.token), 400, 'VALIDATION_FAILED', 'status');
      const reads = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'alert.read' AND object_id = $1 AND actor_id = $2`, [id, counselor.id]);
      expect(reads[0].n).toBeGreaterThanOrEqual(3);
    });
  });

  describe('acknowledge, follow up, resolve', () => {
    it('moves open → acknowledged → resolved, audits each step and tells the sockets (alert.updated)', async () => {
      const child = await newChild();
      await checkAfterCall(child, HELP);
      const id = await alertOf(child);
      const live = await connect(counselor2.token);
      const acknowledged = await api('post', `/alerts/${id}/acknowledge`, counselor.token).expect(200);
      expect(acknowledged.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: counselor.id });
      expect((await live.next('alert.updated', (a) => a.id === id)).status).toBe('acknowledged');
      await api('post', `/alerts/${id}/acknowledge`, counselor.token).expect(200);

      expectProblem(await api('post', `/alerts/${id}/follow-ups`, counselor.token).send({ action: 'phoned', note: 'x' }), 400, 'VALIDATION_FAILED', 'action');
      expectProblem(await api('post', `/alerts/${id}/follow-ups`, counselor.token).send({ action: 'met_child', note: '   ' }), 400, 'VALIDATION_FAILED', 'note');
      const followed = await api('post', `/alerts/${id}/follow-ups`, counselor.token).send({ action: 'met_child', note: 'Talked after school; she misses her mother.' }).expect(201);
      expect(followed.body.followUps).toEqual([
        { id: expect.any(String), action: 'met_child', note: 'Talked after school; she misses her mother.', createdBy: counselor.id, createdAt: expect.any(String) },
      ]);

      expectProblem(await api('post', `/alerts/${id}/resolve`, counselor.token).send({}), 400, 'VALIDATION_FAILED', 'outcome');
      expectProblem(await api('post', `/alerts/${id}/resolve`, counselor.token).send({ outcome: '' }), 400, 'VALIDATION_FAILED', 'outcome');
      expect((await t.db.query(`SELECT status FROM alerts WHERE id = $1`, [id]))[0].status).toBe('acknowledged');
      const resolved = await api('post', `/alerts/${id}/resolve`, counselor.token).send({ outcome: 'Weekly talks with the school counselor agreed' }).expect(200);
      expect(resolved.body).toMatchObject({ status: 'resolved', resolvedBy: counselor.id, outcome: 'Weekly talks with the school counselor agreed' });
      expectProblem(await api('post', `/alerts/${id}/resolve`, counselor.token).send({ outcome: 'again' }), 409, 'ALERT_RESOLVED');
      expectProblem(await api('post', `/alerts/${id}/follow-ups`, counselor.token).send({ action: 'other', note: 'late' }), 409, 'ALERT_RESOLVED');
      expectProblem(await api('post', `/alerts/${id}/acknowledge`, counselor.token), 409, 'ALERT_RESOLVED');
      const audit = await t.db.query(`SELECT action, details FROM audit_log WHERE object_id = $1 AND action <> 'alert.read' ORDER BY id`, [id]);
      expect(audit.map((a: { action: string }) => a.action)).toEqual(['alert.create', 'alert.acknowledge', 'alert.follow_up', 'alert.resolve']);
      expect(JSON.stringify(audit)).not.toContain('misses her mother');
      // Resolved alerts leave the backlog; a new finding opens a new alert.
      expect((await connect(counselor.token)).backlog.map((a) => a.id)).not.toContain(id);
      await checkAfterCall(child, HELP);
      expect(await alertOf(child)).not.toBe(id);
    });

    it('a follow-up on an open alert acknowledges it', async () => {
      const child = await newChild();
      await checkAfterCall(child, HELP);
      const id = await alertOf(child);
      const response = await api('post', `/alerts/${id}/follow-ups`, counselor2.token).send({ action: 'called_guardian', note: 'Mother will call on Sunday' }).expect(201);
      expect(response.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: counselor2.id });
    });
  });

  describe('escalation (the job at due_by, driven with a moved clock)', () => {
    it('escalates an unacknowledged alert exactly once, even with two handler runs at the same time, to the other counselors and admins', async () => {
      const child = await newChild();
      await checkAfterCall(child, HELP);
      const id = await alertOf(child);
      const escalations = t.app.get(AlertEscalations);
      expect(await escalations.escalate(id)).toBe('not_due');
      const adminSocket = await connect(admin.token);
      const otherSocket = await connect(counselor2.token);
      clock.advance({ hours: 4, minutes: 1 });
      const outcomes = await Promise.all([escalations.escalate(id), escalations.escalate(id)]);
      expect(outcomes.sort()).toEqual(['escalated', 'not_applicable']);
      expect(await escalations.escalate(id)).toBe('not_applicable');
      const [row] = await t.db.query(`SELECT escalated_at, status FROM alerts WHERE id = $1`, [id]);
      expect({ escalatedAt: row.escalated_at.toISOString(), status: row.status }).toEqual({ escalatedAt: clock.now().toJSDate().toISOString(), status: 'open' });
      const notified: { recipient_id: string }[] = await t.db.query(`SELECT recipient_id FROM notifications WHERE template = 'alert_escalated' AND params->>'alertId' = $1`, [id]);
      const recipients = notified.map((n) => n.recipient_id);
      expect(recipients).toContain(counselor2.id);
      expect(recipients).toContain(admin.id);
      expect(recipients).not.toContain(counselor.id);
      expect(new Set(recipients).size).toBe(recipients.length);
      expect((await adminSocket.next('alert.escalated', (a) => a.id === id)).escalatedAt).toBe(row.escalated_at.toISOString());
      await otherSocket.next('alert.escalated', (a) => a.id === id);
      expect(adminSocket.received.filter((r) => r.event === 'alert.escalated' && r.alert.id === id)).toHaveLength(1);
      const audit = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'alert.escalate' AND object_id = $1`, [id]);
      expect(audit[0].n).toBe(1);
    });

    it('does nothing when the alert was acknowledged before due_by', async () => {
      const child = await newChild();
      await checkAfterCall(child, HELP);
      const id = await alertOf(child);
      await api('post', `/alerts/${id}/acknowledge`, counselor.token).expect(200);
      clock.advance({ hours: 5 });
      expect(await t.app.get(AlertEscalations).escalate(id)).toBe('not_applicable');
      expect((await t.db.query(`SELECT escalated_at FROM alerts WHERE id = $1`, [id]))[0].escalated_at).toBeNull();
      expect((await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE template = 'alert_escalated' AND params->>'alertId' = $1`, [id]))[0].n).toBe(0);
    });

    it('waits 48 h for a normal alert', async () => {
      const child = await newChild();
      for (let i = 0; i < 3; i++) {
        const s = await session(child, 'declined');
        await api('post', `/sessions/${s.id}/wellbeing-check`, staff.token).send({ skipped: { reason: 'child_did_not_want' } }).expect(201);
      }
      const id = await alertOf(child, 'repeated_declines');
      clock.advance({ hours: 47 });
      expect(await t.app.get(AlertEscalations).escalate(id)).toBe('not_due');
      clock.advance({ hours: 2 });
      expect(await t.app.get(AlertEscalations).escalate(id)).toBe('escalated');
    });
  });

  describe('GET /children/:id/timeline', () => {
    it('shows sessions, assents, checks with scores, alerts, follow-ups and call-plan changes, newest first, paginated and audited', async () => {
      const child = await newChild();
      const declined = await session(child, 'declined');
      await t.db.query(`UPDATE sessions SET assent = 'not_today', assent_reason = 'tired', assent_at = starts_at + interval '1 minute' WHERE id = $1`, [declined.id]);
      const { checkId } = await checkAfterCall(child, HELP);
      const alertId = await alertOf(child);
      clock.advance({ minutes: 1 });
      await api('post', `/alerts/${alertId}/follow-ups`, counselor.token).send({ action: 'met_child', note: 'fine now' }).expect(201);
      clock.advance({ minutes: 1 });
      await api('put', `/children/${child.id}/call-plan`, counselor.token).send({ paused: false, maxCallsPerWeek: 2, mediatedOnly: true, adviceForParent: 'Ask about her drawings' }).expect(200);
      const response = await api('get', `/children/${child.id}/timeline`, counselor.token).expect(200);
      const items = response.body.items as { type: string; id: string; at: string; data: Record<string, unknown> }[];
      expect(items.map((i) => i.type)).toEqual(['call_plan_change', 'follow_up', 'alert', 'wellbeing_check', 'session', 'assent', 'session']);
      expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort().reverse());
      expect(items[0].data).toMatchObject({ paused: false, maxCallsPerWeek: 2, mediatedOnly: true, adviceForParent: 'Ask about her drawings', by: counselor.id });
      expect(items[1].data).toMatchObject({ alertId, action: 'met_child', note: 'fine now' });
      expect(items[2]).toMatchObject({ id: alertId, data: { rule: 'help_requested', severity: 'high' } });
      expect(items[3]).toMatchObject({ id: checkId, data: { score: 4, distress: 'none', wantsToTalk: true, thermometer: 1 } });
      expect(items[5]).toMatchObject({ type: 'assent', id: declined.id, data: { response: 'not_today', reason: 'tired' } });
      expect(response.body).toMatchObject({ total: 7, page: 1, pageSize: 20 });
      const second = await api('get', `/children/${child.id}/timeline?page=2&pageSize=3`, staff.token).expect(200);
      expect(second.body.items.map((i: { id: string }) => i.id)).toEqual(items.slice(3, 6).map((i) => i.id));
      expect((await api('get', `/children/${child.id}/timeline?page=9&pageSize=3`, admin.token).expect(200)).body).toMatchObject({ items: [], total: 7 });
      const reads = await t.db.query(`SELECT actor_id FROM audit_log WHERE action = 'child.timeline_read' AND child_id = $1 ORDER BY id`, [child.id]);
      expect(reads.map((r: { actor_id: string }) => r.actor_id)).toEqual([counselor.id, staff.id, admin.id]);
      expectProblem(await api('get', `/children/${child.id}/timeline`, otherCounselor.token), 404, 'NOT_FOUND');
      expectProblem(await api('get', `/children/${child.id}/timeline`, guardian.token), 403, 'FORBIDDEN');
      expectProblem(await api('get', `/children/${child.id}/timeline?pageSize=0`, counselor.token), 400, 'VALIDATION_FAILED', 'pageSize');
    });
  });

  it('done when: three calls, sad after two → one persistent_distress alert live; acknowledge, follow-up, pause → booking refused', async () => {
    const child = await newChild('Lanlan');
    const inbox = await connect(counselor.token);
    await checkAfterCall(child, SAD);
    await checkAfterCall(child, CALM);
    await checkAfterCall(child, SAD);
    const alert = await inbox.next('alert.created', (a) => a.childId === child.id);
    expect(alert).toMatchObject({ rule: 'persistent_distress', severity: 'high', childName: 'Lanlan', assignedCounselorId: counselor.id });
    expect(alert.reason).toMatch(/2 of the last 3 checks/);
    expect(inbox.received.filter((r) => r.alert.childId === child.id)).toHaveLength(1);
    expect((await t.db.query(`SELECT count(*)::int AS n FROM alerts WHERE child_id = $1`, [child.id]))[0].n).toBe(1);

    await api('post', `/alerts/${alert.id}/acknowledge`, counselor.token).expect(200);
    await api('post', `/alerts/${alert.id}/follow-ups`, counselor.token).send({ action: 'call_plan_changed', note: 'Pausing calls for two weeks' }).expect(201);
    const startsAt = now.plus({ days: 2 }).set({ hour: 12, minute: 0 }).toISO();
    const book = () =>
      api('post', '/sessions', staff.token).set('Idempotency-Key', randomBytes(8).toString('hex')).send({ childId: child.id, guardianId: guardian.id, startsAt, durationMinutes: 20, kind: 'supervised' });
    await api('put', `/children/${child.id}/call-plan`, counselor.token).send({ paused: true, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: null }).expect(200);
    const refused = await book();
    expectProblem(refused, 409, 'CALL_PLAN_PAUSED');
    expect(refused.body.detail).toMatch(/paus/i);
    clock.advance({ minutes: 1 });
    await api('put', `/children/${child.id}/call-plan`, counselor.token).send({ paused: false, maxCallsPerWeek: null, mediatedOnly: false, adviceForParent: null }).expect(200);
    expect((await book()).status).toBe(201);
    const changes = await t.db.query(`SELECT paused, changed_by FROM call_plan_changes WHERE child_id = $1 ORDER BY changed_at, id`, [child.id]);
    expect(changes).toEqual([{ paused: true, changed_by: counselor.id }, { paused: false, changed_by: counselor.id }]);
  });

  it('alerts survive a restart: a new instance lists them and sends them in the backlog', async () => {
    const child = await newChild();
    await checkAfterCall(child, HELP);
    const id = await alertOf(child);
    await t.close();
    t = await startTestApp({ clock, env });
    expect((await api('get', `/alerts/${id}`, counselor.token).expect(200)).body).toMatchObject({ id, status: 'open' });
    expect((await connect(counselor.token)).backlog.map((a) => a.id)).toContain(id);
  });
});
