import { DAY_MS, formatIsoDate, isInstant, isoWeekdayOfDay, MINUTE_MS, parseHHmm, parseIsoDate } from './calendar';
import { validateDuration } from './booking-context';
import { inputError, type InputError, type InputErrorCode } from './errors';
import { validateZone } from './weekly-rules';
import { ZoneTimeline } from './zone';

export interface WeeklySeriesInput {
  /** ISO weekday, Monday = 1. */
  readonly weekday: number;
  /** Wall-clock start in `zone`, 'HH:mm'. */
  readonly localTime: string;
  /** The hub's zone: the time is held constant there. */
  readonly zone: string;
  /** Give exactly one: the first occurrence starts at or after this instant … */
  readonly from?: number;
  /** … or falls on or after this local date 'YYYY-MM-DD'. */
  readonly firstDate?: string;
  readonly count: number;
  readonly durationMinutes: number;
}

export interface SeriesOccurrence {
  readonly start: number;
  /** start + duration in real time (a call across a DST change still lasts its minutes). */
  readonly end: number;
  /** The local date in `zone`, 'YYYY-MM-DD'. */
  readonly localDate: string;
  /**
   * `exact`: the wall time occurs once; `shifted_forward`: it does not exist that day
   * (spring forward) and was moved later by the gap's length; `ambiguous_earlier`: it
   * occurs twice (fall back) and the first occurrence was taken.
   */
  readonly wallTime: 'exact' | 'shifted_forward' | 'ambiguous_earlier';
}

export type WeeklySeriesResult =
  | { readonly ok: true; readonly occurrences: SeriesOccurrence[] }
  | { readonly ok: false; readonly code: InputErrorCode; readonly detail: string };

export const MAX_SERIES_COUNT = 26;

/**
 * A weekly recurrence that keeps the local wall time across DST changes: every Sunday
 * 19:30 Europe/Berlin is 19:30 local in both winter (18:30Z) and summer (17:30Z).
 * Nonexistent and repeated local times follow RFC 5545 §3.3.5 (and Temporal's
 * "compatible" disambiguation): a time in a spring-forward gap is read with the offset in
 * force before the gap, i.e. moved later by the gap's length (02:30 → 03:30 in New York on
 * 2026-03-08); a time repeated by a fall-back takes the earlier (daylight-time) instant.
 */
export function weeklySeries(input: WeeklySeriesInput): WeeklySeriesResult {
  const minute = typeof input.localTime === 'string' ? parseHHmm(input.localTime) : null;
  const invalid =
    validateZone(input.zone, 'zone') ??
    validateDuration(input.durationMinutes) ??
    (Number.isInteger(input.weekday) && input.weekday >= 1 && input.weekday <= 7
      ? null
      : seriesError(`weekday must be 1..7 (got ${input.weekday})`)) ??
    (minute !== null && minute < 1440 ? null : seriesError(`localTime must be "HH:mm" (got ${input.localTime})`)) ??
    (Number.isInteger(input.count) && input.count >= 1 && input.count <= MAX_SERIES_COUNT
      ? null
      : seriesError(`count must be 1..${MAX_SERIES_COUNT} (got ${input.count})`)) ??
    ((input.from === undefined) === (input.firstDate === undefined)
      ? seriesError('give exactly one of from and firstDate')
      : null);
  if (invalid) return { ok: false, ...invalid };

  let startDay: number;
  if (input.firstDate !== undefined) {
    const day = parseIsoDate(input.firstDate);
    if (day === null) return { ok: false, ...seriesError(`firstDate must be a real date 'YYYY-MM-DD' (got ${input.firstDate})`) };
    startDay = day;
  } else {
    const from = input.from as number;
    if (!isInstant(from)) return { ok: false, ...inputError('INVALID_RANGE', `from must be epoch ms (got ${from})`) };
    startDay = Math.floor(ZoneTimeline.build(input.zone, from, from + 1).toLocal(from) / DAY_MS);
  }
  let firstDay = startDay + ((input.weekday - isoWeekdayOfDay(startDay) + 7) % 7);
  // Local and absolute time differ by under a day, so two days of margin cover every occurrence.
  const timeline = ZoneTimeline.build(input.zone, (firstDay - 2) * DAY_MS, (firstDay + 7 * input.count + 9) * DAY_MS);
  const wallMs = (minute as number) * MINUTE_MS;
  if (input.from !== undefined && timeline.resolveLocal(firstDay * DAY_MS + wallMs).instant < input.from) firstDay += 7;

  const durMs = input.durationMinutes * MINUTE_MS;
  const occurrences: SeriesOccurrence[] = [];
  for (let i = 0; i < input.count; i++) {
    const day = firstDay + 7 * i;
    const resolved = timeline.resolveLocal(day * DAY_MS + wallMs);
    occurrences.push({
      start: resolved.instant,
      end: resolved.instant + durMs,
      localDate: formatIsoDate(day),
      wallTime: resolved.kind === 'gap' ? 'shifted_forward' : resolved.kind === 'ambiguous' ? 'ambiguous_earlier' : 'exact',
    });
  }
  return { ok: true, occurrences };
}

function seriesError(detail: string): InputError {
  return inputError('INVALID_SERIES', detail);
}
