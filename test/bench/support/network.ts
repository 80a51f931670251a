import { JwtService } from '@nestjs/jwt';
import type { Client } from 'pg';
import { TokenService } from '../../../src/common/auth/token.service';
import { TEST_JWT_SECRET } from '../../support/test-app';

/**
 * A busy hub network written in bulk SQL (for the load, fault and cross-instance alert suites):
 * `hubs` hubs × `stations` stations, one staff member per station (the supervisor of its calls),
 * one counselor per hub (the counselor of every child there), `children` children per hub, each with
 * their own guardian (approved link, `video_call` + `wellbeing_check` consent, windows all day).
 * Hubs are open all day, notice 0, horizon 366 days. Ids are deterministic: a prefix per kind and
 * the index in hex, so a request can be derived from a number.
 *
 * Sessions, for the routes that need one in a given state:
 *  - *past*: `pastPerHub` completed 1-minute calls per hub, a day ago, awaiting their wellbeing check;
 *  - *check-in*: `checkInPerStation` booked 1-minute calls per station starting 5…5+n minutes from now,
 *    so every one is inside its check-in window (30 min before to 10 min after the start) for the
 *    next 15 minutes;
 *  - *bookings* (made by the suites over HTTP): from midnight (Asia/Shanghai) two days ahead,
 *    one per station and hour, never conflicting (see `bookingBody`).
 */
export interface NetworkPlan {
  hubs: number;
  stations: number;
  children: number;
  pastPerHub: number;
  checkInPerStation: number;
}

