import type { AssentResponse, SessionKind, SessionStatus } from '@app/call-lifecycle';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Locale } from '../notifications/templates';
import { NO_SHOW_AFTER } from './session-jobs';

export type { SessionStatus };

/** A session with everything a notice or a reminder says about it, read in one query. */
export interface SessionFacts {
  id: string;
  hubId: string;
  childId: string;
  guardianId: string;
  supervisorId: string;
  counselorId: string | null;
  status: SessionStatus;
  startsAt: Date;
  endsAt: Date;
  guardianJoinedAt: Date | null;
  childName: string;
  /** The counselor's advice for the parent, from the child's call plan. */
  adviceForParent: string | null;
  hubName: string;
  hubTimeZone: string;
  stationName: string;
  guardianName: string;
  guardianTimeZone: string;
  guardianLocale: Locale;
}

interface FactsRow {
  id: string;
  hub_id: string;
  child_id: string;
  guardian_id: string;
  supervisor_id: string;
  counselor_id: string | null;
  status: SessionStatus;
  starts_at: Date;
  ends_at: Date;
  guardian_joined_at: Date | null;
  child_name: string;
  call_advice: string | null;
  hub_name: string;
  hub_time_zone: string;
  station_name: string;
  guardian_name: string;
  guardian_time_zone: string;
  guardian_locale: Locale;
}

/** Outcome of a conditional session transition: the row if it changed, nothing if the guard did not hold. */
export interface TransitionedSession {
  id: string;
  hubId: string;
  childId: string;
}

/** SQL the lifecycle jobs and notices need; conditional updates make every transition safe to repeat. */
@Injectable()
export class SessionFactsRepository {
  /** `lock` takes FOR UPDATE on the session row, serialising concurrent handlers of the same session. */
  async find(tx: Pick<EntityManager, 'query'>, sessionId: string, options: { lock?: boolean } = {}): Promise<SessionFacts | undefined> {
    const rows: FactsRow[] = await tx.query(
      `SELECT s.id, s.hub_id, s.child_id, s.guardian_id, s.supervisor_id, s.counselor_id, s.status, s.starts_at, s.ends_at,
              s.guardian_joined_at, c.display_name AS child_name, c.call_advice, h.name AS hub_name, h.time_zone AS hub_time_zone,
              st.name AS station_name, g.display_name AS guardian_name, g.time_zone AS guardian_time_zone, g.locale AS guardian_locale
         FROM sessions s
         JOIN children c ON c.id = s.child_id
         JOIN hubs h ON h.id = s.hub_id
         JOIN stations st ON st.id = s.station_id
         JOIN guardians g ON g.id = s.guardian_id
        WHERE s.id = $1 ${options.lock ? 'FOR UPDATE OF s' : ''}`,
      [sessionId],
    );
    const row = rows[0];
    return row && toFacts(row);
  }

  /** Locales of staff recipients, by user id. */
  async userLocales(tx: Pick<EntityManager, 'query'>, userIds: string[]): Promise<Map<string, Locale>> {
    const rows: { id: string; locale: Locale }[] = await tx.query(`SELECT id, locale FROM users WHERE id = ANY($1::uuid[])`, [userIds]);
    return new Map(rows.map((row) => [row.id, row.locale]));
  }

