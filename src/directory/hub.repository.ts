import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { WeeklyInterval } from '../common/weekly-rules';
import { escapeLike } from '../database/sql-like';

export interface Hub {
  id: string;
  name: string;
  timeZone: string;
  bufferMinutes: number;
  minimumNoticeMinutes: number;
  horizonDays: number;
  createdAt: string;
  updatedAt: string;
}

export interface HubValues {
  name: string;
  timeZone: string;
  bufferMinutes: number;
  minimumNoticeMinutes: number;
  horizonDays: number;
}

/** `all` for admins; otherwise the hubs the caller works in. */
export type HubScope = 'all' | string[];

const COLUMNS = `id, name, time_zone, buffer_minutes, minimum_notice_minutes, horizon_days, created_at, updated_at`;
const COLUMN_OF: Record<keyof HubValues, string> = {
  name: 'name',
  timeZone: 'time_zone',
  bufferMinutes: 'buffer_minutes',
  minimumNoticeMinutes: 'minimum_notice_minutes',
  horizonDays: 'horizon_days',
};

@Injectable()
export class HubRepository {
  async insert(db: EntityManager, values: HubValues, now: Date): Promise<Hub> {
    const [row] = await db.query(
      `INSERT INTO hubs (name, time_zone, buffer_minutes, minimum_notice_minutes, horizon_days, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${COLUMNS}`,
      [values.name, values.timeZone, values.bufferMinutes, values.minimumNoticeMinutes, values.horizonDays, now],
    );
    return toHub(row);
  }

  async find(db: EntityManager, id: string, options: { lock?: boolean } = {}): Promise<Hub | undefined> {
    const rows = await db.query(`SELECT ${COLUMNS} FROM hubs WHERE id = $1 ${options.lock ? 'FOR UPDATE' : ''}`, [id]);
    return rows.length ? toHub(rows[0]) : undefined;
  }

  /** Ids among `ids` that name no hub. */
  async missing(db: EntityManager, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows: { id: string }[] = await db.query(
      `SELECT wanted.id::text AS id FROM unnest($1::uuid[]) AS wanted(id)
        WHERE NOT EXISTS (SELECT 1 FROM hubs WHERE hubs.id = wanted.id)`,
      [ids],
    );
    return rows.map((row) => row.id);
  }

  async list(db: EntityManager, scope: HubScope, filter: { q?: string }, page: { limit: number; offset: number }): Promise<{ items: Hub[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (scope !== 'all') {
      params.push(scope);
      where.push(`id = ANY($${params.length}::uuid[])`);
    }
    if (filter.q !== undefined) {
      params.push(escapeLike(filter.q));
      where.push(`name ILIKE '%' || $${params.length} || '%'`);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM hubs ${clause}`, params);
    const rows = await db.query(
      `SELECT ${COLUMNS} FROM hubs ${clause} ORDER BY lower(name), id LIMIT ${page.limit} OFFSET ${page.offset}`,
      params,
    );
    return { items: rows.map(toHub), total };
  }

  async update(db: EntityManager, id: string, changes: Partial<HubValues>, now: Date): Promise<Hub> {
    const sets: string[] = [];
    const params: unknown[] = [id, now];
    for (const key of Object.keys(COLUMN_OF) as (keyof HubValues)[]) {
      if (changes[key] === undefined) continue;
      params.push(changes[key]);
      sets.push(`${COLUMN_OF[key]} = $${params.length}`);
    }
    const [rows] = await db.query(`UPDATE hubs SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
    return toHub(rows[0]);
  }

  async openingHours(db: EntityManager, hubId: string): Promise<WeeklyInterval[]> {
    const rows: { weekday: number; start_minute: number; end_minute: number }[] = await db.query(
      `SELECT weekday, start_minute, end_minute FROM hub_opening_hours WHERE hub_id = $1 ORDER BY weekday, start_minute`,
      [hubId],
    );
    return rows.map((row) => ({ weekday: row.weekday, startMinute: row.start_minute, endMinute: row.end_minute }));
  }

  async replaceOpeningHours(db: EntityManager, hubId: string, intervals: WeeklyInterval[]): Promise<void> {
    await db.query(`DELETE FROM hub_opening_hours WHERE hub_id = $1`, [hubId]);
    if (intervals.length === 0) return;
    await db.query(
      `INSERT INTO hub_opening_hours (hub_id, weekday, start_minute, end_minute)
       SELECT $1, weekday, start_minute, end_minute FROM unnest($2::smallint[], $3::smallint[], $4::smallint[])
         AS rule(weekday, start_minute, end_minute)`,
      [hubId, intervals.map((i) => i.weekday), intervals.map((i) => i.startMinute), intervals.map((i) => i.endMinute)],
    );
  }
}

/** `q` is matched literally: % and _ typed by a user are not wildcards. */

function toHub(row: Record<string, unknown>): Hub {
  return {
    id: row.id as string,
    name: row.name as string,
    timeZone: row.time_zone as string,
    bufferMinutes: row.buffer_minutes as number,
    minimumNoticeMinutes: row.minimum_notice_minutes as number,
    horizonDays: row.horizon_days as number,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}
