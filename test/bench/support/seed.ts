import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';

/**
 * Bulk data for the scheduling benchmarks (`bench:slots`, `bench:booking`), written with a few
 * set-based statements so a million sessions take seconds, not an hour of round trips.
 * Every id is a deterministic uuid (md5 of a label), so statements reference each other's rows
 * without joins and a second call can tell the work is already done.
 */

/** Anything with TypeORM's `query` and `transaction` (the app's DataSource). */
export type BenchDb = Pick<DataSource, 'query' | 'transaction'>;

export interface HistoryOptions {
  /** Rows to add to `sessions` (default 1,000,000). */
  sessions?: number;
  /** "Now" of the benchmark: history lies mostly before it, other hubs' bookings a little after. */
  now?: Date;
}

export interface HistoryResult {
  /** False when an earlier call had already seeded this amount (the marker row exists). */
  inserted: boolean;
  sessions: number;
  hubs: number;
  /** Wall time of this call, ms. */
  elapsedMs: number;
}

/** A deterministic, valid (version 4 / RFC 9562 variant) uuid from a SQL text expression. */
const uid = (expr: string) => `overlay(overlay(md5(${expr}) placing '4' from 13) placing '8' from 17)::uuid`;

const STATIONS_PER_HUB = 20;
const CHILDREN_PER_HUB = 60;
const SESSIONS_PER_HUB = 10_000;

/**
 * Grows `sessions` by `sessions` rows of other hubs' history: H = sessions / 10,000 hubs, each
 * with 20 stations, 20 supervisors and 60 children with one guardian each; every station hosts
 * 8 thirty-minute calls a day (hourly), for ~62 days from a per-hub start between 400 days ago
 * and 45 days ahead. Past calls are completed (5 % cancelled, 5 % no-show, 5 % declined), future
 * ones booked (4 % cancelled). No two live rows collide, so every exclusion constraint holds.
 * Idempotent: a marker hub per amount; a second call returns at once. Runs ANALYZE at the end.
 */
