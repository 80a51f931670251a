import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/auth/actor';
import { notFound } from '../common/errors/domain-error';

/** Anything that runs SQL: a transaction's manager or the DataSource. */
export type Queryable = Pick<EntityManager, 'query'>;

/** The facts about a child that scope checks and most callers need. */
export interface VisibleChild {
  id: string;
  hubId: string;
  hubTimeZone: string;
  counselorId: string | null;
  displayName: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Who may see which child. Admins see every child; hub staff and counselors the children of
 * their hubs; a guardian only the children they have an APPROVED link to. Anything else is a
 * 404, exactly like an id that does not exist, so the answer never confirms existence.
 */
@Injectable()
export class ChildScope {
  /**
   * The child if the actor may see it, else NOT_FOUND. `lock: 'update'` takes a row lock
   * (FOR UPDATE) for a read-modify-write; `lock: 'share'` keeps the child from changing under a
   * dependent insert (FOR SHARE).
   */
  async findVisibleChild(
    tx: Queryable,
    actor: Actor,
    childId: string,
    options: { lock?: 'update' | 'share' } = {},
  ): Promise<VisibleChild> {
    if (!UUID.test(childId)) throw notFound('Child');
    const params: unknown[] = [childId];
    const visible = visibleChildrenCondition(actor, 'c', params);
    const lock = options.lock === 'update' ? 'FOR UPDATE OF c' : options.lock === 'share' ? 'FOR SHARE OF c' : '';
    const rows: { id: string; hub_id: string; time_zone: string; counselor_id: string | null; display_name: string }[] =
      await tx.query(
        `SELECT c.id, c.hub_id, h.time_zone, c.counselor_id, c.display_name
           FROM children c JOIN hubs h ON h.id = c.hub_id
          WHERE c.id = $1 AND ${visible} ${lock}`,
        params,
      );
    if (rows.length === 0) throw notFound('Child');
    const [row] = rows;
    return {
      id: row.id,
      hubId: row.hub_id,
      hubTimeZone: row.time_zone,
      counselorId: row.counselor_id,
      displayName: row.display_name,
    };
  }
}

/**
 * A SQL condition (over the children table aliased `alias`) that holds for the children the
 * actor may see. Pushes its parameters onto `params` and numbers them after those already there.
 */
export function visibleChildrenCondition(actor: Actor, alias: string, params: unknown[]): string {
  if (actor.role === 'admin') return 'true';
  if (actor.type === 'guardian') {
    params.push(actor.id);
    return `EXISTS (SELECT 1 FROM child_guardian_links l
                     WHERE l.child_id = ${alias}.id AND l.guardian_id = $${params.length} AND l.status = 'approved')`;
  }
  params.push(actor.hubIds);
  return `${alias}.hub_id = ANY($${params.length}::uuid[])`;
}
