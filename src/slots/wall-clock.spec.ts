import fc from 'fast-check';
import { DateTime } from 'luxon';
import { wallClockFormatter } from './wall-clock';

const ZONES = ['Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Asia/Dubai', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago', 'UTC'];
const viaLuxon = (zone: string, instant: number) => DateTime.fromMillis(instant, { zone }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('wallClockFormatter', () => {
  it.each([
    // Berlin spring forward: 01:59 CET is followed by 03:00 CEST.
    ['Europe/Berlin', '2026-03-29T00:59:00Z', '2026-03-29T01:59'],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', '2026-03-29T03:00'],
    // New York fall back: 01:30 happens twice.
    ['America/New_York', '2026-11-01T05:30:00Z', '2026-11-01T01:30'],
    ['America/New_York', '2026-11-01T06:30:00Z', '2026-11-01T01:30'],
    ['Asia/Kathmandu', '2026-03-02T00:00:00Z', '2026-03-02T05:45'],
    ['Asia/Shanghai', '2026-12-31T16:00:00Z', '2027-01-01T00:00'],
  ])('%s at %s reads %s', (zone, iso, expected) => {
    const instant = Date.parse(iso);
    expect(wallClockFormatter(zone, instant - 86_400_000, instant + 86_400_000)(instant)).toBe(expected);
  });

  it('agrees with luxon for every instant of the range, across transitions', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2027-12-01T00:00:00Z') }),
        fc.integer({ min: 1, max: 40 * 86_400_000 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (zone, from, length, points) => {
          const format = wallClockFormatter(zone, from, from + length);
          for (const p of points) {
            const instant = from + Math.floor(p * length / 60_000) * 60_000;
            expect(format(instant)).toBe(viaLuxon(zone, instant));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
