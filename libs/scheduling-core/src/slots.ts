import { DAY_MS, isoWeekKeyOfDay, MINUTE_MS } from './calendar';
import { type BookingContext, PARTICIPANTS, validateContext, validateDuration } from './booking-context';
import { callPlanBlock, weekAtCap } from './call-plan';
import { inputError, type InputErrorCode } from './errors';
import { intersectSorted, mergeSorted, padAndMerge, sortedByStart } from './intervals';
import type { Interval } from './types';
import { expandOnTimeline, indexRules, validateRange } from './weekly-rules';
import { timelineAround } from './zone';

export interface FindSlotsInput extends BookingContext {
  /** Candidate starts lie in [from, to). */
  readonly from: number;
  readonly to: number;
  readonly durationMinutes: number;
  /** Starts fall on hub-local multiples of this many minutes after midnight. Default 15. */
  readonly stepMinutes?: number;
}

export interface Slot {
  readonly start: number;
  readonly end: number;
  /** The first free station, in the order the caller listed them. */
  readonly stationId: string;
}

/**
 * Why a search found nothing — the first rule, in this order, that left no candidate:
 * - `call_plan_paused` / `mediated_only`: the child's call plan forbids the call;
 * - `outside_booking_window`: [from, to) lies entirely before minimum notice or beyond the horizon;
 * - `hub_closed`: no opening hours in the bookable part of the range;
 * - `guardian_unavailable`: no guardian window there;
 * - `no_common_window`: hours and windows never overlap for the whole duration;
 * - `weekly_cap`: every remaining start is in an ISO week already at the plan's limit;
 * - `participants_busy`: the child, guardian, supervisor or counselor is busy every time;
 * - `no_station`: no in-service station; `stations_busy`: every station is taken.
 */
export type NoSlotsReason =
  | 'call_plan_paused'
  | 'mediated_only'
  | 'outside_booking_window'
  | 'hub_closed'
  | 'guardian_unavailable'
  | 'no_common_window'
  | 'weekly_cap'
  | 'participants_busy'
  | 'no_station'
  | 'stations_busy';

export type FindSlotsResult =
  | { readonly ok: true; readonly slots: Slot[]; readonly blockedBy: NoSlotsReason | null }
  | { readonly ok: false; readonly code: InputErrorCode; readonly detail: string };

export const DEFAULT_STEP_MINUTES = 15;

/**
 * Every bookable start in [from, to), ascending, each with the first free station.
 * One sweep over sorted arrays: O((R + B) log B + C · S) for B busy intervals, R rules,
 * C aligned candidate starts and S stations; luxon is consulted only to build the two
 * zones' offset timelines.
 */
export function findSlots(input: FindSlotsInput): FindSlotsResult {
  const step = input.stepMinutes ?? DEFAULT_STEP_MINUTES;
  const invalid =
    validateContext(input) ??
    validateDuration(input.durationMinutes) ??
    validateRange(input.from, input.to) ??
    (Number.isInteger(step) && step >= 1 && 1440 % step === 0
      ? null
      : inputError('INVALID_STEP', `stepMinutes must divide 1440 (got ${step})`));
  if (invalid) return { ok: false, ...invalid };

  const empty = (blockedBy: NoSlotsReason): FindSlotsResult => ({ ok: true, slots: [], blockedBy });
  const { hub, guardian, now } = input;
  const planBlock = callPlanBlock(input.callPlan, input.kind);
  if (planBlock === 'CALL_PLAN_PAUSED') return empty('call_plan_paused');
  if (planBlock === 'MEDIATED_ONLY') return empty('mediated_only');

  // Starts may fall in [lo, hi); a slot may then run until spanEnd.
  const lo = Math.max(input.from, now + hub.minimumNoticeMinutes * MINUTE_MS);
  const hi = Math.min(input.to, now + hub.horizonDays * DAY_MS);
  if (lo >= hi) return empty('outside_booking_window');
  const durMs = input.durationMinutes * MINUTE_MS;
  const stepMs = step * MINUTE_MS;
  const spanEnd = hi + durMs;

  const hubTimeline = timelineAround(hub.timeZone, lo, spanEnd);
  const open = expandOnTimeline(indexRules(hub.openingHours), hubTimeline, lo, spanEnd);
  if (open.length === 0) return empty('hub_closed');
  const windows = expandOnTimeline(indexRules(guardian.windows), timelineAround(guardian.timeZone, lo, spanEnd), lo, spanEnd);
  if (windows.length === 0) return empty('guardian_unavailable');
  const common = intersectSorted(open, windows);

  // Candidate starts, aligned in hub-local time: within an offset segment, local
  // alignment is plain modular arithmetic on the instant.
  const starts: number[] = [];
  const localDays: number[] = [];
  const segs = hubTimeline.segments;
  let segIdx = 0;
  for (const free of common) {
    const first = Math.max(free.start, lo);
    const last = Math.min(free.end - durMs, hi - 1);
    if (first > last) continue;
    while (segIdx < segs.length && segs[segIdx].end <= first) segIdx++;
    for (let k = segIdx; k < segs.length && segs[k].start <= last; k++) {
      const o = segs[k].offsetMs;
      const end = Math.min(last, segs[k].end - 1);
      for (let t = Math.ceil((Math.max(first, segs[k].start) + o) / stepMs) * stepMs - o; t <= end; t += stepMs) {
        starts.push(t);
        localDays.push(Math.floor((t + o) / DAY_MS));
      }
    }
  }
  if (starts.length === 0) return empty('no_common_window');

  const window: Interval = { start: lo, end: spanEnd };
  const people = mergeSorted(
    sortedByStart(PARTICIPANTS.flatMap((p) => input.busy[p] ?? []).filter((b) => b.end > window.start && b.start < window.end)),
  );
  const bufferMs = hub.bufferMinutes * MINUTE_MS;
  const stations = input.stations.map((s) => ({ id: s.id, busy: padAndMerge(s.busy, bufferMs, window), next: 0 }));

  const slots: Slot[] = [];
  let afterCap = 0;
  let afterPeople = 0;
  let peopleIdx = 0;
  let cappedDay = NaN;
  let cappedDayIsCapped = false;
  for (let c = 0; c < starts.length; c++) {
    const t = starts[c];
    const tEnd = t + durMs;
    if (localDays[c] !== cappedDay) {
      cappedDay = localDays[c];
      cappedDayIsCapped = weekAtCap(input.callPlan, input.childCallsPerIsoWeek, isoWeekKeyOfDay(cappedDay));
    }
    if (cappedDayIsCapped) continue;
    afterCap++;
    while (peopleIdx < people.length && people[peopleIdx].end <= t) peopleIdx++;
    if (peopleIdx < people.length && people[peopleIdx].start < tEnd) continue;
    afterPeople++;
    for (const station of stations) {
      // Busy lists are merged and candidates ascend, so each pointer only moves forward.
      const busy = station.busy;
      while (station.next < busy.length && busy[station.next].end <= t) station.next++;
      if (station.next < busy.length && busy[station.next].start < tEnd) continue;
      slots.push({ start: t, end: tEnd, stationId: station.id });
      break;
    }
  }
  if (slots.length > 0) return { ok: true, slots, blockedBy: null };
  if (afterCap === 0) return empty('weekly_cap');
  if (afterPeople === 0) return empty('participants_busy');
  return empty(stations.length === 0 ? 'no_station' : 'stations_busy');
}
