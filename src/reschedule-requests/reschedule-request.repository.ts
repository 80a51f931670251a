import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor';
import { DomainError } from '../common/errors/domain-error';
import { pgErrorOf } from '../database/pg-errors';
import type { RescheduleRequestStatus } from './dto/reschedule-request.dto';

export interface RescheduleRequestRecord {
  id: string;
  sessionId: string;
  hubId: string;
  childId: string;
  guardianId: string;
  status: RescheduleRequestStatus;
  proposedStartsAt: Date | null;
  note: string | null;
  sessionStartsAt: Date;
  sessionStatus: string;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionNote: string | null;
  createdAt: Date;
}

/** The session a guardian asks to move, locked for the duration of the request's transaction. */
export interface RequestableSession {
  id: string;
  hubId: string;
  childId: string;
  status: string;
  startsAt: Date;
}

export interface RequestFilter {
  hubId?: string;
  status?: RescheduleRequestStatus;
  sessionId?: string;
  limit: number;
  offset: number;
}

interface Row {
  id: string;
  session_id: string;
  hub_id: string;
  child_id: string;
  guardian_id: string;
  status: RescheduleRequestStatus;
  proposed_starts_at: Date | null;
  note: string | null;
  session_starts_at: Date;
  session_status: string;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Date;
}

const SELECT = `
  SELECT r.id, r.session_id, s.hub_id, s.child_id, r.guardian_id, r.status, r.proposed_starts_at, r.note,
         s.starts_at AS session_starts_at, s.status AS session_status, r.decided_by, r.decided_at, r.decision_note, r.created_at
    FROM reschedule_requests r JOIN sessions s ON s.id = r.session_id`;

/**
 * Requests the actor may see, over aliases r (requests) and s (sessions): admins all; staff the
 * requests for sessions of their hubs; a guardian only their own.
 */
function visibleCondition(actor: Actor, params: unknown[]): string {
  if (actor.role === 'admin') return 'true';
  if (actor.type === 'guardian') {
    params.push(actor.id);
    return `r.guardian_id = $${params.length}`;
  }
  params.push(actor.hubIds);
  return `s.hub_id = ANY($${params.length}::uuid[])`;
}

@Injectable()
export class RescheduleRequestRepository {
  /** The guardian's own session, still linked by an approved link, locked against concurrent requests. */
  async findGuardianSession(tx: EntityManager, guardianId: string, sessionId: string): Promise<RequestableSession | undefined> {
    const rows: { id: string; hub_id: string; child_id: string; status: string; starts_at: Date }[] = await tx.query(
      `SELECT s.id, s.hub_id, s.child_id, s.status, s.starts_at
         FROM sessions s
        WHERE s.id = $1 AND s.guardian_id = $2
          AND EXISTS (SELECT 1 FROM child_guardian_links l
                       WHERE l.child_id = s.child_id AND l.guardian_id = s.guardian_id AND l.status = 'approved')
          FOR UPDATE OF s`,
      [sessionId, guardianId],
    );
    const row = rows[0];
    return row && { id: row.id, hubId: row.hub_id, childId: row.child_id, status: row.status, startsAt: row.starts_at };
  }

  async hasPending(tx: EntityManager, sessionId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(`SELECT 1 FROM reschedule_requests WHERE session_id = $1 AND status = 'pending'`, [sessionId]);
    return rows.length > 0;
  }

  async insert(
    tx: EntityManager,
    request: { sessionId: string; guardianId: string; proposedStartsAt: Date | null; note: string | null; now: Date },
  ): Promise<string> {
    try {
      const [row]: { id: string }[] = await tx.query(
        `INSERT INTO reschedule_requests (session_id, guardian_id, proposed_starts_at, note, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [request.sessionId, request.guardianId, request.proposedStartsAt, request.note, request.now],
      );
      return row.id;
    } catch (error) {
      if (pgErrorOf(error)?.constraint === 'reschedule_requests_one_pending') throw pendingError();
      throw error;
    }
  }

  /** One request if the actor may see it; `lock` serialises decisions on it. */
  async findVisible(tx: EntityManager, actor: Actor, id: string, options: { lock?: boolean } = {}): Promise<RescheduleRequestRecord | undefined> {
    const params: unknown[] = [id];
    const visible = visibleCondition(actor, params);
    const rows: Row[] = await tx.query(`${SELECT} WHERE r.id = $1 AND ${visible} ${options.lock ? 'FOR UPDATE OF r' : ''}`, params);
    return rows[0] && toRecord(rows[0]);
  }

  async findById(tx: EntityManager, id: string): Promise<RescheduleRequestRecord> {
    const [row]: Row[] = await tx.query(`${SELECT} WHERE r.id = $1`, [id]);
    return toRecord(row);
  }

  async list(tx: EntityManager, actor: Actor, filter: RequestFilter): Promise<{ rows: RescheduleRequestRecord[]; total: number }> {
    const params: unknown[] = [];
    const where = [visibleCondition(actor, params)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.hubId) add('s.hub_id = ?', filter.hubId);
    if (filter.status) add('r.status = ?', filter.status);
    if (filter.sessionId) add('r.session_id = ?', filter.sessionId);
    const condition = where.join(' AND ');
    const [{ total }]: { total: number }[] = await tx.query(
      `SELECT count(*)::int AS total FROM reschedule_requests r JOIN sessions s ON s.id = r.session_id WHERE ${condition}`,
      params,
    );
    const rows: Row[] = await tx.query(
      `${SELECT} WHERE ${condition} ORDER BY r.created_at DESC, r.id LIMIT ${filter.limit} OFFSET ${filter.offset}`,
      params,
    );
    return { rows: rows.map(toRecord), total };
  }

  /**
   * pending → approved | declined | withdrawn; only from pending, so two deciders cannot both win.
   * Returns false when the request was no longer pending.
   */
  async decide(
    tx: EntityManager,
    id: string,
    decision: { status: Exclude<RescheduleRequestStatus, 'pending'>; by: string | null; at: Date; note: string | null },
  ): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `WITH u AS (
         UPDATE reschedule_requests SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5
          WHERE id = $1 AND status = 'pending'
          RETURNING id)
       SELECT * FROM u`,
      [id, decision.status, decision.by, decision.at, decision.note],
    );
    return rows.length > 0;
  }

  async hubExists(tx: EntityManager, hubId: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM hubs WHERE id = $1', [hubId]);
    return rows.length > 0;
  }
}

export const pendingError = (): DomainError =>
  new DomainError('REQUEST_PENDING', 'This session already has a pending reschedule request; withdraw it or wait for the hub’s answer');

function toRecord(row: Row): RescheduleRequestRecord {
  return {
    id: row.id,
    sessionId: row.session_id,
    hubId: row.hub_id,
    childId: row.child_id,
    guardianId: row.guardian_id,
    status: row.status,
    proposedStartsAt: row.proposed_starts_at,
    note: row.note,
    sessionStartsAt: row.session_starts_at,
    sessionStatus: row.session_status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionNote: row.decision_note,
    createdAt: row.created_at,
  };
}
