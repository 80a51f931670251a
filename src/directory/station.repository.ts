import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface Station {
  id: string;
  hubId: string;
  name: string;
  inService: boolean;
  outOfServiceReason: string | null;
  createdAt: string;
}

export interface StationChanges {
  name?: string;
  inService?: boolean;
  outOfServiceReason?: string | null;
}

const COLUMNS = `id, hub_id, name, in_service, out_of_service_reason, created_at`;

@Injectable()
export class StationRepository {
  async insert(db: EntityManager, hubId: string, name: string, now: Date): Promise<Station> {
    const [row] = await db.query(
      `INSERT INTO stations (hub_id, name, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING ${COLUMNS}`,
      [hubId, name, now],
    );
    return toStation(row);
  }

  /** The station only if it belongs to this hub (a station reached through another hub's path is not found). */
  async findInHub(db: EntityManager, hubId: string, stationId: string, options: { lock?: boolean } = {}): Promise<Station | undefined> {
    const rows = await db.query(`SELECT ${COLUMNS} FROM stations WHERE id = $1 AND hub_id = $2 ${options.lock ? 'FOR UPDATE' : ''}`, [
      stationId,
      hubId,
    ]);
    return rows.length ? toStation(rows[0]) : undefined;
  }

  async list(db: EntityManager, hubId: string, page: { limit: number; offset: number }): Promise<{ items: Station[]; total: number }> {
    const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM stations WHERE hub_id = $1`, [hubId]);
    const rows = await db.query(
      `SELECT ${COLUMNS} FROM stations WHERE hub_id = $1 ORDER BY lower(name), id LIMIT ${page.limit} OFFSET ${page.offset}`,
      [hubId],
    );
    return { items: rows.map(toStation), total };
  }

  async update(db: EntityManager, id: string, changes: StationChanges, now: Date): Promise<Station> {
    const sets = ['updated_at = $2'];
    const params: unknown[] = [id, now];
    const set = (column: string, value: unknown) => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    if (changes.name !== undefined) set('name', changes.name);
    if (changes.inService !== undefined) set('in_service', changes.inService);
    if (changes.outOfServiceReason !== undefined) set('out_of_service_reason', changes.outOfServiceReason);
    const [rows] = await db.query(`UPDATE stations SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params);
    return toStation(rows[0]);
  }
}

function toStation(row: Record<string, unknown>): Station {
  return {
    id: row.id as string,
    hubId: row.hub_id as string,
    name: row.name as string,
    inService: row.in_service as boolean,
    outOfServiceReason: row.out_of_service_reason as string | null,
    createdAt: (row.created_at as Date).toISOString(),
  };
}
