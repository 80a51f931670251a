import { Injectable } from '@nestjs/common';
import { type BookingContext, type BookingRejectionCode, checkBookable, type Interval, isoWeekKey } from '@app/scheduling-core';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { DomainError, ErrorCode, notFound } from '../common/errors/domain-error';
import type { Actor } from '../common/auth/actor';
import type { SqlStatement } from '../database/combined-writes';
import { JobQueue } from '../jobs/job-queue.service';
import type { Locale } from '../notifications/templates';
import { SessionJobs } from '../reminders/session-jobs';
import { NoticeFacts, SessionNotices } from '../reminders/session-notices';
import { assertCallAllowed, assertInService, assertPerson, BookingContextLoader, LoadedBookingContext } from '../slots/booking-context.loader';
import type { SessionKind } from './dto/session.dto';
import { SessionRecord, SessionsRepository } from './sessions.repository';

/** Who takes part in a call: what a booking, a series and a reschedule are all judged on. */
export interface CallParties {
  childId: string;
  guardianId: string;
  kind: SessionKind;
  stationId?: string;
  supervisorId: string;
  counselorId?: string;
}

/** A call whose parties passed every check that does not depend on the time, with the context to judge times. */
export interface PreparedCall {
  parties: CallParties;
  loaded: LoadedBookingContext;
}

const MINUTE_MS = 60_000;

/**
 * The booking rules shared by POST /sessions, POST /session-series and PATCH /sessions/:id:
 * the checks on the parties (link, consent, supervisor, counselor, station), the judgement of a
 * time by the pure scheduling core, and the insert with everything that goes with it.
 * The exclusion constraints stay the final guard: whatever slips past `judge` between the read
 * and the write is refused by the database (23P01 → 409 SLOT_TAKEN) and rolls back.
 */
@Injectable()
export class SessionBooker {
  constructor(
    private readonly loader: BookingContextLoader,
    private readonly sessions: SessionsRepository,
    private readonly audit: AuditService,
    private readonly notices: SessionNotices,
    private readonly jobs: SessionJobs,
    private readonly queue: JobQueue,
    private readonly clock: Clock,
  ) {}

  /**
   * Loads the context for the window [from, to) and checks the parties in the documented order:
   * guardian linked (none → 404, pending/revoked → 409 LINK_NOT_APPROVED), consent (409
   * CONSENT_REQUIRED), supervisor and counselor (404 unless active staff of that role at the hub),
   * station (404 outside the hub, 409 STATION_OUT_OF_SERVICE). With `visibleTo` the child's scope is
   * checked first, in the same statement (404 Child); without it the caller has checked it.
   */
  async prepare(
    tx: EntityManager,
    parties: CallParties,
    window: { from: number; to: number },
    options: { excludeSessionId?: string; checkPeople?: boolean; visibleTo?: Actor } = {},
  ): Promise<PreparedCall> {
    const loaded = await this.loader.load(tx, {
      childId: parties.childId,
      guardianId: parties.guardianId,
      kind: parties.kind,
      from: window.from,
      to: window.to,
      stationId: parties.stationId,
      supervisorId: parties.supervisorId,
      counselorId: parties.counselorId,
      excludeSessionId: options.excludeSessionId,
      visibleTo: options.visibleTo,
    });
    assertCallAllowed(loaded);
    if (options.checkPeople !== false) {
      assertPerson(loaded.supervisor, 'hub_staff');
      if (parties.counselorId !== undefined) assertPerson(loaded.counselor, 'counselor');
    }
    if (parties.stationId !== undefined) {
      const station = loaded.stations.find((s) => s.id === parties.stationId);
      if (!station) throw notFound('Station');
      assertInService(station);
    }
    return { parties, loaded };
  }

  /** Judges [start, end) against the context; returns the station that would host the call, or the refusal. */
  judge(context: BookingContext, start: number, end: number, stationId?: string): { ok: true; stationId: string } | { ok: false; error: DomainError } {
    const verdict = checkBookable(context, start, end, stationId);
    if (verdict.ok) return verdict;
    return { ok: false, error: rejectionError(verdict.reason, verdict.detail, verdict.conflict) };
  }

