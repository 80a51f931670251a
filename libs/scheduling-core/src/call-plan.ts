import { DAY_MS, isInstant, isoWeekKeyOfDay, mondayOfIsoWeekKey } from './calendar';
import { SchedulingInputError } from './errors';
import type { Interval } from './types';
import { isValidTimeZone, ZoneTimeline, timelineAround } from './zone';

/** The counselor's pacing for one child. */
export interface CallPlan {
  readonly paused: boolean;
  /** Calls allowed per ISO week in the hub's zone; null = no limit. */
  readonly maxCallsPerWeek: number | null;
  readonly mediatedOnly: boolean;
}

export type CallKind = 'supervised' | 'mediated';

/**
 * Non-cancelled sessions of the child per ISO week of the hub's zone, keyed 'YYYY-Www'
 * (build the keys with `isoWeekKey` so they match). Missing weeks count as 0.
 */
export type WeeklyCallCounts = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** Why the plan alone forbids this kind of call, or null when it allows it (cap aside). */
export function callPlanBlock(plan: CallPlan, kind: CallKind): 'CALL_PLAN_PAUSED' | 'MEDIATED_ONLY' | null {
  if (plan.paused) return 'CALL_PLAN_PAUSED';
  if (plan.mediatedOnly && kind !== 'mediated') return 'MEDIATED_ONLY';
  return null;
}

export function callsInWeek(counts: WeeklyCallCounts, key: string): number {
  const n = isReadonlyMap(counts) ? counts.get(key) : Object.hasOwn(counts, key) ? counts[key] : undefined;
  return n ?? 0;
}

/** True when one more call in week `key` would exceed the plan's weekly limit. */
export function weekAtCap(plan: CallPlan, counts: WeeklyCallCounts, key: string): boolean {
  return plan.maxCallsPerWeek !== null && callsInWeek(counts, key) >= plan.maxCallsPerWeek;
}

/** 'YYYY-Www' of the ISO week holding `instant` in `zone`. @throws SchedulingInputError */
export function isoWeekKey(instant: number, zone: string): string {
  assertZone(zone);
  if (!isInstant(instant)) throw new SchedulingInputError('INVALID_RANGE', `not an instant: ${instant}`);
  return isoWeekKeyAt(ZoneTimeline.build(zone, instant, instant + 1), instant);
}

/**
 * The ISO weeks (in `zone`) overlapping [from, to) with their absolute bounds, so a caller
 * can count a child's sessions per week with one query over [first.start, last.end).
 * @throws SchedulingInputError
 */
export function isoWeeksOverlapping(from: number, to: number, zone: string): Array<Interval & { key: string }> {
  assertZone(zone);
  if (!isInstant(from) || !isInstant(to) || from >= to || to - from > 400 * DAY_MS) {
    throw new SchedulingInputError('INVALID_RANGE', `from must be before to, at most 400 days apart`);
  }
  const timeline = timelineAround(zone, from - 7 * DAY_MS, to + 7 * DAY_MS);
  const firstKey = isoWeekKeyAt(timeline, from);
  let monday = mondayOfIsoWeekKey(firstKey) as number;
  const weeks: Array<Interval & { key: string }> = [];
  for (;;) {
    const start = timeline.resolveLocal(monday * DAY_MS).instant;
    if (start >= to) break;
    const end = timeline.resolveLocal((monday + 7) * DAY_MS).instant;
    weeks.push({ key: isoWeekKeyOfDay(monday), start, end });
    monday += 7;
  }
  return weeks;
}

export function isoWeekKeyAt(timeline: ZoneTimeline, instant: number): string {
  return isoWeekKeyOfDay(Math.floor(timeline.toLocal(instant) / DAY_MS));
}

function assertZone(zone: string): void {
  if (!isValidTimeZone(zone)) throw new SchedulingInputError('INVALID_TIME_ZONE', `unknown time zone: ${String(zone)}`);
}

function isReadonlyMap(counts: WeeklyCallCounts): counts is ReadonlyMap<string, number> {
  return counts instanceof Map;
}
