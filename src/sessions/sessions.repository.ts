import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Actor } from '../common/auth/actor';
import type { Queryable } from '../children/child-scope';
import { queryPrepared } from '../database/prepared-query';
import type { SessionDto, SessionKind, SessionStatus } from './dto/session.dto';

/** Which not-yet-started sessions a bulk cancellation takes. */
export interface FutureSessionsFilter {
  statuses: SessionStatus[];
  /** Also those whose start has passed (e.g. checked in, the call not started): every one matching that has not taken place. */
  includeStarted?: boolean;
  stationId?: string;
  childId?: string;
  guardianId?: string;
  kind?: SessionKind;
}

export interface CancelledSession {
  id: string;
  childId: string;
  hubId: string;
  startsAt: Date;
  previousStatus: SessionStatus;
}

/** A session row with the two zones its wall times are shown in. */
export interface SessionRecord {
  id: string;
  hubId: string;
  stationId: string;
  childId: string;
  guardianId: string;
  supervisorId: string;
  counselorId: string | null;
  kind: SessionKind;
  seriesId: string | null;
  status: SessionStatus;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  cancelReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  hubTimeZone: string;
  guardianTimeZone: string;
}

export interface NewSession {
  hubId: string;
  stationId: string;
  childId: string;
  guardianId: string;
  supervisorId: string;
  counselorId: string | null;
  kind: SessionKind;
  seriesId: string | null;
  startsAt: Date;
  endsAt: Date;
  /** ends_at plus the hub's buffer: the station stays blocked for the post-call check. */
  occupiedUntil: Date;
  createdBy: string;
  now: Date;
}

export interface SessionFilter {
  hubId?: string;
  childId?: string;
  guardianId?: string;
  statuses?: SessionStatus[];
  from?: Date;
  to?: Date;
}

export interface NewSeries {
  hubId: string;
  childId: string;
  guardianId: string;
  weekday: number;
  localTime: string;
  timeZone: string;
  durationMinutes: number;
  occurrences: number;
  kind: SessionKind;
  createdBy: string;
  now: Date;
}

const COLUMNS = `s.id, s.hub_id, s.station_id, s.child_id, s.guardian_id, s.supervisor_id, s.counselor_id, s.kind, s.series_id, s.status,
                 s.starts_at, s.ends_at, s.sequence, s.cancel_reason, s.created_at, s.updated_at`;
const WITH_ZONES = `SELECT ${COLUMNS}, h.time_zone AS hub_time_zone, g.time_zone AS guardian_time_zone
                      FROM sessions s JOIN hubs h ON h.id = s.hub_id JOIN guardians g ON g.id = s.guardian_id`;

interface SessionRow {
  id: string;
  hub_id: string;
  station_id: string;
  child_id: string;
  guardian_id: string;
  supervisor_id: string;
  counselor_id: string | null;
  kind: SessionKind;
  series_id: string | null;
  status: SessionStatus;
  starts_at: Date;
  ends_at: Date;
  sequence: number;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
  hub_time_zone: string;
  guardian_time_zone: string;
}

/**
 * Sessions the actor may see, as a condition over alias `s`: admins all; staff and counselors the
 * sessions of their hubs; a guardian their own sessions while their link to the child is approved.
 */
export function visibleSessionsCondition(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'true';
  if (actor.type === 'guardian') {
    params.push(actor.id);
    return `(s.guardian_id = $${params.length} AND EXISTS (
              SELECT 1 FROM child_guardian_links l
               WHERE l.child_id = s.child_id AND l.guardian_id = s.guardian_id AND l.status = 'approved'))`;
  }
  params.push(actor.hubIds);
  return `s.hub_id = ANY($${params.length}::uuid[])`;
}

/** SQL for sessions and series. Scope is applied here (as a condition) so every read does it the same way. */
@Injectable()
export class SessionsRepository {
  /**
   * One round trip; the zones are already known to the caller (they came with the booking context).
   * The station is re-read with FOR KEY SHARE in the same statement: a concurrent "out of service"
   * (which locks the station FOR UPDATE) either waits for this booking, and then cancels it, or
   * commits first and this insert finds the station out of service (undefined).
   */
  async insert(tx: Queryable, session: NewSession, zones: { hub: string; guardian: string }): Promise<SessionRecord | undefined> {
    const rows = await queryPrepared<SessionRow>(
      tx,
      `INSERT INTO sessions AS s (hub_id, station_id, child_id, guardian_id, supervisor_id, counselor_id, kind, series_id,
                                  starts_at, ends_at, occupied_until, created_by, created_at, updated_at)
       SELECT $1::uuid, st.id, $3::uuid, $4::uuid, $5::uuid, $6::uuid, $7::session_kind, $8::uuid,
              $9::timestamptz, $10::timestamptz, $11::timestamptz, $12::uuid, $13::timestamptz, $13::timestamptz
         FROM stations st WHERE st.id = $2::uuid AND st.hub_id = $1::uuid AND st.in_service
          FOR KEY SHARE
       RETURNING ${COLUMNS}`,
      [
        session.hubId,
        session.stationId,
        session.childId,
        session.guardianId,
        session.supervisorId,
        session.counselorId,
        session.kind,
        session.seriesId,
        session.startsAt,
        session.endsAt,
        session.occupiedUntil,
        session.createdBy,
        session.now,
      ],
    );
    return rows[0] && toRecord({ ...rows[0], hub_time_zone: zones.hub, guardian_time_zone: zones.guardian });
  }

