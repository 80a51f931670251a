import { Injectable } from '@nestjs/common';
import type { BookingContext, CallKind, CallPlan, Interval, WeeklyRule } from '@app/scheduling-core';
import type { Queryable } from '../children/child-scope';
import type { Actor } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { queryPrepared } from '../database/prepared-query';

export interface BookingContextRequest {
  childId: string;
  guardianId: string;
  kind: CallKind;
  /** The window of interest, epoch ms: every instant a candidate call may occupy lies in [from, to). */
  from: number;
  to: number;
  /** Only this station (it must belong to the child's hub, else 404); default: every in-service station of the hub. */
  stationId?: string;
  supervisorId?: string;
  counselorId?: string;
  /** The session being rescheduled: its own rows neither block nor count towards the weekly cap. */
  excludeSessionId?: string;
  /**
   * The caller, when the child's scope is to be checked in the same statement (as ChildScope
   * judges it: admins every child, a guardian the children of their approved links, staff and
   * counselors the children of their hubs): a child they may not see is 404 Child.
   */
  visibleTo?: Actor;
}

export interface LoadedHub {
  id: string;
  name: string;
  timeZone: string;
  bufferMinutes: number;
  minimumNoticeMinutes: number;
  horizonDays: number;
}

export interface LoadedChild {
  id: string;
  hubId: string;
  displayName: string;
  /** The child's counselor (the default for a mediated call), if any. */
  counselorId: string | null;
  callPlan: CallPlan;
}

export interface LoadedGuardian {
  id: string;
  displayName: string;
  timeZone: string;
  locale: 'zh-CN' | 'en';
  /** An admin disabled the account: the guardian can neither sign in nor be booked. */
  disabled: boolean;
}

/** A staff member named in the request, with the facts a caller needs to judge them. */
export interface LoadedPerson {
  id: string;
  role: 'admin' | 'hub_staff' | 'counselor';
  /** Works at the child's hub (user_hubs); admins are not attached to hubs. */
  atHub: boolean;
  disabled: boolean;
  /** The language their notices are written in. */
  locale: 'zh-CN' | 'en';
}

export interface LoadedStation {
  id: string;
  name: string;
  inService: boolean;
}

export interface LoadedBookingContext {
  /** Ready for findSlots / checkBookable: `now` from the Clock, stations in service only. */
  context: BookingContext;
  hub: LoadedHub;
  child: LoadedChild;
  guardian: LoadedGuardian;
  /** The stations considered, in preference order (name, id); with `stationId` just that one, even out of service. */
  stations: LoadedStation[];
  /** Status of the child–guardian link, null when there is none. Not checked here. */
  linkStatus: 'pending' | 'approved' | 'revoked' | null;
  /** The guardian has an active consent covering `video_call` for this child. Not checked here. */
  videoCallConsent: boolean;
  /** Present when the request named them and they exist (unknown ids are 404). */
  supervisor?: LoadedPerson;
  counselor?: LoadedPerson;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Everything a slot search or a booking judges a time against, in ONE statement (one round
 * trip): hub settings and hours, guardian windows, call plan, the stations with their sessions
 * overlapping the window (padded by the buffer), the busy intervals of child, guardian,
 * supervisor and counselor in every hub, and the child's calls per ISO week (hub zone).
 *
 * Every session lookup goes through an index on (<x>_id, time) restricted to live rows — the
 * exclusion constraints' partial GiST indexes for people (`tstzrange(...) && tstzrange(...)`),
 * a partial btree for stations — so the cost depends on the sessions in the window, not on the
 * size of the table.
 *
 * Station busy intervals are reported as [starts_at, max(occupied_until − buffer, ends_at)):
 * the library pads them by the hub's current buffer on both sides, which then blocks exactly
 * what the station exclusion constraint blocks (occupied_until holds the buffer in force when
 * that session was booked) — or a little more if the buffer grew since.
 *
 * Does NOT check scope, link or consent (it reports link and consent; callers decide).
 * Throws 404 for an unknown child, guardian, supervisor or counselor, or a station outside the child's hub.
 */
@Injectable()
export class BookingContextLoader {
  constructor(private readonly clock: Clock) {}

