import fc from 'fast-check';
import { DateTime } from 'luxon';
import { weeklySeries, type WeeklySeriesInput } from './index';
import { at, DAY, MIN, utc, ZONES } from './test-fixtures';

const ok = (input: WeeklySeriesInput) => {
  const result = weeklySeries(input);
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.occurrences;
};
const local = (t: number, zone: string) => DateTime.fromMillis(t, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ');

describe('weeklySeries', () => {
  it('every Sunday 19:30 Europe/Berlin stays 19:30 local across the March and October changes', () => {
    const zone = 'Europe/Berlin';
    const spring = ok({ weekday: 7, localTime: '19:30', zone, firstDate: '2026-03-22', count: 3, durationMinutes: 45 });
    expect(spring.map((o) => local(o.start, zone))).toEqual(['2026-03-22 19:30 +01:00', '2026-03-29 19:30 +02:00', '2026-04-05 19:30 +02:00']);
    expect(spring.map((o) => new Date(o.start).toISOString().slice(11, 16))).toEqual(['18:30', '17:30', '17:30']);
    expect(spring.every((o) => o.end - o.start === 45 * MIN && o.wallTime === 'exact')).toBe(true);
    const autumn = ok({ weekday: 7, localTime: '19:30', zone, firstDate: '2026-10-18', count: 2, durationMinutes: 45 });
    expect(autumn.map((o) => local(o.start, zone))).toEqual(['2026-10-18 19:30 +02:00', '2026-10-25 19:30 +01:00']);
  });

  it('moves a time inside the spring-forward gap later by the gap (02:30 → 03:30), and flags it', () => {
    const zone = 'America/New_York';
    const [gap, next] = ok({ weekday: 7, localTime: '02:30', zone, firstDate: '2026-03-08', count: 2, durationMinutes: 30 });
    expect(new Date(gap.start).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(local(gap.start, zone)).toBe('2026-03-08 03:30 -04:00');
    expect(gap.wallTime).toBe('shifted_forward');
    expect(local(next.start, zone)).toBe('2026-03-15 02:30 -04:00');
    expect(next.wallTime).toBe('exact');
  });

  it('takes the earlier instant for a time repeated by the fall-back', () => {
    const zone = 'America/New_York';
    const [o] = ok({ weekday: 7, localTime: '01:30', zone, firstDate: '2026-11-01', count: 1, durationMinutes: 60 });
    expect(local(o.start, zone)).toBe('2026-11-01 01:30 -04:00');
    expect(o.wallTime).toBe('ambiguous_earlier');
    expect(o.end - o.start).toBe(60 * MIN); // real minutes: ends 01:30 EST
  });

  it('starts on the first matching weekday on or after firstDate, or at or after `from`', () => {
    const zone = 'Asia/Shanghai';
    const byDate = ok({ weekday: 3, localTime: '18:00', zone, firstDate: '2026-06-04', count: 2, durationMinutes: 30 });
    expect(byDate.map((o) => o.localDate)).toEqual(['2026-06-10', '2026-06-17']);
    const sameDay = ok({ weekday: 3, localTime: '18:00', zone, from: at('2026-06-10T17:59'), count: 1, durationMinutes: 30 });
    expect(sameDay[0].start).toBe(at('2026-06-10T18:00'));
    const justAfter = ok({ weekday: 3, localTime: '18:00', zone, from: at('2026-06-10T18:01'), count: 1, durationMinutes: 30 });
    expect(justAfter[0].localDate).toBe('2026-06-17');
    // `from` is read in the series' zone: Tuesday 20:00Z is already Wednesday in Shanghai.
    const shanghaiWednesday = ok({ weekday: 3, localTime: '18:00', zone, from: utc('2026-06-09T20:00Z'), count: 1, durationMinutes: 30 });
    expect(shanghaiWednesday[0].localDate).toBe('2026-06-10');
  });

  it.each([
    { patch: { count: 0 }, code: 'INVALID_SERIES' },
    { patch: { count: 27 }, code: 'INVALID_SERIES' },
    { patch: { weekday: 0 }, code: 'INVALID_SERIES' },
    { patch: { localTime: '24:00' }, code: 'INVALID_SERIES' },
    { patch: { localTime: '7:30' }, code: 'INVALID_SERIES' },
    { patch: { firstDate: '2026-02-30' }, code: 'INVALID_SERIES' },
    { patch: { from: 0 }, code: 'INVALID_SERIES' }, // both from and firstDate
    { patch: { firstDate: undefined }, code: 'INVALID_SERIES' }, // neither
    { patch: { firstDate: undefined, from: NaN }, code: 'INVALID_RANGE' },
    { patch: { zone: 'Nowhere/Town' }, code: 'INVALID_TIME_ZONE' },
    { patch: { durationMinutes: 300 }, code: 'INVALID_DURATION' },
  ])('rejects $patch with $code', ({ patch, code }) => {
    const input = { weekday: 7, localTime: '19:30', zone: 'Europe/Berlin', firstDate: '2026-03-22', count: 8, durationMinutes: 30, ...patch };
    expect(weeklySeries(input)).toMatchObject({ ok: false, code });
  });

  it('property: occurrences fall on the weekday, one local week apart, at the wall time unless it does not exist', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 1, max: 26 }),
        (zone, weekday, minute, dayOffset, count) => {
          const localTime = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
          const from = utc('2026-01-01T00:00Z') + dayOffset * DAY;
          const occurrences = ok({ weekday, localTime, zone, from, count, durationMinutes: 30 });
          expect(occurrences).toHaveLength(count);
          expect(occurrences[0].start).toBeGreaterThanOrEqual(from);
          expect(occurrences[0].start - from).toBeLessThan(8 * DAY);
          occurrences.forEach((o, k) => {
            const dt = DateTime.fromMillis(o.start, { zone });
            if (k > 0) expect(DateTime.fromISO(o.localDate).diff(DateTime.fromISO(occurrences[k - 1].localDate), 'days').days).toBe(7);
            if (o.wallTime === 'shifted_forward') {
              // The wall time does not exist that day; luxon applies the same rule.
              const luxonGuess = DateTime.fromISO(`${o.localDate}T${localTime}`, { zone });
              expect(luxonGuess.toFormat('HH:mm')).not.toBe(localTime);
              expect(o.start).toBe(luxonGuess.toMillis());
            } else {
              expect(dt.toISODate()).toBe(o.localDate);
              expect(dt.weekday).toBe(weekday);
              expect(dt.toFormat('HH:mm')).toBe(localTime);
              if (o.wallTime === 'ambiguous_earlier') expect(dt.minus({ hours: 1 }).offset).toBe(dt.offset);
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