export async function seedHistory(db: BenchDb, options: HistoryOptions = {}): Promise<HistoryResult> {
  const sessions = options.sessions ?? 1_000_000;
  const now = options.now ?? new Date();
  const hubs = Math.max(1, Math.ceil(sessions / SESSIONS_PER_HUB));
  const started = Date.now();
  const marker = `bench-history-${sessions}`;

  const inserted = await db.transaction(async (tx) => {
    // Two benchmarks seeding the same database at once wait for each other here.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('kinbridge-bench-history'))`);
    const [{ seeded }] = await tx.query(`SELECT EXISTS (SELECT 1 FROM hubs WHERE id = ${uid(`$1`)}) AS seeded`, [marker]);
    if (seeded) return false;

    await tx.query(`INSERT INTO hubs (id, name) VALUES (${uid(`$1`)}, $1)`, [marker]);
    await tx.query(
      `INSERT INTO hubs (id, name, time_zone)
       SELECT ${uid(`$1 || '-hub-' || h`)}, 'History hub ' || $1 || '/' || h, 'Asia/Shanghai' FROM generate_series(0, $2 - 1) h`,
      [marker, hubs],
    );
    await tx.query(
      `INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute)
       SELECT ${uid(`$1 || '-hub-' || h`)}, d, 480, 1200 FROM generate_series(0, $2 - 1) h, generate_series(1, 7) d`,
      [marker, hubs],
    );
    await tx.query(
      `INSERT INTO stations (id, hub_id, name)
       SELECT ${uid(`$1 || '-st-' || h || '-' || s`)}, ${uid(`$1 || '-hub-' || h`)}, 'Booth ' || s
         FROM generate_series(0, $2 - 1) h, generate_series(0, $3 - 1) s`,
      [marker, hubs, STATIONS_PER_HUB],
    );
    await tx.query(
      `INSERT INTO users (id, email, password_hash, display_name, role)
       SELECT ${uid(`$1 || '-su-' || h || '-' || s`)}, 'bench-' || md5($1 || '-su-' || h || '-' || s) || '@bench.invalid',
              'not-a-hash', 'Staff ' || h || '/' || s, 'hub_staff'
         FROM generate_series(0, $2 - 1) h, generate_series(0, $3 - 1) s`,
      [marker, hubs, STATIONS_PER_HUB],
    );
    await tx.query(
      `INSERT INTO user_hubs (user_id, hub_id)
       SELECT ${uid(`$1 || '-su-' || h || '-' || s`)}, ${uid(`$1 || '-hub-' || h`)}
         FROM generate_series(0, $2 - 1) h, generate_series(0, $3 - 1) s`,
      [marker, hubs, STATIONS_PER_HUB],
    );
    await tx.query(
      `INSERT INTO children (id, hub_id, display_name, birth_date)
       SELECT ${uid(`$1 || '-ch-' || h || '-' || c`)}, ${uid(`$1 || '-hub-' || h`)}, 'Child ' || h || '/' || c,
              date '2014-01-01' + (h * 7 + c) % 2000
         FROM generate_series(0, $2 - 1) h, generate_series(0, $3 - 1) c`,
      [marker, hubs, CHILDREN_PER_HUB],
    );
    // Phones +8617 + 9 digits, seeded from the marker so two amounts never collide with each other
    // or with the test factories (+86139…).
    await tx.query(
      `INSERT INTO guardians (id, hub_id, display_name, phone, time_zone)
       SELECT ${uid(`$1 || '-gu-' || h || '-' || c`)}, ${uid(`$1 || '-hub-' || h`)}, 'Parent ' || h || '/' || c,
              '+8617' || lpad(((abs(hashtext($1)) % 90 + 10) * 10000000 + h * $3 + c)::text, 9, '0'), 'Asia/Dubai'
         FROM generate_series(0, $2 - 1) h, generate_series(0, $3 - 1) c`,
      [marker, hubs, CHILDREN_PER_HUB],
    );
    await tx.query(
      `INSERT INTO child_guardian_links (child_id, guardian_id, relationship, status, approved_at)
       SELECT ${uid(`$1 || '-ch-' || h || '-' || c`)}, ${uid(`$1 || '-gu-' || h || '-' || c`)}, 'mother', 'approved', now()
         FROM generate_series(0, $2 - 1) h, generate_series(0, $3 - 1) c`,
      [marker, hubs, CHILDREN_PER_HUB],
    );

    // Row i: station s = i % 20, then hub h, then the hub's time index t (8 hourly calls a day).
    // Within one (hub, t) the 20 calls have 20 different stations, supervisors and children
    // (c = (s + 7t) mod 60), so no live rows overlap on any guarded resource.
    await tx.query(
      `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until,
                             status, cancel_reason, sequence, created_at, updated_at)
       SELECT ${uid(`$1 || '-hub-' || h`)}, ${uid(`$1 || '-st-' || h || '-' || s`)},
              ${uid(`$1 || '-ch-' || h || '-' || c`)}, ${uid(`$1 || '-gu-' || h || '-' || c`)},
              ${uid(`$1 || '-su-' || h || '-' || s`)}, 'supervised', starts_at, starts_at + interval '30 minutes',
              starts_at + interval '40 minutes', status::session_status,
              CASE WHEN status = 'cancelled' THEN 'Guardian asked to cancel' END, 0, starts_at - interval '3 days', starts_at
         FROM (
           SELECT i, h, s, c, starts_at,
                  CASE WHEN starts_at >= $3::timestamptz THEN (CASE WHEN i % 25 = 0 THEN 'cancelled' ELSE 'booked' END)
                       ELSE (CASE i % 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'no_show_guardian' WHEN 2 THEN 'declined' ELSE 'completed' END)
                  END AS status
             FROM (
               SELECT i, h, s, (s + 7 * t) % ${CHILDREN_PER_HUB} AS c,
                      $3::timestamptz - interval '400 days' + make_interval(mins => h * (445 * 1440 / $4))
                        + make_interval(days => t / 8, hours => 1 + t % 8) AS starts_at
                 FROM (SELECT i, i % ${STATIONS_PER_HUB} AS s, (i / ${STATIONS_PER_HUB}) % $4 AS h, i / (${STATIONS_PER_HUB} * $4) AS t
                         FROM generate_series(0, $2 - 1) i) k
             ) timed
         ) rows`,
      [marker, sessions, now.toISOString(), hubs],
    );
    return true;
  });
  if (inserted) {
    for (const table of ['sessions', 'hubs', 'stations', 'users', 'user_hubs', 'children', 'guardians', 'child_guardian_links', 'hub_opening_hours']) {
      await db.query(`ANALYZE ${table}`);
    }
  }
  return { inserted, sessions, hubs, elapsedMs: Date.now() - started };
}

