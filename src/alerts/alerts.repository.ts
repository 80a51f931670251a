import { Injectable } from '@nestjs/common';
import type { Evidence, Finding, RuleId, Severity } from '@app/distress-rules';
import type { AlertStatus, AlertView } from '@app/realtime-protocol';
import type { Actor } from '../common/auth/actor';
import type { Queryable } from '../children/child-scope';
import type { Locale } from '../notifications/templates';

export interface AlertRow {
  id: string;
  child_id: string;
  child_name: string;
  /** The hub's zone, for times written to people (e.g. the escalation's due time). */
  hub_time_zone: string;
  hub_id: string;
  rule: RuleId;
  rule_version: number;
  severity: Severity;
  status: AlertStatus;
  reason: string;
  settings_version: number;
  assigned_counselor_id: string | null;
  due_by: Date;
  escalated_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  outcome: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface AlertFilters {
  status?: AlertStatus;
  severity?: Severity;
  rule?: RuleId;
  childId?: string;
  hubId?: string;
  assignedTo?: string;
}

export interface NewAlert {
  finding: Finding;
  hubId: string;
  settings: unknown;
  settingsVersion: number;
  assignedCounselorId: string | null;
  dueBy: Date;
  at: Date;
}

const SELECT_ALERT = `
  SELECT a.id, a.child_id, c.display_name AS child_name, a.hub_id, a.rule, a.rule_version, a.severity, a.status, a.reason,
         a.settings_version, a.assigned_counselor_id, a.due_by, a.escalated_at, a.acknowledged_at, a.acknowledged_by,
         a.resolved_at, a.resolved_by, a.outcome, a.created_at, a.updated_at, h.time_zone AS hub_time_zone
    FROM alerts a JOIN children c ON c.id = a.child_id JOIN hubs h ON h.id = a.hub_id`;

/** SQL of alerts, their evidence and follow-ups, and the round-robin turn. No rules here. */
@Injectable()
export class AlertsRepository {
  async find(tx: Queryable, id: string, options: { lock?: boolean } = {}): Promise<AlertRow | undefined> {
    const rows: AlertRow[] = await tx.query(`${SELECT_ALERT} WHERE a.id = $1 ${options.lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    return rows[0];
  }

  /** The child's not-yet-resolved alert for the rule, locked. */
  async findLive(tx: Queryable, childId: string, rule: RuleId): Promise<AlertRow | undefined> {
    const rows: AlertRow[] = await tx.query(`${SELECT_ALERT} WHERE a.child_id = $1 AND a.rule = $2 AND a.status <> 'resolved' FOR UPDATE OF a`, [
      childId,
      rule,
    ]);
    return rows[0];
  }

  /** Inserts the alert unless a live one for the child and rule exists (a concurrent evaluation won): then undefined. */
  async insert(tx: Queryable, alert: NewAlert): Promise<string | undefined> {
    const f = alert.finding;
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO alerts (child_id, hub_id, rule, rule_version, severity, reason, settings, settings_version,
                           assigned_counselor_id, due_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       ON CONFLICT (child_id, rule) WHERE status <> 'resolved' DO NOTHING
       RETURNING id`,
      [f.childId, alert.hubId, f.ruleId, f.ruleVersion, f.severity, f.reason, JSON.stringify(alert.settings), alert.settingsVersion,
        alert.assignedCounselorId, alert.dueBy, alert.at],
    );
    return rows[0]?.id;
  }

