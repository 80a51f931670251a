import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { ChildScope, Queryable } from '../children/child-scope';
import { Transactions } from '../database/transaction';
import { GuardianRepository } from '../guardians/guardian.repository';
import { ConsentRecord, ConsentRepository } from './consent.repository';
import { ConsentDto, ConsentQuery, ConsentScope, CreateConsentDto, WithdrawConsentDto } from './dto/consent.dto';

/**
 * Standing guardian consent per child (PIPL: data of children under 14 is sensitive). A consent
 * is never edited: a new policy version is a new record, and a withdrawal ends a record for good.
 */
@Injectable()
export class ConsentService {
  constructor(
    private readonly transactions: Transactions,
    private readonly consents: ConsentRepository,
    private readonly children: ChildScope,
    private readonly guardians: GuardianRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The scopes this guardian currently consents to for this child (union of their active records). */
  async activeConsentScopes(tx: Queryable, childId: string, guardianId: string): Promise<Set<ConsentScope>> {
    return new Set(await this.consents.activeScopes(tx, childId, guardianId));
  }

  /** Throws 409 CONSENT_REQUIRED unless the guardian has an active consent covering `scope` for the child. */
  async assertConsent(tx: Queryable, childId: string, guardianId: string, scope: ConsentScope): Promise<void> {
    const scopes = await this.activeConsentScopes(tx, childId, guardianId);
    if (!scopes.has(scope)) {
      throw new DomainError(
        'CONSENT_REQUIRED',
        `The guardian has no active consent covering "${scope}" for this child; record the guardian's consent first`,
        { scope, childId, guardianId },
      );
    }
  }

  create(actor: Actor, childId: string, input: CreateConsentDto): Promise<ConsentDto> {
    return this.transactions.run(async (tx) => {
      const child = await this.children.findVisibleChild(tx, actor, childId, { lock: 'share' });
      const link = await this.consents.linkStatus(tx, child.id, input.guardianId);
      if (link === undefined || link === 'revoked') {
        // Only a guardian the caller can already see learns that the link is missing.
        if (!(await this.guardians.findVisible(tx, actor, input.guardianId))) throw notFound('Guardian');
        throw new DomainError('LINK_NOT_APPROVED', 'The guardian is not linked to this child (or the link was revoked); link them first');
      }
      const consent = await this.consents.insert(tx, {
        childId: child.id,
        guardianId: input.guardianId,
        scopes: input.scopes,
        policyVersion: input.policyVersion,
        method: input.method,
        givenAt: this.clock.now().toJSDate(),
        recordedBy: actor.id,
      });
      await this.audit.record(tx, {
        action: 'consent.create',
        objectType: 'consent',
        objectId: consent.id,
        childId: child.id,
        hubId: child.hubId,
        details: { guardianId: consent.guardianId, scopes: consent.scopes, policyVersion: consent.policyVersion, method: consent.method },
      });
      return toDto(consent);
    });
  }

  list(actor: Actor, childId: string, query: ConsentQuery): Promise<Page<ConsentDto>> {
    return this.transactions.run(async (tx) => {
      const child = await this.children.findVisibleChild(tx, actor, childId);
      // A guardian sees only the consents they gave themself.
      const guardianId = actor.type === 'guardian' ? actor.id : query.guardianId;
      if (actor.type === 'guardian' && query.guardianId !== undefined && query.guardianId !== actor.id) {
        return pageOf([], 0, query);
      }
      const { rows, total } = await this.consents.list(tx, { childId: child.id, guardianId, limit: query.pageSize, offset: offsetOf(query) });
      await this.audit.record(tx, {
        action: 'consent.read',
        objectType: 'child',
        objectId: child.id,
        childId: child.id,
        hubId: child.hubId,
        details: { consentIds: rows.map((row) => row.id) },
      });
      return pageOf(rows.map(toDto), total, query);
    });
  }

  withdraw(actor: Actor, childId: string, consentId: string, input: WithdrawConsentDto): Promise<ConsentDto> {
    return this.transactions.run(async (tx) => {
      // The guardian who gave a consent may always withdraw it (PIPL), even once their link is revoked.
      if (actor.type !== 'guardian') await this.children.findVisibleChild(tx, actor, childId);
      const consent = await this.consents.findForUpdate(tx, childId, consentId, actor.type === 'guardian' ? actor.id : undefined);
      if (!consent) throw notFound('Consent');
      if (consent.withdrawnAt) {
        throw new DomainError('CONSENT_WITHDRAWN', undefined, { withdrawnAt: consent.withdrawnAt.toISOString() });
      }
      const withdrawn = await this.consents.withdraw(tx, consent.id, {
        at: this.clock.now().toJSDate(),
        byUser: actor.type === 'user' ? actor.id : null,
        byGuardian: actor.type === 'guardian' ? actor.id : null,
        reason: input.reason ?? null,
      });
      await this.audit.record(tx, {
        action: 'consent.withdraw',
        objectType: 'consent',
        objectId: consent.id,
        childId: consent.childId,
        hubId: consent.hubId,
        details: { guardianId: consent.guardianId, scopes: consent.scopes },
      });
      return toDto(withdrawn);
    });
  }
}

function toDto(consent: ConsentRecord): ConsentDto {
  const withdrawnById = consent.withdrawnByUser ?? consent.withdrawnByGuardian;
  return {
    id: consent.id,
    childId: consent.childId,
    guardianId: consent.guardianId,
    scopes: consent.scopes,
    policyVersion: consent.policyVersion,
    method: consent.method,
    givenAt: consent.givenAt.toISOString(),
    recordedBy: consent.recordedBy,
    active: consent.withdrawnAt === null,
    withdrawnAt: consent.withdrawnAt?.toISOString() ?? null,
    withdrawnBy: withdrawnById ? { type: consent.withdrawnByUser ? 'user' : 'guardian', id: withdrawnById } : null,
    withdrawalReason: consent.withdrawalReason,
  };
}
