import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor';
import { requestContext } from '../common/http/request-context';
import { offsetOf, Page, pageOf } from '../common/pagination';
import type { SqlStatement } from '../database/combined-writes';
import { AuditQuery } from './dto/audit-query.dto';

export interface AuditEvent {
  /** `<object>.<verb>`, e.g. `child.read`, `child.update`, `consent.withdraw`. */
  action: string;
  objectType: string;
  objectId?: string;
  childId?: string;
  hubId?: string;
  details?: Record<string, unknown>;
  /** Defaults to the actor of the current request; `system` when there is none (jobs). */
  actor?: Actor;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  childId: string | null;
  hubId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

/** The append-only audit trail. Always written on the caller's transaction manager. */
@Injectable()
export class AuditService {
  constructor(private readonly db: DataSource) {}

  async record(tx: EntityManager, event: AuditEvent): Promise<void> {
    await this.recordMany(tx, [event]);
  }

  async recordMany(tx: EntityManager, events: AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { text, values } = this.insertStatement(events);
    await tx.query(text, values);
  }

  /**
   * The INSERT of `events`, for a caller that sends it together with other writes of its
   * transaction (runWrites); actor and request id are those of the current request, as with `record`.
   */
  insertStatement(events: readonly AuditEvent[]): SqlStatement {
    const context = requestContext.get();
    const values: unknown[] = [];
    const rows = events.map((event) => {
      const actor = event.actor ?? context?.actor;
      const base = values.length;
      values.push(
        actor?.type ?? 'system',
        actor?.id ?? null,
        actor?.role ?? null,
        event.action,
        event.objectType,
        event.objectId ?? null,
        event.childId ?? null,
        event.hubId ?? null,
        context?.requestId ?? null,
        JSON.stringify(event.details ?? {}),
      );
      return `(${Array.from({ length: 10 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    return {
      text: `INSERT INTO audit_log (actor_type, actor_id, actor_role, action, object_type, object_id, child_id, hub_id, request_id, details)
       VALUES ${rows.join(', ')}`,
      values,
    };
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.actorId) add('actor_id = ?', query.actorId);
    if (query.childId) add('child_id = ?', query.childId);
    if (query.hubId) add('hub_id = ?', query.hubId);
    if (query.action) add('action = ?', query.action);
    if (query.objectType) add('object_type = ?', query.objectType);
    if (query.objectId) add('object_id = ?', query.objectId);
    if (query.requestId) add('request_id = ?', query.requestId);
    if (query.from) add('at >= ?', query.from);
    if (query.to) add('at < ?', query.to);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.db.query(`SELECT count(*)::int AS total FROM audit_log ${filter}`, params);
    const rows: Record<string, unknown>[] = await this.db.query(
      `SELECT id::text, at, actor_type, actor_id, actor_role, action, object_type, object_id, child_id, hub_id, request_id, details
         FROM audit_log ${filter} ORDER BY at DESC, id DESC LIMIT ${query.pageSize} OFFSET ${offsetOf(query)}`,
      params,
    );
    return pageOf(
      rows.map((row) => ({
        id: row.id as string,
        at: (row.at as Date).toISOString(),
        actorType: row.actor_type as string,
        actorId: row.actor_id as string | null,
        actorRole: row.actor_role as string | null,
        action: row.action as string,
        objectType: row.object_type as string,
        objectId: row.object_id as string | null,
        childId: row.child_id as string | null,
        hubId: row.hub_id as string | null,
        requestId: row.request_id as string | null,
        details: row.details as Record<string, unknown>,
      })),
      total as number,
      query,
    );
  }
}
