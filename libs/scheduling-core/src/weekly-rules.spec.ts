import fc from 'fast-check';
import { expandWeeklyRules, parseWeeklyRule, SchedulingInputError, validateWeeklyRules, type WeeklyRule } from './index';
import { at, BASE_DAYS, coveredAt, DAY, EVERY_DAY, HOUR, MIN, rules, utc, ZONES } from './test-fixtures';

const span = (list: { start: number; end: number }[]) => list.reduce((sum, i) => sum + i.end - i.start, 0);
const isoPairs = (list: { start: number; end: number }[]) =>
  list.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()]);

describe('expandWeeklyRules', () => {
  it.each([
    {
      name: 'New York spring forward: 01:30–03:30 covers only the hour that exists',
      zone: 'America/New_York',
      rule: rules([7], '01:30', '03:30'),
      day: '2026-03-08',
      expected: [['2026-03-08T06:30:00.000Z', '2026-03-08T07:30:00.000Z']],
    },
    {
      name: 'New York fall back: 00:30–02:30 covers the repeated hour twice (3 real hours)',
      zone: 'America/New_York',
      rule: rules([7], '00:30', '02:30'),
      day: '2026-11-01',
      expected: [['2026-11-01T04:30:00.000Z', '2026-11-01T07:30:00.000Z']],
    },
    {
      name: 'New York fall back: a rule inside the repeated hour yields two pieces',
      zone: 'America/New_York',
      rule: rules([7], '01:15', '01:45'),
      day: '2026-11-01',
      expected: [
        ['2026-11-01T05:15:00.000Z', '2026-11-01T05:45:00.000Z'],
        ['2026-11-01T06:15:00.000Z', '2026-11-01T06:45:00.000Z'],
      ],
    },
    {
      name: 'New York spring forward: a rule entirely in the gap covers nothing',
      zone: 'America/New_York',
      rule: rules([7], '02:00', '03:00'),
      day: '2026-03-08',
      expected: [],
    },
    {
      name: 'Berlin spring forward: whole day is 23 hours',
      zone: 'Europe/Berlin',
      rule: rules([7], '00:00', '24:00'),
      day: '2026-03-29',
      expected: [['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']],
    },
    {
      name: 'Berlin fall back: whole day is 25 hours',
      zone: 'Europe/Berlin',
      rule: rules([7], '00:00', '24:00'),
      day: '2026-10-25',
      expected: [['2026-10-24T22:00:00.000Z', '2026-10-25T23:00:00.000Z']],
    },
    {
      name: 'Berlin fall back: 02:00–03:00 lasts two real hours',
      zone: 'Europe/Berlin',
      rule: rules([7], '02:00', '03:00'),
      day: '2026-10-25',
      expected: [['2026-10-25T00:00:00.000Z', '2026-10-25T02:00:00.000Z']],
    },
    {
      name: 'Shanghai (no DST): 08:00–20:00',
      zone: 'Asia/Shanghai',
      rule: rules([1], '08:00', '20:00'),
      day: '2026-03-09',
      expected: [['2026-03-09T00:00:00.000Z', '2026-03-09T12:00:00.000Z']],
    },
    {
      name: 'Dubai (no DST): lunch 12:00–13:00 is 08:00–09:00Z',
      zone: 'Asia/Dubai',
      rule: rules([2], '12:00', '13:00'),
      day: '2026-11-03',
      expected: [['2026-11-03T08:00:00.000Z', '2026-11-03T09:00:00.000Z']],
    },
  ])('$name', ({ zone, rule, day, expected }) => {
    const from = at(`${day}T00:00`, zone) - 6 * HOUR;
    const to = from + DAY + 12 * HOUR;
    expect(isoPairs(expandWeeklyRules(rule, zone, from, to))).toEqual(expected);
  });

  it('a rule ending at 1440 ends at the next local midnight and merges with a rule starting there', () => {
    const zone = 'Europe/Berlin';
    const list = [...rules([1], '18:00', '24:00'), ...rules([2], '00:00', '02:00')];
    const from = at('2026-03-23T00:00', zone);
    expect(expandWeeklyRules(list, zone, from, from + 7 * DAY)).toEqual([
      { start: at('2026-03-23T18:00', zone), end: at('2026-03-24T02:00', zone) },
    ]);
  });

  it('merges overlapping rules and clips to [from, to)', () => {
    const list = [...rules([3], '09:00', '12:00'), ...rules([3], '11:00', '14:00'), ...rules([3], '14:00', '15:00')];
    const from = at('2026-06-03T10:00');
    expect(expandWeeklyRules(list, 'Asia/Shanghai', from, at('2026-06-03T14:30'))).toEqual([
      { start: from, end: at('2026-06-03T14:30') },
    ]);
  });

  it('a fall-back day holds 25 hours of daily 00:00–24:00 in New York, a spring-forward day 23', () => {
    const zone = 'America/New_York';
    const all = rules(EVERY_DAY, '00:00', '24:00').map((r) => ({ ...r, weekday: r.weekday }));
    const onlySunday = all.filter((r) => r.weekday === 7);
    expect(span(expandWeeklyRules(onlySunday, zone, utc('2026-10-31T00:00Z'), utc('2026-11-03T00:00Z')))).toBe(25 * HOUR);
    expect(span(expandWeeklyRules(onlySunday, zone, utc('2026-03-07T00:00Z'), utc('2026-03-10T00:00Z')))).toBe(23 * HOUR);
  });

  it.each([
    { rules: [{ weekday: 0, startMinute: 0, endMinute: 60 }], code: 'INVALID_RULE' },
    { rules: [{ weekday: 1, startMinute: 60, endMinute: 60 }], code: 'INVALID_RULE' },
    { rules: [{ weekday: 1, startMinute: 0, endMinute: 1441 }], code: 'INVALID_RULE' },
    { rules: [{ weekday: 1, startMinute: 0.5, endMinute: 60 }], code: 'INVALID_RULE' },
  ])('rejects malformed rules with $code', ({ rules: bad, code }) => {
    expect(validateWeeklyRules(bad)?.code).toBe(code);
    expect(() => expandWeeklyRules(bad, 'Asia/Shanghai', 0, DAY)).toThrow(SchedulingInputError);
  });

  it('rejects unknown zones and bad ranges with a domain error, not a luxon exception', () => {
    const catchCode = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof SchedulingInputError ? e.code : 'OTHER';
      }
      return 'NONE';
    };
    expect(catchCode(() => expandWeeklyRules([], 'Mars/Olympus', 0, DAY))).toBe('INVALID_TIME_ZONE');
    expect(catchCode(() => expandWeeklyRules([], 'Asia/Shanghai', DAY, 0))).toBe('INVALID_RANGE');
    expect(catchCode(() => expandWeeklyRules([], 'Asia/Shanghai', 0, NaN))).toBe('INVALID_RANGE');
    expect(catchCode(() => expandWeeklyRules([], 'Asia/Shanghai', 0, 1000 * DAY))).toBe('INVALID_RANGE');
  });

  it('parses the API form "HH:mm" with 24:00 as end of day', () => {
    expect(parseWeeklyRule({ weekday: 1, start: '08:30', end: '24:00' })).toEqual({ weekday: 1, startMinute: 510, endMinute: 1440 });
    expect(parseWeeklyRule({ weekday: 1, start: '24:00', end: '24:00' })).toMatchObject({ code: 'INVALID_RULE' });
    expect(parseWeeklyRule({ weekday: 1, start: '9:00', end: '10:00' })).toMatchObject({ code: 'INVALID_RULE' });
    expect(parseWeeklyRule({ weekday: 8, start: '09:00', end: '10:00' })).toMatchObject({ code: 'INVALID_RULE' });
    expect(parseWeeklyRule({ weekday: 1, start: '10:00', end: '09:00' })).toMatchObject({ code: 'INVALID_RULE' });
  });
});

