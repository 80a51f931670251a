import { Client } from 'pg';

/**
 * Bulk fixtures for the booking benchmark, written in a handful of INSERT … SELECT generate_series
 * statements (seconds, not minutes, for thousands of rows).
 *
 * The world is made of `entities`: entity e owns station e, child e, guardian e (linked, approved,
 * consenting to video calls) and staff member e (hub staff of the hub, the caller and the
 * supervisor of every booking of that entity). Hub h = floor(e / stationsPerHub) holds stations
 * per hub, is open all day every day, with no minimum notice and a one-year horizon.
 *
 * Booking number n goes to entity n mod E at slot floor(n / E); slot j starts at `base` + j hours
 * (hh:00 hub time, 30 min, so the station's 10 min buffer ends at hh:40 and never reaches the
 * next slot). No two bookings share a station, child, guardian or supervisor at the same time, so
 * none conflicts — in the app run and in the pgbench run alike, as long as each uses its own n.
 *
 * Ids are deterministic (a prefix per kind + the index in hex), so the pgbench script can compute
 * them from an integer.
 */
export const ID_PREFIX = {
  hub: 'b0000000',
  station: 'b1000000',
  child: 'b2000000',
  guardian: 'b3000000',
  user: 'b4000000',
  link: 'b5000000',
  consent: 'b6000000',
} as const;
export type IdKind = keyof typeof ID_PREFIX;

export const benchId = (kind: IdKind, index: number): string =>
  `${ID_PREFIX[kind]}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;

/** The same id computed in SQL from an integer expression (no ':' in it, so pgbench leaves it alone). */
export const benchIdSql = (kind: IdKind, indexSql: string): string =>
  `CAST(('${ID_PREFIX[kind]}-0000-4000-8000-' || lpad(to_hex(CAST(${indexSql} AS bigint)), 12, '0')) AS uuid)`;

export const SESSION_MINUTES = 30;
export const HUB_ZONE = 'Asia/Shanghai';
const GUARDIAN_ZONES = ['Asia/Shanghai', 'Europe/Berlin'];

export interface BookingWorld {
  entities: number;
  stationsPerHub: number;
  hubs: number;
  /** Epoch ms of slot 0: midnight (hub zone) two days from now. */
  base: number;
}

export function planWorld(entities: number, stationsPerHub = 20, now = Date.now()): BookingWorld {
  if (entities % stationsPerHub !== 0) throw new Error('entities must be a multiple of stationsPerHub');
  // Asia/Shanghai has no DST: midnight there is 16:00 UTC the day before.
  const day = 86_400_000;
  const shanghaiMidnight = Math.floor((now + 8 * 3_600_000) / day) * day - 8 * 3_600_000;
  return { entities, stationsPerHub, hubs: entities / stationsPerHub, base: shanghaiMidnight + 2 * day };
}

export interface Booking {
  n: number;
  entity: number;
  slot: number;
  hubId: string;
  stationId: string;
  childId: string;
  guardianId: string;
  userId: string;
  startsAt: string;
}

export function booking(world: BookingWorld, n: number): Booking {
  const entity = n % world.entities;
  const slot = Math.floor(n / world.entities);
  // The hub's horizon is 366 days; stay well inside it.
  if (slot >= 360 * 24) throw new Error(`booking ${n} is beyond the fixture's horizon; use more entities`);
  return {
    n,
    entity,
    slot,
    hubId: benchId('hub', Math.floor(entity / world.stationsPerHub)),
    stationId: benchId('station', entity),
    childId: benchId('child', entity),
    guardianId: benchId('guardian', entity),
    userId: benchId('user', entity),
    startsAt: new Date(world.base + slot * 3_600_000).toISOString(),
  };
}

/** The request body of POST /api/v1/sessions for one booking. */
export const bookingBody = (b: Booking) => ({
  childId: b.childId,
  guardianId: b.guardianId,
  stationId: b.stationId,
  supervisorId: b.userId,
  kind: 'supervised',
  startsAt: b.startsAt,
  durationMinutes: SESSION_MINUTES,
});

