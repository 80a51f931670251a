import { TRANSITION_ERROR_CODES, transition } from '@app/call-lifecycle';
import { ERROR_CODES } from '../common/errors/domain-error';
import { lifecycleError } from './lifecycle-errors';

describe('lifecycleError', () => {
  it.each(TRANSITION_ERROR_CODES)('maps %s to a problem with the agreed status', (code) => {
    const error = lifecycleError({ ok: false, code, currentStatus: 'checked_in', detail: 'the detail' });
    const expected = code === 'INVALID_CONTEXT' ? 500 : code === 'NOT_ALLOWED_FOR_ROLE' ? 403 : ['INVALID_EVENT', 'REASON_REQUIRED'].includes(code) ? 400 : 409;
    expect(error.status).toBe(expected);
    expect(ERROR_CODES[error.code]).toBeDefined();
    if (expected === 409) expect(error.extensions).toEqual({ currentStatus: 'checked_in' });
  });

  it('keeps the lifecycle’s own words for a real refusal', () => {
    const hour = 3_600_000;
    const result = transition('booked', { type: 'check_in' }, {
      role: 'hub_staff',
      now: 0,
      session: { kind: 'supervised', startsAt: hour, endsAt: 2 * hour, assent: null, guardianJoinedAt: null, counselorJoinedAt: null },
    });
    if (result.ok) throw new Error('check-in an hour early must be refused');
    const error = lifecycleError(result);
    expect(error).toMatchObject({ code: 'OUTSIDE_CHECK_IN_WINDOW', extensions: { currentStatus: 'booked' } });
    expect(error.detail).toMatch(/^Check-in is open from 1970-01-01T00:30:00.000Z/);
  });
});
