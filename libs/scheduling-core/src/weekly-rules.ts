import { DAY_MS, isInstant, isoWeekdayOfDay, MINUTE_MS, parseHHmm } from './calendar';
import { inputError, type InputError, SchedulingInputError } from './errors';
import { mergeSorted } from './intervals';
import type { Interval, WeeklyRule } from './types';
import { isValidTimeZone, timelineAround, type ZoneTimeline } from './zone';

/**
 * The absolute instants covered by weekly wall-clock `rules` in `zone`, clipped to
 * [from, to), merged and sorted.
 *
 * A rule covers exactly the instants whose local wall-clock time, on a matching weekday,
 * lies in [startMinute, endMinute). So on a spring-forward day the skipped local hour
 * covers nothing (01:30–03:30 in New York on 2026-03-08 is one real hour), and on a
 * fall-back day the repeated hour is covered twice (00:30–02:30 on 2026-11-01 is three
 * real hours, 00:30 EDT → 02:30 EST). Rules that touch or overlap merge, also across
 * midnight (Mon 18:00–24:00 + Tue 00:00–02:00 is one interval).
 *
 * @throws SchedulingInputError for an unknown zone, malformed rules or a bad range.
 */
export function expandWeeklyRules(rules: readonly WeeklyRule[], zone: string, from: number, to: number): Interval[] {
  const error = validateZone(zone, 'zone') ?? validateWeeklyRules(rules) ?? validateRange(from, to, MAX_EXPANSION_MS);
  if (error) throw new SchedulingInputError(error.code, error.detail);
  return expandOnTimeline(indexRules(rules), timelineAround(zone, from, to), from, to);
}

/** The first problem with a rule list, or null when every rule is well-formed. */
export function validateWeeklyRules(rules: readonly WeeklyRule[]): InputError | null {
  if (!Array.isArray(rules)) return inputError('INVALID_RULE', 'rules must be an array');
  for (const [i, r] of rules.entries()) {
    const ok =
      r !== null &&
      typeof r === 'object' &&
      Number.isInteger(r.weekday) &&
      r.weekday >= 1 &&
      r.weekday <= 7 &&
      Number.isInteger(r.startMinute) &&
      Number.isInteger(r.endMinute) &&
      r.startMinute >= 0 &&
      r.endMinute <= 1440 &&
      r.startMinute < r.endMinute;
    if (!ok) {
      return inputError(
        'INVALID_RULE',
        `rule ${i} must have weekday 1..7 and 0 <= startMinute < endMinute <= 1440 (got ${JSON.stringify(r)})`,
      );
    }
  }
  return null;
}

/** A rule from the API's `{weekday, start: "HH:mm", end: "HH:mm"}` ("24:00" = end of day). */
export function parseWeeklyRule(input: { weekday: number; start: string; end: string }): WeeklyRule | InputError {
  const startMinute = typeof input.start === 'string' ? parseHHmm(input.start) : null;
  const endMinute = typeof input.end === 'string' ? parseHHmm(input.end) : null;
  if (startMinute === null || endMinute === null || startMinute === 1440) {
    return inputError('INVALID_RULE', `start and end must be "HH:mm" (got ${input.start}–${input.end})`);
  }
  const rule: WeeklyRule = { weekday: input.weekday, startMinute, endMinute };
  return validateWeeklyRules([rule]) ?? rule;
}

export function isInputError(value: unknown): value is InputError {
  return typeof value === 'object' && value !== null && 'code' in value && 'detail' in value;
}

/** Rules grouped by ISO weekday (index 1..7), each list sorted by start minute. */
export type RulesByWeekday = ReadonlyArray<ReadonlyArray<readonly [number, number]>>;

export function indexRules(rules: readonly WeeklyRule[]): RulesByWeekday {
  const byDay: Array<Array<readonly [number, number]>> = Array.from({ length: 8 }, () => []);
  for (const r of rules) byDay[r.weekday].push([r.startMinute * MINUTE_MS, r.endMinute * MINUTE_MS]);
  for (const list of byDay) list.sort((x, y) => x[0] - y[0]);
  return byDay;
}

/**
 * The core of `expandWeeklyRules`. Within an offset segment, local time = instant + offset
 * is a straight line, so each rule maps to at most one interval per segment and local
 * day; the DST behaviour above falls out without special cases.
 */
export function expandOnTimeline(byDay: RulesByWeekday, timeline: ZoneTimeline, from: number, to: number): Interval[] {
  const out: Interval[] = [];
  for (const seg of timeline.segments) {
    const start = Math.max(seg.start, from);
    const end = Math.min(seg.end, to);
    if (start >= end) continue;
    const o = seg.offsetMs;
    const localStart = start + o;
    const localEnd = end + o;
    for (let day = Math.floor(localStart / DAY_MS); day * DAY_MS < localEnd; day++) {
      const base = day * DAY_MS;
      for (const [a, b] of byDay[isoWeekdayOfDay(day)]) {
        const lo = Math.max(base + a, localStart);
        const hi = Math.min(base + b, localEnd);
        if (lo < hi) out.push({ start: lo - o, end: hi - o });
      }
    }
  }
  // Segments ascend, days ascend and rules are sorted: `out` is already ordered by start.
  return mergeSorted(out);
}

export function validateZone(zone: unknown, label: string): InputError | null {
  return isValidTimeZone(zone) ? null : inputError('INVALID_TIME_ZONE', `${label} is not a known IANA time zone: ${String(zone)}`);
}

/** Longest range `expandWeeklyRules` accepts: a bit over a year. */
export const MAX_EXPANSION_MS = 400 * DAY_MS;

export function validateRange(from: number, to: number, maxSpanMs = Infinity): InputError | null {
  if (!isInstant(from) || !isInstant(to) || from >= to) {
    return inputError('INVALID_RANGE', `from must be before to (got ${from}, ${to})`);
  }
  if (to - from > maxSpanMs) {
    return inputError('INVALID_RANGE', `range longer than ${maxSpanMs / DAY_MS} days`);
  }
  return null;
}
