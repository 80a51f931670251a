/**
 * A half-open span of absolute time [start, end) in epoch milliseconds (UTC).
 * Every instant in this library is an epoch-ms number: cheap to compare, sort and sweep,
 * and exactly what `timestamptz` round-trips to through `Date#getTime()`.
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * A weekly wall-clock rule in its owner's zone (the hub's for opening hours, the
 * guardian's for availability): every ISO `weekday` (Monday = 1 … Sunday = 7) from
 * `startMinute` to `endMinute` after local midnight. `endMinute` 1440 is the next
 * local midnight; a rule crossing midnight is written as two rules.
 */
export interface WeeklyRule {
  readonly weekday: number;
  readonly startMinute: number;
  readonly endMinute: number;
}
