import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { DomainError, FieldError } from './errors/domain-error';

/**
 * Weekly rules (hub opening hours, guardian availability windows) are wall-clock intervals in
 * the owner's zone: ISO weekday 1–7 (Monday = 1) and minutes of the day, end exclusive.
 * The API speaks {weekday, start: "HH:mm", end: "HH:mm"}; the database stores minutes.
 */
export const MINUTES_PER_DAY = 1440;
/** Upper bound on a rule list in one request (7 days × several intervals is plenty). */
export const MAX_WEEKLY_RULES = 50;
export const START_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** An end may also be "24:00": the interval runs to midnight. */
export const END_TIME_PATTERN = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** A rule as the API exchanges it. */
export interface WeeklyRule {
  weekday: number;
  start: string;
  end: string;
}

/** A rule as stored: minutes of the day, `startMinute < endMinute`, end exclusive. */
export interface WeeklyInterval {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export class WeeklyRuleDto implements WeeklyRule {
  @ApiProperty({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 = Monday … 7 = Sunday', example: 1 })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ pattern: START_TIME_PATTERN.source, description: 'Local wall time "HH:mm" (00:00–23:59)', example: '09:00' })
  @IsString()
  @Matches(START_TIME_PATTERN, { message: 'start must be a time "HH:mm" between 00:00 and 23:59' })
  start!: string;

  @ApiProperty({ pattern: END_TIME_PATTERN.source, description: 'Local wall time "HH:mm", exclusive; "24:00" means midnight', example: '17:30' })
  @IsString()
  @Matches(END_TIME_PATTERN, { message: 'end must be a time "HH:mm" between 00:01 and 24:00' })
  end!: string;
}

/** "HH:mm" → minutes of the day, or null when it is not a valid time ("24:00" only as an end). */
export function parseTime(value: string, as: 'start' | 'end'): number | null {
  const pattern = as === 'start' ? START_TIME_PATTERN : END_TIME_PATTERN;
  if (typeof value !== 'string' || !pattern.test(value)) return null;
  return Number(value.slice(0, 2)) * 60 + Number(value.slice(3, 5));
}

/** Minutes of the day (0–1440) → "HH:mm". */
export function formatTime(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > MINUTES_PER_DAY) {
    throw new RangeError(`${minutes} is not a minute of the day`);
  }
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * Checks a whole rule list and converts it to stored intervals, in the input order.
 * Intervals on the same weekday may neither overlap nor touch (09:00–12:00 + 12:00–14:00 must be
 * sent as one 09:00–14:00), so every stored interval is maximal and slot search never has to merge.
 * Throws VALIDATION_FAILED naming each bad element as `<field>[i]`.
 */
export function validateWeeklyRules(rules: readonly WeeklyRule[], field = 'rules'): WeeklyInterval[] {
  const errors: FieldError[] = [];
  const intervals: (WeeklyInterval | null)[] = rules.map((rule, index) => {
    const messages: string[] = [];
    if (!Number.isInteger(rule.weekday) || rule.weekday < 1 || rule.weekday > 7) {
      messages.push('weekday must be an integer from 1 (Monday) to 7 (Sunday)');
    }
    const startMinute = parseTime(rule.start, 'start');
    const endMinute = parseTime(rule.end, 'end');
    if (startMinute === null) messages.push('start must be a time "HH:mm" between 00:00 and 23:59');
    if (endMinute === null) messages.push('end must be a time "HH:mm" between 00:01 and 24:00');
    if (startMinute !== null && endMinute !== null && startMinute >= endMinute) {
      messages.push('start must be before end');
    }
    if (messages.length > 0) {
      errors.push({ field: `${field}[${index}]`, messages });
      return null;
    }
    return { weekday: rule.weekday, startMinute: startMinute as number, endMinute: endMinute as number };
  });

  const byStart = intervals
    .map((interval, index) => ({ interval, index }))
    .filter((entry): entry is { interval: WeeklyInterval; index: number } => entry.interval !== null)
    .sort((a, b) => a.interval.weekday - b.interval.weekday || a.interval.startMinute - b.interval.startMinute || a.index - b.index);
  // `reach` is the interval that ends last among those already seen on this weekday.
  let reach: { interval: WeeklyInterval; index: number } | undefined;
  for (const current of byStart) {
    if (reach && reach.interval.weekday === current.interval.weekday && current.interval.startMinute <= reach.interval.endMinute) {
      const [first, second] = reach.index < current.index ? [reach, current] : [current, reach];
      errors.push({
        field: `${field}[${second.index}]`,
        messages: [`overlaps or touches ${field}[${first.index}] on the same weekday; merge them into one interval`],
      });
    }
    if (!reach || reach.interval.weekday !== current.interval.weekday || current.interval.endMinute > reach.interval.endMinute) {
      reach = current;
    }
  }

  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', 'One or more fields are invalid', { errors });
  }
  return intervals as WeeklyInterval[];
}

/** Stored intervals → API rules, sorted by weekday then start. */
export function toWeeklyRules(intervals: readonly WeeklyInterval[]): WeeklyRule[] {
  return [...intervals]
    .sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute)
    .map((interval) => ({ weekday: interval.weekday, start: formatTime(interval.startMinute), end: formatTime(interval.endMinute) }));
}
