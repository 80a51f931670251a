import fc from 'fast-check';
import { DateTime } from 'luxon';
import { callPlanBlock, isoWeekKey, isoWeeksOverlapping, SchedulingInputError } from './index';
import { at, DAY, isoWeekOf, utc, ZONES } from './test-fixtures';

describe('call plan helpers', () => {
  it.each([
    { plan: { paused: true, mediatedOnly: true }, kind: 'mediated' as const, block: 'CALL_PLAN_PAUSED' },
    { plan: { paused: false, mediatedOnly: true }, kind: 'supervised' as const, block: 'MEDIATED_ONLY' },
    { plan: { paused: false, mediatedOnly: true }, kind: 'mediated' as const, block: null },
    { plan: { paused: false, mediatedOnly: false }, kind: 'supervised' as const, block: null },
  ])('callPlanBlock($plan, $kind) = $block', ({ plan, kind, block }) => {
    expect(callPlanBlock({ ...plan, maxCallsPerWeek: null }, kind)).toBe(block);
  });

  it.each([
    { instant: at('2026-06-08T00:30'), zone: 'Asia/Shanghai', key: '2026-W24' },
    { instant: at('2026-06-08T00:30'), zone: 'UTC', key: '2026-W23' },
    { instant: utc('2026-12-31T12:00Z'), zone: 'Asia/Shanghai', key: '2026-W53' },
    { instant: utc('2027-01-04T00:00Z'), zone: 'America/New_York', key: '2026-W53' }, // still Sunday there
    { instant: utc('2024-12-30T12:00Z'), zone: 'Asia/Dubai', key: '2025-W01' },
  ])('isoWeekKey in $zone → $key', ({ instant, zone, key }) => {
    expect(isoWeekKey(instant, zone)).toBe(key);
  });

  it('isoWeekKey agrees with luxon across zones and years', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: utc('1999-12-01T00:00Z'), max: utc('2040-01-31T00:00Z') }), (zone, t) => {
        expect(isoWeekKey(t, zone)).toBe(isoWeekOf(t, zone));
      }),
      { numRuns: 500 },
    );
  });

  it('isoWeeksOverlapping gives hub-local week bounds for one counting query', () => {
    const zone = 'Europe/Berlin';
    const weeks = isoWeeksOverlapping(at('2026-03-25T12:00', zone), at('2026-04-01T00:00', zone), zone);
    expect(weeks).toEqual([
      { key: '2026-W13', start: at('2026-03-23T00:00', zone), end: at('2026-03-30T00:00', zone) },
      { key: '2026-W14', start: at('2026-03-30T00:00', zone), end: at('2026-04-06T00:00', zone) },
    ]);
    expect(weeks[0].end - weeks[0].start).toBe(7 * DAY - 3_600_000); // the DST week is an hour short
    expect(DateTime.fromMillis(weeks[1].start, { zone }).weekday).toBe(1);
  });

  it('throws domain errors for bad zones and instants', () => {
    expect(() => isoWeekKey(0, 'Bad/Zone')).toThrow(SchedulingInputError);
    expect(() => isoWeekKey(NaN, 'UTC')).toThrow(SchedulingInputError);
    expect(() => isoWeeksOverlapping(1, 0, 'UTC')).toThrow(SchedulingInputError);
  });
});