/** Writes the world in bulk (idempotent per database: run once on a fresh one). */
export async function createWorld(client: Client, world: BookingWorld): Promise<void> {
  const E = world.entities;
  const H = world.hubs;
  const S = world.stationsPerHub;
  const id = (kind: IdKind, expr: string) => benchIdSql(kind, expr);
  const statements = [
    `INSERT INTO hubs (id, name, time_zone, buffer_minutes, minimum_notice_minutes, horizon_days)
     SELECT ${id('hub', 'h')}, 'Bench hub ' || h, '${HUB_ZONE}', 10, 0, 366 FROM generate_series(0, ${H - 1}) h`,
    `INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute)
     SELECT ${id('hub', 'h')}, d, 0, 1440 FROM generate_series(0, ${H - 1}) h, generate_series(1, 7) d`,
    `INSERT INTO stations (id, hub_id, name)
     SELECT ${id('station', 'e')}, ${id('hub', `e / ${S}`)}, 'Booth ' || (e % ${S}) FROM generate_series(0, ${E - 1}) e`,
    // A dummy hash: these accounts never log in, the benchmark signs their access tokens directly.
    `INSERT INTO users (id, email, password_hash, display_name, role)
     SELECT ${id('user', 'e')}, 'bench-staff-' || e || '@example.org', 'not-a-hash', 'Staff ' || e, 'hub_staff'
       FROM generate_series(0, ${E - 1}) e`,
    `INSERT INTO user_hubs (user_id, hub_id) SELECT ${id('user', 'e')}, ${id('hub', `e / ${S}`)} FROM generate_series(0, ${E - 1}) e`,
    `INSERT INTO guardians (id, hub_id, display_name, phone, time_zone, locale)
     SELECT ${id('guardian', 'e')}, ${id('hub', `e / ${S}`)}, 'Parent ' || e, '+86150' || lpad(e::text, 8, '0'),
            (ARRAY['${GUARDIAN_ZONES.join("','")}'])[1 + e % ${GUARDIAN_ZONES.length}], CASE WHEN e % 3 = 0 THEN 'en' ELSE 'zh-CN' END
       FROM generate_series(0, ${E - 1}) e`,
    `INSERT INTO guardian_availability (guardian_id, weekday, start_minute, end_minute)
     SELECT ${id('guardian', 'e')}, d, 0, 1440 FROM generate_series(0, ${E - 1}) e, generate_series(1, 7) d`,
    `INSERT INTO children (id, hub_id, display_name, birth_date, caregiver_name, caregiver_relation, caregiver_phone, call_advice)
     SELECT ${id('child', 'e')}, ${id('hub', `e / ${S}`)}, 'Child ' || e, DATE '2016-05-01' + (e % 1500), 'Grandma Li', 'grandmother',
            '+86151' || lpad(e::text, 8, '0'), 'Ask about school first.'
       FROM generate_series(0, ${E - 1}) e`,
    `INSERT INTO child_guardian_links (id, child_id, guardian_id, relationship, status, approved_at)
     SELECT ${id('link', 'e')}, ${id('child', 'e')}, ${id('guardian', 'e')}, 'mother', 'approved', now() FROM generate_series(0, ${E - 1}) e`,
    `INSERT INTO guardian_consents (id, child_id, guardian_id, scopes, policy_version, method)
     SELECT ${id('consent', 'e')}, ${id('child', 'e')}, ${id('guardian', 'e')}, ARRAY['video_call', 'wellbeing_check'], 'v1', 'paper'
       FROM generate_series(0, ${E - 1}) e`,
  ];
  for (const sql of statements) await client.query(sql);
  await client.query('ANALYZE');
}

/**
 * `rows` past sessions (status completed) on the world's own stations, children, guardians and
 * supervisors: history row r belongs to entity r mod E and lies floor(r / E) + 1 weeks before
 * `base` (one call a week per child, going back years), so it never blocks a benchmark slot but
 * sits in the same exclusion-constraint indexes the bookings are checked against.
 * Used only when the slots benchmark's bulk generator is not available.
 */
export async function insertHistory(client: Client, world: BookingWorld, rows: number, batch = 250_000): Promise<void> {
  const E = world.entities;
  const S = world.stationsPerHub;
  for (let from = 0; from < rows; from += batch) {
    const to = Math.min(rows, from + batch) - 1;
    await client.query(
      `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until,
                             status, created_by, created_at, updated_at)
       SELECT ${benchIdSql('hub', `(r % ${E}) / ${S}`)}, ${benchIdSql('station', `r % ${E}`)}, ${benchIdSql('child', `r % ${E}`)},
              ${benchIdSql('guardian', `r % ${E}`)}, ${benchIdSql('user', `r % ${E}`)}, 'supervised', t, t + interval '30 minutes',
              t + interval '40 minutes', 'completed', ${benchIdSql('user', `r % ${E}`)}, t - interval '3 days', t
         FROM generate_series(${from}, ${to}) r,
              LATERAL (SELECT to_timestamp(${world.base / 1000}) - (r / ${E} + 1) * interval '1 week' + (r % 24) * interval '1 hour' AS t) s`,
    );
  }
}
