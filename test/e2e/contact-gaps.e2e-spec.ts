import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { ChildRow, GuardianRow, HubRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const NOW = DateTime.fromISO('2026-03-10T04:00:00Z', { zone: 'utc' });

describe('GET /hubs/:id/contact-gaps', () => {
  let t: TestApp;
  let hub: HubRow;
  let station: { id: string };
  let staff: UserRow;
  let counselor: UserRow;
  let otherStaff: UserRow;
  let admin: UserRow;
  let guardian: GuardianRow;
  let slot = 0;

  /** A session `daysAgo` before NOW (negative: in the future); each a little earlier than the last so nothing overlaps. */
  const session = async (child: ChildRow, daysAgo: number, status: string) =>
    t.factories.newSession({
      hubId: hub.id,
      stationId: station.id,
      childId: child.id,
      guardianId: guardian.id,
      supervisorId: staff.id,
      startsAt: NOW.minus({ days: daysAgo, minutes: 45 * slot++ }).toJSDate(),
      status,
    });
  const get = (token: string, hubId = hub.id) => t.http().get(`/api/v1/hubs/${hubId}/contact-gaps`).set(...bearer(token));

  let recent: ChildRow;
  let stale: ChildRow;
  let never: ChildRow;
  let declines: ChildRow;
  let declinesThenCall: ChildRow;
  let declinesAroundCancel: ChildRow;
  let twoDeclines: ChildRow;
  let futureOnly: ChildRow;

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW) });
    const f = t.factories;
    hub = await f.newHub();
    const otherHub = await f.newHub();
    station = await f.newStation(hub.id);
    staff = await f.newUser('hub_staff', [hub.id]);
    counselor = await f.newUser('counselor', [hub.id]);
    otherStaff = await f.newUser('hub_staff', [otherHub.id]);
    admin = await f.newAdmin();
    guardian = await f.newGuardian({ hubId: hub.id });
    const child = (name: string) => f.newChild(hub.id, { displayName: name });
    recent = await child('Recent');
    stale = await child('Stale');
    never = await child('Never');
    declines = await child('Declines');
    declinesThenCall = await child('DeclinesThenCall');
    declinesAroundCancel = await child('DeclinesAroundCancel');
    twoDeclines = await child('TwoDeclines');
    futureOnly = await child('FutureOnly');
    await f.newChild(otherHub.id, { displayName: 'Elsewhere' });

    await session(recent, 10, 'completed');
    await session(recent, 3, 'completed');
    await session(stale, 10, 'completed');
    await session(stale, 5, 'declined');
    for (const days of [6, 5, 4]) await session(declines, days, 'declined');
    await session(declinesThenCall, 9, 'declined');
    await session(declinesThenCall, 8, 'declined');
    await session(declinesThenCall, 7, 'declined');
    await session(declinesThenCall, 2, 'completed');
    await session(declinesAroundCancel, 6, 'declined');
    await session(declinesAroundCancel, 5, 'cancelled');
    await session(declinesAroundCancel, 4, 'declined');
    await session(declinesAroundCancel, 3, 'no_show_guardian');
    await session(declinesAroundCancel, 2, 'declined');
    await session(declinesAroundCancel, -2, 'booked');
    await session(twoDeclines, 3, 'declined');
    await session(twoDeclines, 2, 'declined');
    await session(futureOnly, -1, 'booked');
  });
  afterAll(() => t.close());

  it('lists children without a completed call in 7 days, and children with three declines in a row', async () => {
    const { body } = await get(staff.token).expect(200);
    expect(body.hubId).toBe(hub.id);
    expect(body.asOf).toBe('2026-03-10T04:00:00.000Z');

    const gaps = new Map<string, { lastCompletedCallAt: string | null; daysSince: number | null; nextBookedAt: string | null }>(
      body.noRecentCall.map((entry: { childId: string }) => [entry.childId, entry]),
    );
    expect(gaps.has(recent.id)).toBe(false); // completed 3 days ago
    expect(gaps.has(declinesThenCall.id)).toBe(false); // completed 2 days ago
    expect(gaps.get(stale.id)).toMatchObject({ daysSince: 10, nextBookedAt: null }); // only a 10-day-old call
    expect(gaps.get(stale.id)!.lastCompletedCallAt).toMatch(/Z$/);
    expect(gaps.get(never.id)).toEqual({ childId: never.id, displayName: 'Never', lastCompletedCallAt: null, daysSince: null, nextBookedAt: null });
    expect(gaps.get(futureOnly.id)).toMatchObject({ lastCompletedCallAt: null, nextBookedAt: expect.stringMatching(/Z$/) });
    expect(body.noRecentCall.map((entry: { displayName: string }) => entry.displayName)).not.toContain('Elsewhere');
    // Never-called children come first, then the longest gap.
    const order = body.noRecentCall.map((entry: { childId: string }) => entry.childId);
    expect(order.indexOf(never.id)).toBeLessThan(order.indexOf(stale.id));

    const repeated = body.repeatedDeclines.map((entry: { childId: string }) => entry.childId).sort();
    expect(repeated).toEqual([declines.id, declinesAroundCancel.id].sort());
    const entry = body.repeatedDeclines.find((e: { childId: string }) => e.childId === declines.id);
    expect(entry.displayName).toBe('Declines');
    expect(entry.lastSessions).toHaveLength(3);
    expect(entry.lastSessions.map((s: { status: string }) => s.status)).toEqual(['declined', 'declined', 'declined']);
    const starts = entry.lastSessions.map((s: { startsAt: string }) => Date.parse(s.startsAt));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts); // newest first
    expect(entry.lastSessions[0]).toEqual({ id: expect.any(String), startsAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), status: 'declined' });
  });

  it('audits one read per listed child', async () => {
    const response = await get(counselor.token).expect(200);
    const listed = new Set<string>([
      ...response.body.noRecentCall.map((e: { childId: string }) => e.childId),
      ...response.body.repeatedDeclines.map((e: { childId: string }) => e.childId),
    ]);
    const rows: { child_id: string; actor_id: string; hub_id: string }[] = await t.db.query(
      `SELECT child_id, actor_id, hub_id FROM audit_log WHERE action = 'contact_gaps.read' AND request_id = $1`,
      [response.headers['x-request-id']],
    );
    expect(rows.map((row) => row.child_id).sort()).toEqual([...listed].sort());
    expect(rows.every((row) => row.actor_id === counselor.id && row.hub_id === hub.id)).toBe(true);
  });

  it('is open to admins, staff and counselors of the hub; another hub’s staff get 404, guardians 403', async () => {
    await get(admin.token).expect(200);
    await get(counselor.token).expect(200);
    const foreign = await get(otherStaff.token).expect(404);
    expect(foreign.body.code).toBe('NOT_FOUND');
    expect((await get(guardian.token).expect(403)).body.code).toBe('FORBIDDEN');
    await get(admin.token, '00000000-0000-4000-8000-000000000000').expect(404);
    await get(admin.token, 'not-a-uuid').expect(404);
    await t.http().get(`/api/v1/hubs/${hub.id}/contact-gaps`).expect(401);
  });

  it('writes no audit row for a refused request', async () => {
    const response = await get(otherStaff.token).expect(404);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM audit_log WHERE request_id = $1`, [response.headers['x-request-id']]);
    expect(count).toBe(0);
  });
});
