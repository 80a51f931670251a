import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { UserRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/** Monday 2026-03-16 08:00 in Berlin: two Sundays before the spring-forward of 2026-03-29 (CET → CEST). */
const NOW = DateTime.fromISO('2026-03-16T08:00:00', { zone: 'Europe/Berlin' });
const ALL_WEEK = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));

type World = Awaited<ReturnType<TestApp['factories']['newHubWorld']>>;

interface Occurrence {
  startsAt: string;
  endsAt: string;
  hubLocal: { start: string; end: string; timeZone: string };
  wallTime: string;
  status: 'booked' | 'conflict';
  session?: { id: string; seriesId: string; startsAt: string; hubLocal: { start: string }; guardianLocal: { start: string } };
  problem?: { code: string; detail: string; resource?: string };
}

describe('session series', () => {
  let t: TestApp;
  let admin: UserRow;

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW.toUTC()) });
    admin = await t.factories.newAdmin();
  });
  afterAll(() => t.close());

  /** A Berlin hub open 08:00–22:00 (or as told), 60 days of horizon, a guardian in Shanghai free all day. */
  const newWorld = async (hours = ALL_WEEK('08:00', '22:00')): Promise<World> => {
    const world = await t.factories.newHubWorld({ timeZone: 'Europe/Berlin', guardianTimeZone: 'Asia/Shanghai' });
    await t.db.query(`UPDATE hubs SET horizon_days = 60 WHERE id = $1`, [world.hub.id]);
    await t.factories.setOpeningHours(world.hub.id, hours);
    await t.factories.setAvailability(world.guardian.id, ALL_WEEK('00:00', '24:00'));
    return world;
  };
  const bodyFor = (world: World, extra: Record<string, unknown> = {}) => ({
    childId: world.child.id,
    guardianId: world.guardian.id,
    weekday: 7,
    localTime: '19:30',
    startDate: '2026-03-20',
    count: 4,
    durationMinutes: 30,
    kind: 'supervised',
    ...extra,
  });
  const post = (token: string, body: unknown, key: string | null = randomUUID()) => {
    const request = t.http().post('/api/v1/session-series').set(...bearer(token));
    return (key === null ? request : request.set('Idempotency-Key', key)).send(body as object);
  };
  const bookOne = (token: string, body: Record<string, unknown>) =>
    t.http().post('/api/v1/sessions').set(...bearer(token)).set('Idempotency-Key', randomUUID()).send(body);
  const sessionsOf = (childId: string) =>
    t.db.query(`SELECT id, series_id, starts_at FROM sessions WHERE child_id = $1 ORDER BY starts_at`, [childId]);
  const seriesCount = async (childId: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM session_series WHERE child_id = $1`, [childId]))[0].n;

  it('books every Sunday at 19:30 Berlin time across the spring-forward: 18:30Z in winter, 17:30Z in summer', async () => {
    const world = await newWorld();
    const response = await post(world.staff.token, bodyFor(world)).expect(201);
    const { seriesId, occurrences } = response.body as { seriesId: string; occurrences: Occurrence[] };
    expect(occurrences.map((o) => [o.status, o.startsAt, o.hubLocal.start, o.wallTime])).toEqual([
      ['booked', '2026-03-22T18:30:00.000Z', '2026-03-22T19:30', 'exact'],
      ['booked', '2026-03-29T17:30:00.000Z', '2026-03-29T19:30', 'exact'],
      ['booked', '2026-04-05T17:30:00.000Z', '2026-04-05T19:30', 'exact'],
      ['booked', '2026-04-12T17:30:00.000Z', '2026-04-12T19:30', 'exact'],
    ]);
    expect(occurrences[0]).toMatchObject({ endsAt: '2026-03-22T19:00:00.000Z', hubLocal: { end: '2026-03-22T20:00', timeZone: 'Europe/Berlin' } });
    // The guardian in Shanghai (no DST) sees the call move an hour earlier on their clock.
    expect(occurrences.map((o) => o.session?.guardianLocal.start)).toEqual(['2026-03-23T02:30', '2026-03-30T01:30', '2026-04-06T01:30', '2026-04-13T01:30']);
    expect(occurrences.every((o) => o.session?.seriesId === seriesId)).toBe(true);
    const rows = await sessionsOf(world.child.id);
    expect(rows.map((row: { id: string }) => row.id)).toEqual(occurrences.map((o) => o.session?.id));
    expect(rows.every((row: { series_id: string }) => row.series_id === seriesId)).toBe(true);
    const [series] = await t.db.query(`SELECT weekday, local_time, time_zone, occurrences, created_by FROM session_series WHERE id = $1`, [seriesId]);
    expect(series).toEqual({ weekday: 7, local_time: '19:30', time_zone: 'Europe/Berlin', occurrences: 4, created_by: world.staff.id });
    const audit = await t.db.query(`SELECT action FROM audit_log WHERE child_id = $1 AND action IN ('session.create', 'session_series.create')`, [world.child.id]);
    expect(audit).toHaveLength(5);
  });

  it('moves a wall time that does not exist (02:30 on the spring-forward day) to 03:30, and says so', async () => {
    const world = await newWorld(ALL_WEEK('00:00', '24:00'));
    const response = await post(world.staff.token, bodyFor(world, { localTime: '02:30', count: 2 })).expect(201);
    const occurrences = response.body.occurrences as Occurrence[];
    expect(occurrences.map((o) => [o.status, o.startsAt, o.hubLocal.start, o.wallTime])).toEqual([
      ['booked', '2026-03-22T01:30:00.000Z', '2026-03-22T02:30', 'exact'],
      ['booked', '2026-03-29T01:30:00.000Z', '2026-03-29T03:30', 'shifted_forward'],
    ]);
  });

  it('reports an occurrence that conflicts with its own problem while the others book', async () => {
    const world = await newWorld();
    // The child already has a call at the second occurrence; the last lies beyond a 21-day horizon (until 6 April).
    await t.db.query(`UPDATE hubs SET horizon_days = 21 WHERE id = $1`, [world.hub.id]);
    const existing = await bookOne(world.staff.token, {
      childId: world.child.id,
      guardianId: world.guardian.id,
      startsAt: '2026-03-29T19:00:00+02:00',
      durationMinutes: 45,
      kind: 'supervised',
    }).expect(201);
    const response = await post(world.staff.token, bodyFor(world)).expect(201);
    const occurrences = response.body.occurrences as Occurrence[];
    expect(occurrences.map((o) => o.status)).toEqual(['booked', 'conflict', 'booked', 'conflict']);
    expect(occurrences[1]).toMatchObject({
      startsAt: '2026-03-29T17:30:00.000Z',
      hubLocal: { start: '2026-03-29T19:30' },
      problem: { code: 'SLOT_TAKEN', resource: 'child', detail: expect.stringContaining('child') },
    });
    expect(occurrences[1].session).toBeUndefined();
    expect(occurrences[3].problem?.code).toBe('BEYOND_HORIZON');
    const rows = await sessionsOf(world.child.id);
    expect(rows.map((row: { id: string }) => row.id).sort()).toEqual([existing.body.id, occurrences[0].session?.id, occurrences[2].session?.id].sort());
  });

  it('counts the week’s other calls against the weekly cap, occurrence by occurrence', async () => {
    const world = await newWorld();
    await t.db.query(`UPDATE children SET call_max_per_week = 1 WHERE id = $1`, [world.child.id]);
    // A Wednesday call in the ISO week of the third occurrence (Sunday 2026-04-05 is in week 14).
    await bookOne(world.staff.token, {
      childId: world.child.id,
      guardianId: world.guardian.id,
      startsAt: '2026-04-01T10:00:00+02:00',
      durationMinutes: 30,
      kind: 'supervised',
    }).expect(201);
    const occurrences = (await post(world.staff.token, bodyFor(world)).expect(201)).body.occurrences as Occurrence[];
    expect(occurrences.map((o) => o.status)).toEqual(['booked', 'booked', 'conflict', 'booked']);
    expect(occurrences[2].problem?.code).toBe('WEEKLY_CAP_REACHED');
  });

  it('finds the station held by an earlier series: those occurrences conflict, the rest book', async () => {
    const world = await newWorld();
    // A single station: a 30-minute series and a second series overlapping it on the same station.
    const [station] = world.stations;
    await t.db.query(`UPDATE stations SET in_service = false, out_of_service_reason = 'spare' WHERE id = $1`, [world.stations[1].id]);
    const first = (await post(world.staff.token, bodyFor(world, { stationId: station.id, count: 2 })).expect(201)).body.occurrences as Occurrence[];
    expect(first.map((o) => o.status)).toEqual(['booked', 'booked']);
    const other = await t.factories.newChild(world.hub.id);
    const guardian = await t.factories.newGuardian({ hubId: world.hub.id });
    await t.factories.newLink(other.id, guardian.id);
    await t.factories.newConsent(other.id, guardian.id);
    await t.factories.setAvailability(guardian.id, ALL_WEEK('00:00', '24:00'));
    const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
    const second = await post(colleague.token, { ...bodyFor(world, { localTime: '19:45', count: 3 }), childId: other.id, guardianId: guardian.id }).expect(201);
    expect((second.body.occurrences as Occurrence[]).map((o) => [o.status, o.problem?.resource])).toEqual([
      ['conflict', 'station'],
      ['conflict', 'station'],
      ['booked', undefined],
    ]);
  });

  it('keeps the other occurrences when the database refuses one at insert time (its own savepoint)', async () => {
    const world = await newWorld();
    const other = await t.factories.newChild(world.hub.id);
    const guardian = await t.factories.newGuardian({ hubId: world.hub.id });
    const colleague = await t.factories.newUser('hub_staff', [world.hub.id]);
    const [station] = world.stations;
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      // An uncommitted booking at the second occurrence: the series reads it as free, then the constraint decides.
      await runner.query(
        `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until)
         VALUES ($1, $2, $3, $4, $5, 'supervised', '2026-03-29T17:30:00Z', '2026-03-29T18:00:00Z', '2026-03-29T18:10:00Z')`,
        [world.hub.id, station.id, other.id, guardian.id, colleague.id],
      );
      const pending = post(world.staff.token, bodyFor(world, { stationId: station.id, count: 3 })).then((r) => r);
      await waitForLockWaiter();
      await runner.commitTransaction();
      const response = await pending;
      expect(response.status).toBe(201);
      const occurrences = response.body.occurrences as Occurrence[];
      expect(occurrences.map((o) => [o.status, o.problem?.code, o.problem?.resource])).toEqual([
        ['booked', undefined, undefined],
        ['conflict', 'SLOT_TAKEN', 'station'],
        ['booked', undefined, undefined],
      ]);
      expect(await sessionsOf(world.child.id)).toHaveLength(2);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  });

  const waitForLockWaiter = async (): Promise<void> => {
    for (let attempt = 0; attempt < 400; attempt++) {
      const waiting = await t.db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      if (waiting.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the request never waited on the constraint');
  };

  it('defaults the start to today in the hub’s zone and books mediated series with a counselor', async () => {
    const world = await newWorld();
    const body = { ...bodyFor(world, { weekday: 2, localTime: '10:00', count: 1, kind: 'mediated', counselorId: world.counselor.id }) } as Record<string, unknown>;
    delete body.startDate;
    const occurrences = (await post(world.staff.token, body).expect(201)).body.occurrences as Occurrence[];
    expect(occurrences).toEqual([expect.objectContaining({ status: 'booked', hubLocal: expect.objectContaining({ start: '2026-03-17T10:00' }) })]);
    expect(occurrences[0].session).toMatchObject({ kind: 'mediated', counselorId: world.counselor.id });
  });

  it('is idempotent: the same key and body answer the first response; another body is 422', async () => {
    const world = await newWorld();
    const key = randomUUID();
    const first = await post(world.staff.token, bodyFor(world), key).expect(201);
    const again = await post(world.staff.token, bodyFor(world), key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await post(world.staff.token, bodyFor(world, { count: 3 }), key).expect(422)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await sessionsOf(world.child.id)).toHaveLength(4);
    expect(await seriesCount(world.child.id)).toBe(1);
    expect((await post(world.staff.token, bodyFor(world), null).expect(400)).body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
  });

  it('refuses the whole request for the parties and the call plan, creating nothing', async () => {
    const world = await newWorld();
    const elsewhere = await newWorld();
    await post(elsewhere.staff.token, bodyFor(world)).expect(404);
    await post(world.counselor.token, bodyFor(world)).expect(403);
    await post(world.guardian.token, bodyFor(world)).expect(403);
    await post(admin.token, bodyFor(world)).expect(400);
    await post(world.staff.token, bodyFor(world, { guardianId: elsewhere.guardian.id })).expect(404);
    await post(world.staff.token, bodyFor(world, { stationId: elsewhere.stations[0].id })).expect(404);
    await t.db.query(`UPDATE children SET call_paused = true WHERE id = $1`, [world.child.id]);
    expect((await post(world.staff.token, bodyFor(world)).expect(409)).body.code).toBe('CALL_PLAN_PAUSED');
    await t.db.query(`UPDATE children SET call_paused = false, call_mediated_only = true WHERE id = $1`, [world.child.id]);
    expect((await post(world.staff.token, bodyFor(world)).expect(409)).body.code).toBe('MEDIATED_ONLY');
    await t.db.query(`UPDATE guardian_consents SET withdrawn_at = now() WHERE child_id = $1`, [world.child.id]);
    expect((await post(world.staff.token, bodyFor(world)).expect(409)).body.code).toBe('CONSENT_REQUIRED');
    expect(await sessionsOf(world.child.id)).toHaveLength(0);
    expect(await seriesCount(world.child.id)).toBe(0);
  });

  describe('bad input', () => {
    let world: World;
    beforeAll(async () => {
      world = await newWorld();
    });
    afterAll(async () => {
      expect(await sessionsOf(world.child.id)).toHaveLength(0);
      expect(await seriesCount(world.child.id)).toBe(0);
    });

    it.each([
      ['weekday 0', { weekday: 0 }, 'weekday'],
      ['weekday 8', { weekday: 8 }, 'weekday'],
      ['a local time of 24:00', { localTime: '24:00' }, 'localTime'],
      ['a local time without leading zero', { localTime: '7:30' }, 'localTime'],
      ['a local time with an offset', { localTime: '19:30+02:00' }, 'localTime'],
      ['a nonsense start date', { startDate: '2026-02-30' }, 'startDate'],
      ['a start date with a time', { startDate: '2026-03-20T00:00:00Z' }, 'startDate'],
      ['a start date in the past', { startDate: '2026-03-15' }, 'startDate'],
      ['a start date in year 9999', { startDate: '9999-12-31' }, 'startDate'],
      ['a start date beyond any horizon', { startDate: '2027-03-18' }, 'startDate'],
      ['a count of 0', { count: 0 }, 'count'],
      ['a count of 27', { count: 27 }, 'count'],
      ['a duration of 0', { durationMinutes: 0 }, 'durationMinutes'],
      ['a duration of 10,000', { durationMinutes: 10_000 }, 'durationMinutes'],
      ['a mediated series without counselor', { kind: 'mediated' }, 'counselorId'],
      ['an unknown field', { until: '2026-06-01' }, 'until'],
      ['a time zone (the hub’s zone is used)', { timeZone: 'Mars/Olympus' }, 'timeZone'],
      ['a foreign child id that is not a uuid', { childId: 'x' }, 'childId'],
    ])('refuses %s with 400', async (_label, change, field) => {
      const response = await post(world.staff.token, bodyFor(world, change)).expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    });
  });
});
