import { Injectable } from '@nestjs/common';
import type { CheckedSessionOutcome, DistressSettings, Face, History, SessionOutcome, SessionRecord, SkipReason, WellbeingCheck } from '@app/distress-rules';
import type { Queryable } from '../children/child-scope';

/** What an evaluation needs to know about the child, the hub and the subject. */
export interface EvaluationContext {
  childId: string;
  childCounselorId: string | null;
  hubId: string;
  hubTimeZone: string;
}

interface CheckRow {
  id: string;
  child_id: string;
  session_id: string;
  session_outcome: CheckedSessionOutcome;
  status: 'answered' | 'skipped';
  feeling_now: number | null;
  call_feeling: number | null;
  thermometer: number | null;
  wants_to_talk: boolean | null;
  skip_reason: SkipReason | null;
  distress_seen: boolean | null;
  safety_concern: boolean | null;
  observation_note: string | null;
  recorded_at: Date;
}

const CHECK_COLUMNS = `w.id, w.child_id, w.session_id, w.session_outcome, w.status, w.feeling_now, w.call_feeling, w.thermometer,
  w.wants_to_talk, w.skip_reason, w.distress_seen, w.safety_concern, w.observation_note, w.recorded_at`;

/**
 * Reads the few rows the rules look at: a bounded number of the child's latest checks and asked
 * sessions up to the subject, each one index range — the cost does not grow with the history.
 */
@Injectable()
export class AlertHistoryRepository {
  async check(tx: Queryable, checkId: string): Promise<{ check: WellbeingCheck; sessionStartsAt: Date; context: EvaluationContext } | undefined> {
    const rows: (CheckRow & { hub_id: string; time_zone: string; counselor_id: string | null; starts_at: Date })[] = await tx.query(
      `SELECT ${CHECK_COLUMNS}, c.hub_id, h.time_zone, c.counselor_id, s.starts_at
         FROM wellbeing_checks w JOIN children c ON c.id = w.child_id JOIN hubs h ON h.id = c.hub_id JOIN sessions s ON s.id = w.session_id
        WHERE w.id = $1`,
      [checkId],
    );
    if (rows.length === 0) return undefined;
    const row = rows[0];
    return { check: toCheck(row), sessionStartsAt: row.starts_at, context: { childId: row.child_id, childCounselorId: row.counselor_id, hubId: row.hub_id, hubTimeZone: row.time_zone } };
  }

  async declinedSession(tx: Queryable, sessionId: string): Promise<{ session: SessionRecord; context: EvaluationContext } | undefined> {
    const rows: { id: string; child_id: string; starts_at: Date; hub_id: string; time_zone: string; counselor_id: string | null }[] = await tx.query(
      `SELECT s.id, s.child_id, s.starts_at, c.hub_id, h.time_zone, c.counselor_id
         FROM sessions s JOIN children c ON c.id = s.child_id JOIN hubs h ON h.id = c.hub_id
        WHERE s.id = $1 AND s.status = 'declined'`,
      [sessionId],
    );
    if (rows.length === 0) return undefined;
    const row = rows[0];
    return {
      session: { id: row.id, childId: row.child_id, startsAt: row.starts_at.getTime(), outcome: 'declined' },
      context: { childId: row.child_id, childCounselorId: row.counselor_id, hubId: row.hub_id, hubTimeZone: row.time_zone },
    };
  }

  /**
   * The child's newest check after this one (recorded later, or at the same instant with a greater
   * id: the order the rules use), if any. Checks committed in another order than they were
   * recorded still get judged together: the newest state is evaluated too.
   */
  async newerCheck(tx: Queryable, childId: string, at: Date, checkId: string): Promise<string | undefined> {
    const rows: { id: string }[] = await tx.query(
      `SELECT id FROM wellbeing_checks WHERE child_id = $1 AND (recorded_at, id) > ($2, $3::uuid) ORDER BY recorded_at DESC, id DESC LIMIT 1`,
      [childId, at, checkId],
    );
    return rows[0]?.id;
  }

  /** The child's latest checks recorded up to `checksUpTo` and finished sessions starting up to `sessionsUpTo`, as many as the rules read. */
  async history(tx: Queryable, childId: string, checksUpTo: Date, sessionsUpTo: Date, settings: DistressSettings): Promise<History> {
    const checkLimit = Math.max(settings.persistentDistress.lastChecks, settings.decliningTrend.recentChecks + settings.decliningTrend.baselineMaxChecks);
    // Skipped checks do not count for the trend rules but take rows: read twice as many.
    const checks: CheckRow[] = await tx.query(
      `SELECT ${CHECK_COLUMNS} FROM wellbeing_checks w
        WHERE w.child_id = $1 AND w.recorded_at <= $2
        ORDER BY w.recorded_at DESC, w.id DESC LIMIT ${2 * checkLimit}`,
      [childId, checksUpTo],
    );
    const sessions: { id: string; starts_at: Date; status: SessionOutcome }[] = await tx.query(
      `SELECT s.id, s.starts_at, s.status::text AS status FROM sessions s
        WHERE s.child_id = $1 AND s.starts_at <= $2 AND s.status IN ('completed', 'declined')
        ORDER BY s.starts_at DESC, s.id DESC LIMIT ${settings.repeatedDeclines.inARow + 1}`,
      [childId, sessionsUpTo],
    );
    return {
      checks: checks.map(toCheck),
      sessions: sessions.map((s) => ({ id: s.id, childId, startsAt: s.starts_at.getTime(), outcome: s.status })),
    };
  }
}

function toCheck(row: CheckRow): WellbeingCheck {
  const observation =
    row.distress_seen === null
      ? null
      : { distressSeen: row.distress_seen, safetyConcern: row.safety_concern === true, ...(row.observation_note ? { note: row.observation_note } : {}) };
  const base = { id: row.id, childId: row.child_id, sessionId: row.session_id, sessionOutcome: row.session_outcome, at: row.recorded_at.getTime(), observation };
  if (row.status === 'skipped') return { ...base, status: 'skipped', skipReason: row.skip_reason! };
  return {
    ...base,
    status: 'answered',
    instrumentVersion: 1,
    answers: { feelingNow: row.feeling_now as Face, callFeeling: row.call_feeling as Face | null, thermometer: row.thermometer!, wantsToTalk: row.wants_to_talk! },
  };
}
