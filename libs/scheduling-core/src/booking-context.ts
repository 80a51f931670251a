import { isInstant } from './calendar';
import { inputError, type InputError } from './errors';
import type { CallKind, CallPlan, WeeklyCallCounts } from './call-plan';
import type { Interval, WeeklyRule } from './types';
import { validateWeeklyRules, validateZone } from './weekly-rules';

/** A hub's scheduling settings (PRODUCT.md → Rules → Booking). */
export interface HubSchedule {
  readonly timeZone: string;
  readonly openingHours: readonly WeeklyRule[];
  /** Free minutes a station needs after a call ends and before the next starts. */
  readonly bufferMinutes: number;
  readonly minimumNoticeMinutes: number;
  /** Calls may start up to this many 24-hour days after `now` (exclusive). */
  readonly horizonDays: number;
}

export interface GuardianAvailability {
  readonly timeZone: string;
  readonly windows: readonly WeeklyRule[];
}

/** An in-service station and its booked (non-cancelled) sessions. */
export interface StationBusy {
  readonly id: string;
  readonly busy: readonly Interval[];
}

/** Booked sessions of each person taking part; only stations carry the buffer. */
export interface ParticipantBusy {
  readonly child: readonly Interval[];
  readonly guardian: readonly Interval[];
  readonly supervisor?: readonly Interval[];
  readonly counselor?: readonly Interval[];
}

/** Everything both `findSlots` and `checkBookable` judge a time against. */
export interface BookingContext {
  /** The injected clock, epoch ms. */
  readonly now: number;
  readonly hub: HubSchedule;
  readonly guardian: GuardianAvailability;
  /** In-service stations in preference order: a slot gets the first free one. */
  readonly stations: readonly StationBusy[];
  readonly busy: ParticipantBusy;
  readonly callPlan: CallPlan;
  readonly kind: CallKind;
  readonly childCallsPerIsoWeek: WeeklyCallCounts;
}

export const MIN_DURATION_MINUTES = 5;
export const MAX_DURATION_MINUTES = 240;
export const MAX_HORIZON_DAYS = 366;

export const PARTICIPANTS = ['child', 'guardian', 'supervisor', 'counselor'] as const;
export type Participant = (typeof PARTICIPANTS)[number];

export function validateContext(ctx: BookingContext): InputError | null {
  if (!isInstant(ctx.now)) return inputError('INVALID_SETTINGS', `now must be epoch milliseconds (got ${ctx.now})`);
  const { hub, guardian, callPlan } = ctx;
  const zoneError = validateZone(hub.timeZone, 'hub.timeZone') ?? validateZone(guardian.timeZone, 'guardian.timeZone');
  if (zoneError) return zoneError;
  const ruleError = validateWeeklyRules(hub.openingHours) ?? validateWeeklyRules(guardian.windows);
  if (ruleError) return ruleError;
  const settings: Array<[string, number, number]> = [
    ['bufferMinutes', hub.bufferMinutes, 24 * 60],
    ['minimumNoticeMinutes', hub.minimumNoticeMinutes, MAX_HORIZON_DAYS * 24 * 60],
    ['horizonDays', hub.horizonDays, MAX_HORIZON_DAYS],
  ];
  for (const [name, value, max] of settings) {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      return inputError('INVALID_SETTINGS', `hub.${name} must be an integer in 0..${max} (got ${value})`);
    }
  }
  if (ctx.kind !== 'supervised' && ctx.kind !== 'mediated') {
    return inputError('INVALID_SETTINGS', `kind must be supervised or mediated (got ${String(ctx.kind)})`);
  }
  const cap = callPlan.maxCallsPerWeek;
  if (typeof callPlan.paused !== 'boolean' || typeof callPlan.mediatedOnly !== 'boolean' || (cap !== null && !(Number.isInteger(cap) && cap >= 0))) {
    return inputError('INVALID_SETTINGS', 'callPlan needs paused and mediatedOnly booleans and maxCallsPerWeek null or an integer >= 0');
  }
  for (const p of PARTICIPANTS) {
    const error = validateIntervals(ctx.busy[p] ?? [], `busy.${p}`);
    if (error) return error;
  }
  for (const s of ctx.stations) {
    const error = validateIntervals(s.busy, `station ${s.id}`);
    if (error) return error;
  }
  return null;
}

export function validateDuration(minutes: number): InputError | null {
  return Number.isInteger(minutes) && minutes >= MIN_DURATION_MINUTES && minutes <= MAX_DURATION_MINUTES
    ? null
    : inputError('INVALID_DURATION', `duration must be a whole number of minutes in ${MIN_DURATION_MINUTES}..${MAX_DURATION_MINUTES} (got ${minutes})`);
}

function validateIntervals(list: readonly Interval[], label: string): InputError | null {
  for (const i of list) {
    if (!Number.isFinite(i.start) || !Number.isFinite(i.end) || i.end < i.start) {
      return inputError('INVALID_INTERVAL', `${label} has an invalid interval ${JSON.stringify(i)}`);
    }
  }
  return null;
}
