import fc from 'fast-check';
import { DateTime } from 'luxon';
import { afterFailure, isLocked, LOCKOUT_MINUTES, LoginState, MAX_FAILED_LOGINS, phantomState, retryAfterSeconds } from './lockout';

const start = DateTime.fromISO('2030-03-01T08:00:00Z', { zone: 'utc' });

describe('lockout', () => {
  it('locks on the fifth consecutive failure for 15 minutes and starts a fresh count', () => {
    let state: LoginState = { failures: 0 };
    for (let i = 1; i < MAX_FAILED_LOGINS; i++) {
      state = afterFailure(state, start);
      expect(state).toEqual({ failures: i, lockedUntil: undefined });
    }
    state = afterFailure(state, start);
    expect(state.failures).toBe(0);
    expect(state.lockedUntil?.toISO()).toBe(start.plus({ minutes: LOCKOUT_MINUTES }).toISO());
    expect(isLocked(state, start.plus({ minutes: LOCKOUT_MINUTES - 1 }))).toBe(true);
    expect(isLocked(state, start.plus({ minutes: LOCKOUT_MINUTES }))).toBe(false);
  });

  it('rounds the retry delay up and never answers zero', () => {
    expect(retryAfterSeconds(start.plus({ milliseconds: 1500 }), start)).toBe(2);
    expect(retryAfterSeconds(start, start)).toBe(1);
    expect(retryAfterSeconds(start.plus({ minutes: 15 }), start)).toBe(900);
  });

  // An unknown email must be indistinguishable from an account that keeps failing.
  it('an unknown email answers exactly like a real account under any sequence of failed attempts', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 * 60 }), { maxLength: 40 }), (gapsInSeconds) => {
        let now = start;
        let real: LoginState = { failures: 0 };
        const phantomEvents: DateTime[] = [];
        for (const gap of gapsInSeconds) {
          now = now.plus({ seconds: gap });
          const phantom = phantomState(phantomEvents.length, phantomEvents.at(-1));
          expect(isLocked(phantom, now)).toBe(isLocked(real, now));
          if (isLocked(real, now)) {
            expect(phantom.lockedUntil?.toMillis()).toBe(real.lockedUntil?.toMillis());
            continue;
          }
          real = afterFailure(real, now);
          phantomEvents.push(now);
        }
      }),
    );
  });
});