  /**
   * Inserts the session (station blocked until end + the hub's buffer). A constraint violation
   * propagates (23P01 → SLOT_TAKEN); a station that went out of service since the read is 409 STATION_OUT_OF_SERVICE.
   */
  async insert(
    tx: EntityManager,
    call: PreparedCall,
    slot: { start: number; end: number; stationId: string },
    meta: { seriesId: string | null; createdBy: string },
  ): Promise<SessionRecord> {
    const { parties, loaded } = call;
    const session = await this.sessions.insert(
      tx,
      {
        hubId: loaded.hub.id,
        stationId: slot.stationId,
        childId: parties.childId,
        guardianId: parties.guardianId,
        supervisorId: parties.supervisorId,
        counselorId: parties.counselorId ?? null,
        kind: parties.kind,
        seriesId: meta.seriesId,
        startsAt: new Date(slot.start),
        endsAt: new Date(slot.end),
        occupiedUntil: new Date(slot.end + loaded.hub.bufferMinutes * MINUTE_MS),
        createdBy: meta.createdBy,
        now: this.clock.now().toJSDate(),
      },
      { hub: loaded.hub.timeZone, guardian: loaded.guardian.timeZone },
    );
    if (!session) throw stationOutOfService(slot.stationId);
    return session;
  }

  /**
   * What goes with a new session on its transaction, not yet sent: the audit row, the notices to
   * every party, their deliveries and the reminder and no-show jobs. The caller sends them in one
   * round trip (runWrites), a booking together with its idempotent answer. The notices are written
   * from what the booking already loaded (no re-read of the row).
   */
  async createdWrites(tx: EntityManager, call: PreparedCall, session: SessionRecord, details: Record<string, unknown> = {}): Promise<SqlStatement[]> {
    const audit = this.audit.insertStatement([
      {
        action: 'session.create',
        objectType: 'session',
        objectId: session.id,
        childId: session.childId,
        hubId: session.hubId,
        details: {
          guardianId: session.guardianId,
          stationId: session.stationId,
          kind: session.kind,
          startsAt: session.startsAt.toISOString(),
          endsAt: session.endsAt.toISOString(),
          ...details,
        },
      },
    ]);
    const notices = await this.notices.bookedWrites(tx, noticeFacts(call.loaded, session), staffLocales(call.loaded));
    const jobs = await this.queue.insertStatement([...notices.deliveries, ...this.jobs.jobsFor({ id: session.id, startsAt: session.startsAt })]);
    return [audit, notices.insert, jobs];
  }
}

/** What the notices about a new session say, from the context its booking loaded. */
function noticeFacts(loaded: LoadedBookingContext, session: SessionRecord): NoticeFacts {
  const station = loaded.stations.find((s) => s.id === session.stationId);
  if (!station) throw new Error(`SessionBooker: station ${session.stationId} is not in the loaded context`);
  return {
    id: session.id,
    guardianId: session.guardianId,
    supervisorId: session.supervisorId,
    counselorId: session.counselorId,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    childName: loaded.child.displayName,
    hubName: loaded.hub.name,
    hubTimeZone: loaded.hub.timeZone,
    stationName: station.name,
    guardianName: loaded.guardian.displayName,
    guardianTimeZone: loaded.guardian.timeZone,
    guardianLocale: loaded.guardian.locale,
  };
}

/** Locales of the staff the context loaded (the named supervisor and counselor). */
function staffLocales(loaded: LoadedBookingContext): Map<string, Locale> {
  const locales = new Map<string, Locale>();
  for (const person of [loaded.supervisor, loaded.counselor]) if (person) locales.set(person.id, person.locale);
  return locales;
}