  async load(db: Queryable, p: BookingContextRequest): Promise<LoadedBookingContext> {
    if (!UUID.test(p.childId)) throw notFound('Child');
    if (!UUID.test(p.guardianId)) throw notFound('Guardian');
    if (p.stationId !== undefined && !UUID.test(p.stationId)) throw notFound('Station');
    if (p.supervisorId !== undefined && !UUID.test(p.supervisorId)) throw notFound('Supervisor');
    if (p.counselorId !== undefined && !UUID.test(p.counselorId)) throw notFound('Counselor');
    if (p.excludeSessionId !== undefined && !UUID.test(p.excludeSessionId)) throw notFound('Session');
    if (!(Number.isFinite(p.from) && Number.isFinite(p.to) && p.from < p.to)) {
      throw new RangeError(`BookingContextLoader: invalid window ${p.from}..${p.to}`);
    }

    // A named prepared statement with a generic plan: the text is long (≈ 6 kB), and its custom plans (which PostgreSQL
    // would keep choosing: the generic one looks dearer because of the optional parts) cost more to make than to run.
    const rows = await queryPrepared<LoaderRow>(db, BOOKING_CONTEXT_SQL, bookingContextParams(p), { genericPlan: true });
    if (rows.length === 0 || !rows[0].child_visible) throw notFound('Child');
    const row = rows[0];
    if (row.guardian_id === null) throw notFound('Guardian');
    if (p.stationId !== undefined && row.stations.length === 0) throw notFound('Station');
    if (p.supervisorId !== undefined && row.supervisor === null) throw notFound('Supervisor');
    if (p.counselorId !== undefined && row.counselor === null) throw notFound('Counselor');

    const hub: LoadedHub = {
      id: row.hub_id,
      name: row.hub_name,
      timeZone: row.hub_time_zone,
      bufferMinutes: row.buffer_minutes,
      minimumNoticeMinutes: row.minimum_notice_minutes,
      horizonDays: row.horizon_days,
    };
    const callPlan: CallPlan = { paused: row.call_paused, maxCallsPerWeek: row.call_max_per_week, mediatedOnly: row.call_mediated_only };
    const stations: LoadedStation[] = row.stations.map((s) => ({ id: s.id, name: s.name, inService: s.in_service }));
    const context: BookingContext = {
      now: this.clock.now().toMillis(),
      hub: {
        timeZone: hub.timeZone,
        openingHours: row.hours.map(toRule),
        bufferMinutes: hub.bufferMinutes,
        minimumNoticeMinutes: hub.minimumNoticeMinutes,
        horizonDays: hub.horizonDays,
      },
      guardian: { timeZone: row.guardian_time_zone, windows: row.windows.map(toRule) },
      stations: row.stations.filter((s) => s.in_service).map((s) => ({ id: s.id, busy: s.busy.map(toInterval) })),
      busy: {
        child: row.child_busy.map(toInterval),
        guardian: row.guardian_busy.map(toInterval),
        ...(p.supervisorId !== undefined ? { supervisor: row.supervisor_busy.map(toInterval) } : {}),
        ...(p.counselorId !== undefined ? { counselor: row.counselor_busy.map(toInterval) } : {}),
      },
      callPlan,
      kind: p.kind,
      childCallsPerIsoWeek: Object.fromEntries(row.week_counts),
    };
    return {
      context,
      hub,
      child: { id: row.child_id, hubId: row.hub_id, displayName: row.child_display_name, counselorId: row.child_counselor_id, callPlan },
      guardian: {
        id: row.guardian_id,
        displayName: row.guardian_display_name,
        timeZone: row.guardian_time_zone,
        locale: row.guardian_locale,
        disabled: row.guardian_disabled,
      },
      stations,
      linkStatus: row.link_status,
      videoCallConsent: row.video_call_consent,
      ...(row.supervisor ? { supervisor: toPerson(row.supervisor) } : {}),
      ...(row.counselor ? { counselor: toPerson(row.counselor) } : {}),
    };
  }
}

type Pair = [number, number];
interface PersonJson { id: string; role: LoadedPerson['role']; at_hub: boolean; disabled: boolean; locale: LoadedPerson['locale'] }
interface LoaderRow {
  child_visible: boolean;
  child_id: string;
  child_display_name: string;
  child_counselor_id: string | null;
  call_paused: boolean;
  call_max_per_week: number | null;
  call_mediated_only: boolean;
  hub_id: string;
  hub_name: string;
  hub_time_zone: string;
  buffer_minutes: number;
  minimum_notice_minutes: number;
  horizon_days: number;
  hours: [number, number, number][];
  guardian_id: string | null;
  guardian_display_name: string;
  guardian_time_zone: string;
  guardian_locale: 'zh-CN' | 'en';
  windows: [number, number, number][];
  link_status: 'pending' | 'approved' | 'revoked' | null;
  video_call_consent: boolean;
  guardian_disabled: boolean;
  stations: { id: string; name: string; in_service: boolean; busy: Pair[] }[];
  child_busy: Pair[];
  guardian_busy: Pair[];
  supervisor_busy: Pair[];
  counselor_busy: Pair[];
  week_counts: [string, number][];
  supervisor: PersonJson | null;
  counselor: PersonJson | null;
}

/** The parameters of BOOKING_CONTEXT_SQL for a request (exported for benchmarks that replay the SQL, e.g. with pgbench). */
export function bookingContextParams(p: BookingContextRequest): unknown[] {
  return [
    p.childId,
    p.guardianId,
    new Date(p.from).toISOString(),
    new Date(p.to).toISOString(),
    p.stationId ?? null,
    p.supervisorId ?? null,
    p.counselorId ?? null,
    p.excludeSessionId ?? NO_ID,
    ...childScopeParams(p.visibleTo),
  ];
}

/** $9 scope kind, $10 hub ids, $11 guardian id: ChildScope's visibleChildrenCondition as parameters of one fixed statement. */
function childScopeParams(actor: Actor | undefined): [string, string[] | null, string | null] {
  if (actor === undefined || actor.role === 'admin') return ['all', null, null];
  if (actor.type === 'guardian') return ['guardian', null, actor.id];
  return ['hubs', actor.hubIds, null];
}

const toRule = ([weekday, startMinute, endMinute]: [number, number, number]): WeeklyRule => ({ weekday, startMinute, endMinute });
const toInterval = ([start, end]: Pair): Interval => ({ start, end });
const toPerson = (p: PersonJson): LoadedPerson => ({ id: p.id, role: p.role, atHub: p.at_hub, disabled: p.disabled, locale: p.locale });

// Epoch ms of a start (rounded down) or an end (rounded up), so a busy interval never shrinks
// when the stored value has microseconds. date_part (float8) is measurably cheaper than extract (numeric).
const startMs = (column: string) => `floor(date_part('epoch', ${column}) * 1000)::bigint`;
const endMs = (column: string) => `ceil(date_part('epoch', ${column}) * 1000)::bigint`;
/** Busy intervals of one person in the window, as [[startMs, endMs], …] ordered by start. */
const personBusy = (column: string, param: string) => `
  coalesce((SELECT json_agg(json_build_array(${startMs('x.starts_at')}, ${endMs('x.ends_at')}) ORDER BY x.starts_at)
              FROM sessions x
             WHERE x.${column} = ${param}
               AND tstzrange(x.starts_at, x.ends_at, '[)') && tstzrange($3::timestamptz, $4::timestamptz, '[)')
               AND x.status <> 'cancelled' AND x.id <> $8::uuid), '[]'::json)`;
const personRow = (param: string) => `
  (SELECT json_build_object('id', u.id, 'role', u.role, 'disabled', u.disabled_at IS NOT NULL, 'locale', u.locale,
                            'at_hub', EXISTS (SELECT 1 FROM user_hubs uh WHERE uh.user_id = u.id AND uh.hub_id = c.hub_id))
     FROM users u WHERE u.id = ${param})`;

// $1 child, $2 guardian, $3 from, $4 to, $5 station?, $6 supervisor?, $7 counselor?, $8 excluded session (or the nil uuid),
// $9–$11 the caller's scope over children ('all' | 'hubs' with $10 | 'guardian' with $11).
// A person is busy in whichever role they hold in another session (a counselor may also supervise).
// Station sessions holding [starts_at, occupied_until) across [from, to + buffer) are read by a
// btree range scan (sessions_station_live_starts_idx): a hold lasts at most 8 hours
// (CHECK sessions_station_hold_bounded), so they all start after from − 8 h.
export const BOOKING_CONTEXT_SQL = `
  SELECT CASE $9::text
           WHEN 'hubs' THEN c.hub_id = ANY ($10::uuid[])
           WHEN 'guardian' THEN EXISTS (SELECT 1 FROM child_guardian_links vl
                                         WHERE vl.child_id = c.id AND vl.guardian_id = $11::uuid AND vl.status = 'approved')
           ELSE true END AS child_visible,
         c.id AS child_id, c.display_name AS child_display_name, c.counselor_id AS child_counselor_id,
         c.call_paused, c.call_max_per_week, c.call_mediated_only,
         h.id AS hub_id, h.name AS hub_name, h.time_zone AS hub_time_zone,
         h.buffer_minutes, h.minimum_notice_minutes, h.horizon_days,
         coalesce((SELECT json_agg(json_build_array(o.weekday, o.start_minute, o.end_minute) ORDER BY o.weekday, o.start_minute)
                     FROM hub_opening_hours o WHERE o.hub_id = h.id), '[]'::json) AS hours,
         g.id AS guardian_id, g.display_name AS guardian_display_name, g.time_zone AS guardian_time_zone, g.locale AS guardian_locale,
         g.disabled_at IS NOT NULL AS guardian_disabled,
         coalesce((SELECT json_agg(json_build_array(a.weekday, a.start_minute, a.end_minute) ORDER BY a.weekday, a.start_minute)
                     FROM guardian_availability a WHERE a.guardian_id = g.id), '[]'::json) AS windows,
         (SELECT l.status FROM child_guardian_links l WHERE l.child_id = c.id AND l.guardian_id = g.id) AS link_status,
         EXISTS (SELECT 1 FROM guardian_consents gc
                  WHERE gc.child_id = c.id AND gc.guardian_id = g.id AND gc.withdrawn_at IS NULL
                    AND 'video_call' = ANY (gc.scopes)) AS video_call_consent,
         coalesce((
           SELECT json_agg(json_build_object('id', s.id, 'name', s.name, 'in_service', s.in_service, 'busy',
                    coalesce((SELECT json_agg(json_build_array(${startMs('x.starts_at')},
                                                               ${endMs('greatest(x.occupied_until - make_interval(mins => h.buffer_minutes), x.ends_at)')})
                                              ORDER BY x.starts_at)
                                FROM sessions x
                               WHERE x.station_id = s.id
                                 AND x.starts_at < $4::timestamptz + make_interval(mins => h.buffer_minutes)
                                 AND x.starts_at > $3::timestamptz - interval '8 hours'
                                 AND x.occupied_until > $3::timestamptz
                                 AND x.status <> 'cancelled' AND x.id <> $8::uuid), '[]'::json))
                    ORDER BY s.name, s.id)
             FROM stations s
            WHERE s.hub_id = h.id AND (CASE WHEN $5::uuid IS NULL THEN s.in_service ELSE s.id = $5::uuid END)), '[]'::json) AS stations,
         ${personBusy('child_id', 'c.id')} AS child_busy,
         ${personBusy('guardian_id', 'g.id')} AS guardian_busy,
         CASE WHEN $6::uuid IS NULL THEN '[]'::json ELSE
           (SELECT coalesce(json_agg(b ORDER BY (b->>0)::bigint), '[]'::json) FROM (
              SELECT json_array_elements(${personBusy('supervisor_id', '$6::uuid')}) AS b
              UNION ALL SELECT json_array_elements(${personBusy('counselor_id', '$6::uuid')})) sb) END AS supervisor_busy,
         CASE WHEN $7::uuid IS NULL THEN '[]'::json ELSE
           (SELECT coalesce(json_agg(b ORDER BY (b->>0)::bigint), '[]'::json) FROM (
              SELECT json_array_elements(${personBusy('counselor_id', '$7::uuid')}) AS b
              UNION ALL SELECT json_array_elements(${personBusy('supervisor_id', '$7::uuid')})) cb) END AS counselor_busy,
         coalesce((
           SELECT json_agg(json_build_array(w.week, w.n))
             FROM (SELECT to_char(x.starts_at AT TIME ZONE h.time_zone, 'IYYY-"W"IW') AS week, count(*)::int AS n
                     FROM sessions x
                    WHERE x.child_id = c.id AND x.status <> 'cancelled' AND x.id <> $8::uuid
                      AND x.starts_at >= (date_trunc('week', $3::timestamptz AT TIME ZONE h.time_zone) AT TIME ZONE h.time_zone)
                      AND x.starts_at < ((date_trunc('week', ($4::timestamptz - interval '1 millisecond') AT TIME ZONE h.time_zone)
                                          + interval '7 days') AT TIME ZONE h.time_zone)
                    GROUP BY 1) w), '[]'::json) AS week_counts,
         CASE WHEN $6::uuid IS NULL THEN NULL ELSE ${personRow('$6::uuid')} END AS supervisor,
         CASE WHEN $7::uuid IS NULL THEN NULL ELSE ${personRow('$7::uuid')} END AS counselor
    FROM children c
    JOIN hubs h ON h.id = c.hub_id
    LEFT JOIN guardians g ON g.id = $2::uuid
   WHERE c.id = $1::uuid`;

/**
 * The refusals that come before any time is judged, shared by slot search and booking so staff
 * never see slots they could not book: link approved, guardian active, video_call consent.
 */
export function assertCallAllowed(loaded: LoadedBookingContext): void {
  // A guardian with no link to this child is, for this child, nobody: 404 like an unknown id.
  if (loaded.linkStatus === null) throw notFound('Guardian');
  if (loaded.linkStatus !== 'approved') {
    throw new DomainError('LINK_NOT_APPROVED', `The link between this child and guardian is ${loaded.linkStatus}; only approved links may be booked`, {
      linkStatus: loaded.linkStatus,
    });
  }
  if (loaded.guardian.disabled) {
    throw new DomainError('CONFLICT', 'The guardian’s account is disabled; an admin must enable it before calls can be booked', { guardianDisabled: true });
  }
  if (!loaded.videoCallConsent) {
    throw new DomainError(
      'CONSENT_REQUIRED',
      `The guardian has no active consent covering "video_call" for this child; record the guardian's consent first`,
      { scope: 'video_call', childId: loaded.child.id, guardianId: loaded.guardian.id },
    );
  }
}

/** A named supervisor or counselor counts only as an active member of that role at the child's hub. */
export function assertPerson(person: LoadedPerson | undefined, role: 'hub_staff' | 'counselor'): void {
  if (person && !person.disabled && person.role === role && person.atHub) return;
  throw notFound(role === 'hub_staff' ? 'Supervisor' : 'Counselor');
}

export function assertInService(station: LoadedStation): void {
  if (!station.inService) {
    throw new DomainError('STATION_OUT_OF_SERVICE', `Station "${station.name}" is out of service`, { stationId: station.id });
  }
}
