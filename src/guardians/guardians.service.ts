import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, isAdmin } from '../common/auth/actor';
import { revokeAccessTokens } from '../common/auth/token-version';
import { Clock } from '../common/clock';
import { invalidField, DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { toWeeklyRules, validateWeeklyRules } from '../common/weekly-rules';
import { Transactions } from '../database/transaction';
import { AvailabilityDto, PutAvailabilityDto } from './dto/availability.dto';
import { CreateGuardianDto, GuardianDto, GuardianQuery, UpdateGuardianDto } from './dto/guardian.dto';
import { GuardianChanges, GuardianRecord, GuardianRepository } from './guardian.repository';

/** What a guardian may change about themself; the name and the phone (their sign-in) stay with the hub. */
const SELF_EDITABLE: readonly (keyof UpdateGuardianDto)[] = ['timeZone', 'locale'];

@Injectable()
export class GuardiansService {
  constructor(
    private readonly transactions: Transactions,
    private readonly guardians: GuardianRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(actor: Actor, input: CreateGuardianDto): Promise<GuardianDto> {
    return this.transactions.run(async (tx) => {
      const hubId = await this.hubForNewGuardian(tx, actor, input.hubId);
      const guardian = await this.guardians.insert(tx, {
        hubId,
        displayName: input.displayName,
        phone: input.phone,
        timeZone: input.timeZone,
        locale: input.locale ?? 'zh-CN',
      });
      await this.audit.record(tx, { action: 'guardian.create', objectType: 'guardian', objectId: guardian.id, hubId: hubId ?? undefined });
      return toDto(guardian, actor);
    });
  }

  list(actor: Actor, query: GuardianQuery): Promise<Page<GuardianDto>> {
    return this.transactions.run(async (tx) => {
      const { rows, total } = await this.guardians.list(tx, actor, {
        q: query.q,
        hubId: query.hubId,
        limit: query.pageSize,
        offset: offsetOf(query),
      });
      await this.audit.recordMany(
        tx,
        rows.map((guardian) => ({ action: 'guardian.read', objectType: 'guardian', objectId: guardian.id, hubId: guardian.hubId ?? undefined })),
      );
      return pageOf(
        rows.map((guardian) => toDto(guardian, actor)),
        total,
        query,
      );
    });
  }

  get(actor: Actor, id: string): Promise<GuardianDto> {
    return this.transactions.run(async (tx) => {
      const guardian = await this.visibleGuardian(tx, actor, id);
      await this.audit.record(tx, { action: 'guardian.read', objectType: 'guardian', objectId: id, hubId: guardian.hubId ?? undefined });
      return toDto(guardian, actor);
    });
  }

  update(actor: Actor, id: string, input: UpdateGuardianDto): Promise<GuardianDto> {
    const fields = (Object.keys(input) as (keyof UpdateGuardianDto)[]).filter((field) => input[field] !== undefined);
    if (fields.length === 0) {
      throw new DomainError('VALIDATION_FAILED', 'Send at least one of displayName, phone, timeZone, locale');
    }
    return this.transactions.run(async (tx) => {
      const current = await this.visibleGuardian(tx, actor, id, true);
      if (actor.type === 'guardian') {
        const refused = fields.filter((field) => !SELF_EDITABLE.includes(field));
        if (refused.length > 0) {
          throw new DomainError('FORBIDDEN', `A guardian may change only ${SELF_EDITABLE.join(' and ')}; ask the hub staff to change ${refused.join(' and ')}`);
        }
      }
      // The phone is the guardian's sign-in: whoever sets it can sign in as them and see every child
      // they are linked to, in any hub. So only the guardian's own hub (or an admin) may change it,
      // not staff who merely see the guardian through a link to one of their children.
      if (input.phone !== undefined && input.phone !== current.phone && !isAdmin(actor)) {
        if (!current.hubId || !actor.hubIds.includes(current.hubId)) {
          throw new DomainError('FORBIDDEN', 'Only staff of the guardian’s own hub or an admin may change their phone');
        }
      }
      const changes: GuardianChanges = {
        displayName: input.displayName,
        phone: input.phone,
        timeZone: input.timeZone,
        locale: input.locale,
      };
      const guardian = await this.guardians.update(tx, id, changes, this.clock.now().toJSDate());
      // The phone is the sign-in: whoever held the old number must not stay signed in for the rest of a 7-day token.
      const phoneChanged = input.phone !== undefined && input.phone !== current.phone;
      if (phoneChanged) await revokeAccessTokens(tx, { type: 'guardian', id });
      await this.audit.record(tx, {
        action: 'guardian.update',
        objectType: 'guardian',
        objectId: id,
        hubId: guardian.hubId ?? undefined,
        details: { fields, ...(phoneChanged && { signedOut: true }) },
      });
      return toDto(guardian, actor);
    });
  }

  /**
   * Admins only (the route says so). A disabled guardian is signed out at once and cannot sign in
   * again (their phone answers like an unknown one); enabling does not revive old tokens.
   * Setting the state the guardian already has changes nothing.
   */
  setDisabled(actor: Actor, id: string, disabled: boolean): Promise<void> {
    return this.transactions.run(async (tx) => {
      const guardian = await this.visibleGuardian(tx, actor, id, true);
      const now = this.clock.now().toJSDate();
      const changed = await this.guardians.setDisabled(tx, id, disabled ? now : null, now);
      if (!changed) return;
      if (disabled) await revokeAccessTokens(tx, { type: 'guardian', id });
      await this.audit.record(tx, {
        action: disabled ? 'guardian.disable' : 'guardian.enable',
        objectType: 'guardian',
        objectId: id,
        hubId: guardian.hubId ?? undefined,
      });
    });
  }

  getAvailability(actor: Actor, id: string): Promise<AvailabilityDto> {
    return this.transactions.run(async (tx) => {
      const guardian = await this.visibleGuardian(tx, actor, id);
      const windows = await this.guardians.availability(tx, id);
      await this.audit.record(tx, { action: 'availability.read', objectType: 'guardian', objectId: id, hubId: guardian.hubId ?? undefined });
      return { timeZone: guardian.timeZone, windows: toWeeklyRules(windows) };
    });
  }

  putAvailability(actor: Actor, id: string, input: PutAvailabilityDto): Promise<AvailabilityDto> {
    const windows = validateWeeklyRules(input.windows, 'windows');
    return this.transactions.run(async (tx) => {
      // The row lock serialises concurrent replacements of the same guardian's windows.
      const guardian = await this.visibleGuardian(tx, actor, id, true);
      await this.guardians.replaceAvailability(tx, id, windows);
      await this.audit.record(tx, {
        action: 'availability.update',
        objectType: 'guardian',
        objectId: id,
        hubId: guardian.hubId ?? undefined,
        details: { windows: windows.length },
      });
      return { timeZone: guardian.timeZone, windows: toWeeklyRules(windows) };
    });
  }

  private async visibleGuardian(tx: EntityManager, actor: Actor, id: string, lock = false): Promise<GuardianRecord> {
    const guardian = await this.guardians.findVisible(tx, actor, id, lock);
    if (!guardian) throw notFound('Guardian');
    return guardian;
  }

  /** Admins choose any hub or none; hub staff register guardians in a hub of their own. */
  private async hubForNewGuardian(tx: EntityManager, actor: Actor, requested: string | undefined): Promise<string | null> {
    if (actor.role === 'admin') {
      if (requested === undefined) return null;
      if (!(await this.guardians.hubExists(tx, requested))) throw notFound('Hub');
      return requested;
    }
    if (requested !== undefined) {
      if (!actor.hubIds.includes(requested)) throw notFound('Hub');
      return requested;
    }
    if (actor.hubIds.length === 1) return actor.hubIds[0];
    if (actor.hubIds.length === 0) throw new DomainError('FORBIDDEN', 'You are not assigned to a hub');
    throw invalidField('hubId', 'hubId is required when you work in several hubs');
  }
}

function toDto(guardian: GuardianRecord, actor: Actor): GuardianDto {
  const dto: GuardianDto = {
    id: guardian.id,
    displayName: guardian.displayName,
    phone: guardian.phone,
    timeZone: guardian.timeZone,
    locale: guardian.locale,
    hubId: guardian.hubId,
    disabled: guardian.disabledAt !== null,
    createdAt: guardian.createdAt.toISOString(),
  };
  if (actor.type === 'guardian' && actor.id === guardian.id) dto.calendarToken = guardian.calendarToken;
  return dto;
}