/** The context with one more booked call in it, so the next occurrence of a series is judged against it. */
export function withBooked(context: BookingContext, call: { start: number; end: number; stationId: string }): BookingContext {
  const interval: Interval = { start: call.start, end: call.end };
  const week = isoWeekKey(call.start, context.hub.timeZone);
  const counts = new Map(Object.entries(toRecord(context.childCallsPerIsoWeek)));
  counts.set(week, (counts.get(week) ?? 0) + 1);
  return {
    ...context,
    stations: context.stations.map((s) => (s.id === call.stationId ? { ...s, busy: insertSorted(s.busy, interval) } : s)),
    busy: {
      child: insertSorted(context.busy.child, interval),
      guardian: insertSorted(context.busy.guardian, interval),
      ...(context.busy.supervisor ? { supervisor: insertSorted(context.busy.supervisor, interval) } : {}),
      ...(context.busy.counselor ? { counselor: insertSorted(context.busy.counselor, interval) } : {}),
    },
    childCallsPerIsoWeek: counts,
  };
}

/** The context with `stationId` tried first (a reschedule keeps its station when it is free). */
export function preferStation(context: BookingContext, stationId: string): BookingContext {
  const first = context.stations.filter((s) => s.id === stationId);
  return { ...context, stations: [...first, ...context.stations.filter((s) => s.id !== stationId)] };
}

/** Maps every refusal of the scheduling core to the API's error codes (exhaustive). */
export function rejectionError(reason: BookingRejectionCode, detail: string, conflict?: Interval): DomainError {
  const taken = (resource: string) =>
    new DomainError('SLOT_TAKEN', capitalise(detail), {
      resource,
      ...(conflict ? { conflict: { startsAt: new Date(conflict.start).toISOString(), endsAt: new Date(conflict.end).toISOString() } } : {}),
    });
  const same = (code: ErrorCode) => new DomainError(code, capitalise(detail));
  switch (reason) {
    case 'CALL_PLAN_PAUSED':
    case 'MEDIATED_ONLY':
    case 'TOO_SOON':
    case 'BEYOND_HORIZON':
    case 'OUTSIDE_OPENING_HOURS':
    case 'OUTSIDE_GUARDIAN_WINDOW':
    case 'WEEKLY_CAP_REACHED':
      return same(reason);
    case 'CHILD_BUSY':
      return taken('child');
    case 'GUARDIAN_BUSY':
      return taken('guardian');
    case 'SUPERVISOR_BUSY':
      return taken('supervisor');
    case 'COUNSELOR_BUSY':
      return taken('counselor');
    case 'STATION_BUSY':
    case 'NO_STATION_FREE':
      return taken('station');
    case 'STATION_NOT_IN_SERVICE':
      return same('STATION_OUT_OF_SERVICE');
    case 'INVALID_DURATION':
    case 'INVALID_RANGE':
    case 'INVALID_SERIES':
    case 'INVALID_STEP':
      return same('VALIDATION_FAILED');
    case 'INVALID_TIME_ZONE':
    case 'INVALID_RULE':
    case 'INVALID_INTERVAL':
    case 'INVALID_SETTINGS':
      // Stored settings the core refuses to compute with: not the caller's fault.
      return new DomainError('INTERNAL', `Stored scheduling data is invalid: ${detail}`);
    default:
      return assertUnreachable(reason);
  }
}

export function stationOutOfService(stationId: string): DomainError {
  return new DomainError('STATION_OUT_OF_SERVICE', 'The station was just taken out of service', { stationId });
}

function assertUnreachable(value: never): never {
  throw new Error(`Unhandled booking rejection: ${String(value)}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function insertSorted(list: readonly Interval[], interval: Interval): Interval[] {
  const index = list.findIndex((i) => i.start > interval.start);
  return index < 0 ? [...list, interval] : [...list.slice(0, index), interval, ...list.slice(index)];
}

function toRecord(counts: BookingContext['childCallsPerIsoWeek']): Record<string, number> {
  return counts instanceof Map ? Object.fromEntries(counts) : { ...(counts as Record<string, number>) };
}
