import { Injectable } from '@nestjs/common';
import { callPlanBlock, weeklySeries } from '@app/scheduling-core';
import { DateTime } from 'luxon';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../common/auth/actor';
import { ChildScope } from '../children/child-scope';
import { Clock } from '../common/clock';
import { DomainError } from '../common/errors/domain-error';
import { IdempotencyStore, IdempotentOutcome } from '../common/idempotency/idempotency';
import { runWrites } from '../database/combined-writes';
import { domainErrorFromPg, pgErrorOf } from '../database/pg-errors';
import { Transactions } from '../database/transaction';
import type { CreateSeriesDto, SeriesDto, SeriesOccurrenceDto } from './dto/session-series.dto';
import { PreparedCall, SessionBooker, withBooked } from './session-booker';
import { localSpan, SessionRecord, SessionsRepository, toSessionDto } from './sessions.repository';
import { supervisorOf } from './sessions.service';

export const SERIES_ROUTE = 'POST /api/v1/session-series';
/** The longest booking horizon a hub can have (hubs.horizon_days ≤ 366). */
const MAX_HORIZON_DAYS = 366;

/**
 * Weekly series: the occurrences keep the hub-local wall time across DST changes and are booked
 * one by one in ONE request and ONE transaction, each insert inside its own SAVEPOINT. An
 * occurrence the rules refuse, or that the exclusion constraints refuse at insert time, is
 * reported with its own problem and undoes nothing else; the series, its bookings and the stored
 * idempotent answer commit together.
 */
