import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor';
import type { Locale } from '../notifications/templates';

export interface GuardianRecord {
  id: string;
  hubId: string | null;
  displayName: string;
  phone: string;
  timeZone: string;
  locale: Locale;
  calendarToken: string;
  disabledAt: Date | null;
  createdAt: Date;
}

export interface GuardianFilter {
  q?: string;
  hubId?: string;
  limit: number;
  offset: number;
}

export interface NewGuardian {
  hubId: string | null;
  displayName: string;
  phone: string;
  timeZone: string;
  locale: Locale;
}

export type GuardianChanges = Partial<Pick<GuardianRecord, 'displayName' | 'phone' | 'timeZone' | 'locale'>>;

export interface WeeklyWindow {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

interface GuardianRow {
  id: string;
  hub_id: string | null;
  display_name: string;
  phone: string;
  time_zone: string;
  locale: Locale;
  calendar_token: string;
  disabled_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'g.id, g.hub_id, g.display_name, g.phone, g.time_zone, g.locale, g.calendar_token, g.disabled_at, g.created_at';

/**
 * Guardians the actor may see, as a condition over alias `g`: admins all; staff and counselors
 * the guardians of their hubs or linked (not revoked) to a child of their hubs; a guardian only
 * themself. Pushes its parameters onto `params`.
 */
export function visibleGuardiansCondition(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'true';
  if (actor.type === 'guardian') {
    params.push(actor.id);
    return `g.id = $${params.length}`;
  }
  params.push(actor.hubIds);
  const hubs = `$${params.length}::uuid[]`;
  return `(g.hub_id = ANY(${hubs}) OR EXISTS (
            SELECT 1 FROM child_guardian_links l JOIN children c ON c.id = l.child_id
             WHERE l.guardian_id = g.id AND l.status <> 'revoked' AND c.hub_id = ANY(${hubs})))`;
}

/** SQL for the guardians table; scoping lives here so every query applies it the same way. */
@Injectable()
export class GuardianRepository {
  async findVisible(tx: EntityManager, actor: Actor, id: string, lock = false): Promise<GuardianRecord | undefined> {
    const params: unknown[] = [id];
    const visible = visibleGuardiansCondition(actor, params);
    const rows: GuardianRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM guardians g WHERE g.id = $1 AND ${visible} ${lock ? 'FOR UPDATE OF g' : ''}`,
      params,
    );
    return rows[0] && toRecord(rows[0]);
  }

  async list(tx: EntityManager, actor: Actor, filter: GuardianFilter): Promise<{ rows: GuardianRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [visibleGuardiansCondition(actor, params)];
    if (filter.q !== undefined) {
      params.push(filter.q);
      where.push(`(strpos(lower(g.display_name), lower($${params.length})) > 0 OR strpos(g.phone, $${params.length}) > 0)`);
    }
    if (filter.hubId !== undefined) {
      params.push(filter.hubId);
      where.push(`(g.hub_id = $${params.length} OR EXISTS (
                     SELECT 1 FROM child_guardian_links l JOIN children c ON c.id = l.child_id
                      WHERE l.guardian_id = g.id AND l.status <> 'revoked' AND c.hub_id = $${params.length}))`);
    }
    const filterSql = where.join(' AND ');
    const [{ total }]: { total: number }[] = await tx.query(`SELECT count(*)::int AS total FROM guardians g WHERE ${filterSql}`, params);
    const rows: GuardianRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM guardians g WHERE ${filterSql}
        ORDER BY g.display_name, g.id LIMIT ${filter.limit} OFFSET ${filter.offset}`,
      params,
    );
    return { rows: rows.map(toRecord), total };
  }

  async insert(tx: EntityManager, guardian: NewGuardian): Promise<GuardianRecord> {
    const [row]: GuardianRow[] = await tx.query(
      `INSERT INTO guardians AS g (hub_id, display_name, phone, time_zone, locale) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [guardian.hubId, guardian.displayName, guardian.phone, guardian.timeZone, guardian.locale],
    );
    return toRecord(row);
  }

  async update(tx: EntityManager, id: string, changes: GuardianChanges, now: Date): Promise<GuardianRecord> {
    const [row]: GuardianRow[] = await tx.query(
      // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count] instead of rows.
      `WITH g AS (
         UPDATE guardians SET display_name = coalesce($2, display_name), phone = coalesce($3, phone),
                time_zone = coalesce($4, time_zone), locale = coalesce($5, locale), updated_at = $6
          WHERE id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM g`,
      [id, changes.displayName ?? null, changes.phone ?? null, changes.timeZone ?? null, changes.locale ?? null, now],
    );
    return toRecord(row);
  }

  /**
   * Disables (a date) or enables (null) a guardian. Returns false, changing nothing, when the
   * guardian already was in that state.
   */
  async setDisabled(tx: EntityManager, id: string, disabledAt: Date | null, now: Date): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH g AS (
         UPDATE guardians SET disabled_at = $2, updated_at = $3
          WHERE id = $1 AND (disabled_at IS NULL) <> ($2::timestamptz IS NULL) RETURNING id)
       SELECT id FROM g`,
      [id, disabledAt, now],
    );
    return rows.length > 0;
  }

  async hubExists(tx: EntityManager, hubId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM hubs WHERE id = $1', [hubId]);
    return rows.length > 0;
  }

  async availability(tx: EntityManager, guardianId: string): Promise<WeeklyWindow[]> {
    const rows: { weekday: number; start_minute: number; end_minute: number }[] = await tx.query(
      `SELECT weekday, start_minute, end_minute FROM guardian_availability WHERE guardian_id = $1 ORDER BY weekday, start_minute`,
      [guardianId],
    );
    return rows.map((row) => ({ weekday: row.weekday, startMinute: row.start_minute, endMinute: row.end_minute }));
  }

  async replaceAvailability(tx: EntityManager, guardianId: string, windows: WeeklyWindow[]): Promise<void> {
    await tx.query('DELETE FROM guardian_availability WHERE guardian_id = $1', [guardianId]);
    if (windows.length === 0) return;
    await tx.query(
      `INSERT INTO guardian_availability (guardian_id, weekday, start_minute, end_minute)
       SELECT $1, w.weekday, w.start_minute, w.end_minute
         FROM unnest($2::smallint[], $3::smallint[], $4::smallint[]) AS w(weekday, start_minute, end_minute)`,
      [guardianId, windows.map((w) => w.weekday), windows.map((w) => w.startMinute), windows.map((w) => w.endMinute)],
    );
  }
}

function toRecord(row: GuardianRow): GuardianRecord {
  return {
    id: row.id,
    hubId: row.hub_id,
    displayName: row.display_name,
    phone: row.phone,
    timeZone: row.time_zone,
    locale: row.locale,
    calendarToken: row.calendar_token,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}
