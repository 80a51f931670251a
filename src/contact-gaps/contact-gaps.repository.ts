import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface NoRecentCallRow {
  childId: string;
  displayName: string;
  lastCompletedCallAt: Date | null;
  nextBookedAt: Date | null;
}

export interface RepeatedDeclinesRow {
  childId: string;
  displayName: string;
  lastSessions: { id: string; startsAt: string; status: string }[];
}

/** How many of the latest sessions that reached check-in must all be declines. */
export const DECLINE_RUN = 3;

/** Two set-based queries for a whole hub (one index range per child, no query per child). */
@Injectable()
export class ContactGapsRepository {
  async hubExists(tx: EntityManager, hubId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM hubs WHERE id = $1', [hubId]);
    return rows.length > 0;
  }

  /** Children whose last completed call (when it started, else when it was due) is before `since`, or who never had one. */
  async noRecentCall(tx: EntityManager, hubId: string, since: Date, now: Date): Promise<NoRecentCallRow[]> {
    const rows: { id: string; display_name: string; last_completed_at: Date | null; next_booked_at: Date | null }[] = await tx.query(
      `SELECT c.id, c.display_name, lc.at AS last_completed_at, nx.at AS next_booked_at
         FROM children c
         LEFT JOIN LATERAL (
           SELECT max(coalesce(s.call_started_at, s.starts_at)) AS at
             FROM sessions s WHERE s.child_id = c.id AND s.status = 'completed' AND s.starts_at <= $3) lc ON true
         LEFT JOIN LATERAL (
           SELECT min(s.starts_at) AS at
             FROM sessions s WHERE s.child_id = c.id AND s.status = 'booked' AND s.starts_at > $3) nx ON true
        WHERE c.hub_id = $1 AND (lc.at IS NULL OR lc.at < $2)
        ORDER BY lc.at ASC NULLS FIRST, c.display_name, c.id`,
      [hubId, since, now],
    );
    return rows.map((row) => ({
      childId: row.id,
      displayName: row.display_name,
      lastCompletedCallAt: row.last_completed_at,
      nextBookedAt: row.next_booked_at,
    }));
  }

  async repeatedDeclines(tx: EntityManager, hubId: string, now: Date): Promise<RepeatedDeclinesRow[]> {
    const rows: { child_id: string; display_name: string; last_sessions: { id: string; startsAt: string; status: string }[] }[] =
      await tx.query(
        `WITH ranked AS (
           SELECT s.child_id, s.id, s.starts_at, s.status,
                  row_number() OVER (PARTITION BY s.child_id ORDER BY s.starts_at DESC, s.id) AS n
             FROM sessions s JOIN children c ON c.id = s.child_id
            WHERE c.hub_id = $1 AND s.status IN ('declined', 'in_call', 'completed') AND s.starts_at <= $2)
         SELECT r.child_id, c.display_name,
                json_agg(json_build_object(
                  'id', r.id,
                  'startsAt', to_char(r.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'status', r.status) ORDER BY r.starts_at DESC, r.id) AS last_sessions
           FROM ranked r JOIN children c ON c.id = r.child_id
          WHERE r.n <= $3
          GROUP BY r.child_id, c.display_name
         HAVING count(*) = $3 AND bool_and(r.status = 'declined')
          ORDER BY c.display_name, r.child_id`,
        [hubId, now, DECLINE_RUN],
      );
    return rows.map((row) => ({ childId: row.child_id, displayName: row.display_name, lastSessions: row.last_sessions }));
  }
}
