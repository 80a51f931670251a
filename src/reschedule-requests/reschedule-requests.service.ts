import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor, canSeeHub } from '../common/auth/actor';
import { Clock } from '../common/clock';
import { invalidField, DomainError, notFound } from '../common/errors/domain-error';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { parseIsoInstant } from '../common/validation/field-rules';
import { Transactions } from '../database/transaction';
import { SessionNotices } from '../reminders/session-notices';
import { SessionsService } from '../sessions/sessions.service';
import {
  ApproveRescheduleRequestDto,
  CreateRescheduleRequestDto,
  DeclineRescheduleRequestDto,
  RescheduleRequestDto,
  RescheduleRequestQuery,
} from './dto/reschedule-request.dto';
import { RescheduleRequestRecord, RescheduleRequestRepository } from './reschedule-request.repository';

/**
 * A guardian asks to move a booked session; the hub approves (the session is rescheduled under
 * the same booking rules as any change) or declines (the guardian is told kindly), or the
 * guardian withdraws. One pending request per session.
 */
@Injectable()
export class RescheduleRequestsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly requests: RescheduleRequestRepository,
    private readonly sessions: SessionsService,
    private readonly notices: SessionNotices,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(actor: Actor, sessionId: string, input: CreateRescheduleRequestDto): Promise<RescheduleRequestDto> {
    const proposedMs = input.proposedStartsAt === undefined ? null : parseIsoInstant(input.proposedStartsAt);
    const proposed = proposedMs === null ? null : DateTime.fromMillis(proposedMs);
    const note = input.note ? input.note : null;
    return this.transactions.run(async (tx) => {
      const session = await this.requests.findGuardianSession(tx, actor.id, sessionId);
      if (!session) throw notFound('Session');
      const now = this.clock.now();
      if (session.status !== 'booked' || session.startsAt.getTime() <= now.toMillis()) {
        throw new DomainError('INVALID_TRANSITION', 'Only a booked session that has not started yet can be rescheduled', {
          currentStatus: session.status,
        });
      }
      if (proposed && proposed <= now) throw invalidField('proposedStartsAt', 'proposedStartsAt must be in the future');
      if (proposed && proposed.toMillis() === session.startsAt.getTime()) {
        throw invalidField('proposedStartsAt', 'proposedStartsAt is the session’s current start');
      }

      const id = await this.requests.insert(tx, {
        sessionId,
        guardianId: actor.id,
        proposedStartsAt: proposed?.toJSDate() ?? null,
        note,
        now: now.toJSDate(),
      });
      await this.notices.rescheduleRequested(tx, sessionId, { proposedStartsAt: proposed?.toJSDate() ?? null, note });
      await this.audit.record(tx, {
        action: 'reschedule_request.create',
        objectType: 'reschedule_request',
        objectId: id,
        childId: session.childId,
        hubId: session.hubId,
        details: { sessionId, proposedStartsAt: proposed?.toUTC().toISO() ?? null },
      });
      return toDto(await this.requests.findById(tx, id));
    });
  }

  list(actor: Actor, query: RescheduleRequestQuery): Promise<Page<RescheduleRequestDto>> {
    return this.transactions.run(async (tx) => {
      if (query.hubId && actor.type === 'user' && !(canSeeHub(actor, query.hubId) && (await this.requests.hubExists(tx, query.hubId)))) {
        throw notFound('Hub');
      }
      const { rows, total } = await this.requests.list(tx, actor, {
        hubId: query.hubId,
        status: query.status,
        sessionId: query.sessionId,
        limit: query.pageSize,
        offset: offsetOf(query),
      });
      await this.audit.recordMany(
        tx,
        rows.map((request) => ({
          action: 'reschedule_request.read',
          objectType: 'reschedule_request',
          objectId: request.id,
          childId: request.childId,
          hubId: request.hubId,
        })),
      );
      return pageOf(rows.map(toDto), total, query);
    });
  }

  /**
   * Moves the session through SessionsService.reschedule (same rules, atomic, notices to every
   * party). If the booking rules refuse the new time, that problem is returned and the request
   * stays pending, so staff can approve another time or decline.
   */
  async approve(actor: Actor, id: string, input: ApproveRescheduleRequestDto): Promise<RescheduleRequestDto> {
    return this.transactions.run(async (tx) => {
      const request = await this.pendingForStaff(tx, actor, id);
      const startsAt = input.startsAt ?? request.proposedStartsAt?.toISOString();
      if (!startsAt) throw invalidField('startsAt', 'startsAt is required: the guardian proposed no time');
      // Same transaction: a refusal rolls everything back and the request stays pending.
      const session = await this.sessions.rescheduleIn(tx, actor, request.sessionId, { startsAt });
      await this.requests.decide(tx, id, { status: 'approved', by: actor.id, at: this.clock.now().toJSDate(), note: null });
      await this.audit.record(tx, {
        action: 'reschedule_request.approve',
        objectType: 'reschedule_request',
        objectId: id,
        childId: request.childId,
        hubId: request.hubId,
        details: { sessionId: request.sessionId, previousStartsAt: request.sessionStartsAt.toISOString(), startsAt: session.startsAt },
      });
      return toDto(await this.requests.findById(tx, id));
    });
  }

  decline(actor: Actor, id: string, input: DeclineRescheduleRequestDto): Promise<RescheduleRequestDto> {
    const note = input.note ? input.note : null;
    return this.transactions.run(async (tx) => {
      const request = await this.pendingForStaff(tx, actor, id);
      await this.requests.decide(tx, id, { status: 'declined', by: actor.id, at: this.clock.now().toJSDate(), note });
      await this.notices.rescheduleDeclined(tx, request.sessionId, note ?? undefined);
      await this.audit.record(tx, {
        action: 'reschedule_request.decline',
        objectType: 'reschedule_request',
        objectId: id,
        childId: request.childId,
        hubId: request.hubId,
        details: { sessionId: request.sessionId, withNote: note !== null },
      });
      return toDto(await this.requests.findById(tx, id));
    });
  }

  withdraw(actor: Actor, id: string): Promise<RescheduleRequestDto> {
    return this.transactions.run(async (tx) => {
      const request = await this.requests.findVisible(tx, actor, id, { lock: true });
      if (!request) throw notFound('Reschedule request');
      assertPending(request);
      await this.requests.decide(tx, id, { status: 'withdrawn', by: null, at: this.clock.now().toJSDate(), note: null });
      await this.audit.record(tx, {
        action: 'reschedule_request.withdraw',
        objectType: 'reschedule_request',
        objectId: id,
        childId: request.childId,
        hubId: request.hubId,
        details: { sessionId: request.sessionId },
      });
      return toDto(await this.requests.findById(tx, id));
    });
  }

  private async pendingForStaff(tx: EntityManager, actor: Actor, id: string): Promise<RescheduleRequestRecord> {
    const request = await this.requests.findVisible(tx, actor, id, { lock: true });
    if (!request) throw notFound('Reschedule request');
    assertPending(request);
    return request;
  }
}

function assertPending(request: RescheduleRequestRecord): void {
  if (request.status !== 'pending') {
    throw new DomainError('INVALID_TRANSITION', `The request is already ${request.status}`, { currentStatus: request.status });
  }
}


function toDto(request: RescheduleRequestRecord): RescheduleRequestDto {
  return {
    id: request.id,
    sessionId: request.sessionId,
    hubId: request.hubId,
    childId: request.childId,
    guardianId: request.guardianId,
    status: request.status,
    proposedStartsAt: request.proposedStartsAt?.toISOString() ?? null,
    note: request.note,
    sessionStartsAt: request.sessionStartsAt.toISOString(),
    sessionStatus: request.sessionStatus,
    decidedBy: request.decidedBy,
    decidedAt: request.decidedAt?.toISOString() ?? null,
    decisionNote: request.decisionNote,
    createdAt: request.createdAt.toISOString(),
  };
}
