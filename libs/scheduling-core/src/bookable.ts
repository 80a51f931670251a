import { DAY_MS, isInstant, MINUTE_MS } from './calendar';
import { type BookingContext, type Participant, PARTICIPANTS, validateContext, validateDuration } from './booking-context';
import { callPlanBlock, callsInWeek, isoWeekKeyAt, weekAtCap } from './call-plan';
import { inputError, type InputErrorCode } from './errors';
import { coversSorted, firstOverlap } from './intervals';
import type { Interval } from './types';
import { expandOnTimeline, indexRules } from './weekly-rules';
import { timelineAround } from './zone';

/** Why a requested time cannot be booked. */
export type BookingRejectionCode =
  | InputErrorCode
  | 'CALL_PLAN_PAUSED'
  | 'MEDIATED_ONLY'
  | 'TOO_SOON'
  | 'BEYOND_HORIZON'
  | 'OUTSIDE_OPENING_HOURS'
  | 'OUTSIDE_GUARDIAN_WINDOW'
  | 'WEEKLY_CAP_REACHED'
  | 'CHILD_BUSY'
  | 'GUARDIAN_BUSY'
  | 'SUPERVISOR_BUSY'
  | 'COUNSELOR_BUSY'
  | 'STATION_NOT_IN_SERVICE'
  | 'STATION_BUSY'
  | 'NO_STATION_FREE';

export type BookableResult =
  | { readonly ok: true; readonly stationId: string }
  | {
      readonly ok: false;
      readonly reason: BookingRejectionCode;
      readonly detail: string;
      /** The booked interval that collides, for the *_BUSY reasons. */
      readonly conflict?: Interval;
    };

const BUSY_REASON: Record<Participant, BookingRejectionCode> = {
  child: 'CHILD_BUSY',
  guardian: 'GUARDIAN_BUSY',
  supervisor: 'SUPERVISOR_BUSY',
  counselor: 'COUNSELOR_BUSY',
};

/**
 * Judges one requested call [start, end) by the same rules as `findSlots`, reporting the
 * first one it breaks (in the order of the code list above). With `stationId` only that
 * station is considered; without, the first free station is picked. Starts need not be
 * aligned to the search step, so a walk-in call can start now.
 */
export function checkBookable(ctx: BookingContext, start: number, end: number, stationId?: string): BookableResult {
  const invalid =
    validateContext(ctx) ??
    (isInstant(start) && isInstant(end) ? null : inputError('INVALID_RANGE', `start and end must be epoch ms (got ${start}, ${end})`)) ??
    validateDuration((end - start) / MINUTE_MS);
  if (invalid) return { ok: false, reason: invalid.code, detail: invalid.detail };
  const reject = (reason: BookingRejectionCode, detail: string, conflict?: Interval): BookableResult =>
    conflict ? { ok: false, reason, detail, conflict } : { ok: false, reason, detail };

  const { hub, guardian, now } = ctx;
  const planBlock = callPlanBlock(ctx.callPlan, ctx.kind);
  if (planBlock === 'CALL_PLAN_PAUSED') return reject(planBlock, "the child's call plan is paused");
  if (planBlock === 'MEDIATED_ONLY') return reject(planBlock, "the child's call plan allows only mediated calls");

  const earliest = now + hub.minimumNoticeMinutes * MINUTE_MS;
  if (start < earliest) {
    return reject('TOO_SOON', `calls need ${hub.minimumNoticeMinutes} minutes notice; earliest start ${iso(earliest)}`);
  }
  const horizon = now + hub.horizonDays * DAY_MS;
  if (start >= horizon) return reject('BEYOND_HORIZON', `calls can be booked up to ${hub.horizonDays} days ahead (before ${iso(horizon)})`);

  const request: Interval = { start, end };
  const hubTimeline = timelineAround(hub.timeZone, start, end);
  if (!coversSorted(expandOnTimeline(indexRules(hub.openingHours), hubTimeline, start, end), request)) {
    return reject('OUTSIDE_OPENING_HOURS', `not entirely inside the hub's opening hours (${hub.timeZone})`);
  }
  const guardianTimeline = timelineAround(guardian.timeZone, start, end);
  if (!coversSorted(expandOnTimeline(indexRules(guardian.windows), guardianTimeline, start, end), request)) {
    return reject('OUTSIDE_GUARDIAN_WINDOW', `not entirely inside one of the guardian's windows (${guardian.timeZone})`);
  }

  const week = isoWeekKeyAt(hubTimeline, start);
  if (weekAtCap(ctx.callPlan, ctx.childCallsPerIsoWeek, week)) {
    return reject(
      'WEEKLY_CAP_REACHED',
      `${callsInWeek(ctx.childCallsPerIsoWeek, week)} of ${ctx.callPlan.maxCallsPerWeek} calls already booked in ${week}`,
    );
  }

  for (const p of PARTICIPANTS) {
    const conflict = firstOverlap(ctx.busy[p] ?? [], request);
    if (conflict) return reject(BUSY_REASON[p], `the ${p} has another session from ${iso(conflict.start)} to ${iso(conflict.end)}`, conflict);
  }

  const bufferMs = hub.bufferMinutes * MINUTE_MS;
  if (stationId !== undefined) {
    const station = ctx.stations.find((s) => s.id === stationId);
    if (!station) return reject('STATION_NOT_IN_SERVICE', `station ${stationId} is not in service at this hub`);
    const conflict = firstOverlap(station.busy, request, bufferMs);
    if (conflict) {
      return reject(
        'STATION_BUSY',
        `station ${stationId} has a session from ${iso(conflict.start)} to ${iso(conflict.end)} (plus ${hub.bufferMinutes} min buffer)`,
        conflict,
      );
    }
    return { ok: true, stationId };
  }
  const free = ctx.stations.find((s) => !firstOverlap(s.busy, request, bufferMs));
  if (free) return { ok: true, stationId: free.id };
  return reject(
    'NO_STATION_FREE',
    ctx.stations.length === 0 ? 'the hub has no station in service' : `all ${ctx.stations.length} stations are busy (with ${hub.bufferMinutes} min buffer)`,
  );
}

function iso(instant: number): string {
  return new Date(instant).toISOString();
}
