import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { ChildScope } from '../children/child-scope';
import { Clock } from '../common/clock';
import { DomainError, notFound } from '../common/errors/domain-error';
import { requestContext } from '../common/http/request-context';
import { IdempotencyStore, IdempotentOutcome } from '../common/idempotency/idempotency';
import { offsetOf, Page, pageOf } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { SessionJobs } from '../reminders/session-jobs';
import { SessionNotices } from '../reminders/session-notices';
import type { SessionDto } from './dto/session.dto';
import type { BookSessionDto, SessionQuery } from './dto/session-input.dto';
import { parseIsoInstant } from '../common/validation/field-rules';
import { preferStation, SessionBooker, stationOutOfService } from './session-booker';
import { FutureSessionsFilter, SessionsRepository, toSessionDto } from './sessions.repository';

export interface RescheduleInput {
  startsAt?: string;
  durationMinutes?: number;
  stationId?: string;
}

export const BOOK_ROUTE = 'POST /api/v1/sessions';
const MINUTE_MS = 60_000;
/** Statuses a session can be cancelled from: it has not started. */
const CANCELLABLE = ['booked', 'checked_in'];

/**
 * Sessions: book (idempotent), read, reschedule (atomic), cancel. Every write runs in one
 * transaction with its audit row, its outbox notices and its jobs.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly idempotency: IdempotencyStore,
    private readonly children: ChildScope,
    private readonly booker: SessionBooker,
    private readonly sessions: SessionsRepository,
    private readonly notices: SessionNotices,
    private readonly jobs: SessionJobs,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Books one session. A retry with the same Idempotency-Key and body answers the stored response. */
  book(actor: Actor, idempotencyKey: string, input: BookSessionDto): Promise<IdempotentOutcome<SessionDto>> {
    const start = parseIsoInstant(input.startsAt) as number;
    const end = start + input.durationMinutes * MINUTE_MS;
    return this.transactions.run(async (tx) => {
      const outcome = await this.idempotency.run(tx, { actorId: actor.id, route: BOOK_ROUTE, key: idempotencyKey }, input, async () => {
        const call = await this.booker.prepare(
          tx,
          {
            childId: input.childId,
            guardianId: input.guardianId,
            kind: input.kind,
            stationId: input.stationId,
            supervisorId: supervisorOf(actor, input.supervisorId),
            counselorId: input.counselorId,
          },
          { from: start, to: end },
          // The child's scope is checked by the context's statement (404 Child before any other check).
          { visibleTo: actor },
        );
        const verdict = this.booker.judge(call.loaded.context, start, end, input.stationId);
        if (!verdict.ok) throw verdict.error;
        const session = await this.booker.insert(tx, call, { start, end, stationId: verdict.stationId }, { seriesId: null, createdBy: actor.id });
        // The audit row, notices and jobs go with the stored answer, in one round trip.
        return { statusCode: 201, body: toSessionDto(session), writes: await this.booker.createdWrites(tx, call, session) };
      });
      if (outcome.replayed) {
        // The stored answer is the child's data: handed out again only while the caller may still see the child, and audited as a read.
        await this.children.findVisibleChild(tx, actor, outcome.body.childId);
        await this.auditRead(tx, outcome.body, 'idempotent_replay');
      }
      return outcome;
    });
  }

  list(actor: Actor, query: SessionQuery): Promise<Page<SessionDto>> {
    const from = query.from === undefined ? undefined : (parseIsoInstant(query.from) as number);
    const to = query.to === undefined ? undefined : (parseIsoInstant(query.to) as number);
    if (from !== undefined && to !== undefined && to <= from) {
      throw new DomainError('VALIDATION_FAILED', 'to must be after from', { errors: [{ field: 'to', messages: ['to must be after from'] }] });
    }
    return this.transactions.run(async (tx) => {
      const { rows, total } = await this.sessions.list(
        tx,
        actor,
        {
          hubId: query.hubId,
          childId: query.childId,
          guardianId: query.guardianId,
          statuses: query.status,
          from: from === undefined ? undefined : new Date(from),
          to: to === undefined ? undefined : new Date(to),
        },
        { limit: query.pageSize, offset: offsetOf(query) },
      );
      await this.audit.recordMany(
        tx,
        rows.map((session) => ({
          action: 'session.read',
          objectType: 'session',
          objectId: session.id,
          childId: session.childId,
          hubId: session.hubId,
          details: { via: 'list' },
        })),
      );
      return pageOf(rows.map(toSessionDto), total, query);
    });
  }

  get(actor: Actor, sessionId: string): Promise<SessionDto> {
    return this.transactions.run(async (tx) => {
      const session = await this.sessions.findVisible(tx, actor, sessionId);
      if (!session) throw notFound('Session');
      const dto = toSessionDto(session);
      await this.auditRead(tx, dto, 'get');
      return dto;
    });
  }

  /**
   * Moves a booked session by the same rules as a booking, in ONE UPDATE of its row: the exclusion
   * constraints judge the new range against every other row, so the old slot is released only if
   * the new one is taken. Without stationId the current station is kept when it is free.
   */
  reschedule(actor: Actor, sessionId: string, input: RescheduleInput): Promise<SessionDto> {
    return this.transactions.run((tx) => this.rescheduleIn(tx, actor, sessionId, input));
  }

  /** `reschedule` on the caller's transaction (e.g. approving a guardian's request atomically). */
  async rescheduleIn(tx: EntityManager, actor: Actor, sessionId: string, input: RescheduleInput): Promise<SessionDto> {
    if (input.startsAt === undefined && input.durationMinutes === undefined && input.stationId === undefined) {
      throw new DomainError('VALIDATION_FAILED', 'Send at least one of startsAt, durationMinutes and stationId');
    }
    const requestedStart = input.startsAt === undefined ? undefined : parseIsoInstant(input.startsAt);
    if (requestedStart === null) {
      throw new DomainError('VALIDATION_FAILED', 'startsAt must be an ISO 8601 date-time with an offset', {
        errors: [{ field: 'startsAt', messages: ['startsAt must be an ISO 8601 date-time with an offset'] }],
      });
    }
    const current = await this.sessions.findVisible(tx, actor, sessionId, { lock: true });
    if (!current) throw notFound('Session');
    if (current.status !== 'booked') {
      throw new DomainError('INVALID_TRANSITION', `Only a booked session can be rescheduled; this one is ${current.status}`, {
        currentStatus: current.status,
      });
    }
    const start = requestedStart ?? current.startsAt.getTime();
    const duration = input.durationMinutes ?? Math.round((current.endsAt.getTime() - current.startsAt.getTime()) / MINUTE_MS);
    const end = start + duration * MINUTE_MS;
    const unchanged =
      start === current.startsAt.getTime() && end === current.endsAt.getTime() && (input.stationId ?? current.stationId) === current.stationId;
    if (unchanged) {
      const dto = toSessionDto(current);
      await this.auditRead(tx, dto, 'reschedule_unchanged');
      return dto;
    }

    const call = await this.booker.prepare(
      tx,
      {
        childId: current.childId,
        guardianId: current.guardianId,
        kind: current.kind,
        stationId: input.stationId,
        supervisorId: current.supervisorId,
        counselorId: current.counselorId ?? undefined,
      },
      { from: start, to: end },
      // The people were checked when it was booked; a supervisor who has since moved hubs does not block a move.
      { excludeSessionId: current.id, checkPeople: false },
    );
    const context = input.stationId === undefined ? preferStation(call.loaded.context, current.stationId) : call.loaded.context;
    const verdict = this.booker.judge(context, start, end, input.stationId);
    if (!verdict.ok) throw verdict.error;

    const moved = await this.sessions.reschedule(tx, current, {
      stationId: verdict.stationId,
      startsAt: new Date(start),
      endsAt: new Date(end),
      occupiedUntil: new Date(end + call.loaded.hub.bufferMinutes * MINUTE_MS),
      now: this.clock.now().toJSDate(),
    });
    if (!moved) throw stationOutOfService(verdict.stationId);
    await this.audit.record(tx, {
      action: 'session.reschedule',
      objectType: 'session',
      objectId: moved.id,
      childId: moved.childId,
      hubId: moved.hubId,
      details: {
        from: { startsAt: current.startsAt.toISOString(), endsAt: current.endsAt.toISOString(), stationId: current.stationId },
        to: { startsAt: moved.startsAt.toISOString(), endsAt: moved.endsAt.toISOString(), stationId: moved.stationId },
        sequence: moved.sequence,
      },
    });
    await this.notices.rescheduled(tx, moved.id, current.startsAt);
    await this.jobs.scheduleFor(tx, { id: moved.id, startsAt: moved.startsAt });
    return toSessionDto(moved);
  }

  /** booked | checked_in → cancelled, with the reason sent to every party. */
  cancel(actor: Actor, sessionId: string, reason: string): Promise<SessionDto> {
    return this.transactions.run(async (tx) => {
      const current = await this.sessions.findVisible(tx, actor, sessionId, { lock: true });
      if (!current) throw notFound('Session');
      if (!CANCELLABLE.includes(current.status)) {
        throw new DomainError('INVALID_TRANSITION', `A ${current.status} session cannot be cancelled`, { currentStatus: current.status });
      }
      const cancelled = await this.sessions.cancel(tx, current, { reason, by: actor.id, now: this.clock.now().toJSDate() });
      await this.audit.record(tx, {
        action: 'session.cancel',
        objectType: 'session',
        objectId: cancelled.id,
        childId: cancelled.childId,
        hubId: cancelled.hubId,
        details: { reason, previousStatus: current.status, sequence: cancelled.sequence },
      });
      await this.notices.cancelled(tx, cancelled.id, reason);
      await closePendingRescheduleRequests(tx, [cancelled.id], this.clock.now().toJSDate());
      return toSessionDto(cancelled);
    });
  }

  /**
   * Cancels every session at the station that has not started yet (booked or checked in), with
   * `reason`, on the caller's transaction (e.g. the station going out of service); every party is
   * told. Returns the ids of the cancelled sessions.
   */
  cancelFutureAtStation(tx: EntityManager, stationId: string, reason: string): Promise<string[]> {
    return this.cancelFuture(tx, { stationId, statuses: ['booked', 'checked_in'] }, reason, { via: 'station_out_of_service', stationId });
  }

  /**
   * The bulk cancellation: the sessions matching `where` that have not started yet, with `reason`,
   * on the caller's transaction; audited (with `audit` as why), every party told, pending
   * reschedule requests closed. Returns the ids; the caller announces them (SessionChanges) after commit.
   */
  async cancelFuture(tx: EntityManager, where: FutureSessionsFilter, reason: string, audit: { via: string } & Record<string, string>): Promise<string[]> {
    const cancelled = await this.sessions.cancelFuture(tx, where, {
      reason,
      by: requestContext.get()?.actor?.id ?? null,
      now: this.clock.now().toJSDate(),
    });
    if (cancelled.length === 0) return [];
    await this.audit.recordMany(
      tx,
      cancelled.map((session) => ({
        action: 'session.cancel',
        objectType: 'session',
        objectId: session.id,
        childId: session.childId,
        hubId: session.hubId,
        details: { reason, previousStatus: session.previousStatus, ...audit },
      })),
    );
    for (const session of cancelled) await this.notices.cancelled(tx, session.id, reason);
    await closePendingRescheduleRequests(tx, cancelled.map((session) => session.id), this.clock.now().toJSDate());
    return cancelled.map((session) => session.id);
  }

  private auditRead(tx: EntityManager, session: Pick<SessionDto, 'id' | 'childId' | 'hubId'>, via: string): Promise<void> {
    return this.audit.record(tx, {
      action: 'session.read',
      objectType: 'session',
      objectId: session.id,
      childId: session.childId,
      hubId: session.hubId,
      details: { via },
    });
  }
}

/** The supervisor of a new call: the one named, else the caller when they are hub staff; an admin must name one. */
export function supervisorOf(actor: Actor, supervisorId: string | undefined): string {
  if (supervisorId !== undefined) return supervisorId;
  if (actor.role === 'hub_staff') return actor.id;
  throw new DomainError('VALIDATION_FAILED', 'supervisorId is required when the caller is not hub staff (the call needs a supervising staff member)', {
    errors: [{ field: 'supervisorId', messages: ['supervisorId is required when an admin books'] }],
  });
}

/** A cancelled session cannot be moved: its guardian's pending request is declined with it. */
async function closePendingRescheduleRequests(tx: EntityManager, sessionIds: string[], at: Date): Promise<void> {
  await tx.query(
    `UPDATE reschedule_requests SET status = 'declined', decided_at = $2, decision_note = 'The session was cancelled'
      WHERE session_id = ANY($1::uuid[]) AND status = 'pending'`,
    [sessionIds, at],
  );
}
