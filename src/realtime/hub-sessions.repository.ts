import type { AssentResponse, SessionStatus } from '@app/call-lifecycle';
import type { CallSessionView, HubSessionView } from '@app/realtime-protocol';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '../children/child-scope';

/** A session as the hub's live view shows it, plus what the call room needs to hear. */
export interface LiveSession {
  view: HubSessionView;
  status: SessionStatus;
  endReason: string | null;
}

interface LiveRow {
  id: string;
  hub_id: string;
  child_id: string;
  child_name: string;
  guardian_id: string;
  guardian_name: string;
  station_id: string;
  station_name: string;
  kind: 'supervised' | 'mediated';
  status: SessionStatus;
  assent: AssentResponse | null;
  starts_at: Date;
  ends_at: Date;
  checked_in_at: Date | null;
  end_reason: string | null;
  guardian_waiting: boolean;
}

const LIVE_SELECT = `
  SELECT s.id, s.hub_id, s.child_id, c.display_name AS child_name, s.guardian_id, g.display_name AS guardian_name,
         s.station_id, st.name AS station_name, s.kind, s.status, s.assent, s.starts_at, s.ends_at, s.checked_in_at, s.end_reason,
         EXISTS (SELECT 1 FROM call_participants p
                  WHERE p.session_id = s.id AND p.participant_id = s.guardian_id AND p.connected AND p.state = 'waiting') AS guardian_waiting
    FROM sessions s
    JOIN children c ON c.id = s.child_id
    JOIN guardians g ON g.id = s.guardian_id
    JOIN stations st ON st.id = s.station_id`;

@Injectable()
export class HubSessionsRepository {
  async one(db: Queryable, sessionId: string): Promise<LiveSession | undefined> {
    return (await this.many(db, [sessionId]))[0];
  }

  /** Several sessions in one read (e.g. all those a revocation cancelled), in no particular order. */
  async many(db: Queryable, sessionIds: readonly string[]): Promise<LiveSession[]> {
    const rows: LiveRow[] = await db.query(`${LIVE_SELECT} WHERE s.id = ANY ($1::uuid[])`, [sessionIds]);
    return rows.map(toLive);
  }

  /** Sessions of the hub starting in [from, to), by start. */
  async between(db: Queryable, hubId: string, from: Date, to: Date): Promise<HubSessionView[]> {
    const rows: LiveRow[] = await db.query(`${LIVE_SELECT} WHERE s.hub_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 ORDER BY s.starts_at, s.id`, [
      hubId,
      from,
      to,
    ]);
    return rows.map((row) => toLive(row).view);
  }

  async hubTimeZone(db: Queryable, hubId: string): Promise<string | undefined> {
    const rows: { time_zone: string }[] = await db.query(`SELECT time_zone FROM hubs WHERE id = $1`, [hubId]);
    return rows[0]?.time_zone;
  }
}

/**
 * The session as a call participant sees it. A guardian never learns whether the child said
 * `not_today` or `no`: both read `not_today` (the counselor and staff see the real answer).
 */
export function callSessionView(view: HubSessionView, forGuardian: boolean): CallSessionView {
  const assent = forGuardian && view.assent === 'no' ? 'not_today' : view.assent;
  return { sessionId: view.id, kind: view.kind, status: view.status, assent, startsAt: view.startsAt, endsAt: view.endsAt };
}

function toLive(row: LiveRow): LiveSession {
  return {
    status: row.status,
    endReason: row.end_reason,
    view: {
      id: row.id,
      hubId: row.hub_id,
      childId: row.child_id,
      childName: row.child_name,
      guardianId: row.guardian_id,
      guardianName: row.guardian_name,
      stationId: row.station_id,
      stationName: row.station_name,
      kind: row.kind,
      status: row.status,
      assent: row.assent,
      startsAt: row.starts_at.toISOString(),
      endsAt: row.ends_at.toISOString(),
      checkedInAt: row.checked_in_at?.toISOString() ?? null,
      guardianWaiting: row.guardian_waiting,
    },
  };
}