  /** The session if the actor may see it; `lock` takes FOR UPDATE for a read-modify-write. */
  async findVisible(tx: Queryable, actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<SessionRecord | undefined> {
    const params: unknown[] = [id];
    const visible = visibleSessionsCondition(actor, params);
    const rows: SessionRow[] = await tx.query(`${WITH_ZONES} WHERE s.id = $1 AND ${visible} ${options.lock ? 'FOR UPDATE OF s' : ''}`, params);
    return rows[0] && toRecord(rows[0]);
  }

  async list(tx: Queryable, actor: Actor, filter: SessionFilter, page: { limit: number; offset: number }): Promise<{ rows: SessionRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [visibleSessionsCondition(actor, params)];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.hubId) add((p) => `s.hub_id = ${p}`, filter.hubId);
    if (filter.childId) add((p) => `s.child_id = ${p}`, filter.childId);
    if (filter.guardianId) add((p) => `s.guardian_id = ${p}`, filter.guardianId);
    if (filter.statuses?.length) add((p) => `s.status = ANY(${p}::session_status[])`, filter.statuses);
    if (filter.from) add((p) => `s.starts_at >= ${p}`, filter.from);
    if (filter.to) add((p) => `s.starts_at < ${p}`, filter.to);
    const condition = where.join(' AND ');
    // The total rides along with the page (one round trip); only a page past the end needs its own count.
    const rows: (SessionRow & { total: string })[] = await tx.query(
      `SELECT ${COLUMNS}, h.time_zone AS hub_time_zone, g.time_zone AS guardian_time_zone, count(*) OVER () AS total
         FROM sessions s JOIN hubs h ON h.id = s.hub_id JOIN guardians g ON g.id = s.guardian_id
        WHERE ${condition}
        ORDER BY s.starts_at, s.id LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`,
      params,
    );
    if (rows.length > 0 || page.offset === 0) return { rows: rows.map(toRecord), total: rows.length ? Number(rows[0].total) : 0 };
    const [{ total }]: { total: number }[] = await tx.query(`SELECT count(*)::int AS total FROM sessions s WHERE ${condition}`, params);
    return { rows: [], total };
  }

  /**
   * Moves a booked session in ONE statement: the exclusion constraints judge the new range against every
   * other row, so the old slot is released only if the new one is taken.
   */
  async reschedule(
    tx: Queryable,
    current: SessionRecord,
    change: { stationId: string; startsAt: Date; endsAt: Date; occupiedUntil: Date; now: Date },
  ): Promise<SessionRecord | undefined> {
    // The target station is re-read FOR KEY SHARE, as in insert(): undefined when it just went out of service.
    const rows: SessionRow[] = await tx.query(
      `WITH u AS (
         UPDATE sessions AS s SET station_id = st.id, starts_at = $3, ends_at = $4, occupied_until = $5, sequence = s.sequence + 1, updated_at = $6
           FROM (SELECT id FROM stations WHERE id = $2 AND hub_id = $7 AND in_service FOR KEY SHARE) st
          WHERE s.id = $1
         RETURNING ${COLUMNS})
       SELECT * FROM u`,
      [current.id, change.stationId, change.startsAt, change.endsAt, change.occupiedUntil, change.now, current.hubId],
    );
    return rows[0] && toRecord({ ...rows[0], hub_time_zone: current.hubTimeZone, guardian_time_zone: current.guardianTimeZone });
  }

  async cancel(tx: Queryable, current: SessionRecord, change: { reason: string; by: string | null; now: Date }): Promise<SessionRecord> {
    const [row]: SessionRow[] = await tx.query(
      `WITH u AS (
         UPDATE sessions AS s SET status = 'cancelled', cancel_reason = $2, cancelled_by = $3, cancelled_at = $4,
                sequence = s.sequence + 1, updated_at = $4
          WHERE s.id = $1
         RETURNING ${COLUMNS})
       SELECT * FROM u`,
      [current.id, change.reason, change.by, change.now],
    );
    return toRecord({ ...row, hub_time_zone: current.hubTimeZone, guardian_time_zone: current.guardianTimeZone });
  }