const arbRule = (grain: number): fc.Arbitrary<WeeklyRule> =>
  fc
    .record({ weekday: fc.integer({ min: 1, max: 7 }), a: fc.integer({ min: 0, max: 1440 / grain }), b: fc.integer({ min: 0, max: 1440 / grain }) })
    .filter(({ a, b }) => a !== b)
    .map(({ weekday, a, b }) => ({ weekday, startMinute: Math.min(a, b) * grain, endMinute: Math.max(a, b) * grain }));

/** A few rules, sometimes repeated for every weekday so that DST days are really hit. */
const arbRules = (grain: number): fc.Arbitrary<WeeklyRule[]> =>
  fc.oneof(
    fc.array(arbRule(grain), { maxLength: 6 }),
    fc.array(arbRule(grain), { minLength: 1, maxLength: 3 }).map((list) => list.flatMap((r) => EVERY_DAY.map((weekday) => ({ ...r, weekday })))),
  );

describe('expandWeeklyRules properties', () => {
  it('covers exactly the instants whose local wall time a rule holds (minute-exact, vs luxon)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        arbRules(1),
        fc.constantFrom(...BASE_DAYS),
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.integer({ min: 1, max: 2 * DAY }),
        (zone, list, base, offset, length) => {
          const from = base + offset;
          const to = from + length;
          const out = expandWeeklyRules(list, zone, from, to);
          for (let k = 1; k < out.length; k++) expect(out[k].start).toBeGreaterThan(out[k - 1].end);
          const inside = (t: number) => out.some((i) => i.start <= t && t < i.end);
          // Boundaries sit on whole minutes (or at from/to): sampling each minute is exact.
          for (let t = Math.ceil(from / MIN) * MIN; t < to; t += MIN) {
            if (inside(t) !== coveredAt(list, zone, t)) {
              throw new Error(`${zone} ${new Date(t).toISOString()}: lib ${inside(t)}`);
            }
          }
          for (const i of out) expect(i.start >= from && i.end <= to).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});
