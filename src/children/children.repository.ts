import { Injectable } from '@nestjs/common';
import type { DateTime } from 'luxon';
import type { Actor } from '../common/auth/actor';
import { Queryable, visibleChildrenCondition } from './child-scope';
import { escapeLike } from '../database/sql-like';

export interface Caregiver {
  name: string;
  relation: string;
  phone: string;
}

export interface CallPlan {
  paused: boolean;
  maxCallsPerWeek: number | null;
  mediatedOnly: boolean;
  adviceForParent: string | null;
}

export interface ChildRecord {
  id: string;
  hubId: string;
  hubTimeZone: string;
  displayName: string;
  birthDate: string;
  caregiver: Caregiver | null;
  counselorId: string | null;
  callPlan: CallPlan;
  createdAt: string;
  updatedAt: string;
}

export interface ChildFilter {
  hubId?: string;
  counselorId?: string;
  nameContains?: string;
  caregiverMissing?: boolean;
}

export interface NewChild {
  hubId: string;
  displayName: string;
  birthDate: string;
  counselorId: string | null;
  caregiver: Caregiver | null;
}

export interface ChildChanges {
  displayName?: string;
  birthDate?: string;
  counselorId?: string | null;
  caregiver?: Caregiver | null;
}

const SELECT_CHILD = `
  SELECT c.id, c.hub_id, h.time_zone, c.display_name, to_char(c.birth_date, 'YYYY-MM-DD') AS birth_date,
         c.caregiver_name, c.caregiver_relation, c.caregiver_phone, c.counselor_id,
         c.call_paused, c.call_max_per_week, c.call_mediated_only, c.call_advice, c.created_at, c.updated_at
    FROM children c JOIN hubs h ON h.id = c.hub_id`;

interface ChildRow {
  id: string;
  hub_id: string;
  time_zone: string;
  display_name: string;
  birth_date: string;
  caregiver_name: string | null;
  caregiver_relation: string | null;
  caregiver_phone: string | null;
  counselor_id: string | null;
  call_paused: boolean;
  call_max_per_week: number | null;
  call_mediated_only: boolean;
  call_advice: string | null;
  created_at: Date;
  updated_at: Date;
}

/** SQL for children and their call plan; scope decisions live in ChildScope and the service. */
@Injectable()
export class ChildrenRepository {
  async findHub(tx: Queryable, hubId: string): Promise<{ id: string; timeZone: string } | undefined> {
    const rows: { id: string; time_zone: string }[] = await tx.query('SELECT id, time_zone FROM hubs WHERE id = $1', [hubId]);
    return rows[0] && { id: rows[0].id, timeZone: rows[0].time_zone };
  }

  async isCounselorOfHub(tx: Queryable, userId: string, hubId: string): Promise<boolean> {
    const rows = await tx.query(
      `SELECT 1 FROM users u JOIN user_hubs uh ON uh.user_id = u.id
        WHERE u.id = $1 AND uh.hub_id = $2 AND u.role = 'counselor' AND u.disabled_at IS NULL`,
      [userId, hubId],
    );
    return rows.length > 0;
  }

  async insert(tx: Queryable, child: NewChild, now: DateTime): Promise<string> {
    const [row]: { id: string }[] = await tx.query(
      `INSERT INTO children (hub_id, display_name, birth_date, counselor_id, caregiver_name, caregiver_relation, caregiver_phone, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
      [
        child.hubId,
        child.displayName,
        child.birthDate,
        child.counselorId,
        child.caregiver?.name ?? null,
        child.caregiver?.relation ?? null,
        child.caregiver?.phone ?? null,
        now.toJSDate(),
      ],
    );
    return row.id;
  }

  async findById(tx: Queryable, id: string): Promise<ChildRecord> {
    const rows: ChildRow[] = await tx.query(`${SELECT_CHILD} WHERE c.id = $1`, [id]);
    if (!rows[0]) throw new Error(`Child ${id} vanished inside its own transaction`);
    return toRecord(rows[0]);
  }

  async list(tx: Queryable, actor: Actor, filter: ChildFilter, limit: number, offset: number): Promise<{ rows: ChildRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [visibleChildrenCondition(actor, 'c', params)];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.hubId) add((p) => `c.hub_id = ${p}`, filter.hubId);
    if (filter.counselorId) add((p) => `c.counselor_id = ${p}`, filter.counselorId);
    if (filter.nameContains) add((p) => `c.display_name ILIKE ${p} ESCAPE '\\'`, `%${escapeLike(filter.nameContains)}%`);
    if (filter.caregiverMissing !== undefined) where.push(`(c.caregiver_name IS NULL) = ${filter.caregiverMissing ? 'true' : 'false'}`);
    const condition = where.join(' AND ');
    const [{ total }]: { total: number }[] = await tx.query(`SELECT count(*)::int AS total FROM children c WHERE ${condition}`, params);
    const rows: ChildRow[] = await tx.query(
      `${SELECT_CHILD} WHERE ${condition} ORDER BY c.display_name, c.id LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
      params,
    );
    return { rows: rows.map(toRecord), total };
  }

  async update(tx: Queryable, id: string, changes: ChildChanges, now: DateTime): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.displayName !== undefined) set('display_name', changes.displayName);
    if (changes.birthDate !== undefined) set('birth_date', changes.birthDate);
    if (changes.counselorId !== undefined) set('counselor_id', changes.counselorId);
    if (changes.caregiver !== undefined) {
      set('caregiver_name', changes.caregiver?.name ?? null);
      set('caregiver_relation', changes.caregiver?.relation ?? null);
      set('caregiver_phone', changes.caregiver?.phone ?? null);
    }
    if (sets.length === 0) return;
    set('updated_at', now.toJSDate());
    await tx.query(`UPDATE children SET ${sets.join(', ')} WHERE id = $1`, params);
  }

  /** Replaces the plan and keeps the new one as a history row (the child's timeline shows every change, by whom). */
  async updateCallPlan(tx: Queryable, id: string, plan: CallPlan, changedBy: string, now: DateTime): Promise<void> {
    await tx.query(
      `UPDATE children SET call_paused = $2, call_max_per_week = $3, call_mediated_only = $4, call_advice = $5, updated_at = $6
        WHERE id = $1`,
      [id, plan.paused, plan.maxCallsPerWeek, plan.mediatedOnly, plan.adviceForParent, now.toJSDate()],
    );
    await tx.query(
      `INSERT INTO call_plan_changes (child_id, paused, max_calls_per_week, mediated_only, advice_for_parent, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, plan.paused, plan.maxCallsPerWeek, plan.mediatedOnly, plan.adviceForParent, changedBy, now.toJSDate()],
    );
  }
}

function toRecord(row: ChildRow): ChildRecord {
  return {
    id: row.id,
    hubId: row.hub_id,
    hubTimeZone: row.time_zone,
    displayName: row.display_name,
    birthDate: row.birth_date,
    caregiver:
      row.caregiver_name === null
        ? null
        : { name: row.caregiver_name, relation: row.caregiver_relation ?? '', phone: row.caregiver_phone ?? '' },
    counselorId: row.counselor_id,
    callPlan: {
      paused: row.call_paused,
      maxCallsPerWeek: row.call_max_per_week,
      mediatedOnly: row.call_mediated_only,
      adviceForParent: row.call_advice,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

