// @app/scheduling-core: pure slot computation over weekly rules, zones and bookings.
// Instants are epoch milliseconds (UTC); intervals are half-open [start, end).
export type { Interval, WeeklyRule } from './types';
export { type InputError, type InputErrorCode, INPUT_ERROR_CODES, SchedulingInputError } from './errors';
export { expandWeeklyRules, parseWeeklyRule, validateWeeklyRules, isInputError } from './weekly-rules';
export { mergeIntervals, intersect, subtract, overlaps } from './intervals';
export { isValidTimeZone, timelineAround, type ZoneTimeline } from './zone';
export {
  type CallPlan,
  type CallKind,
  type WeeklyCallCounts,
  callPlanBlock,
  isoWeekKey,
  isoWeeksOverlapping,
} from './call-plan';
export {
  type BookingContext,
  type HubSchedule,
  type GuardianAvailability,
  type StationBusy,
  type ParticipantBusy,
  MIN_DURATION_MINUTES,
  MAX_DURATION_MINUTES,
} from './booking-context';
export { type FindSlotsInput, type FindSlotsResult, type Slot, type NoSlotsReason, DEFAULT_STEP_MINUTES, findSlots } from './slots';
export { type BookableResult, type BookingRejectionCode, checkBookable } from './bookable';
export { type WeeklySeriesInput, type WeeklySeriesResult, type SeriesOccurrence, MAX_SERIES_COUNT, weeklySeries } from './series';
