import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const NOW = DateTime.fromISO('2026-05-04T01:00:00Z', { zone: 'utc' });

describe('guardian reschedule requests', () => {
  let t: TestApp;
  let hub: HubRow;
  let stations: { id: string }[];
  let staff: UserRow;
  let counselor: UserRow;
  let otherStaff: UserRow;
  let admin: UserRow;
  let child: ChildRow;
  let guardian: GuardianRow;
  let otherGuardian: GuardianRow;
  let day = 0;

  /** A booked session of the guardian and child, each on its own future day at 10:00 UTC. */
  const newSession = async (input: { status?: string; startsAt?: DateTime } = {}) =>
    t.factories.newSession({
      hubId: hub.id,
      stationId: stations[0].id,
      childId: child.id,
      guardianId: guardian.id,
      supervisorId: staff.id,
      startsAt: (input.startsAt ?? NOW.plus({ days: 1 + day++ }).set({ hour: 10, minute: 0 })).toJSDate(),
      status: input.status,
    });
  const ask = (token: string, sessionId: string, body: object = {}) =>
    t.http().post(`/api/v1/sessions/${sessionId}/reschedule-requests`).set(...bearer(token)).send(body);
  /** Withdraw takes no body (any body is refused); approve and decline take an object. */
  const act = (token: string, requestId: string, action: 'approve' | 'decline' | 'withdraw', body: object = {}) => {
    const request = t.http().post(`/api/v1/reschedule-requests/${requestId}/${action}`).set(...bearer(token));
    return action === 'withdraw' ? request : request.send(body);
  };
  const list = (token: string, query: Record<string, string | number> = {}) =>
    t.http().get('/api/v1/reschedule-requests').query(query).set(...bearer(token));
  const requestRows = (sessionId: string): Promise<{ id: string; status: string }[]> =>
    t.db.query(`SELECT id, status FROM reschedule_requests WHERE session_id = $1 ORDER BY created_at, id`, [sessionId]);
  const sessionRow = async (sessionId: string) =>
    (await t.db.query(`SELECT starts_at, sequence, status FROM sessions WHERE id = $1`, [sessionId]))[0] as { starts_at: Date; sequence: number; status: string };
  const notices = (recipientId: string, template: string, sessionId: string): Promise<{ body: string }[]> =>
    t.db.query(`SELECT body FROM notifications WHERE recipient_id = $1 AND template = $2 AND params->>'sessionId' = $3`, [
      recipientId,
      template,
      sessionId,
    ]);

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW) });
    const f = t.factories;
    hub = await f.newHub({ minimumNoticeMinutes: 0 });
    const otherHub = await f.newHub();
    stations = [await f.newStation(hub.id), await f.newStation(hub.id)];
    staff = await f.newUser('hub_staff', [hub.id]);
    counselor = await f.newUser('counselor', [hub.id]);
    otherStaff = await f.newUser('hub_staff', [otherHub.id]);
    admin = await f.newAdmin();
    child = await f.newChild(hub.id, { displayName: 'Dongdong' });
    guardian = await f.newGuardian({ hubId: hub.id, locale: 'en' });
    otherGuardian = await f.newGuardian({ hubId: hub.id });
    await f.newLink(child.id, guardian.id);
    await f.newConsent(child.id, guardian.id);
    const allDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
    await f.setOpeningHours(hub.id, allDay);
    await f.setAvailability(guardian.id, allDay);
  });
  afterAll(() => t.close());

  describe('POST /sessions/:id/reschedule-requests', () => {
    it('lets the session’s guardian ask, once at a time, and tells the supervisor', async () => {
      const session = await newSession();
      const proposed = DateTime.fromJSDate(session.startsAt).plus({ hours: 3 });
      const { body } = await ask(guardian.token, session.id, { proposedStartsAt: proposed.setZone('Asia/Shanghai').toISO(), note: '  Night shift this week  ' }).expect(201);
      expect(body).toEqual({
        id: expect.any(String),
        sessionId: session.id,
        hubId: hub.id,
        childId: child.id,
        guardianId: guardian.id,
        status: 'pending',
        proposedStartsAt: proposed.toJSDate().toISOString(),
        note: 'Night shift this week',
        sessionStartsAt: session.startsAt.toISOString(),
        sessionStatus: 'booked',
        decidedBy: null,
        decidedAt: null,
        decisionNote: null,
        createdAt: NOW.toJSDate().toISOString(),
      });
      const [notice] = await notices(staff.id, 'reschedule_requested_staff', session.id);
      expect(notice.body).toContain('Night shift this week');
      const [audit] = await t.db.query(`SELECT actor_id, child_id FROM audit_log WHERE action = 'reschedule_request.create' AND object_id = $1`, [body.id]);
      expect(audit).toEqual({ actor_id: guardian.id, child_id: child.id });

      const second = await ask(guardian.token, session.id, {}).expect(409);
      expect(second.body.code).toBe('REQUEST_PENDING');
      expect(await requestRows(session.id)).toHaveLength(1);
    });

    it('refuses bad input with 400 and creates nothing', async () => {
      const session = await newSession();
      const bodies = [
        { proposedStartsAt: 'next tuesday' },
        { proposedStartsAt: '2026-05-10T10:00:00' }, // no offset
        { proposedStartsAt: '2026-13-40T10:00:00Z' },
        { proposedStartsAt: NOW.minus({ hours: 1 }).toISO() }, // in the past
        { proposedStartsAt: session.startsAt.toISOString() }, // the current start
        { note: 'x'.repeat(501) },
        { note: 42 },
        { unexpected: true },
      ];
      for (const body of bodies) {
        const response = await ask(guardian.token, session.id, body);
        expect([response.status, response.body.code, JSON.stringify(body)]).toEqual([400, 'VALIDATION_FAILED', JSON.stringify(body)]);
      }
      expect(await requestRows(session.id)).toEqual([]);
    });

    it('is only for the session’s own guardian and a booked session that has not started', async () => {
      const session = await newSession();
      await ask(otherGuardian.token, session.id).expect(404);
      await ask(staff.token, session.id).expect(403);
      await ask(admin.token, session.id).expect(403);
      await ask(guardian.token, '00000000-0000-4000-8000-000000000000').expect(404);
      await ask(guardian.token, 'not-a-uuid').expect(404);
      const cancelled = await newSession({ status: 'cancelled' });
      expect((await ask(guardian.token, cancelled.id).expect(409)).body).toMatchObject({ code: 'INVALID_TRANSITION', currentStatus: 'cancelled' });
      const past = await newSession({ startsAt: NOW.minus({ days: 2 }) });
      expect((await ask(guardian.token, past.id).expect(409)).body.code).toBe('INVALID_TRANSITION');
      for (const id of [session.id, cancelled.id, past.id]) expect(await requestRows(id)).toEqual([]);
    });
  });

  describe('approve', () => {
    it('moves the session to the proposed time under the booking rules; the request becomes approved', async () => {
      const session = await newSession();
      const proposed = DateTime.fromJSDate(session.startsAt).plus({ hours: 2 });
      const created = (await ask(guardian.token, session.id, { proposedStartsAt: proposed.toISO() }).expect(201)).body;
      const before = await sessionRow(session.id);

      const { body } = await act(staff.token, created.id, 'approve').expect(200);
      expect(body).toMatchObject({
        status: 'approved',
        decidedBy: staff.id,
        decidedAt: NOW.toJSDate().toISOString(),
        sessionStartsAt: proposed.toJSDate().toISOString(),
      });
      const after = await sessionRow(session.id);
      expect(after.starts_at.toISOString()).toBe(proposed.toJSDate().toISOString());
      expect(after.sequence).toBeGreaterThan(before.sequence);
      expect(await notices(guardian.id, 'session_rescheduled', session.id)).toHaveLength(1);
      const audits = await t.db.query(`SELECT actor_id FROM audit_log WHERE action = 'reschedule_request.approve' AND object_id = $1`, [created.id]);
      expect(audits).toEqual([{ actor_id: staff.id }]);

      expect((await act(staff.token, created.id, 'approve').expect(409)).body.code).toBe('INVALID_TRANSITION');
    });

    it('leaves the request pending when the booking rules refuse the time, and returns their problem', async () => {
      const session = await newSession();
      const proposed = DateTime.fromJSDate(session.startsAt).plus({ hours: 4 });
      // The child already has another call at the proposed time (at the other station, with another guardian).
      const blocker = await t.factories.newGuardian({ hubId: hub.id });
      await t.factories.newSession({
        hubId: hub.id,
        stationId: stations[1].id,
        childId: child.id,
        guardianId: blocker.id,
        supervisorId: counselor.id,
        startsAt: proposed.toJSDate(),
      });
      const created = (await ask(guardian.token, session.id, { proposedStartsAt: proposed.toISO() }).expect(201)).body;

      const refused = await act(staff.token, created.id, 'approve').expect(409);
      expect(refused.body.code).toBe('SLOT_TAKEN');
      expect((await requestRows(session.id))[0].status).toBe('pending');
      expect((await sessionRow(session.id)).starts_at.toISOString()).toBe(session.startsAt.toISOString());

      // Staff can approve another time instead.
      const other = DateTime.fromJSDate(session.startsAt).plus({ hours: 6 });
      const { body } = await act(staff.token, created.id, 'approve', { startsAt: other.toISO() }).expect(200);
      expect(body).toMatchObject({ status: 'approved', sessionStartsAt: other.toJSDate().toISOString() });
    });

    it('needs a time when the guardian proposed none, and validates it', async () => {
      const session = await newSession();
      const created = (await ask(guardian.token, session.id, { note: 'Any other day is fine' }).expect(201)).body;
      expect(created.proposedStartsAt).toBeNull();
      expect((await act(staff.token, created.id, 'approve').expect(400)).body.errors).toEqual([{ field: 'startsAt', messages: [expect.any(String)] }]);
      await act(staff.token, created.id, 'approve', { startsAt: 'soon' }).expect(400);
      await act(staff.token, created.id, 'approve', { startsAt: '2026-05-20T10:00:00' }).expect(400);
      expect((await requestRows(session.id))[0].status).toBe('pending');
      const at = DateTime.fromJSDate(session.startsAt).plus({ days: 1, hours: 1 });
      await act(admin.token, created.id, 'approve', { startsAt: at.toISO() }).expect(200);
      expect((await sessionRow(session.id)).starts_at.toISOString()).toBe(at.toJSDate().toISOString());
    });

    it('is for staff of the hub and admins: another hub 404, counselors and guardians 403, nothing changes', async () => {
      const session = await newSession();
      const proposed = DateTime.fromJSDate(session.startsAt).plus({ hours: 1 });
      const created = (await ask(guardian.token, session.id, { proposedStartsAt: proposed.toISO() }).expect(201)).body;
      await act(otherStaff.token, created.id, 'approve').expect(404);
      await act(counselor.token, created.id, 'approve').expect(403);
      await act(guardian.token, created.id, 'approve').expect(403);
      await act(admin.token, '00000000-0000-4000-8000-000000000000', 'approve').expect(404);
      await act(otherStaff.token, created.id, 'decline').expect(404);
      expect((await requestRows(session.id))[0].status).toBe('pending');
      expect((await sessionRow(session.id)).starts_at.toISOString()).toBe(session.startsAt.toISOString());
    });
  });

  describe('decline and withdraw', () => {
    it('declines with a kind notice to the guardian; the session stays', async () => {
      const session = await newSession();
      const created = (await ask(guardian.token, session.id, { proposedStartsAt: DateTime.fromJSDate(session.startsAt).plus({ hours: 1 }).toISO() }).expect(201)).body;
      await act(staff.token, created.id, 'decline', { note: 'x'.repeat(501) }).expect(400);
      const { body } = await act(staff.token, created.id, 'decline', { note: 'The booth is full that evening' }).expect(200);
      expect(body).toMatchObject({ status: 'declined', decidedBy: staff.id, decisionNote: 'The booth is full that evening' });
      const [notice] = await notices(guardian.id, 'reschedule_declined', session.id);
      expect(notice.body).toContain('The booth is full that evening');
      expect(notice.body).toMatch(/^Sorry/);
      expect((await sessionRow(session.id)).starts_at.toISOString()).toBe(session.startsAt.toISOString());
      await act(staff.token, created.id, 'approve').expect(409);
      // The guardian may ask again.
      await ask(guardian.token, session.id, {}).expect(201);
    });

    it('lets the guardian withdraw their own pending request', async () => {
      const session = await newSession();
      const created = (await ask(guardian.token, session.id).expect(201)).body;
      await act(otherGuardian.token, created.id, 'withdraw').expect(404);
      await act(staff.token, created.id, 'withdraw').expect(403);
      expect((await requestRows(session.id))[0].status).toBe('pending');
      const { body } = await act(guardian.token, created.id, 'withdraw').expect(200);
      expect(body).toMatchObject({ status: 'withdrawn', decidedBy: null, decidedAt: NOW.toJSDate().toISOString() });
      expect((await act(guardian.token, created.id, 'withdraw').expect(409)).body.code).toBe('INVALID_TRANSITION');
      const [audit] = await t.db.query(`SELECT actor_id FROM audit_log WHERE action = 'reschedule_request.withdraw' AND object_id = $1`, [created.id]);
      expect(audit.actor_id).toBe(guardian.id);
    });
  });

  describe('when the session is cancelled', () => {
    it('declines the pending request with it, so nobody can approve a move of a cancelled call', async () => {
      const session = await newSession();
      const created = (await ask(guardian.token, session.id).expect(201)).body;
      await t.http().post(`/api/v1/sessions/${session.id}/cancel`).set(...bearer(staff.token)).send({ reason: 'The hub is closed for a holiday' }).expect(200);
      expect(await requestRows(session.id)).toEqual([{ id: created.id, status: 'declined' }]);
      await act(staff.token, created.id, 'approve', { startsAt: NOW.plus({ days: 20 }).toISO() }).expect(409);
    });
  });

  describe('GET /reschedule-requests', () => {
    let mine: string;
    beforeAll(async () => {
      const session = await newSession();
      mine = (await ask(guardian.token, session.id, { note: 'listing' }).expect(201)).body.id;
    });

    it('shows staff their hubs’ requests, filtered and paginated, and audits each read', async () => {
      const response = await list(staff.token, { hubId: hub.id, status: 'pending', pageSize: 100 }).expect(200);
      expect(response.body).toMatchObject({ page: 1, pageSize: 100, total: expect.any(Number) });
      expect(response.body.items.every((item: { status: string; hubId: string }) => item.status === 'pending' && item.hubId === hub.id)).toBe(true);
      expect(response.body.items.map((item: { id: string }) => item.id)).toContain(mine);
      const audited = await t.db.query(`SELECT object_id FROM audit_log WHERE action = 'reschedule_request.read' AND request_id = $1`, [
        response.headers['x-request-id'],
      ]);
      expect(audited).toHaveLength(response.body.items.length);

      const paged = await list(staff.token, { hubId: hub.id, pageSize: 1, page: 2 }).expect(200);
      expect(paged.body.items).toHaveLength(1);
      expect((await list(admin.token, { status: 'approved', pageSize: 100 }).expect(200)).body.items.every((i: { status: string }) => i.status === 'approved')).toBe(true);
    });

    it('shows a guardian only their own, other hubs nothing, and refuses bad filters', async () => {
      const own = await list(guardian.token, { pageSize: 100 }).expect(200);
      expect(own.body.items.length).toBeGreaterThan(0);
      expect(own.body.items.every((item: { guardianId: string }) => item.guardianId === guardian.id)).toBe(true);
      expect((await list(otherGuardian.token).expect(200)).body).toMatchObject({ items: [], total: 0 });
      expect((await list(otherStaff.token).expect(200)).body.items.map((item: { id: string }) => item.id)).not.toContain(mine);
      await list(otherStaff.token, { hubId: hub.id }).expect(404);
      await list(counselor.token).expect(403);
      await list(staff.token, { status: 'maybe' }).expect(400);
      await list(staff.token, { hubId: 'nope' }).expect(400);
      await list(staff.token, { pageSize: 0 }).expect(400);
      await t.http().get('/api/v1/reschedule-requests').expect(401);
    });
  });
});