  /** Links the evidence not linked yet; returns how many rows were new. */
  async addEvidence(tx: Queryable, alertId: string, evidence: Evidence, at: Date): Promise<number> {
    const rows: { n: number }[] = await tx.query(
      `WITH ins AS (
         INSERT INTO alert_evidence (alert_id, check_id, session_id, added_at)
         SELECT $1::uuid, c, NULL::uuid, $4::timestamptz FROM unnest($2::uuid[]) AS c
         UNION ALL
         SELECT $1::uuid, NULL::uuid, s, $4::timestamptz FROM unnest($3::uuid[]) AS s
         ON CONFLICT DO NOTHING
         RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [alertId, evidence.checkIds, evidence.sessionIds, at],
    );
    return rows[0].n;
  }

  /** New evidence: the reason now; with `reopenDueBy`, the alert opens again with that due time (and may escalate again). */
  async joinEvidence(tx: Queryable, alertId: string, reason: string, at: Date, reopenDueBy: Date | null = null): Promise<void> {
    if (reopenDueBy === null) {
      await tx.query(`UPDATE alerts SET reason = $2, updated_at = $3 WHERE id = $1`, [alertId, reason, at]);
      return;
    }
    await tx.query(`UPDATE alerts SET reason = $2, updated_at = $3, status = 'open', due_by = $4, escalated_at = NULL WHERE id = $1`, [alertId, reason, at, reopenDueBy]);
  }

  /** Serialises evaluations of one child: the subject's child row, locked. */
  async lockChildOf(tx: Queryable, subject: { subject: 'check' | 'decline'; id: string }): Promise<void> {
    const owner = subject.subject === 'check' ? 'SELECT child_id FROM wellbeing_checks WHERE id = $1' : 'SELECT child_id FROM sessions WHERE id = $1';
    await tx.query(`SELECT 1 FROM children WHERE id = (${owner}) FOR UPDATE`, [subject.id]);
  }

  async activeAdminIds(tx: Queryable): Promise<string[]> {
    const rows: { id: string }[] = await tx.query(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id`);
    return rows.map((row) => row.id);
  }

  async evidenceOf(tx: Queryable, alertId: string): Promise<{ type: 'check' | 'session'; id: string; addedAt: Date }[]> {
    const rows: { check_id: string | null; session_id: string | null; added_at: Date }[] = await tx.query(
      `SELECT check_id, session_id, added_at FROM alert_evidence WHERE alert_id = $1 ORDER BY added_at, check_id NULLS LAST, session_id`,
      [alertId],
    );
    return rows.map((r) => (r.check_id ? { type: 'check', id: r.check_id, addedAt: r.added_at } : { type: 'session', id: r.session_id!, addedAt: r.added_at }));
  }

  async followUpsOf(tx: Queryable, alertId: string): Promise<{ id: string; action: string; note: string; createdBy: string; createdAt: Date }[]> {
    const rows: { id: string; action: string; note: string; created_by: string; created_at: Date }[] = await tx.query(
      `SELECT id, action, note, created_by, created_at FROM alert_follow_ups WHERE alert_id = $1 ORDER BY created_at, id`,
      [alertId],
    );
    return rows.map((r) => ({ id: r.id, action: r.action, note: r.note, createdBy: r.created_by, createdAt: r.created_at }));
  }

  async list(tx: Queryable, actor: Actor, filters: AlertFilters, limit: number, offset: number): Promise<{ rows: AlertRow[]; total: number }> {
    const params: unknown[] = [];
    const where = [scopeCondition(actor, params)];
    const add = (column: string, value: unknown) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    add('a.status', filters.status);
    add('a.severity', filters.severity);
    add('a.rule', filters.rule);
    add('a.child_id', filters.childId);
    add('a.hub_id', filters.hubId);
    add('a.assigned_counselor_id', filters.assignedTo);
    const filter = where.join(' AND ');
    const [{ total }] = await tx.query(`SELECT count(*)::int AS total FROM alerts a WHERE ${filter}`, params);
    const rows: AlertRow[] = await tx.query(`${SELECT_ALERT} WHERE ${filter} ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit} OFFSET ${offset}`, params);
    return { rows, total };
  }

  /** Every open or acknowledged alert the actor owns or can see, most urgent first. */
  async backlog(tx: Queryable, actor: Actor): Promise<AlertRow[]> {
    const params: unknown[] = [];
    const scope = scopeCondition(actor, params);
    return tx.query(
      `${SELECT_ALERT} WHERE a.status <> 'resolved' AND ${scope}
        ORDER BY a.status = 'acknowledged', a.severity = 'normal', a.due_by, a.id`,
      params,
    );
  }

