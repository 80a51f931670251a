import { Injectable } from '@nestjs/common';
import type { DateTime } from 'luxon';
import type { Actor } from '../common/auth/actor';
import type { Queryable } from './child-scope';
import type { LinkDto, LinkStatus, Relationship } from './dto/link.dto';

interface LinkRow {
  id: string;
  child_id: string;
  guardian_id: string;
  relationship: Relationship;
  status: LinkStatus;
  display_name: string;
  phone: string;
  time_zone: string;
  created_at: Date;
  approved_at: Date | null;
  revoked_at: Date | null;
  updated_at: Date;
}

const SELECT_LINK = `
  SELECT l.id, l.child_id, l.guardian_id, l.relationship, l.status, g.display_name, g.phone, g.time_zone,
         l.created_at, l.approved_at, l.revoked_at, l.updated_at
    FROM child_guardian_links l JOIN guardians g ON g.id = l.guardian_id`;

@Injectable()
export class LinksRepository {
  /**
   * Whether the staff actor may name this guardian: admins any; others a guardian registered at
   * one of their hubs or already linked (in any state) to a child of those hubs.
   */
  async isGuardianVisible(tx: Queryable, actor: Actor, guardianId: string): Promise<boolean> {
    if (actor.role === 'admin') {
      return (await tx.query('SELECT 1 FROM guardians WHERE id = $1', [guardianId])).length > 0;
    }
    const rows = await tx.query(
      `SELECT 1 FROM guardians g
        WHERE g.id = $1
          AND (g.hub_id = ANY($2::uuid[])
               OR EXISTS (SELECT 1 FROM child_guardian_links l JOIN children c ON c.id = l.child_id
                           WHERE l.guardian_id = g.id AND c.hub_id = ANY($2::uuid[])))`,
      [guardianId, actor.hubIds],
    );
    return rows.length > 0;
  }

  /** The link's id and status, locked for a state change. */
  async lockLink(tx: Queryable, childId: string, guardianId: string): Promise<{ id: string; status: LinkStatus } | undefined> {
    const rows: { id: string; status: LinkStatus }[] = await tx.query(
      'SELECT id, status FROM child_guardian_links WHERE child_id = $1 AND guardian_id = $2 FOR UPDATE',
      [childId, guardianId],
    );
    return rows[0];
  }

  async insert(tx: Queryable, link: { childId: string; guardianId: string; relationship: Relationship; createdBy: string | null }, now: DateTime): Promise<string> {
    const [row]: { id: string }[] = await tx.query(
      `INSERT INTO child_guardian_links (child_id, guardian_id, relationship, status, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, 'pending', $4, $5, $5) RETURNING id`,
      [link.childId, link.guardianId, link.relationship, link.createdBy, now.toJSDate()],
    );
    return row.id;
  }

  /** A revoked link asked for again starts over as pending; its earlier history stays in the audit log. */
  async reopen(tx: Queryable, id: string, relationship: Relationship, createdBy: string | null, now: DateTime): Promise<void> {
    await tx.query(
      `UPDATE child_guardian_links
          SET status = 'pending', relationship = $2, created_by = $3, approved_by = NULL, approved_at = NULL,
              revoked_by = NULL, revoked_at = NULL, revoke_reason = NULL, updated_at = $4
        WHERE id = $1`,
      [id, relationship, createdBy, now.toJSDate()],
    );
  }

  async approve(tx: Queryable, id: string, approvedBy: string | null, now: DateTime): Promise<void> {
    await tx.query(
      `UPDATE child_guardian_links SET status = 'approved', approved_by = $2, approved_at = $3, updated_at = $3 WHERE id = $1`,
      [id, approvedBy, now.toJSDate()],
    );
  }

  /** The reason is kept here, not in the append-only audit log, so it can be corrected or erased. */
  async revoke(tx: Queryable, id: string, revokedBy: string | null, reason: string | null, now: DateTime): Promise<void> {
    await tx.query(
      `UPDATE child_guardian_links SET status = 'revoked', revoked_by = $2, revoked_at = $3, revoke_reason = $4, updated_at = $3 WHERE id = $1`,
      [id, revokedBy, now.toJSDate(), reason],
    );
  }

  async findById(tx: Queryable, id: string): Promise<LinkDto> {
    const rows: LinkRow[] = await tx.query(`${SELECT_LINK} WHERE l.id = $1`, [id]);
    if (!rows[0]) throw new Error(`Link ${id} vanished inside its own transaction`);
    return toLink(rows[0]);
  }

  async listForChild(
    tx: Queryable,
    childId: string,
    filter: { guardianId?: string; status?: LinkStatus },
    limit: number,
    offset: number,
  ): Promise<{ rows: LinkDto[]; total: number }> {
    const params: unknown[] = [childId];
    const where = ['l.child_id = $1'];
    if (filter.guardianId) {
      params.push(filter.guardianId);
      where.push(`l.guardian_id = $${params.length}`);
    }
    if (filter.status) {
      params.push(filter.status);
      where.push(`l.status = $${params.length}`);
    }
    const condition = where.join(' AND ');
    const [{ total }]: { total: number }[] = await tx.query(`SELECT count(*)::int AS total FROM child_guardian_links l WHERE ${condition}`, params);
    const rows: LinkRow[] = await tx.query(
      `${SELECT_LINK} WHERE ${condition} ORDER BY l.created_at, l.id LIMIT ${Number(limit)} OFFSET ${Number(offset)}`,
      params,
    );
    return { rows: rows.map(toLink), total };
  }
}

function toLink(row: LinkRow): LinkDto {
  return {
    id: row.id,
    childId: row.child_id,
    guardianId: row.guardian_id,
    relationship: row.relationship,
    status: row.status,
    guardian: { id: row.guardian_id, displayName: row.display_name, phone: row.phone, timeZone: row.time_zone },
    createdAt: row.created_at.toISOString(),
    approvedAt: row.approved_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}