@Injectable()
export class SessionSeriesService {
  constructor(
    private readonly transactions: Transactions,
    private readonly idempotency: IdempotencyStore,
    private readonly children: ChildScope,
    private readonly booker: SessionBooker,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  create(actor: Actor, idempotencyKey: string, input: CreateSeriesDto): Promise<IdempotentOutcome<SeriesDto>> {
    return this.transactions.run(async (tx) => {
      const outcome = await this.idempotency.run(tx, { actorId: actor.id, route: SERIES_ROUTE, key: idempotencyKey }, input, async () => ({
        statusCode: 201,
        body: await this.book(tx, actor, input),
      }));
      if (outcome.replayed) {
        // Handed out again only while the caller may still see the child, and audited as reads.
        await this.children.findVisibleChild(tx, actor, input.childId);
        const booked = outcome.body.occurrences.flatMap((o) => (o.session ? [o.session] : []));
        await this.audit.recordMany(
          tx,
          booked.map((s) => ({ action: 'session.read', objectType: 'session', objectId: s.id, childId: s.childId, hubId: s.hubId, details: { via: 'idempotent_replay' } })),
        );
      }
      return outcome;
    });
  }

  private async book(tx: EntityManager, actor: Actor, input: CreateSeriesDto): Promise<SeriesDto> {
    const child = await this.children.findVisibleChild(tx, actor, input.childId);
    const zone = child.hubTimeZone;
    const today = this.clock.now().setZone(zone).toISODate() as string;
    // Today in the hub's zone up to the longest horizon a hub may have: later dates could only ever be refused.
    const latest = this.clock.now().setZone(zone).plus({ days: MAX_HORIZON_DAYS }).toISODate() as string;
    if (input.startDate !== undefined && (input.startDate < today || input.startDate > latest)) {
      throw new DomainError('VALIDATION_FAILED', `startDate must lie between today in the hub's zone (${today}) and ${latest}`, {
        errors: [{ field: 'startDate', messages: [`startDate must be between ${today} and ${latest}`] }],
      });
    }
    const plan = weeklySeries({
      weekday: input.weekday,
      localTime: input.localTime,
      zone,
      firstDate: input.startDate ?? today,
      count: input.count,
      durationMinutes: input.durationMinutes,
    });
    if (!plan.ok) throw new DomainError('VALIDATION_FAILED', plan.detail);
    const occurrences = plan.occurrences;

    const call: PreparedCall = await this.booker.prepare(
      tx,
      {
        childId: input.childId,
        guardianId: input.guardianId,
        kind: input.kind,
        stationId: input.stationId,
        supervisorId: supervisorOf(actor, input.supervisorId),
        counselorId: input.counselorId,
      },
      { from: occurrences[0].start, to: occurrences[occurrences.length - 1].end },
    );
    // What the plan forbids for every occurrence alike is one refusal of the whole request, not N identical conflicts.
    const blocked = callPlanBlock(call.loaded.child.callPlan, input.kind);
    if (blocked === 'CALL_PLAN_PAUSED') throw new DomainError(blocked, "The child's call plan is paused");
    if (blocked === 'MEDIATED_ONLY') throw new DomainError(blocked, "The child's call plan allows only mediated calls");

    const now = this.clock.now().toJSDate();
    const seriesId = await this.sessions.insertSeries(tx, {
      hubId: call.loaded.hub.id,
      childId: input.childId,
      guardianId: input.guardianId,
      weekday: input.weekday,
      localTime: input.localTime,
      timeZone: zone,
      durationMinutes: input.durationMinutes,
      occurrences: input.count,
      kind: input.kind,
      createdBy: actor.id,
      now,
    });

    let context = call.loaded.context;
    const results: SeriesOccurrenceDto[] = [];
    for (const [index, occurrence] of occurrences.entries()) {
      const base = {
        startsAt: new Date(occurrence.start).toISOString(),
        endsAt: new Date(occurrence.end).toISOString(),
        hubLocal: localSpan(occurrence.start, occurrence.end, zone),
        wallTime: occurrence.wallTime,
      };
      const verdict = this.booker.judge(context, occurrence.start, occurrence.end, input.stationId);
      if (!verdict.ok) {
        results.push({ ...base, status: 'conflict', problem: problemOf(verdict.error) });
        continue;
      }
      const session = await insertInSavepoint(tx, `occurrence_${index}`, () =>
        this.booker.insert(tx, call, { start: occurrence.start, end: occurrence.end, stationId: verdict.stationId }, { seriesId, createdBy: actor.id }),
      );
      if (session instanceof DomainError) {
        results.push({ ...base, status: 'conflict', problem: problemOf(session) });
        continue;
      }
      await runWrites(tx, await this.booker.createdWrites(tx, call, session, { seriesId }));
      context = withBooked(context, { start: occurrence.start, end: occurrence.end, stationId: verdict.stationId });
      results.push({ ...base, status: 'booked', session: toSessionDto(session) });
    }

    await this.audit.record(tx, {
      action: 'session_series.create',
      objectType: 'session_series',
      objectId: seriesId,
      childId: input.childId,
      hubId: call.loaded.hub.id,
      details: {
        weekday: input.weekday,
        localTime: input.localTime,
        timeZone: zone,
        count: input.count,
        booked: results.filter((r) => r.status === 'booked').length,
        firstDate: DateTime.fromMillis(occurrences[0].start, { zone }).toISODate(),
      },
    });
    return { seriesId, occurrences: results };
  }
}

/**
 * Runs one insert inside its own savepoint. A booking committed elsewhere since the context was
 * read (the exclusion constraint refuses this one: 23P01) or a station gone out of service
 * meanwhile makes this occurrence a conflict, returned as its error; the others stand.
 */
async function insertInSavepoint(tx: EntityManager, name: string, insert: () => Promise<SessionRecord>): Promise<SessionRecord | DomainError> {
  await tx.query(`SAVEPOINT ${name}`);
  try {
    const session = await insert();
    await tx.query(`RELEASE SAVEPOINT ${name}`);
    return session;
  } catch (error) {
    const refusal =
      pgErrorOf(error)?.code === '23P01'
        ? domainErrorFromPg(error)
        : error instanceof DomainError && error.code === 'STATION_OUT_OF_SERVICE'
          ? error
          : undefined;
    if (!refusal) throw error;
    await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
    return refusal;
  }
}

function problemOf(error: DomainError): { code: string; detail: string; resource?: string } {
  const resource = error.extensions.resource;
  return {
    code: error.code,
    detail: error.detail ?? error.message,
    ...(typeof resource === 'string' ? { resource } : {}),
  };
}
