import { type BookingContext, type BookingRejectionCode, checkBookable } from './index';
import { at, context, DAY, EVERY_DAY, iv, MIN, rules } from './test-fixtures';

// Tuesday 2026-06-02, Shanghai hub open 08:00–20:00, now = Monday 00:00, 2 h notice.
const start = at('2026-06-02T10:00');
const end = start + 30 * MIN;
const around = iv(at('2026-06-02T10:15'), at('2026-06-02T10:45'));

describe('checkBookable', () => {
  it('accepts a free time on the first free station', () => {
    expect(checkBookable(context(), start, end)).toEqual({ ok: true, stationId: 's1' });
    const two = context({ stations: [{ id: 'a', busy: [around] }, { id: 'b', busy: [] }] });
    expect(checkBookable(two, start, end)).toEqual({ ok: true, stationId: 'b' });
    expect(checkBookable(two, start, end, 'b')).toEqual({ ok: true, stationId: 'b' });
  });

  it('accepts an unaligned walk-in start when notice is 0', () => {
    const now = at('2026-06-02T10:07');
    expect(checkBookable(context({ now, hub: { minimumNoticeMinutes: 0 } }), now, now + 20 * MIN)).toEqual({ ok: true, stationId: 's1' });
  });

  const cases: Array<{ code: BookingRejectionCode; ctx: BookingContext; start?: number; end?: number; stationId?: string }> = [
    { code: 'INVALID_DURATION', ctx: context(), end: start + 4 * MIN },
    { code: 'INVALID_DURATION', ctx: context(), end: start + 241 * MIN },
    { code: 'INVALID_DURATION', ctx: context(), end: start + 30 * MIN + 1 },
    { code: 'INVALID_DURATION', ctx: context(), end: start - 30 * MIN },
    { code: 'INVALID_RANGE', ctx: context(), start: NaN },
    { code: 'INVALID_TIME_ZONE', ctx: context({ hub: { timeZone: 'Europe/Nowhere' } }) },
    { code: 'INVALID_RULE', ctx: context({ hub: { openingHours: [{ weekday: 1, startMinute: 600, endMinute: 500 }] } }) },
    { code: 'INVALID_SETTINGS', ctx: context({ hub: { horizonDays: 1.5 } }) },
    { code: 'INVALID_SETTINGS', ctx: context({ callPlan: { maxCallsPerWeek: -1 } }) },
    { code: 'INVALID_INTERVAL', ctx: context({ busy: { child: [iv(0, Infinity)] } }) },
    { code: 'CALL_PLAN_PAUSED', ctx: context({ callPlan: { paused: true } }) },
    { code: 'MEDIATED_ONLY', ctx: context({ callPlan: { mediatedOnly: true } }) },
    { code: 'TOO_SOON', ctx: context({ now: at('2026-06-02T08:01') }) },
    { code: 'BEYOND_HORIZON', ctx: context({ hub: { horizonDays: 1 } }) },
    { code: 'OUTSIDE_OPENING_HOURS', ctx: context(), start: at('2026-06-02T19:45'), end: at('2026-06-02T20:15') },
    { code: 'OUTSIDE_OPENING_HOURS', ctx: context({ hub: { openingHours: rules([1], '08:00', '20:00') } }) },
    { code: 'OUTSIDE_GUARDIAN_WINDOW', ctx: context({ guardian: { timeZone: 'Asia/Dubai', windows: rules(EVERY_DAY, '06:00', '06:15') } }) },
    { code: 'WEEKLY_CAP_REACHED', ctx: context({ callPlan: { maxCallsPerWeek: 2 }, childCallsPerIsoWeek: { '2026-W23': 2 } }) },
    { code: 'CHILD_BUSY', ctx: context({ busy: { child: [around] } }) },
    { code: 'GUARDIAN_BUSY', ctx: context({ busy: { guardian: [around] } }) },
    { code: 'SUPERVISOR_BUSY', ctx: context({ busy: { supervisor: [around] } }) },
    { code: 'COUNSELOR_BUSY', ctx: context({ kind: 'mediated', busy: { counselor: [around] } }) },
    { code: 'STATION_BUSY', ctx: context({ stations: [{ id: 's1', busy: [iv(end + 5 * MIN, end + 35 * MIN)] }] }), stationId: 's1' },
    { code: 'STATION_NOT_IN_SERVICE', ctx: context(), stationId: 'retired' },
    { code: 'NO_STATION_FREE', ctx: context({ stations: [{ id: 's1', busy: [around] }] }) },
    { code: 'NO_STATION_FREE', ctx: context({ stations: [] }) },
  ];
  it.each(cases)('$code', ({ code, ctx, stationId, ...times }) => {
    const result = checkBookable(ctx, times.start ?? start, times.end ?? end, stationId);
    expect(result).toMatchObject({ ok: false, reason: code });
    if (!result.ok) expect(result.detail.length).toBeGreaterThan(0);
  });

  it('applies the station buffer on both sides, but not to people', () => {
    const before = iv(start - 30 * MIN, start - 10 * MIN); // ends exactly one buffer before
    const after = iv(end + 10 * MIN, end + 40 * MIN); // starts exactly one buffer after
    expect(checkBookable(context({ stations: [{ id: 's1', busy: [before, after] }] }), start, end)).toEqual({ ok: true, stationId: 's1' });
    const tooClose = iv(start - 30 * MIN, start - 9 * MIN);
    expect(checkBookable(context({ stations: [{ id: 's1', busy: [tooClose] }] }), start, end, 's1')).toMatchObject({
      ok: false,
      reason: 'STATION_BUSY',
      conflict: tooClose,
    });
    expect(checkBookable(context({ busy: { child: [iv(start - 30 * MIN, start)] } }), start, end).ok).toBe(true);
  });

  it('names the colliding session', () => {
    const result = checkBookable(context({ busy: { guardian: [iv(start + DAY, start + DAY + MIN), around] } }), start, end);
    expect(result).toMatchObject({ ok: false, reason: 'GUARDIAN_BUSY', conflict: around });
  });

  it('counts the weekly cap in the hub zone: Monday 00:30 Shanghai belongs to the new week', () => {
    const ctx = context({
      now: at('2026-06-01T00:00'),
      hub: { openingHours: rules(EVERY_DAY, '00:00', '24:00'), minimumNoticeMinutes: 0 },
      callPlan: { maxCallsPerWeek: 1 },
      childCallsPerIsoWeek: new Map([['2026-W23', 1]]),
    });
    const monday = at('2026-06-08T00:30'); // 2026-06-07T16:30Z, Sunday (W23) in UTC
    expect(checkBookable(ctx, monday, monday + 30 * MIN).ok).toBe(true);
    const sunday = at('2026-06-07T23:00');
    expect(checkBookable(ctx, sunday, sunday + 30 * MIN)).toMatchObject({ ok: false, reason: 'WEEKLY_CAP_REACHED' });
  });
});
