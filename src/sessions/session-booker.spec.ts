import type { BookingContext } from '@app/scheduling-core';
import { checkBookable } from '@app/scheduling-core';
import { preferStation, rejectionError, withBooked } from './session-booker';

const H = 3_600_000;
const MONDAY = Date.UTC(2027, 2, 1, 0, 0); // 08:00 in Shanghai
const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));

const context = (overrides: Partial<BookingContext> = {}): BookingContext => ({
  now: MONDAY,
  hub: { timeZone: 'Asia/Shanghai', openingHours: allWeek, bufferMinutes: 10, minimumNoticeMinutes: 0, horizonDays: 28 },
  guardian: { timeZone: 'Asia/Shanghai', windows: allWeek },
  stations: [
    { id: 'a', busy: [] },
    { id: 'b', busy: [] },
  ],
  busy: { child: [], guardian: [], supervisor: [] },
  callPlan: { paused: false, maxCallsPerWeek: null, mediatedOnly: false },
  kind: 'supervised',
  childCallsPerIsoWeek: {},
  ...overrides,
});

describe('session booker helpers', () => {
  it('withBooked makes the next judgement see the call: people, station with its buffer, and the weekly count', () => {
    const call = { start: MONDAY + 2 * H, end: MONDAY + 2.5 * H, stationId: 'a' };
    const ctx = withBooked(context({ callPlan: { paused: false, maxCallsPerWeek: 2, mediatedOnly: false } }), call);
    expect(checkBookable(ctx, call.start + 0.25 * H, call.end + 0.25 * H)).toMatchObject({ ok: false, reason: 'CHILD_BUSY' });
    const others = { ...ctx, busy: { child: [], guardian: [], supervisor: [] } };
    expect(checkBookable(others, call.end, call.end + 0.5 * H, 'a')).toMatchObject({ ok: false, reason: 'STATION_BUSY' });
    expect(checkBookable(others, call.end, call.end + 0.5 * H)).toEqual({ ok: true, stationId: 'b' });
    const third = withBooked(ctx, { start: MONDAY + 30 * H, end: MONDAY + 30.5 * H, stationId: 'b' });
    expect(checkBookable(third, MONDAY + 50 * H, MONDAY + 50.5 * H)).toMatchObject({ ok: false, reason: 'WEEKLY_CAP_REACHED' });
  });

  it('withBooked keeps busy lists sorted', () => {
    const base = context({ busy: { child: [{ start: 10, end: 20 }, { start: 50, end: 60 }], guardian: [], supervisor: [] } });
    expect(withBooked(base, { start: 30, end: 40, stationId: 'a' }).busy.child).toEqual([
      { start: 10, end: 20 },
      { start: 30, end: 40 },
      { start: 50, end: 60 },
    ]);
  });

  it('preferStation tries the given station first', () => {
    expect(preferStation(context(), 'b').stations.map((s) => s.id)).toEqual(['b', 'a']);
    expect(preferStation(context(), 'gone').stations.map((s) => s.id)).toEqual(['a', 'b']);
  });

  it.each([
    ['CHILD_BUSY', 'SLOT_TAKEN', 'child'],
    ['GUARDIAN_BUSY', 'SLOT_TAKEN', 'guardian'],
    ['SUPERVISOR_BUSY', 'SLOT_TAKEN', 'supervisor'],
    ['COUNSELOR_BUSY', 'SLOT_TAKEN', 'counselor'],
    ['STATION_BUSY', 'SLOT_TAKEN', 'station'],
    ['NO_STATION_FREE', 'SLOT_TAKEN', 'station'],
    ['TOO_SOON', 'TOO_SOON', undefined],
    ['WEEKLY_CAP_REACHED', 'WEEKLY_CAP_REACHED', undefined],
    ['STATION_NOT_IN_SERVICE', 'STATION_OUT_OF_SERVICE', undefined],
    ['INVALID_DURATION', 'VALIDATION_FAILED', undefined],
    ['INVALID_SETTINGS', 'INTERNAL', undefined],
  ] as const)('maps %s to %s', (reason, code, resource) => {
    const error = rejectionError(reason, 'the detail', { start: 0, end: 60_000 });
    expect(error.code).toBe(code);
    expect(error.extensions.resource).toBe(resource);
    if (resource) expect(error.extensions.conflict).toEqual({ startsAt: '1970-01-01T00:00:00.000Z', endsAt: '1970-01-01T00:01:00.000Z' });
  });
});
