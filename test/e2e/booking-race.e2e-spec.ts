import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Response } from 'supertest';
import type { QueryRunner } from 'typeorm';
import { FixedClock } from '../../src/common/clock';
import { HubRow } from '../factories';
import { bearer, startTestApp, TestApp } from '../support/test-app';

/** Monday 2027-03-01 08:00 in Shanghai (in the real future, so the planned reminder jobs stay queued). */
const NOW = DateTime.fromISO('2027-03-01T08:00:00', { zone: 'Asia/Shanghai' });
const SLOT = '2027-03-02T10:00:00+08:00';
const ALL_WEEK = (start: string, end: string) => [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start, end }));
const RACERS = 200;
const RETRIES = 50;

/** One bookable family with its own supervising staff member: requests that share nothing but the station. */
interface Racer {
  staffId: string;
  childId: string;
  guardianId: string;
  token: string;
}

/**
 * The race test. Every request passes every rule on its own; only the station is shared,
 * so whatever lets exactly one through is the station exclusion constraint (the read-then-check in
 * the service sees no conflict for requests whose transactions overlap).
 */
describe('booking race', () => {
  let t: TestApp;
  let hub: HubRow;
  let stationId: string;
  /** RACERS families, each with its own supervisor: they share only the station. */
  let racers: Racer[];

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW.toUTC()) });
    hub = await t.factories.newHub();
    stationId = (await t.factories.newStation(hub.id)).id;
    await t.factories.setOpeningHours(hub.id, ALL_WEEK('07:00', '23:00'));
    racers = await newRacers(RACERS);
  });
  afterAll(() => t.close());

  const newRacer = async (): Promise<Racer> => {
    const staff = await t.factories.newUser('hub_staff', [hub.id]);
    const child = await t.factories.newChild(hub.id);
    const guardian = await t.factories.newGuardian({ hubId: hub.id });
    await t.factories.newLink(child.id, guardian.id);
    await t.factories.newConsent(child.id, guardian.id);
    await t.factories.setAvailability(guardian.id, ALL_WEEK('00:00', '24:00'));
    return { staffId: staff.id, childId: child.id, guardianId: guardian.id, token: staff.token };
  };
  const newRacers = async (n: number): Promise<Racer[]> => {
    const racers: Racer[] = [];
    while (racers.length < n) racers.push(...(await Promise.all(Array.from({ length: Math.min(10, n - racers.length) }, newRacer))));
    return racers;
  };
  const book = (racer: Racer, key: string, startsAt = SLOT): Promise<Response> =>
    t.http()
      .post('/api/v1/sessions')
      .set(...bearer(racer.token))
      .set('Idempotency-Key', key)
      .send({ childId: racer.childId, guardianId: racer.guardianId, startsAt, durationMinutes: 30, kind: 'supervised', stationId })
      .then((response) => response);
  /** Status (and code) → count: a failure shows the whole picture at once. */
  const histogram = (responses: Response[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const response of responses) {
      const label = response.status === 201 ? '201' : `${response.status} ${response.body?.code}`;
      counts[label] = (counts[label] ?? 0) + 1;
    }
    return counts;
  };
  /** Read on a connection taken before the burst: the app's pool is then full of waiting bookings. */
  const lockWaiters = async (monitor: QueryRunner): Promise<number> =>
    (await monitor.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`))[0].n;
  const sessionsAtStation = async (): Promise<{ id: string; child_id: string }[]> =>
    t.db.query(`SELECT id, child_id FROM sessions WHERE station_id = $1 AND status <> 'cancelled'`, [stationId]);

  it(`lets exactly one of ${RACERS} concurrent requests for the same slot through; the rest are 409 SLOT_TAKEN (station)`, async () => {
    const responses = await Promise.all(racers.map((racer) => book(racer, randomUUID())));

    expect(histogram(responses)).toEqual({ '201': 1, '409 SLOT_TAKEN': RACERS - 1 });
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.body).toMatchObject({ code: 'SLOT_TAKEN', resource: 'station' });
    }
    const winner = responses.find((response) => response.status === 201) as Response;
    const rows = await sessionsAtStation();
    expect(rows).toEqual([{ id: winner.body.id, child_id: winner.body.childId }]);
    // The losers left nothing behind: no stored key, no notice, no audit of a creation.
    const losers = racers.filter((_racer, i) => responses[i].status !== 201).map((racer) => racer.staffId);
    const [{ n: keys }] = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE actor_id = ANY($1::uuid[])`, [losers]);
    expect(keys).toBe(0);
    const [{ n: created }] = await t.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'session.create' AND hub_id = $1`, [hub.id]);
    expect(created).toBe(1);
  });

  it('refuses with the exclusion constraint every request that passed the service’s own check concurrently', async () => {
    // Hold the station row as "out of service" does (FOR UPDATE): every booking that has passed the read-then-check
    // then waits at its INSERT (which re-reads the station FOR KEY SHARE). On release they all insert at once, and
    // only the constraint stands between them. The app's pool (20) bounds how many get that far; the rest queue.
    const slot = '2027-03-02T17:00:00+08:00';
    const gate = t.db.createQueryRunner();
    const monitor = t.db.createQueryRunner();
    await gate.connect();
    await monitor.connect();
    await gate.startTransaction();
    let responses: Response[];
    let waiting = 0;
    try {
      await gate.query(`SELECT 1 FROM stations WHERE id = $1 FOR UPDATE`, [stationId]);
      const pending = Promise.all(racers.map((racer) => book(racer, randomUUID(), slot)));
      // Not for long: requests queued for a pool connection give up after 10 s.
      for (let attempt = 0; attempt < 100 && waiting < 5; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        waiting = await lockWaiters(monitor);
      }
      await gate.rollbackTransaction();
      responses = await pending;
    } finally {
      if (gate.isTransactionActive) await gate.rollbackTransaction();
      await gate.release();
      await monitor.release();
    }
    // At least two requests were past the check at the same time: all but one of those were refused by the database.
    expect(waiting).toBeGreaterThanOrEqual(2);
    expect(histogram(responses)).toEqual({ '201': 1, '409 SLOT_TAKEN': RACERS - 1 });
    const refusedByConstraint = responses.filter((r) => r.status === 409 && r.body.detail === 'The station is already booked at that time');
    expect(refusedByConstraint.length).toBeGreaterThanOrEqual(1);
    for (const response of refusedByConstraint) expect(response.body).toMatchObject({ code: 'SLOT_TAKEN', resource: 'station' });
    const rows = await t.db.query(`SELECT count(*)::int AS n FROM sessions WHERE station_id = $1 AND starts_at = $2`, [stationId, slot]);
    expect(rows[0].n).toBe(1);
  });

  it(`answers ${RETRIES} concurrent retries with one Idempotency-Key with one booking and identical responses`, async () => {
    const [racer] = await newRacers(1);
    // Another slot at the same station (the first test holds 10:00).
    const key = randomUUID();
    const retry = () =>
      t.http()
        .post('/api/v1/sessions')
        .set(...bearer(racer.token))
        .set('Idempotency-Key', key)
        .send({ childId: racer.childId, guardianId: racer.guardianId, startsAt: '2027-03-02T15:00:00+08:00', durationMinutes: 30, kind: 'supervised', stationId })
        .then((response) => response);
    const responses = await Promise.all(Array.from({ length: RETRIES }, retry));

    expect(histogram(responses)).toEqual({ '201': RETRIES });
    const [first] = responses;
    for (const response of responses) expect(response.body).toEqual(first.body);
    expect(responses.filter((response) => response.headers['idempotent-replayed'] === 'true')).toHaveLength(RETRIES - 1);
    const rows = await t.db.query(`SELECT id FROM sessions WHERE child_id = $1`, [racer.childId]);
    expect(rows).toEqual([{ id: first.body.id }]);
    const notices = await t.db.query(`SELECT count(*)::int AS n FROM notifications WHERE template = 'session_booked' AND params->>'sessionId' = $1`, [first.body.id]);
    expect(notices[0].n).toBe(1);
  });
});
