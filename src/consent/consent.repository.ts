import { Injectable } from '@nestjs/common';
import type { Queryable } from '../children/child-scope';
import type { ConsentMethod, ConsentScope } from './dto/consent.dto';

export interface ConsentRecord {
  id: string;
  childId: string;
  hubId: string;
  guardianId: string;
  scopes: ConsentScope[];
  policyVersion: string;
  method: ConsentMethod;
  givenAt: Date;
  recordedBy: string | null;
  withdrawnAt: Date | null;
  withdrawnByUser: string | null;
  withdrawnByGuardian: string | null;
  withdrawalReason: string | null;
}

export interface NewConsent {
  childId: string;
  guardianId: string;
  scopes: ConsentScope[];
  policyVersion: string;
  method: ConsentMethod;
  givenAt: Date;
  recordedBy: string;
}

export interface Withdrawal {
  at: Date;
  byUser: string | null;
  byGuardian: string | null;
  reason: string | null;
}

interface ConsentRow {
  id: string;
  child_id: string;
  hub_id: string;
  guardian_id: string;
  scopes: ConsentScope[];
  policy_version: string;
  method: ConsentMethod;
  given_at: Date;
  recorded_by: string | null;
  withdrawn_at: Date | null;
  withdrawn_by_user: string | null;
  withdrawn_by_guardian: string | null;
  withdrawal_reason: string | null;
}

const COLUMNS = `gc.id, gc.child_id, c.hub_id, gc.guardian_id, gc.scopes, gc.policy_version, gc.method, gc.given_at, gc.recorded_by,
                 gc.withdrawn_at, gc.withdrawn_by_user, gc.withdrawn_by_guardian, gc.withdrawal_reason`;

@Injectable()
export class ConsentRepository {
  async insert(tx: Queryable, consent: NewConsent): Promise<ConsentRecord> {
    const [row]: ConsentRow[] = await tx.query(
      `WITH gc AS (
         INSERT INTO guardian_consents (child_id, guardian_id, scopes, policy_version, method, given_at, recorded_by)
         VALUES ($1, $2, $3::text[], $4, $5, $6, $7) RETURNING *)
       SELECT ${COLUMNS} FROM gc JOIN children c ON c.id = gc.child_id`,
      [consent.childId, consent.guardianId, consent.scopes, consent.policyVersion, consent.method, consent.givenAt, consent.recordedBy],
    );
    return toRecord(row);
  }

  async list(
    tx: Queryable,
    filter: { childId: string; guardianId?: string; limit: number; offset: number },
  ): Promise<{ rows: ConsentRecord[]; total: number }> {
    const params: unknown[] = [filter.childId];
    let where = 'gc.child_id = $1';
    if (filter.guardianId !== undefined) {
      params.push(filter.guardianId);
      where += ` AND gc.guardian_id = $${params.length}`;
    }
    const [{ total }]: { total: number }[] = await tx.query(`SELECT count(*)::int AS total FROM guardian_consents gc WHERE ${where}`, params);
    const rows: ConsentRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM guardian_consents gc JOIN children c ON c.id = gc.child_id
        WHERE ${where} ORDER BY gc.given_at DESC, gc.id LIMIT ${filter.limit} OFFSET ${filter.offset}`,
      params,
    );
    return { rows: rows.map(toRecord), total };
  }

  /** The consent locked for a change; `guardianId` narrows it to the consents that guardian gave. */
  async findForUpdate(tx: Queryable, childId: string, consentId: string, guardianId?: string): Promise<ConsentRecord | undefined> {
    const rows: ConsentRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM guardian_consents gc JOIN children c ON c.id = gc.child_id
        WHERE gc.id = $1 AND gc.child_id = $2 AND ($3::uuid IS NULL OR gc.guardian_id = $3::uuid)
        FOR UPDATE OF gc`,
      [consentId, childId, guardianId ?? null],
    );
    return rows[0] && toRecord(rows[0]);
  }

  async withdraw(tx: Queryable, consentId: string, withdrawal: Withdrawal): Promise<ConsentRecord> {
    const [row]: ConsentRow[] = await tx.query(
      `WITH gc AS (
         UPDATE guardian_consents SET withdrawn_at = $2, withdrawn_by_user = $3, withdrawn_by_guardian = $4, withdrawal_reason = $5
          WHERE id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM gc JOIN children c ON c.id = gc.child_id`,
      [consentId, withdrawal.at, withdrawal.byUser, withdrawal.byGuardian, withdrawal.reason],
    );
    return toRecord(row);
  }

  async activeScopes(tx: Queryable, childId: string, guardianId: string): Promise<ConsentScope[]> {
    const rows: { scope: ConsentScope }[] = await tx.query(
      `SELECT DISTINCT unnest(scopes) AS scope FROM guardian_consents
        WHERE child_id = $1 AND guardian_id = $2 AND withdrawn_at IS NULL`,
      [childId, guardianId],
    );
    return rows.map((row) => row.scope);
  }

  /** Status of the child–guardian link, locked against a concurrent revoke; undefined when there is none. */
  async linkStatus(tx: Queryable, childId: string, guardianId: string): Promise<'pending' | 'approved' | 'revoked' | undefined> {
    const rows: { status: 'pending' | 'approved' | 'revoked' }[] = await tx.query(
      'SELECT status FROM child_guardian_links WHERE child_id = $1 AND guardian_id = $2 FOR SHARE',
      [childId, guardianId],
    );
    return rows[0]?.status;
  }
}

function toRecord(row: ConsentRow): ConsentRecord {
  return {
    id: row.id,
    childId: row.child_id,
    hubId: row.hub_id,
    guardianId: row.guardian_id,
    scopes: row.scopes,
    policyVersion: row.policy_version,
    method: row.method,
    givenAt: row.given_at,
    recordedBy: row.recorded_by,
    withdrawnAt: row.withdrawn_at,
    withdrawnByUser: row.withdrawn_by_user,
    withdrawnByGuardian: row.withdrawn_by_guardian,
    withdrawalReason: row.withdrawal_reason,
  };
}