export interface BusyHubOptions {
  /** Target: 20 stations and 2,000 booked sessions (PRODUCT.md). */
  stations?: number;
  sessions?: number;
  /** Sessions start between now + 3 h and now + `days` days. */
  days?: number;
  now: Date;
  hubTimeZone?: string;
  guardianTimeZone?: string;
  /** Label making the hub's ids and names unique per benchmark (default 'slots'). */
  label?: string;
}

export interface BusyHub {
  hubId: string;
  hubTimeZone: string;
  stationIds: string[];
  /** Supervisors, one per station each day (rotating). */
  staffIds: string[];
  counselorId: string;
  /** children[0] has an approved link to guardians[0] with video_call consent, and availability windows. */
  childIds: string[];
  guardianIds: string[];
  sessions: number;
}

/**
 * One realistic busy hub: `stations` booths open 08:00–20:00 every day (hub zone, default Asia/Shanghai),
 * 400 children with a guardian each (zone default Asia/Dubai, windows weekdays 05:00–08:00 and 12:00–16:00,
 * weekends 09:00–16:00), 20 staff, and `sessions` booked 30-minute calls over the next `days` days
 * (≈ 3–4 calls per booth a day on the 15-minute grid, keeping the 10-minute buffer). Each child
 * has ~5 calls in four weeks. Written with a handful of statements; not idempotent (use a fresh label).
 */
export async function seedBusyHub(db: BenchDb, options: BusyHubOptions): Promise<BusyHub> {
  const stations = options.stations ?? 20;
  const sessions = options.sessions ?? 2000;
  const days = options.days ?? 28;
  const hubTimeZone = options.hubTimeZone ?? 'Asia/Shanghai';
  const guardianTimeZone = options.guardianTimeZone ?? 'Asia/Dubai';
  const label = `bench-busy-${options.label ?? 'slots'}`;
  const children = 400;
  const staff = Math.max(stations, 20);

  return db.transaction(async (tx) => {
    const [{ id: hubId }] = await tx.query(
      `INSERT INTO hubs (id, name, time_zone) VALUES (${uid(`$1`)}, $1, $2) RETURNING id`,
      [label, hubTimeZone],
    );
    await tx.query(
      `INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute) SELECT $1, d, 480, 1200 FROM generate_series(1, 7) d`,
      [hubId],
    );
    const stationIds: string[] = (
      await tx.query(
        `INSERT INTO stations (id, hub_id, name)
         SELECT ${uid(`$2 || '-st-' || s`)}, $1, 'Booth ' || lpad(s::text, 2, '0') FROM generate_series(0, $3 - 1) s RETURNING id`,
        [hubId, label, stations],
      )
    ).map((r: { id: string }) => r.id);
    const staffIds: string[] = (
      await tx.query(
        `INSERT INTO users (id, email, password_hash, display_name, role)
         SELECT ${uid(`$1 || '-su-' || n`)}, 'bench-' || md5($1 || '-su-' || n) || '@bench.invalid', 'not-a-hash', 'Staff ' || n, 'hub_staff'
           FROM generate_series(0, $2 - 1) n RETURNING id`,
        [label, staff],
      )
    ).map((r: { id: string }) => r.id);
    const [{ id: counselorId }] = await tx.query(
      `INSERT INTO users (id, email, password_hash, display_name, role)
       VALUES (${uid(`$1 || '-co'`)}, 'bench-' || md5($1 || '-co') || '@bench.invalid', 'not-a-hash', 'Counselor', 'counselor') RETURNING id`,
      [label],
    );
    await tx.query(`INSERT INTO user_hubs (user_id, hub_id) SELECT unnest($1::uuid[]), $2`, [[...staffIds, counselorId], hubId]);
    const childIds: string[] = (
      await tx.query(
        `INSERT INTO children (id, hub_id, display_name, birth_date, counselor_id)
         SELECT ${uid(`$2 || '-ch-' || n`)}, $1, 'Child ' || n, date '2014-01-01' + n, $4 FROM generate_series(0, $3 - 1) n RETURNING id`,
        [hubId, label, children, counselorId],
      )
    ).map((r: { id: string }) => r.id);
    const guardianIds: string[] = (
      await tx.query(
        `INSERT INTO guardians (id, hub_id, display_name, phone, time_zone)
         SELECT ${uid(`$2 || '-gu-' || n`)}, $1, 'Parent ' || n,
                '+8618' || lpad(((abs(hashtext($2)) % 90 + 10) * 10000000 + n)::text, 9, '0'), $4
           FROM generate_series(0, $3 - 1) n RETURNING id`,
        [hubId, label, children, guardianTimeZone],
      )
    ).map((r: { id: string }) => r.id);
    await tx.query(
      `INSERT INTO child_guardian_links (child_id, guardian_id, relationship, status, approved_at)
       SELECT unnest($1::uuid[]), unnest($2::uuid[]), 'mother', 'approved', now()`,
      [childIds, guardianIds],
    );
    await tx.query(
      `INSERT INTO guardian_consents (child_id, guardian_id, scopes, policy_version, method)
       SELECT unnest($1::uuid[]), unnest($2::uuid[]), ARRAY['video_call', 'wellbeing_check'], 'v1', 'paper'`,
      [childIds, guardianIds],
    );
    // Windows for every guardian: weekdays 05:00–08:00 and 12:00–16:00, weekends 09:00–16:00 (guardian zone).
    await tx.query(
      `INSERT INTO guardian_availability (guardian_id, weekday, start_minute, end_minute)
       SELECT g, w.d, w.s, w.e FROM unnest($1::uuid[]) g,
              (VALUES (1, 300, 480), (1, 720, 960), (2, 300, 480), (2, 720, 960), (3, 300, 480), (3, 720, 960),
                      (4, 300, 480), (4, 720, 960), (5, 300, 480), (5, 720, 960), (6, 540, 960), (7, 540, 960)) AS w(d, s, e)`,
      [guardianIds],
    );

    const rows = planBusyHubSessions({ now: options.now, days, stations, sessions, hubTimeZone, children, staff });
    await tx.query(
      `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until)
       SELECT $1, ($2::uuid[])[r.station + 1], ($3::uuid[])[r.child + 1], ($4::uuid[])[r.child + 1], ($5::uuid[])[r.staff + 1],
              'supervised', r.starts_at, r.starts_at + interval '30 minutes', r.starts_at + interval '40 minutes'
         FROM unnest($6::int[], $7::int[], $8::int[], $9::timestamptz[]) AS r(station, child, staff, starts_at)`,
      [
        hubId,
        stationIds,
        childIds,
        guardianIds,
        staffIds,
        rows.map((r) => r.station),
        rows.map((r) => r.child),
        rows.map((r) => r.staff),
        rows.map((r) => new Date(r.start).toISOString()),
      ],
    );
    await tx.query(`ANALYZE sessions`);
    return { hubId, hubTimeZone, stationIds, staffIds, counselorId, childIds, guardianIds, sessions: rows.length };
  });
}