  /** Cancels the sessions at a station that have not started yet (booked or already checked in); returns them. */
  cancelFutureAtStation(tx: Queryable, stationId: string, change: { reason: string; by: string | null; now: Date }): Promise<CancelledSession[]> {
    return this.cancelFuture(tx, { stationId, statuses: ['booked', 'checked_in'] }, change);
  }

  /**
   * Cancels the sessions that have not started yet (starts_at after `now`) matching `where` (every
   * given criterion; `statuses` required), locking them in start order; returns them.
   */
  async cancelFuture(tx: Queryable, where: FutureSessionsFilter, change: { reason: string; by: string | null; now: Date }): Promise<CancelledSession[]> {
    const rows: { id: string; child_id: string; hub_id: string; starts_at: Date; previous_status: SessionStatus }[] = await tx.query(
      `WITH target AS (
         SELECT id, status FROM sessions
          WHERE status = ANY ($5::session_status[]) AND (starts_at > $4 OR $9::boolean)
            AND ($1::uuid IS NULL OR station_id = $1) AND ($6::uuid IS NULL OR child_id = $6)
            AND ($7::uuid IS NULL OR guardian_id = $7) AND ($8::session_kind IS NULL OR kind = $8)
          ORDER BY starts_at, id FOR UPDATE),
       u AS (
         UPDATE sessions s SET status = 'cancelled', cancel_reason = $2, cancelled_by = $3, cancelled_at = $4,
                sequence = s.sequence + 1, updated_at = $4
           FROM target t WHERE s.id = t.id
         RETURNING s.id, s.child_id, s.hub_id, s.starts_at, t.status AS previous_status)
       SELECT * FROM u ORDER BY starts_at, id`,
      [
        where.stationId ?? null,
        change.reason,
        change.by,
        change.now,
        where.statuses,
        where.childId ?? null,
        where.guardianId ?? null,
        where.kind ?? null,
        where.includeStarted ?? false,
      ],
    );
    return rows.map((row) => ({ id: row.id, childId: row.child_id, hubId: row.hub_id, startsAt: row.starts_at, previousStatus: row.previous_status }));
  }

  async insertSeries(tx: Queryable, series: NewSeries): Promise<string> {
    const [row]: { id: string }[] = await tx.query(
      `INSERT INTO session_series (hub_id, child_id, guardian_id, weekday, local_time, time_zone, duration_minutes, occurrences, kind, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        series.hubId,
        series.childId,
        series.guardianId,
        series.weekday,
        series.localTime,
        series.timeZone,
        series.durationMinutes,
        series.occurrences,
        series.kind,
        series.createdBy,
        series.now,
      ],
    );
    return row.id;
  }
}

export function toSessionDto(session: SessionRecord): SessionDto {
  return {
    id: session.id,
    hubId: session.hubId,
    stationId: session.stationId,
    childId: session.childId,
    guardianId: session.guardianId,
    supervisorId: session.supervisorId,
    counselorId: session.counselorId,
    kind: session.kind,
    seriesId: session.seriesId,
    status: session.status,
    startsAt: session.startsAt.toISOString(),
    endsAt: session.endsAt.toISOString(),
    durationMinutes: Math.round((session.endsAt.getTime() - session.startsAt.getTime()) / 60_000),
    hubLocal: localSpan(session.startsAt, session.endsAt, session.hubTimeZone),
    guardianLocal: localSpan(session.startsAt, session.endsAt, session.guardianTimeZone),
    sequence: session.sequence,
    cancelReason: session.cancelReason,
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
  };
}

/** Wall-clock 'yyyy-MM-ddTHH:mm' of an instant in a zone. */
export function wallTime(at: Date | number, zone: string): string {
  const instant = typeof at === 'number' ? DateTime.fromMillis(at, { zone }) : DateTime.fromJSDate(at, { zone });
  return instant.toFormat("yyyy-MM-dd'T'HH:mm");
}

export function localSpan(start: Date | number, end: Date | number, timeZone: string): { start: string; end: string; timeZone: string } {
  return { start: wallTime(start, timeZone), end: wallTime(end, timeZone), timeZone };
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    hubId: row.hub_id,
    stationId: row.station_id,
    childId: row.child_id,
    guardianId: row.guardian_id,
    supervisorId: row.supervisor_id,
    counselorId: row.counselor_id,
    kind: row.kind,
    seriesId: row.series_id,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    sequence: row.sequence,
    cancelReason: row.cancel_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    hubTimeZone: row.hub_time_zone,
    guardianTimeZone: row.guardian_time_zone,
  };
}
