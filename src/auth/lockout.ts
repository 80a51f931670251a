import { DateTime } from 'luxon';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

/** An account's sign-in state: consecutive failures so far, and the end of a lock if one was set. */
export interface LoginState {
  failures: number;
  lockedUntil?: DateTime;
}

export const isLocked = (state: LoginState, now: DateTime): boolean =>
  state.lockedUntil !== undefined && state.lockedUntil > now;

/** One more failure: the fifth in a row locks the account and starts a fresh count for after the lock. */
export function afterFailure(state: LoginState, now: DateTime): LoginState {
  const failures = state.failures + 1;
  if (failures >= MAX_FAILED_LOGINS) return { failures: 0, lockedUntil: now.plus({ minutes: LOCKOUT_MINUTES }) };
  return { failures, lockedUntil: state.lockedUntil };
}

/**
 * The state an email without an account would have, derived from its recorded failures (failures
 * are recorded only while not locked, like for real accounts). Unknown emails then lock exactly
 * like real ones, so a lockout does not reveal that an account exists.
 */
export function phantomState(failureCount: number, lastFailureAt: DateTime | undefined): LoginState {
  const failures = failureCount % MAX_FAILED_LOGINS;
  if (failureCount === 0 || failures !== 0 || !lastFailureAt) return { failures };
  return { failures, lockedUntil: lastFailureAt.plus({ minutes: LOCKOUT_MINUTES }) };
}

export function retryAfterSeconds(until: DateTime, now: DateTime): number {
  return Math.max(1, Math.ceil(until.diff(now).as('seconds')));
}
