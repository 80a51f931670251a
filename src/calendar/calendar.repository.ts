import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor';
import { visibleGuardiansCondition } from '../guardians/guardian.repository';
import type { Locale } from '../notifications/templates';
import type { FeedSession } from './calendar-feed';

export interface CalendarGuardian {
  id: string;
  hubId: string | null;
  locale: Locale;
  calendarToken: string;
}

interface GuardianRow {
  id: string;
  hub_id: string | null;
  locale: Locale;
  calendar_token: string;
}

interface SessionRow {
  id: string;
  status: string;
  kind: 'supervised' | 'mediated';
  starts_at: Date;
  ends_at: Date;
  sequence: number;
  updated_at: Date;
  cancel_reason: string | null;
  child_id: string;
  hub_id: string;
  child_name: string;
  hub_name: string;
}

/** Most events a feed carries (about a month back and everything ahead is far below this). */
const FEED_LIMIT = 1000;

@Injectable()
export class CalendarRepository {
  /** Any guardian by id, for the token check (the caller must not reveal whether it exists). */
  async findGuardian(tx: EntityManager, id: string): Promise<CalendarGuardian | undefined> {
    const rows: GuardianRow[] = await tx.query(`SELECT id, hub_id, locale, calendar_token FROM guardians WHERE id = $1`, [id]);
    return rows[0] && toGuardian(rows[0]);
  }

  /** The guardian if the actor may see them (guardians.visibleGuardiansCondition); `lock` for a rotation. */
  async findVisibleGuardian(tx: EntityManager, actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<CalendarGuardian | undefined> {
    const params: unknown[] = [id];
    const visible = visibleGuardiansCondition(actor, params);
    const rows: GuardianRow[] = await tx.query(
      `SELECT g.id, g.hub_id, g.locale, g.calendar_token FROM guardians g WHERE g.id = $1 AND ${visible} ${options.lock ? 'FOR UPDATE OF g' : ''}`,
      params,
    );
    return rows[0] && toGuardian(rows[0]);
  }

  /** Sessions starting at or after `from`, optionally only of some hubs, oldest first. */
  async feedSessions(
    tx: EntityManager,
    guardianId: string,
    from: Date,
    hubIds: string[] | null,
  ): Promise<(FeedSession & { childId: string; hubId: string })[]> {
    const rows: SessionRow[] = await tx.query(
      `SELECT s.id, s.status, s.kind, s.starts_at, s.ends_at, s.sequence, s.updated_at, s.cancel_reason, s.child_id, s.hub_id,
              c.display_name AS child_name, h.name AS hub_name
         FROM sessions s
         JOIN children c ON c.id = s.child_id
         JOIN hubs h ON h.id = s.hub_id
        WHERE s.guardian_id = $1 AND s.starts_at >= $2 AND ($3::uuid[] IS NULL OR s.hub_id = ANY($3::uuid[]))
        ORDER BY s.starts_at, s.id
        LIMIT ${FEED_LIMIT}`,
      [guardianId, from, hubIds],
    );
    return rows.map((row) => ({
      id: row.id,
      status: row.status,
      kind: row.kind,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      sequence: row.sequence,
      updatedAt: row.updated_at,
      cancelReason: row.cancel_reason,
      childName: row.child_name,
      hubName: row.hub_name,
      childId: row.child_id,
      hubId: row.hub_id,
    }));
  }

  async setToken(tx: EntityManager, guardianId: string, token: string, now: Date): Promise<void> {
    await tx.query(`UPDATE guardians SET calendar_token = $2, updated_at = $3 WHERE id = $1`, [guardianId, token, now]);
  }
}

function toGuardian(row: GuardianRow): CalendarGuardian {
  return { id: row.id, hubId: row.hub_id, locale: row.locale, calendarToken: row.calendar_token };
}