  /** True when a reminder of this kind for this start already went into the outbox (a retried job must not send twice). */
  async reminderQueued(tx: Pick<EntityManager, 'query'>, facts: SessionFacts, startsAtIso: string, reminder: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM notifications
        WHERE recipient_type = 'guardian' AND recipient_id = $1 AND template = 'session_reminder'
          AND params->>'sessionId' = $2 AND params->>'startsAt' = $3 AND params->>'reminder' = $4
        LIMIT 1`,
      [facts.guardianId, facts.id, startsAtIso, reminder],
    );
    return rows.length > 0;
  }

  /**
   * booked/checked_in → no_show_guardian, only if the guardian never joined and the session still
   * starts when the job was scheduled for, and the grace period has passed by the app's clock (the
   * job runs on the wall clock; a test clock set in the past must not turn sessions into no-shows).
   * Several instances may run it: at most one changes the row.
   */
  async markGuardianNoShow(tx: Pick<EntityManager, 'query'>, sessionId: string, startsAt: string, now: Date): Promise<TransitionedSession | undefined> {
    const rows: { id: string; hub_id: string; child_id: string }[] = await tx.query(
      `WITH u AS (
         UPDATE sessions SET status = 'no_show_guardian', updated_at = $3
          WHERE id = $1 AND starts_at = $2::timestamptz AND status IN ('booked', 'checked_in') AND guardian_joined_at IS NULL
            AND starts_at + make_interval(mins => $4) <= $3
          RETURNING id, hub_id, child_id)
       SELECT * FROM u`,
      [sessionId, startsAt, now, NO_SHOW_AFTER.as('minutes')],
    );
    const row = rows[0];
    return row && { id: row.id, hubId: row.hub_id, childId: row.child_id };
  }

  /**
   * Sets guardian_joined_at once (a repeated report keeps the first time), while the session can
   * still happen. Undefined when the guard does not hold.
   */
  async markGuardianJoined(tx: Pick<EntityManager, 'query'>, sessionId: string, now: Date): Promise<Date | undefined> {
    const rows: { guardian_joined_at: Date }[] = await tx.query(
      `WITH u AS (
         UPDATE sessions
            SET guardian_joined_at = coalesce(guardian_joined_at, $2),
                updated_at = CASE WHEN guardian_joined_at IS NULL THEN $2 ELSE updated_at END
          WHERE id = $1 AND status IN ('booked', 'checked_in', 'in_call')
          RETURNING guardian_joined_at)
       SELECT * FROM u`,
      [sessionId, now],
    );
    return rows[0]?.guardian_joined_at;
  }

  /** What the lifecycle's guards read beyond SessionFacts (kind, assent, the counselor's join); call with the row locked. */
  async lifecycleFacts(tx: Pick<EntityManager, 'query'>, sessionId: string): Promise<LifecycleFacts | undefined> {
    const rows: { kind: SessionKind; assent: AssentResponse | null; counselor_joined_at: Date | null }[] = await tx.query(
      `SELECT kind, assent, counselor_joined_at FROM sessions WHERE id = $1`,
      [sessionId],
    );
    const row = rows[0];
    return row && { kind: row.kind, assent: row.assent, counselorJoinedAt: row.counselor_joined_at };
  }

  /** A system status change decided by the lifecycle on the locked row; false when the row was no longer in `from`. */
  async setStatus(tx: Pick<EntityManager, 'query'>, sessionId: string, from: SessionStatus, to: SessionStatus, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH u AS (UPDATE sessions SET status = $3::session_status, updated_at = $4 WHERE id = $1 AND status = $2::session_status RETURNING 1)
       SELECT * FROM u`,
      [sessionId, from, to, now],
    );
    return rows.length > 0;
  }
}

export interface LifecycleFacts {
  kind: SessionKind;
  assent: AssentResponse | null;
  counselorJoinedAt: Date | null;
}

function toFacts(row: FactsRow): SessionFacts {
  return {
    id: row.id,
    hubId: row.hub_id,
    childId: row.child_id,
    guardianId: row.guardian_id,
    supervisorId: row.supervisor_id,
    counselorId: row.counselor_id,
    status: row.status,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    guardianJoinedAt: row.guardian_joined_at,
    childName: row.child_name,
    adviceForParent: row.call_advice,
    hubName: row.hub_name,
    hubTimeZone: row.hub_time_zone,
    stationName: row.station_name,
    guardianName: row.guardian_name,
    guardianTimeZone: row.guardian_time_zone,
    guardianLocale: row.guardian_locale,
  };
}