interface PlannedSession {
  station: number;
  child: number;
  staff: number;
  start: number;
}

/**
 * Deterministic plan: each day, station k gets calls at pseudo-random free starts on the
 * 15-minute grid between 08:00 and 19:30 hub time, ≥ 45 minutes apart (30 + 10 buffer, rounded
 * up to the grid). The supervisor of a station rotates by day (one station per supervisor per
 * day) and each call on a day has its own child, so nothing collides.
 */
function planBusyHubSessions(p: { now: Date; days: number; stations: number; sessions: number; hubTimeZone: string; children: number; staff: number }): PlannedSession[] {
  let seed = 20260601;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const perDay = Math.ceil(p.sessions / p.days);
  const out: PlannedSession[] = [];
  const dayMs = 86_400_000;
  const earliest = p.now.getTime() + 3 * 3_600_000;
  for (let day = 0; out.length < p.sessions && day < p.days + 7; day++) {
    const midnight = localMidnight(p.hubTimeZone, p.now.getTime() + day * dayMs);
    const taken: number[][] = Array.from({ length: p.stations }, () => []);
    let childOfDay = 0;
    for (let n = 0; n < perDay && out.length < p.sessions; n++) {
      const station = n % p.stations;
      for (let attempt = 0; attempt < 20; attempt++) {
        const quarter = 32 + Math.floor(random() * 47); // 08:00 … 19:30
        if (taken[station].some((q) => Math.abs(q - quarter) < 3)) continue;
        const start = midnight + quarter * 15 * 60_000;
        if (start < earliest) continue;
        taken[station].push(quarter);
        out.push({ station, child: (day * perDay + childOfDay++) % p.children, staff: (station + day) % p.staff, start });
        break;
      }
    }
  }
  return out;
}

function localMidnight(zone: string, instant: number): number {
  return DateTime.fromMillis(instant, { zone }).startOf('day').toMillis();
}
