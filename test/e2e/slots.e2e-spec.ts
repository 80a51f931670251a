import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { BookingContextLoader } from '../../src/slots/booking-context.loader';
import { GuardianRow, UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

// Sunday noon UTC: Monday 2026-03-02 in Shanghai is wholly ahead and within the default 2 h notice.
const NOW = DateTime.fromISO('2026-03-01T12:00:00Z');
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
/** Monday 2026-03-02 in Shanghai, as a search range. */
const MONDAY = { from: '2026-03-02T00:00:00+08:00', to: '2026-03-03T00:00:00+08:00' };

type World = Awaited<ReturnType<TestApp['factories']['newHubWorld']>>;

describe('GET /api/v1/slots', () => {
  let t: TestApp;
  const clock = new FixedClock(NOW);
  let admin: UserRow;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    admin = await t.factories.newAdmin();
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(NOW));

  /**
   * A Shanghai hub open 09:00–12:00 every day and a Dubai guardian free 04:00–07:00 Dubai time:
   * the overlap is 09:00–11:00 Shanghai = 01:00–03:00Z, so a 30-minute call can start at
   * 01:00Z … 02:30Z (seven starts on the 15-minute grid).
   */
  async function shanghaiDubaiWorld(): Promise<World & { stationsByName: { id: string; name: string }[] }> {
    const world = await t.factories.newHubWorld({ timeZone: 'Asia/Shanghai', guardianTimeZone: 'Asia/Dubai' });
    await t.factories.setOpeningHours(world.hub.id, EVERY_DAY.map((weekday) => ({ weekday, start: '09:00', end: '12:00' })));
    await t.factories.setAvailability(world.guardian.id, EVERY_DAY.map((weekday) => ({ weekday, start: '04:00', end: '07:00' })));
    const stationsByName = [...world.stations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    return { ...world, stationsByName };
  }

  const search = (token: string, params: Record<string, string | number | undefined>) =>
    t
      .http()
      .get('/api/v1/slots')
      .query(Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>)
      .set(...bearer(token));

  const baseQuery = (w: World, extra: Record<string, string | number | undefined> = {}) => ({
    childId: w.child.id,
    guardianId: w.guardian.id,
    ...MONDAY,
    durationMinutes: 30,
    ...extra,
  });

  const starts = (body: { items: { startsAt: string }[] }) => body.items.map((i) => i.startsAt);
  const utc = (hhmm: string, day = '2026-03-02') => `${day}T${hhmm}:00.000Z`;
  const MONDAY_STARTS = ['01:00', '01:15', '01:30', '01:45', '02:00', '02:15', '02:30'].map((h) => utc(h));

  async function insertSession(s: {
    hubId: string;
    stationId: string;
    childId: string;
    guardianId: string;
    supervisorId: string;
    counselorId?: string;
    start: string;
    end: string;
    bufferMinutes?: number;
    status?: string;
  }): Promise<string> {
    const [row] = await t.db.query(
      `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, counselor_id, kind, starts_at, ends_at, occupied_until, status, cancel_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7::session_kind, $8, $9, $9::timestamptz + make_interval(mins => $10), $11::session_status,
               CASE WHEN $11 = 'cancelled' THEN 'test' END)
       RETURNING id`,
      [
        s.hubId,
        s.stationId,
        s.childId,
        s.guardianId,
        s.supervisorId,
        s.counselorId ?? null,
        s.counselorId ? 'mediated' : 'supervised',
        s.start,
        s.end,
        s.bufferMinutes ?? 10,
        s.status ?? 'booked',
      ],
    );
    return row.id;
  }

  /** Another child and guardian in the same hub, so a session occupies only the station. */
  async function otherPair(w: World): Promise<{ childId: string; guardianId: string; supervisorId: string }> {
    const child = await t.factories.newChild(w.hub.id);
    const guardian = await t.factories.newGuardian({ hubId: w.hub.id });
    const supervisor = await t.factories.newUser('hub_staff', [w.hub.id]);
    return { childId: child.id, guardianId: guardian.id, supervisorId: supervisor.id };
  }

  const auditCount = async (childId: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'slots.search' AND child_id = $1`, [childId]);
    return row.n;
  };
  const sessionCount = async (childId: string): Promise<number> => {
    const [row] = await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE child_id = $1`, [childId]);
    return row.n;
  };

  describe('rules', () => {
    it('offers the overlap of hub hours (hub zone) and guardian windows (guardian zone), with both wall times, audited', async () => {
      const w = await shanghaiDubaiWorld();
      const response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(response.body.timeZones).toEqual({ hub: 'Asia/Shanghai', guardian: 'Asia/Dubai' });
      expect(response.body.blockedBy).toBeNull();
      expect(response.body.truncated).toBe(false);
      expect(starts(response.body)).toEqual(MONDAY_STARTS);
      expect(response.body.items[0]).toEqual({
        startsAt: '2026-03-02T01:00:00.000Z',
        endsAt: '2026-03-02T01:30:00.000Z',
        stationId: w.stationsByName[0].id,
        stationName: w.stationsByName[0].name,
        hubLocal: { start: '2026-03-02T09:00', end: '2026-03-02T09:30', timeZone: 'Asia/Shanghai' },
        guardianLocal: { start: '2026-03-02T05:00', end: '2026-03-02T05:30', timeZone: 'Asia/Dubai' },
      });
      const audit = await t.db.query(
        `SELECT actor_id, object_type, object_id, hub_id, details FROM audit_log WHERE action = 'slots.search' AND child_id = $1`,
        [w.child.id],
      );
      expect(audit).toEqual([
        expect.objectContaining({
          actor_id: w.staff.id,
          object_type: 'child',
          object_id: w.child.id,
          hub_id: w.hub.id,
          details: expect.objectContaining({ guardianId: w.guardian.id, durationMinutes: 30, supervisorId: w.staff.id, slots: 7 }),
        }),
      ]);
    });

    it('leaves out times when the child, guardian, supervisor or counselor is busy anywhere; cancelled sessions do not count', async () => {
      const w = await shanghaiDubaiWorld();
      const elsewhere = await t.factories.newHubWorld();
      const [a, b] = w.stationsByName;
      // The child 01:30–02:00Z at this hub; back-to-back is fine, no buffer for people.
      await insertSession({ hubId: w.hub.id, stationId: a.id, childId: w.child.id, guardianId: w.guardian.id, supervisorId: admin.id, start: utc('01:30'), end: utc('02:00'), bufferMinutes: 0 });
      // The same child, cancelled 01:00–01:30Z: ignored.
      await insertSession({ hubId: w.hub.id, stationId: b.id, childId: w.child.id, guardianId: w.guardian.id, supervisorId: admin.id, start: utc('01:00'), end: utc('01:30'), status: 'cancelled' });
      let response = await search(admin.token, baseQuery(w)).expect(200);
      expect(starts(response.body)).toEqual(['01:00', '02:00', '02:15', '02:30'].map((h) => utc(h)));

      // The caller (hub staff, the default supervisor) supervises a call at another hub 02:00–02:30Z.
      const other = elsewhere.stations[0];
      await insertSession({ hubId: elsewhere.hub.id, stationId: other.id, childId: elsewhere.child.id, guardianId: elsewhere.guardian.id, supervisorId: w.staff.id, start: utc('02:00'), end: utc('02:30') });
      response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(starts(response.body)).toEqual(['01:00', '02:30'].map((h) => utc(h)));
      // An admin searching without a supervisor still sees 02:00 and 02:15; naming the staff member hides them.
      expect(starts((await search(admin.token, baseQuery(w)).expect(200)).body)).toEqual(['01:00', '02:00', '02:15', '02:30'].map((h) => utc(h)));
      expect(starts((await search(admin.token, baseQuery(w, { supervisorId: w.staff.id })).expect(200)).body)).toEqual([utc('01:00'), utc('02:30')]);

      // The guardian is on another call (any hub) 02:30–03:00Z.
      await insertSession({ hubId: elsewhere.hub.id, stationId: elsewhere.stations[1].id, childId: (await t.factories.newChild(elsewhere.hub.id)).id, guardianId: w.guardian.id, supervisorId: admin.id, start: utc('02:30'), end: utc('03:00') });
      response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(starts(response.body)).toEqual([utc('01:00')]);

      // Mediated: the child's counselor is busy 01:00–01:30Z elsewhere → nothing left.
      const x = await otherPair(elsewhere);
      await insertSession({ hubId: elsewhere.hub.id, stationId: other.id, childId: x.childId, guardianId: x.guardianId, supervisorId: x.supervisorId, counselorId: w.counselor.id, start: utc('01:00'), end: utc('01:30') });
      response = await search(w.staff.token, baseQuery(w, { kind: 'mediated' })).expect(200);
      expect(response.body).toMatchObject({ items: [], blockedBy: 'participants_busy' });
      expect(starts((await search(w.staff.token, baseQuery(w, { kind: 'supervised' })).expect(200)).body)).toEqual([utc('01:00')]);
    });

    it('keeps the buffer between calls at a station and moves to the next station', async () => {
      const w = await shanghaiDubaiWorld();
      const [a, b] = w.stationsByName;
      const x = await otherPair(w);
      // Station A busy 01:00–01:30Z (+10 min buffer): 01:30 cannot start there, station B takes it.
      await insertSession({ ...x, hubId: w.hub.id, stationId: a.id, start: utc('01:00'), end: utc('01:30') });
      let response = await search(w.staff.token, baseQuery(w)).expect(200);
      const byStart = Object.fromEntries(response.body.items.map((i: { startsAt: string; stationId: string }) => [i.startsAt, i.stationId]));
      expect(byStart).toEqual({
        [utc('01:00')]: b.id,
        [utc('01:15')]: b.id,
        [utc('01:30')]: b.id,
        [utc('01:45')]: a.id,
        [utc('02:00')]: a.id,
        [utc('02:15')]: a.id,
        [utc('02:30')]: a.id,
      });
      // Station B busy too (ending 01:30Z): the buffer blocks 01:30 everywhere; 01:45 is the first start.
      const y = await otherPair(w);
      await insertSession({ ...y, hubId: w.hub.id, stationId: b.id, start: utc('00:30'), end: utc('01:30') });
      response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(starts(response.body)).toEqual(['01:45', '02:00', '02:15', '02:30'].map((h) => utc(h)));
      // Only station B: from 01:45Z too, all on B.
      response = await search(w.staff.token, baseQuery(w, { stationId: b.id })).expect(200);
      expect(response.body.items.map((i: { stationId: string }) => i.stationId)).toEqual([b.id, b.id, b.id, b.id]);
      // A buffer booked at 30 minutes holds the station for 30 minutes (as the exclusion constraint does): 01:45 at A is gone.
      const z = await otherPair(w);
      await insertSession({ ...z, hubId: w.hub.id, stationId: a.id, start: utc('01:00', '2026-03-03'), end: utc('01:30', '2026-03-03'), bufferMinutes: 30 });
      response = await search(w.staff.token, baseQuery(w, { stationId: a.id, from: '2026-03-03T00:00:00+08:00', to: '2026-03-04T00:00:00+08:00' })).expect(200);
      expect(starts(response.body)).toEqual(['02:00', '02:15', '02:30'].map((h) => utc(h, '2026-03-03')));
    });

    it('respects minimum notice and the horizon', async () => {
      const w = await shanghaiDubaiWorld();
      clock.set(DateTime.fromISO('2026-03-02T00:10:00Z'));
      // Default notice 120 min: the earliest start is 02:10Z, so 02:15 and 02:30 remain.
      let response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(starts(response.body)).toEqual([utc('02:15'), utc('02:30')]);
      // Walk-in hub (notice 0) from 01:00Z: starts need not wait.
      clock.set(DateTime.fromISO('2026-03-02T01:00:00Z'));
      await t.db.query(`UPDATE hubs SET minimum_notice_minutes = 0, horizon_days = 1 WHERE id = $1`, [w.hub.id]);
      response = await search(w.staff.token, baseQuery(w, { to: '2026-03-05T00:00:00+08:00' })).expect(200);
      // Horizon 1 day: Tuesday up to 01:00Z (exclusive) — Tuesday's 01:00 start is already beyond it.
      expect(starts(response.body)).toEqual(MONDAY_STARTS);
      response = await search(w.staff.token, baseQuery(w, { from: '2026-03-04T00:00:00+08:00', to: '2026-03-05T00:00:00+08:00' })).expect(200);
      expect(response.body).toMatchObject({ items: [], blockedBy: 'outside_booking_window' });
    });

    it('follows the call plan: paused, mediated-only and the weekly cap (ISO week in the hub zone)', async () => {
      const w = await shanghaiDubaiWorld();
      await t.db.query(`UPDATE children SET call_paused = true WHERE id = $1`, [w.child.id]);
      let response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(response.body).toEqual({ items: [], truncated: false, blockedBy: 'call_plan_paused', timeZones: { hub: 'Asia/Shanghai', guardian: 'Asia/Dubai' } });

      await t.db.query(`UPDATE children SET call_paused = false, call_mediated_only = true WHERE id = $1`, [w.child.id]);
      response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(response.body).toMatchObject({ items: [], blockedBy: 'mediated_only' });
      response = await search(w.staff.token, baseQuery(w, { kind: 'mediated' })).expect(200);
      expect(starts(response.body)).toEqual(MONDAY_STARTS);

      // One call a week; Sunday 2026-03-08 10:00 Shanghai (02:00Z) is in the same ISO week (W10) as Monday.
      await t.db.query(`UPDATE children SET call_mediated_only = false, call_max_per_week = 1 WHERE id = $1`, [w.child.id]);
      await insertSession({ hubId: w.hub.id, stationId: w.stations[0].id, childId: w.child.id, guardianId: w.guardian.id, supervisorId: w.staff.id, start: utc('02:00', '2026-03-08'), end: utc('02:30', '2026-03-08') });
      response = await search(w.staff.token, baseQuery(w)).expect(200);
      expect(response.body).toMatchObject({ items: [], blockedBy: 'weekly_cap' });
      // Monday 2026-03-09 Shanghai is week W11: free again.
      response = await search(w.staff.token, baseQuery(w, { from: '2026-03-09T00:00:00+08:00', to: '2026-03-10T00:00:00+08:00' })).expect(200);
      expect(response.body.items).toHaveLength(7);
    });

    it('is right across the Berlin spring-forward night (2026-03-29) and the week after', async () => {
      const w = await t.factories.newHubWorld({ timeZone: 'Europe/Berlin', guardianTimeZone: 'Asia/Shanghai' });
      // Saturday and Monday 09:00–09:30, Sunday 01:00–04:00 (02:00–03:00 does not exist that night).
      await t.factories.setOpeningHours(w.hub.id, [
        { weekday: 6, start: '09:00', end: '09:30' },
        { weekday: 7, start: '01:00', end: '04:00' },
        { weekday: 1, start: '09:00', end: '09:30' },
      ]);
      await t.factories.setAvailability(w.guardian.id, EVERY_DAY.map((weekday) => ({ weekday, start: '00:00', end: '24:00' })));
      clock.set(DateTime.fromISO('2026-03-27T12:00:00Z'));
      const response = await search(admin.token, {
        childId: w.child.id,
        guardianId: w.guardian.id,
        from: '2026-03-28T00:00:00+01:00',
        to: '2026-03-31T00:00:00+02:00',
        durationMinutes: 30,
      }).expect(200);
      const wall = response.body.items.map((i: { startsAt: string; hubLocal: { start: string; end: string } }) => [i.startsAt, i.hubLocal.start, i.hubLocal.end]);
      expect(wall).toEqual([
        ['2026-03-28T08:00:00.000Z', '2026-03-28T09:00', '2026-03-28T09:30'], // CET, +01:00
        ['2026-03-29T00:00:00.000Z', '2026-03-29T01:00', '2026-03-29T01:30'],
        ['2026-03-29T00:15:00.000Z', '2026-03-29T01:15', '2026-03-29T01:45'],
        ['2026-03-29T00:30:00.000Z', '2026-03-29T01:30', '2026-03-29T03:00'], // ends across the gap: 30 real minutes
        ['2026-03-29T00:45:00.000Z', '2026-03-29T01:45', '2026-03-29T03:15'],
        ['2026-03-29T01:00:00.000Z', '2026-03-29T03:00', '2026-03-29T03:30'], // CEST, +02:00
        ['2026-03-29T01:15:00.000Z', '2026-03-29T03:15', '2026-03-29T03:45'],
        ['2026-03-29T01:30:00.000Z', '2026-03-29T03:30', '2026-03-29T04:00'],
        ['2026-03-30T07:00:00.000Z', '2026-03-30T09:00', '2026-03-30T09:30'],
      ]);
      expect(response.body.items[0].guardianLocal).toEqual({ start: '2026-03-28T16:00', end: '2026-03-28T16:30', timeZone: 'Asia/Shanghai' });
    });

    it('caps the answer at 500 slots and says so', async () => {
      const w = await t.factories.newHubWorld();
      await t.factories.setOpeningHours(w.hub.id, EVERY_DAY.map((weekday) => ({ weekday, start: '00:00', end: '24:00' })));
      await t.factories.setAvailability(w.guardian.id, EVERY_DAY.map((weekday) => ({ weekday, start: '00:00', end: '24:00' })));
      const response = await search(w.staff.token, baseQuery(w, { to: '2026-03-20T00:00:00+08:00', durationMinutes: 5 })).expect(200);
      expect(response.body.items).toHaveLength(500);
      expect(response.body.truncated).toBe(true);
    });

    it('answers blockedBy when the hub never opens or the guardian is never free', async () => {
      const w = await t.factories.newHubWorld();
      expect((await search(w.staff.token, baseQuery(w)).expect(200)).body).toMatchObject({ items: [], blockedBy: 'hub_closed' });
      await t.factories.setOpeningHours(w.hub.id, [{ weekday: 1, start: '09:00', end: '12:00' }]);
      expect((await search(w.staff.token, baseQuery(w)).expect(200)).body).toMatchObject({ items: [], blockedBy: 'guardian_unavailable' });
    });
  });

  describe('BookingContextLoader', () => {
    const ms = (iso: string) => Date.parse(iso);

    it('loads everything in one go: settings, rules, stations with their sessions, people busy in any role, calls per ISO week (hub zone)', async () => {
      const w = await shanghaiDubaiWorld();
      const [a, b] = w.stationsByName;
      const x = await otherPair(w);
      // Station A, another child: 01:00–01:30Z, booked with a 10-minute buffer.
      await insertSession({ ...x, hubId: w.hub.id, stationId: a.id, start: utc('01:00'), end: utc('01:30') });
      // The child on Sunday 23:30 Shanghai (W10) and on Monday 00:30 Shanghai (W11) — 15:30Z and 16:30Z on the same UTC day.
      const late = await insertSession({ hubId: w.hub.id, stationId: b.id, childId: w.child.id, guardianId: w.guardian.id, supervisorId: w.staff.id, start: '2026-03-08T15:30:00Z', end: '2026-03-08T16:00:00Z' });
      await insertSession({ hubId: w.hub.id, stationId: b.id, childId: w.child.id, guardianId: w.guardian.id, supervisorId: w.staff.id, start: '2026-03-08T16:30:00Z', end: '2026-03-08T17:00:00Z' });
      // The staff member as a *counselor* elsewhere still makes them busy as a supervisor.
      const elsewhere = await t.factories.newHubWorld();
      const y = await otherPair(elsewhere);
      await insertSession({ ...y, hubId: elsewhere.hub.id, stationId: elsewhere.stations[0].id, counselorId: w.staff.id, start: utc('02:00'), end: utc('02:30') });

      const loader = t.app.get(BookingContextLoader);
      const request = {
        childId: w.child.id,
        guardianId: w.guardian.id,
        kind: 'supervised' as const,
        from: ms('2026-03-02T00:00:00Z'),
        to: ms('2026-03-09T00:00:00Z'),
        supervisorId: w.staff.id,
      };
      const loaded = await t.db.transaction((tx) => loader.load(tx, request));
      expect(loaded.hub).toEqual({ id: w.hub.id, name: w.hub.name, timeZone: 'Asia/Shanghai', bufferMinutes: 10, minimumNoticeMinutes: 120, horizonDays: 28 });
      expect(loaded.child).toEqual({
        id: w.child.id,
        hubId: w.hub.id,
        displayName: w.child.displayName,
        counselorId: w.counselor.id,
        callPlan: { paused: false, maxCallsPerWeek: null, mediatedOnly: false },
      });
      expect(loaded.guardian).toMatchObject({ id: w.guardian.id, timeZone: 'Asia/Dubai', locale: 'zh-CN' });
      expect(loaded).toMatchObject({ linkStatus: 'approved', videoCallConsent: true, supervisor: { id: w.staff.id, role: 'hub_staff', atHub: true, disabled: false } });
      expect(loaded.stations).toEqual(w.stationsByName.map((s) => ({ id: s.id, name: s.name, inService: true })));
      const c = loaded.context;
      expect(c.now).toBe(NOW.toMillis());
      expect(c.hub.openingHours).toHaveLength(7);
      expect(c.guardian).toEqual({ timeZone: 'Asia/Dubai', windows: EVERY_DAY.map((weekday) => ({ weekday, startMinute: 240, endMinute: 420 })) });
      expect(c.stations).toEqual([
        { id: a.id, busy: [{ start: ms(utc('01:00')), end: ms(utc('01:30')) }] },
        { id: b.id, busy: [{ start: ms('2026-03-08T15:30:00Z'), end: ms('2026-03-08T16:00:00Z') }, { start: ms('2026-03-08T16:30:00Z'), end: ms('2026-03-08T17:00:00Z') }] },
      ]);
      expect(c.busy.child).toHaveLength(2);
      expect(c.busy.supervisor).toEqual([
        { start: ms('2026-03-08T15:30:00Z'), end: ms('2026-03-08T16:00:00Z') },
        { start: ms('2026-03-08T16:30:00Z'), end: ms('2026-03-08T17:00:00Z') },
        { start: ms(utc('02:00')), end: ms(utc('02:30')) },
      ].sort((p, q) => p.start - q.start));
      expect(c.busy.counselor).toBeUndefined();
      expect(c.childCallsPerIsoWeek).toEqual({ '2026-W10': 1, '2026-W11': 1 });

      // Rescheduling `late`: it neither blocks nor counts.
      const again = await t.db.transaction((tx) => loader.load(tx, { ...request, excludeSessionId: late }));
      expect(again.context.busy.child).toEqual([{ start: ms('2026-03-08T16:30:00Z'), end: ms('2026-03-08T17:00:00Z') }]);
      expect(again.context.childCallsPerIsoWeek).toEqual({ '2026-W11': 1 });
      expect(again.context.stations[1].busy).toHaveLength(1);
    });

    it('only the window (padded by the buffer at stations) is read', async () => {
      const w = await shanghaiDubaiWorld();
      const [a] = w.stationsByName;
      const x = await otherPair(w);
      // Ends 01:00Z; with the 10-minute buffer the station is held until 01:10Z.
      await insertSession({ ...x, hubId: w.hub.id, stationId: a.id, start: utc('00:30'), end: utc('01:00') });
      const loader = t.app.get(BookingContextLoader);
      const load = (from: string, to: string) =>
        t.db.transaction((tx) => loader.load(tx, { childId: w.child.id, guardianId: w.guardian.id, kind: 'supervised', from: ms(from), to: ms(to), stationId: a.id }));
      expect((await load(utc('01:05'), utc('02:00'))).context.stations[0].busy).toHaveLength(1);
      expect((await load(utc('01:10'), utc('02:00'))).context.stations[0].busy).toHaveLength(0);
      // A call ending after 00:20Z would hold the station (plus buffer) past 00:30Z: the session is in view.
      expect((await load(utc('00:00'), utc('00:21'))).context.stations[0].busy).toHaveLength(1);
      expect((await load(utc('00:00'), utc('00:20'))).context.stations[0].busy).toHaveLength(0);
      // The people's sessions: no padding.
      expect((await load(utc('01:00'), utc('02:00'))).context.busy.child).toEqual([]);
      // The station scan relies on a hold (call + buffer) of at most 8 hours, which the database enforces.
      const y = await otherPair(w);
      await expect(insertSession({ ...y, hubId: w.hub.id, stationId: a.id, start: utc('04:00'), end: utc('08:00'), bufferMinutes: 241 })).rejects.toMatchObject({
        driverError: expect.objectContaining({ code: '23514', constraint: 'sessions_station_hold_bounded' }),
      });
      await insertSession({ ...y, hubId: w.hub.id, stationId: a.id, start: utc('04:00'), end: utc('08:00'), bufferMinutes: 240 });
      // Booked with a 240-minute buffer, it holds the station until 12:00Z: reported as ending at 11:50Z, which the hub's current 10 minutes pad back to 12:00Z.
      expect((await load(utc('11:59'), utc('12:30'))).context.stations[0].busy).toEqual([{ start: ms(utc('04:00')), end: ms(utc('11:50')) }]);
      expect((await load(utc('12:00'), utc('12:30'))).context.stations[0].busy).toEqual([]);
    });

    it('404 for an unknown child, guardian, supervisor or counselor, or a station outside the child’s hub', async () => {
      const w = await shanghaiDubaiWorld();
      const far = await t.factories.newHubWorld();
      const loader = t.app.get(BookingContextLoader);
      const base = { childId: w.child.id, guardianId: w.guardian.id, kind: 'supervised' as const, from: ms(utc('00:00')), to: ms(utc('04:00')) };
      for (const [change, what] of [
        [{ childId: randomUUID() }, 'Child'],
        [{ childId: 'not-a-uuid' }, 'Child'],
        [{ guardianId: randomUUID() }, 'Guardian'],
        [{ stationId: far.stations[0].id }, 'Station'],
        [{ supervisorId: randomUUID() }, 'Supervisor'],
        [{ counselorId: randomUUID() }, 'Counselor'],
      ] as const) {
        await expect(t.db.transaction((tx) => loader.load(tx, { ...base, ...change }))).rejects.toMatchObject({ code: 'NOT_FOUND', detail: `${what} was not found` });
      }
    });
  });

  describe('refusals (the same as booking), changing nothing', () => {
    let w: World & { stationsByName: { id: string; name: string }[] };
    beforeAll(async () => {
      w = await shanghaiDubaiWorld();
    });

    const expectNothingChanged = async (childId: string, before: { audit: number; sessions: number }) => {
      expect(await auditCount(childId)).toBe(before.audit);
      expect(await sessionCount(childId)).toBe(before.sessions);
    };

    it('409 LINK_NOT_APPROVED for a pending or revoked link, CONSENT_REQUIRED without video_call consent', async () => {
      const pending = await t.factories.newGuardian({ hubId: w.hub.id });
      await t.factories.newLink(w.child.id, pending.id, { status: 'pending' });
      await t.factories.newConsent(w.child.id, pending.id);
      const revoked = await t.factories.newGuardian({ hubId: w.hub.id });
      await t.factories.newLink(w.child.id, revoked.id, { status: 'revoked' });
      const unconsenting = await t.factories.newGuardian({ hubId: w.hub.id });
      await t.factories.newLink(w.child.id, unconsenting.id);
      await t.factories.newConsent(w.child.id, unconsenting.id, ['wellbeing_check']);
      const withdrawn = await t.factories.newGuardian({ hubId: w.hub.id });
      await t.factories.newLink(w.child.id, withdrawn.id);
      const consent = await t.factories.newConsent(w.child.id, withdrawn.id);
      await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE id = $1`, [consent.id]);

      const before = { audit: await auditCount(w.child.id), sessions: await sessionCount(w.child.id) };
      for (const g of [pending, revoked]) {
        const response = await search(w.staff.token, baseQuery(w, { guardianId: g.id })).expect(409);
        expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(response.body.code).toBe('LINK_NOT_APPROVED');
      }
      for (const g of [unconsenting, withdrawn]) {
        const response = await search(w.staff.token, baseQuery(w, { guardianId: g.id })).expect(409);
        expect(response.body).toMatchObject({ code: 'CONSENT_REQUIRED', scope: 'video_call' });
      }
      await expectNothingChanged(w.child.id, before);
    });

    it('409 STATION_OUT_OF_SERVICE for a station taken out of service', async () => {
      const station = await t.factories.newStation(w.hub.id, { inService: false });
      const before = { audit: await auditCount(w.child.id), sessions: await sessionCount(w.child.id) };
      const response = await search(w.staff.token, baseQuery(w, { stationId: station.id })).expect(409);
      expect(response.body.code).toBe('STATION_OUT_OF_SERVICE');
      await expectNothingChanged(w.child.id, before);
    });

    it('409 (not 500) when stored settings are unusable, e.g. a guardian zone the runtime does not know', async () => {
      const g = await t.factories.newGuardian({ hubId: w.hub.id, timeZone: 'Mars/Olympus_Mons' });
      await t.factories.newLink(w.child.id, g.id);
      await t.factories.newConsent(w.child.id, g.id);
      const response = await search(w.staff.token, baseQuery(w, { guardianId: g.id })).expect(409);
      expect(response.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('Mars/Olympus_Mons') });
    });
  });

  describe('bad input → 400 naming the field, nothing recorded', () => {
    let w: World;
    beforeAll(async () => {
      w = await shanghaiDubaiWorld();
    });

    const cases: Array<[string, Record<string, string | number | undefined>, string]> = [
      ['missing childId', { childId: undefined }, 'childId'],
      ['childId not a uuid', { childId: 'abc' }, 'childId'],
      ['missing guardianId', { guardianId: undefined }, 'guardianId'],
      ['nonsense from', { from: 'yesterday' }, 'from'],
      ['impossible date', { from: '2026-02-30T10:00:00+08:00' }, 'from'],
      ['from without offset', { from: '2026-03-02T00:00:00' }, 'from'],
      ['date only', { to: '2026-03-03' }, 'to'],
      ['offset beyond ±18:00', { from: '2026-03-02T00:00:00+25:00' }, 'from'],
      ['a zone name instead of an offset', { from: '2026-03-02T00:00:00[Mars/Olympus]' }, 'from'],
      ['an unknown zone suffix after the offset', { to: '2026-03-03T00:00:00+08:00[Asia/Atlantis]' }, 'to'],
      ['to before from', { from: '2026-03-03T00:00:00+08:00', to: '2026-03-02T00:00:00+08:00' }, 'to'],
      ['to equal to from', { to: MONDAY.from }, 'to'],
      ['a range of more than 31 days', { to: '2026-04-03T00:00:00+08:00' }, 'to'],
      ['duration 0', { durationMinutes: 0 }, 'durationMinutes'],
      ['duration 10,000', { durationMinutes: 10000 }, 'durationMinutes'],
      ['duration 4', { durationMinutes: 4 }, 'durationMinutes'],
      ['fractional duration', { durationMinutes: '30.5' }, 'durationMinutes'],
      ['duration not a number', { durationMinutes: 'half an hour' }, 'durationMinutes'],
      ['unknown kind', { kind: 'unsupervised' }, 'kind'],
      ['stationId not a uuid', { stationId: '42' }, 'stationId'],
      ['unknown field', { colour: 'blue' }, 'colour'],
    ];

    it.each(cases)('%s', async (_label, change, field) => {
      const before = await auditCount(w.child.id);
      const query = { ...baseQuery(w), ...change };
      const response = await search(w.staff.token, query).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await auditCount(w.child.id)).toBe(before);
    });

    it('a repeated parameter is refused, not guessed', async () => {
      const response = await t
        .http()
        .get(`/api/v1/slots?childId=${w.child.id}&guardianId=${w.guardian.id}&from=${encodeURIComponent(MONDAY.from)}&from=${encodeURIComponent(MONDAY.from)}&to=${encodeURIComponent(MONDAY.to)}&durationMinutes=30`)
        .set(...bearer(w.staff.token))
        .expect(400);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toContain('from');
    });

    it('a mediated search for a child without a counselor names counselorId', async () => {
      const child = await t.factories.newChild(w.hub.id);
      await t.factories.newLink(child.id, w.guardian.id);
      await t.factories.newConsent(child.id, w.guardian.id);
      const response = await search(w.staff.token, baseQuery(w, { childId: child.id, kind: 'mediated' })).expect(400);
      expect(response.body.errors).toEqual([{ field: 'counselorId', messages: [expect.any(String)] }]);
    });
  });

  describe('foreign ids → 404', () => {
    let w: World;
    let far: World;
    let unlinked: GuardianRow;
    beforeAll(async () => {
      w = await shanghaiDubaiWorld();
      far = await t.factories.newHubWorld();
      unlinked = await t.factories.newGuardian({ hubId: w.hub.id });
    });

    it.each([
      ['an unknown child', (): Record<string, string> => ({ childId: randomUUID() }), 'Child'],
      ['a child of another hub', () => ({ childId: far.child.id }), 'Child'],
      ['an unknown guardian', () => ({ guardianId: randomUUID() }), 'Guardian'],
      ['a guardian of another hub, not linked', () => ({ guardianId: far.guardian.id }), 'Guardian'],
      ['a guardian of the same hub without a link to the child (as booking answers)', () => ({ guardianId: unlinked.id }), 'Guardian'],
      ['an unknown station', () => ({ stationId: randomUUID() }), 'Station'],
      ['a station of another hub', () => ({ stationId: far.stations[0].id }), 'Station'],
      ['an unknown supervisor', () => ({ supervisorId: randomUUID() }), 'Supervisor'],
      ['staff of another hub as supervisor', () => ({ supervisorId: far.staff.id }), 'Supervisor'],
      ['an admin as supervisor (booking needs hub staff)', () => ({ supervisorId: admin.id }), 'Supervisor'],
      ['a counselor as supervisor', () => ({ supervisorId: w.counselor.id }), 'Supervisor'],
      ['an unknown counselor', () => ({ counselorId: randomUUID() }), 'Counselor'],
      ['a counselor of another hub', () => ({ counselorId: far.counselor.id }), 'Counselor'],
      ['a hub staff member as counselor', () => ({ counselorId: w.staff.id }), 'Counselor'],
    ])('%s', async (_label, change, what) => {
      const before = await auditCount(w.child.id);
      const response = await search(w.staff.token, { ...baseQuery(w), ...change() }).expect(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND', detail: `${what} was not found` });
      expect(await auditCount(w.child.id)).toBe(before);
    });
  });

  describe('who may search', () => {
    let w: World;
    let otherStaff: UserRow;
    let otherCounselor: UserRow;
    let otherGuardian: GuardianRow;
    beforeAll(async () => {
      w = await shanghaiDubaiWorld();
      const far = await t.factories.newHubWorld();
      otherStaff = far.staff;
      otherCounselor = far.counselor;
      otherGuardian = far.guardian;
    });

    it('admin, staff and counselor of the child’s hub: 200', async () => {
      for (const token of [admin.token, w.staff.token, w.counselor.token]) {
        expect((await search(token, baseQuery(w)).expect(200)).body.items).toHaveLength(7);
      }
    });

    it('staff and counselors of another hub: 404, nothing recorded', async () => {
      const before = await auditCount(w.child.id);
      for (const token of [otherStaff.token, otherCounselor.token]) {
        expect((await search(token, baseQuery(w)).expect(404)).body.code).toBe('NOT_FOUND');
      }
      expect(await auditCount(w.child.id)).toBe(before);
    });

    it('a guardian for their own linked child, as themself: 200 (audited with the guardian as actor)', async () => {
      const response = await search(w.guardian.token, baseQuery(w)).expect(200);
      expect(response.body.items).toHaveLength(7);
      const [row] = await t.db.query(
        `SELECT actor_type, actor_id FROM audit_log WHERE action = 'slots.search' AND child_id = $1 ORDER BY id DESC LIMIT 1`,
        [w.child.id],
      );
      expect(row).toEqual({ actor_type: 'guardian', actor_id: w.guardian.id });
    });

    it('a guardian for another child, or for their child as another guardian: 404', async () => {
      expect((await search(otherGuardian.token, baseQuery(w)).expect(404)).body.detail).toBe('Child was not found');
      const second = await t.factories.newGuardian({ hubId: w.hub.id });
      await t.factories.newLink(w.child.id, second.id);
      await t.factories.newConsent(w.child.id, second.id);
      expect((await search(second.token, baseQuery(w)).expect(404)).body.detail).toBe('Guardian was not found');
    });

    it('a guardian may not probe staff calendars: 403 with supervisorId or counselorId', async () => {
      expect((await search(w.guardian.token, baseQuery(w, { supervisorId: w.staff.id })).expect(403)).body.code).toBe('FORBIDDEN');
      expect((await search(w.guardian.token, baseQuery(w, { counselorId: w.counselor.id })).expect(403)).body.code).toBe('FORBIDDEN');
    });

    it('no token: 401', async () => {
      await t.http().get('/api/v1/slots').query(baseQuery(w)).expect(401);
    });
  });
});
