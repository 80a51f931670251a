import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { invalidField, DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { SessionChanges } from '../realtime/session-changes';
import { SessionsService } from '../sessions/sessions.service';
import { ageOn, todayIn } from './child-age';
import { ChildScope, Queryable } from './child-scope';
import { CallPlan, ChildChanges, ChildRecord, ChildrenRepository } from './children.repository';
import { CallPlanDto } from './dto/call-plan.dto';
import { ChildDto, GuardianChildDto } from './dto/child.dto';
import { ChildQuery, CreateChildDto, UpdateChildDto } from './dto/child-input.dto';

const ADULT_AGE = 18;
/** Why booked sessions are cancelled when the plan pauses calls, or starts to need a mediator (told to every party). */
export const PAUSED_REASON = "calls paused by the child's counselor";
export const MEDIATED_ONLY_REASON = 'calls now need a counselor as mediator';

@Injectable()
export class ChildrenService {
  constructor(
    private readonly transactions: Transactions,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly scope: ChildScope,
    private readonly children: ChildrenRepository,
    private readonly sessions: SessionsService,
    private readonly changes: SessionChanges,
  ) {}

  create(actor: Actor, input: CreateChildDto): Promise<ChildDto> {
    return this.transactions.run(async (tx) => {
      const hub = canSeeHub(actor, input.hubId) ? await this.children.findHub(tx, input.hubId) : undefined;
      if (!hub) throw notFound('Hub');
      this.checkBirthDate(input.birthDate, hub.timeZone);
      const counselorId = input.counselorId ?? null;
      if (counselorId) await this.checkCounselor(tx, counselorId, hub.id);
      const id = await this.children.insert(
        tx,
        { hubId: hub.id, displayName: input.displayName, birthDate: input.birthDate, counselorId, caregiver: input.caregiver ?? null },
        this.clock.now(),
      );
      const child = await this.children.findById(tx, id);
      await this.audit.record(tx, {
        action: 'child.create',
        objectType: 'child',
        objectId: id,
        childId: id,
        hubId: hub.id,
        details: { counselorId, caregiverMissing: child.caregiver === null },
      });
      return this.staffView(child);
    });
  }

  list(actor: Actor, query: ChildQuery): Promise<Page<ChildDto | GuardianChildDto>> {
    if (actor.type === 'guardian' && (query.counselorId !== undefined || query.caregiverMissing !== undefined)) {
      throw new DomainError('FORBIDDEN', 'Guardians may filter their children by hubId and q only');
    }
    return this.transactions.run(async (tx) => {
      const { rows, total } = await this.children.list(
        tx,
        actor,
        {
          hubId: query.hubId,
          counselorId: query.counselorId,
          nameContains: query.q,
          caregiverMissing: query.caregiverMissing === undefined ? undefined : query.caregiverMissing === 'true',
        },
        query.pageSize,
        offsetOf(query),
      );
      await this.audit.recordMany(
        tx,
        rows.map((child) => ({
          action: 'child.read',
          objectType: 'child',
          objectId: child.id,
          childId: child.id,
          hubId: child.hubId,
          details: { via: 'list' },
        })),
      );
      return pageOf(
        rows.map((child) => this.viewFor(actor, child)),
        total,
        query,
      );
    });
  }

  get(actor: Actor, id: string): Promise<ChildDto | GuardianChildDto> {
    return this.transactions.run(async (tx) => {
      const visible = await this.scope.findVisibleChild(tx, actor, id);
      const child = await this.children.findById(tx, visible.id);
      await this.audit.record(tx, { action: 'child.read', objectType: 'child', objectId: child.id, childId: child.id, hubId: child.hubId });
      return this.viewFor(actor, child);
    });
  }

  update(actor: Actor, id: string, input: UpdateChildDto): Promise<ChildDto> {
    if ((Object.keys(input) as (keyof UpdateChildDto)[]).every((field) => input[field] === undefined)) {
      throw new DomainError('VALIDATION_FAILED', 'Send at least one of displayName, birthDate, counselorId, caregiver');
    }
    return this.transactions.run(async (tx) => {
      const visible = await this.scope.findVisibleChild(tx, actor, id, { lock: 'update' });
      const before = await this.children.findById(tx, visible.id);
      if (input.birthDate !== undefined) this.checkBirthDate(input.birthDate, before.hubTimeZone);
      if (input.counselorId) await this.checkCounselor(tx, input.counselorId, before.hubId);
      const changes: ChildChanges = {
        displayName: input.displayName,
        birthDate: input.birthDate,
        counselorId: input.counselorId,
        caregiver: input.caregiver === undefined ? undefined : input.caregiver && { ...input.caregiver },
      };
      await this.children.update(tx, before.id, changes, this.clock.now());
      const after = await this.children.findById(tx, before.id);
      // Field names only: the log is append-only, so personal data written here could never be erased.
      const fields = (Object.keys(changes) as (keyof ChildChanges)[]).filter((key) => changes[key] !== undefined);
      await this.audit.record(tx, {
        action: 'child.update',
        objectType: 'child',
        objectId: after.id,
        childId: after.id,
        hubId: after.hubId,
        details: {
          fields,
          ...(input.counselorId !== undefined && { counselorId: { before: before.counselorId, after: after.counselorId } }),
        },
      });
      return this.staffView(after);
    });
  }

  getCallPlan(actor: Actor, id: string): Promise<CallPlanDto> {
    return this.transactions.run(async (tx) => {
      const visible = await this.scope.findVisibleChild(tx, actor, id);
      const child = await this.children.findById(tx, visible.id);
      await this.audit.record(tx, { action: 'call_plan.read', objectType: 'call_plan', objectId: child.id, childId: child.id, hubId: child.hubId });
      return child.callPlan;
    });
  }

  /**
   * Replaces the call plan. Pausing calls cancels the child's booked sessions that have not
   * started; requiring a mediator cancels the booked supervised ones. Checked-in or running
   * sessions are left to the staff beside the child. Same transaction; the hub view hears after commit.
   */
  async putCallPlan(actor: Actor, id: string, input: CallPlanDto): Promise<CallPlanDto> {
    const { after, cancelled } = await this.transactions.run(async (tx) => {
      const visible = await this.scope.findVisibleChild(tx, actor, id, { lock: 'update' });
      const before = (await this.children.findById(tx, visible.id)).callPlan;
      const advice = input.adviceForParent?.trim() ? input.adviceForParent : null;
      const plan: CallPlan = { paused: input.paused, maxCallsPerWeek: input.maxCallsPerWeek, mediatedOnly: input.mediatedOnly, adviceForParent: advice };
      await this.children.updateCallPlan(tx, visible.id, plan, actor.id, this.clock.now());
      const after = (await this.children.findById(tx, visible.id)).callPlan;
      await this.audit.record(tx, {
        action: 'call_plan.update',
        objectType: 'call_plan',
        objectId: visible.id,
        childId: visible.id,
        hubId: visible.hubId,
        // The advice is free text written about a child: the append-only log must not hold it, only that it changed.
        details: {
          before: structured(before),
          after: structured(after),
          adviceChanged: before.adviceForParent !== after.adviceForParent,
        },
      });
      const cancelled: string[] = [];
      if (after.paused && !before.paused) {
        cancelled.push(...(await this.sessions.cancelFuture(tx, { childId: visible.id, statuses: ['booked'] }, PAUSED_REASON, { via: 'calls_paused' })));
      } else if (after.mediatedOnly && !before.mediatedOnly) {
        // (Paused just now: every booked session is already cancelled above.)
        const supervised = { childId: visible.id, kind: 'supervised' as const, statuses: ['booked' as const] };
        cancelled.push(...(await this.sessions.cancelFuture(tx, supervised, MEDIATED_ONLY_REASON, { via: 'mediated_only' })));
      }
      return { after, cancelled };
    });
    await this.changes.changedMany(cancelled);
    return after;
  }

  private viewFor(actor: Actor, child: ChildRecord): ChildDto | GuardianChildDto {
    return actor.type === 'guardian' ? this.guardianView(child) : this.staffView(child);
  }

  private staffView(child: ChildRecord): ChildDto {
    return {
      id: child.id,
      hubId: child.hubId,
      displayName: child.displayName,
      birthDate: child.birthDate,
      ageYears: this.ageOf(child),
      caregiver: child.caregiver,
      caregiverMissing: child.caregiver === null,
      counselorId: child.counselorId,
      callPlan: child.callPlan,
      createdAt: child.createdAt,
      updatedAt: child.updatedAt,
    };
  }

  private guardianView(child: ChildRecord): GuardianChildDto {
    return {
      id: child.id,
      hubId: child.hubId,
      displayName: child.displayName,
      birthDate: child.birthDate,
      ageYears: this.ageOf(child),
      adviceForParent: child.callPlan.adviceForParent,
    };
  }

  private ageOf(child: ChildRecord): number {
    return Math.max(0, ageOn(child.birthDate, todayIn(this.clock.now(), child.hubTimeZone)));
  }

  /** Not in the future and under 18, both judged on today's date in the hub's zone. */
  private checkBirthDate(birthDate: string, zone: string): void {
    const today = todayIn(this.clock.now(), zone);
    if (birthDate > today) throw invalidField('birthDate', `birthDate must not be in the future (today is ${today} at the hub)`);
    if (ageOn(birthDate, today) >= ADULT_AGE) throw invalidField('birthDate', `birthDate must be that of a child under ${ADULT_AGE}`);
  }

  private async checkCounselor(tx: Queryable, counselorId: string, hubId: string): Promise<void> {
    if (!(await this.children.isCounselorOfHub(tx, counselorId, hubId))) {
      throw invalidField('counselorId', 'counselorId must be an active counselor assigned to the child’s hub');
    }
  }
}

/** The call plan without its free text. */
function structured(plan: CallPlan): Omit<CallPlan, 'adviceForParent'> {
  return { paused: plan.paused, maxCallsPerWeek: plan.maxCallsPerWeek, mediatedOnly: plan.mediatedOnly };
}