  /**
   * The owner of a new alert: the child's assigned counselor while they are an active counselor
   * of the hub; else the hub's active counselors in turn (the turn is a row, locked, so
   * concurrent alerts and other instances take turns too). Null when the hub has no counselor.
   */
  async nextOwner(tx: Queryable, hubId: string, childCounselorId: string | null): Promise<string | null> {
    const counselors: { id: string }[] = await tx.query(
      `SELECT u.id FROM users u JOIN user_hubs uh ON uh.user_id = u.id
        WHERE uh.hub_id = $1 AND u.role = 'counselor' AND u.disabled_at IS NULL ORDER BY u.id`,
      [hubId],
    );
    const ids = counselors.map((c) => c.id);
    if (childCounselorId && ids.includes(childCounselorId)) return childCounselorId;
    if (ids.length === 0) return null;
    await tx.query(`INSERT INTO hub_alert_turns (hub_id) VALUES ($1) ON CONFLICT DO NOTHING`, [hubId]);
    const [turn]: { last_counselor_id: string | null }[] = await tx.query(`SELECT last_counselor_id FROM hub_alert_turns WHERE hub_id = $1 FOR UPDATE`, [hubId]);
    const last = turn.last_counselor_id;
    const next = (last && ids.find((id) => id > last)) || ids[0];
    await tx.query(`UPDATE hub_alert_turns SET last_counselor_id = $2, updated_at = now() WHERE hub_id = $1`, [hubId, next]);
    return next;
  }

  /** Escalates if still open, unescalated and due: exactly one caller gets the row. */
  async markEscalated(tx: Queryable, alertId: string, now: Date): Promise<boolean> {
    const rows: { id: string }[] = await tx.query(
      `WITH u AS (
         UPDATE alerts SET escalated_at = $2, updated_at = $2
          WHERE id = $1 AND status = 'open' AND escalated_at IS NULL AND due_by <= $2
          RETURNING id)
       SELECT id FROM u`,
      [alertId, now],
    );
    return rows.length > 0;
  }

  /** Active counselors of the hub other than `except`, and every active admin. */
  /** The hub's other counselors and every admin, with the locale each reads in. */
  async escalationRecipients(tx: Queryable, hubId: string, except: string | null): Promise<{ id: string; locale: Locale }[]> {
    return tx.query(
      `SELECT u.id, u.locale FROM users u
        WHERE u.disabled_at IS NULL AND (
              u.role = 'admin'
           OR (u.role = 'counselor' AND u.id IS DISTINCT FROM $2 AND EXISTS (SELECT 1 FROM user_hubs uh WHERE uh.user_id = u.id AND uh.hub_id = $1)))
        ORDER BY u.role, u.id`,
      [hubId, except],
    );
  }

  async acknowledge(tx: Queryable, alertId: string, by: string, at: Date, takeOwnership: boolean): Promise<void> {
    await tx.query(
      `UPDATE alerts SET status = 'acknowledged', acknowledged_at = $3, acknowledged_by = $2, updated_at = $3,
              assigned_counselor_id = CASE WHEN $4 AND assigned_counselor_id IS NULL THEN $2 ELSE assigned_counselor_id END
        WHERE id = $1`,
      [alertId, by, at, takeOwnership],
    );
  }

  async addFollowUp(tx: Queryable, alert: AlertRow, input: { action: string; note: string }, by: string, at: Date): Promise<string> {
    const [row]: { id: string }[] = await tx.query(
      `INSERT INTO alert_follow_ups (alert_id, child_id, action, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [alert.id, alert.child_id, input.action, input.note, by, at],
    );
    await tx.query(`UPDATE alerts SET updated_at = $2 WHERE id = $1`, [alert.id, at]);
    return row.id;
  }

  async resolve(tx: Queryable, alertId: string, outcome: string, by: string, at: Date): Promise<void> {
    await tx.query(
      `UPDATE alerts SET status = 'resolved', outcome = $2, resolved_by = $3, resolved_at = $4, updated_at = $4,
              acknowledged_at = coalesce(acknowledged_at, $4), acknowledged_by = coalesce(acknowledged_by, $3)
        WHERE id = $1`,
      [alertId, outcome, by, at],
    );
  }
}

/**
 * Admins see every alert; counselors those of the hubs they work in now. An alert they own in a
 * hub they left is out of their scope (its hub's counselors and the escalation still cover it).
 */
export function scopeCondition(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'true';
  params.push(actor.hubIds);
  return `a.hub_id = ANY($${params.length}::uuid[])`;
}

export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    childId: row.child_id,
    childName: row.child_name,
    hubId: row.hub_id,
    rule: row.rule,
    ruleVersion: row.rule_version,
    severity: row.severity,
    status: row.status,
    reason: row.reason,
    assignedCounselorId: row.assigned_counselor_id,
    dueBy: row.due_by.toISOString(),
    escalatedAt: row.escalated_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
