import { Injectable } from '@nestjs/common';
import type { Queryable } from '../children/child-scope';
import type { TimelineItemDto } from './dto/timeline.dto';

/**
 * The child's chronology as one UNION ALL over the tables that hold it, ordered by time (newest
 * first) and paged in the database. Each branch is an index range on its child_id index.
 */
const TIMELINE = `
  SELECT 'session' AS type, s.id, s.starts_at AS at,
         jsonb_build_object('status', s.status, 'kind', s.kind, 'startsAt', s.starts_at, 'endsAt', s.ends_at, 'guardianId', s.guardian_id) AS data
    FROM sessions s WHERE s.child_id = $1
  UNION ALL
  SELECT 'assent', s.id, s.assent_at, jsonb_build_object('sessionId', s.id, 'response', s.assent, 'reason', s.assent_reason)
    FROM sessions s WHERE s.child_id = $1 AND s.assent_at IS NOT NULL
  UNION ALL
  SELECT 'wellbeing_check', w.id, w.recorded_at,
         jsonb_build_object('sessionId', w.session_id, 'status', w.status, 'score', w.score::float8, 'distress', w.distress,
                            'feelingNow', w.feeling_now, 'callFeeling', w.call_feeling, 'thermometer', w.thermometer,
                            'wantsToTalk', w.wants_to_talk, 'skipReason', w.skip_reason, 'safetyConcern', w.safety_concern)
    FROM wellbeing_checks w WHERE w.child_id = $1
  UNION ALL
  SELECT 'alert', a.id, a.created_at,
         jsonb_build_object('rule', a.rule, 'ruleVersion', a.rule_version, 'severity', a.severity, 'status', a.status, 'reason', a.reason,
                            'escalatedAt', a.escalated_at, 'resolvedAt', a.resolved_at, 'outcome', a.outcome)
    FROM alerts a WHERE a.child_id = $1
  UNION ALL
  SELECT 'follow_up', f.id, f.created_at, jsonb_build_object('alertId', f.alert_id, 'action', f.action, 'note', f.note, 'by', f.created_by)
    FROM alert_follow_ups f WHERE f.child_id = $1
  UNION ALL
  SELECT 'call_plan_change', p.id, p.changed_at,
         jsonb_build_object('paused', p.paused, 'maxCallsPerWeek', p.max_calls_per_week, 'mediatedOnly', p.mediated_only,
                            'adviceForParent', p.advice_for_parent, 'by', p.changed_by)
    FROM call_plan_changes p WHERE p.child_id = $1`;

@Injectable()
export class TimelineRepository {
  async page(tx: Queryable, childId: string, limit: number, offset: number): Promise<{ items: TimelineItemDto[]; total: number }> {
    const rows: { type: TimelineItemDto['type']; id: string; at: Date; data: Record<string, unknown>; total: number }[] = await tx.query(
      `SELECT type, id, at, data, count(*) OVER ()::int AS total FROM (${TIMELINE}) t
        ORDER BY at DESC, type, id DESC LIMIT ${limit} OFFSET ${offset}`,
      [childId],
    );
    // Past the last page there is no row to carry the window count.
    const total = rows.length > 0 ? rows[0].total : offset === 0 ? 0 : (await tx.query(`SELECT count(*)::int AS n FROM (${TIMELINE}) t`, [childId]))[0].n;
    return { items: rows.map((r) => ({ type: r.type, id: r.id, at: r.at.toISOString(), data: r.data })), total };
  }
}