const PREFIX = { hub: 'd0000000', station: 'd1000000', child: 'd2000000', guardian: 'd3000000', staff: 'd4000000', counselor: 'd5000000' } as const;
type Kind = keyof typeof PREFIX;
export const nid = (kind: Kind, index: number): string => `${PREFIX[kind]}-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
const sqlId = (kind: Kind, expr: string) => `CAST(('${PREFIX[kind]}-0000-4000-8000-' || lpad(to_hex(CAST(${expr} AS bigint)), 12, '0')) AS uuid)`;

export interface PastSession {
  id: string;
  hub: number;
  childId: string;
}

export interface Network {
  plan: NetworkPlan;
  /** Midnight (Asia/Shanghai) two days from now, epoch ms: bookings start there. */
  bookingBase: number;
  staffToken: (hub: number, station: number) => string;
  counselorToken: (hub: number) => string;
  /** Completed calls awaiting a wellbeing check, interleaved across hubs. */
  past: PastSession[];
  /** Booked calls inside their check-in window, interleaved across hubs. */
  checkIns: { id: string; hub: number; station: number }[];
}

export async function seedNetwork(db: Client, plan: NetworkPlan): Promise<Network> {
  const { hubs: H, stations: S, children: C } = plan;
  const statements = [
    `INSERT INTO hubs (id, name, time_zone, buffer_minutes, minimum_notice_minutes, horizon_days)
     SELECT ${sqlId('hub', 'h')}, 'Load hub ' || h, 'Asia/Shanghai', 10, 0, 366 FROM generate_series(0, ${H - 1}) h`,
    `INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute)
     SELECT ${sqlId('hub', 'h')}, d, 0, 1440 FROM generate_series(0, ${H - 1}) h, generate_series(1, 7) d`,
    `INSERT INTO stations (id, hub_id, name) SELECT ${sqlId('station', 'e')}, ${sqlId('hub', `e / ${S}`)}, 'Booth ' || (e % ${S}) FROM generate_series(0, ${H * S - 1}) e`,
    // A dummy hash: these accounts never log in; the suites sign their access tokens directly.
    `INSERT INTO users (id, email, password_hash, display_name, role)
     SELECT ${sqlId('staff', 'e')}, 'load-staff-' || e || '@example.org', 'not-a-hash', 'Staff ' || e, 'hub_staff'::user_role FROM generate_series(0, ${H * S - 1}) e
     UNION ALL
     SELECT ${sqlId('counselor', 'h')}, 'load-counselor-' || h || '@example.org', 'not-a-hash', 'Counselor ' || h, 'counselor'::user_role FROM generate_series(0, ${H - 1}) h`,
    `INSERT INTO user_hubs (user_id, hub_id)
     SELECT ${sqlId('staff', 'e')}, ${sqlId('hub', `e / ${S}`)} FROM generate_series(0, ${H * S - 1}) e
     UNION ALL SELECT ${sqlId('counselor', 'h')}, ${sqlId('hub', 'h')} FROM generate_series(0, ${H - 1}) h`,
    `INSERT INTO guardians (id, hub_id, display_name, phone, time_zone)
     SELECT ${sqlId('guardian', 'e')}, ${sqlId('hub', `e / ${C}`)}, 'Parent ' || e, '+86152' || lpad(e::text, 8, '0'), 'Asia/Shanghai' FROM generate_series(0, ${H * C - 1}) e`,
    `INSERT INTO guardian_availability (guardian_id, weekday, start_minute, end_minute)
     SELECT ${sqlId('guardian', 'e')}, d, 0, 1440 FROM generate_series(0, ${H * C - 1}) e, generate_series(1, 7) d`,
    `INSERT INTO children (id, hub_id, display_name, birth_date, counselor_id)
     SELECT ${sqlId('child', 'e')}, ${sqlId('hub', `e / ${C}`)}, 'Child ' || e, DATE '2016-05-01' + (e % 1500), ${sqlId('counselor', `e / ${C}`)}
       FROM generate_series(0, ${H * C - 1}) e`,
    `INSERT INTO child_guardian_links (child_id, guardian_id, relationship, status, approved_at)
     SELECT ${sqlId('child', 'e')}, ${sqlId('guardian', 'e')}, 'mother', 'approved', now() FROM generate_series(0, ${H * C - 1}) e`,
    `INSERT INTO guardian_consents (child_id, guardian_id, scopes, policy_version, method)
     SELECT ${sqlId('child', 'e')}, ${sqlId('guardian', 'e')}, ARRAY['video_call', 'wellbeing_check'], 'v1', 'paper' FROM generate_series(0, ${H * C - 1}) e`,
    // Past calls: call i of hub h on station i % S, child i % C, a day ago, 2 minutes apart per station.
    `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until, status)
     SELECT ${sqlId('hub', 'h')}, ${sqlId('station', `h * ${S} + i % ${S}`)}, ${sqlId('child', `h * ${C} + i % ${C}`)}, ${sqlId('guardian', `h * ${C} + i % ${C}`)},
            ${sqlId('staff', `h * ${S} + i % ${S}`)}, 'supervised', t, t + interval '1 minute', t + interval '1 minute', 'completed'
       FROM generate_series(0, ${H - 1}) h, generate_series(0, ${plan.pastPerHub - 1}) i,
            LATERAL (SELECT date_trunc('minute', now()) - interval '1 day' - (i / ${S}) * interval '2 minutes' AS t) x`,
    // Check-in calls: call m of station s starts m minutes after now + 5 min, child (s * n + m) % C of that hub.
    `INSERT INTO sessions (hub_id, station_id, child_id, guardian_id, supervisor_id, kind, starts_at, ends_at, occupied_until, status)
     SELECT ${sqlId('hub', `e / ${S}`)}, ${sqlId('station', 'e')}, ${sqlId('child', `(e / ${S}) * ${C} + ((e % ${S}) * ${plan.checkInPerStation} + m) % ${C}`)},
            ${sqlId('guardian', `(e / ${S}) * ${C} + ((e % ${S}) * ${plan.checkInPerStation} + m) % ${C}`)}, ${sqlId('staff', 'e')}, 'supervised',
            t, t + interval '1 minute', t + interval '1 minute', 'booked'
       FROM generate_series(0, ${H * S - 1}) e, generate_series(0, ${plan.checkInPerStation - 1}) m,
            LATERAL (SELECT date_trunc('minute', now()) + interval '5 minutes' + m * interval '1 minute' AS t) x`,
  ];
  for (const sql of statements) await db.query(sql);
  await db.query('ANALYZE');

  const past = (
    await db.query(`SELECT id, child_id, hub_id FROM sessions WHERE status = 'completed' ORDER BY starts_at DESC, hub_id`)
  ).rows.map((r: { id: string; child_id: string; hub_id: string }) => ({ id: r.id, childId: r.child_id, hub: indexOf(r.hub_id) }));
  const checkIns = (
    await db.query(`SELECT id, hub_id, station_id FROM sessions WHERE status = 'booked' ORDER BY starts_at DESC, station_id`)
  ).rows.map((r: { id: string; hub_id: string; station_id: string }) => ({ id: r.id, hub: indexOf(r.hub_id), station: indexOf(r.station_id) % S }));

  const tokens = new TokenService(new JwtService({ secret: TEST_JWT_SECRET }));
  const staff = Array.from({ length: H * S }, (_, e) => tokens.signAccessToken(nid('staff', e), 'user', 'hub_staff').accessToken);
  const counselors = Array.from({ length: H }, (_, h) => tokens.signAccessToken(nid('counselor', h), 'user', 'counselor').accessToken);
  const day = 86_400_000;
  const shanghaiMidnight = Math.floor((Date.now() + 8 * 3_600_000) / day) * day - 8 * 3_600_000;
  return {
    plan,
    bookingBase: shanghaiMidnight + 2 * day,
    staffToken: (hub, station) => staff[hub * S + station],
    counselorToken: (hub) => counselors[hub],
    past,
    checkIns,
  };
}

const indexOf = (id: string): number => parseInt(id.slice(-12), 16);

/**
 * Booking number k (k = 0, 1, 2 … across a whole run): hub k mod H, then per hub j = k div H on
 * station j mod S (its staff member supervises) at hour j div S after `bookingBase`, for child
 * j mod C. No two bookings share a station, supervisor, child or guardian at the same time.
 */
export function bookingRequest(net: Network, k: number): { hub: number; station: number; body: Record<string, unknown> } {
  const { hubs: H, stations: S, children: C } = net.plan;
  const hub = k % H;
  const j = Math.floor(k / H);
  const station = j % S;
  const child = hub * C + (j % C);
  return {
    hub,
    station,
    body: {
      childId: nid('child', child),
      guardianId: nid('guardian', child),
      stationId: nid('station', hub * S + station),
      supervisorId: nid('staff', hub * S + station),
      kind: 'supervised',
      startsAt: new Date(net.bookingBase + Math.floor(j / S) * 3_600_000).toISOString(),
      durationMinutes: 30,
    },
  };
}
