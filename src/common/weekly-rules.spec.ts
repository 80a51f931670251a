import fc from 'fast-check';
import { DomainError, FieldError } from './errors/domain-error';
import { formatTime, parseTime, toWeeklyRules, validateWeeklyRules, WeeklyRule } from './weekly-rules';

function failureOf(rules: WeeklyRule[], field?: string): FieldError[] {
  try {
    validateWeeklyRules(rules, field);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    return (error as DomainError).extensions.errors as FieldError[];
  }
  throw new Error('expected validateWeeklyRules to throw');
}

describe('parseTime', () => {
  it.each([
    ['00:00', 'start', 0],
    ['09:30', 'start', 570],
    ['23:59', 'start', 1439],
    ['23:59', 'end', 1439],
    ['24:00', 'end', 1440],
    ['00:01', 'end', 1],
  ] as const)('%s as %s is %d minutes', (value, as, minutes) => {
    expect(parseTime(value, as)).toBe(minutes);
  });

  it.each([
    ['24:00', 'start'],
    ['25:00', 'end'],
    ['24:01', 'end'],
    ['9:30', 'start'],
    ['09:60', 'start'],
    ['0930', 'start'],
    ['09:30:00', 'end'],
    [' 09:30', 'start'],
    ['', 'end'],
  ] as const)('%j as %s is invalid', (value, as) => {
    expect(parseTime(value, as)).toBeNull();
  });
});

describe('formatTime', () => {
  it.each([
    [0, '00:00'],
    [5, '00:05'],
    [570, '09:30'],
    [1439, '23:59'],
    [1440, '24:00'],
  ])('%d minutes is %s', (minutes, text) => {
    expect(formatTime(minutes)).toBe(text);
  });

  it.each([-1, 1441, 1.5, Number.NaN])('%d is out of range', (minutes) => {
    expect(() => formatTime(minutes)).toThrow(RangeError);
  });

  it('round-trips every minute of the day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1439 }), (minutes) => {
        expect(parseTime(formatTime(minutes), 'start')).toBe(minutes);
        expect(parseTime(formatTime(minutes + 1), 'end')).toBe(minutes + 1);
      }),
    );
  });
});

describe('validateWeeklyRules', () => {
  it('accepts an empty list', () => {
    expect(validateWeeklyRules([])).toEqual([]);
  });

  it('converts valid rules to minutes in input order', () => {
    expect(
      validateWeeklyRules([
        { weekday: 3, start: '13:00', end: '24:00' },
        { weekday: 1, start: '08:00', end: '12:00' },
        { weekday: 1, start: '12:30', end: '17:15' },
        { weekday: 2, start: '00:00', end: '00:01' },
      ]),
    ).toEqual([
      { weekday: 3, startMinute: 780, endMinute: 1440 },
      { weekday: 1, startMinute: 480, endMinute: 720 },
      { weekday: 1, startMinute: 750, endMinute: 1035 },
      { weekday: 2, startMinute: 0, endMinute: 1 },
    ]);
  });

  it('allows the same interval on different weekdays and across midnight', () => {
    expect(
      validateWeeklyRules([
        { weekday: 1, start: '22:00', end: '24:00' },
        { weekday: 2, start: '00:00', end: '02:00' },
        { weekday: 2, start: '22:00', end: '24:00' },
      ]),
    ).toHaveLength(3);
  });

  it.each<[string, WeeklyRule[], string, RegExp]>([
    ['weekday 0', [{ weekday: 0, start: '09:00', end: '10:00' }], 'rules[0]', /weekday/],
    ['weekday 8', [{ weekday: 8, start: '09:00', end: '10:00' }], 'rules[0]', /weekday/],
    ['fractional weekday', [{ weekday: 1.5, start: '09:00', end: '10:00' }], 'rules[0]', /weekday/],
    ['start 25:00', [{ weekday: 1, start: '25:00', end: '26:00' }], 'rules[0]', /start must be a time/],
    ['start 24:00', [{ weekday: 1, start: '24:00', end: '24:00' }], 'rules[0]', /start must be a time/],
    ['end 24:30', [{ weekday: 1, start: '09:00', end: '24:30' }], 'rules[0]', /end must be a time/],
    ['start equals end', [{ weekday: 1, start: '09:00', end: '09:00' }], 'rules[0]', /before end/],
    ['start after end', [{ weekday: 1, start: '17:00', end: '09:00' }], 'rules[0]', /before end/],
    [
      'overlap',
      [
        { weekday: 1, start: '09:00', end: '12:00' },
        { weekday: 2, start: '09:00', end: '12:00' },
        { weekday: 1, start: '11:00', end: '13:00' },
      ],
      'rules[2]',
      /overlaps or touches rules\[0\]/,
    ],
    [
      'overlap listed before the earlier interval',
      [
        { weekday: 5, start: '11:00', end: '13:00' },
        { weekday: 5, start: '09:00', end: '12:00' },
      ],
      'rules[1]',
      /overlaps or touches rules\[0\]/,
    ],
    [
      'touching intervals',
      [
        { weekday: 4, start: '09:00', end: '12:00' },
        { weekday: 4, start: '12:00', end: '14:00' },
      ],
      'rules[1]',
      /touches rules\[0\]/,
    ],
    [
      'exact duplicate',
      [
        { weekday: 7, start: '09:00', end: '12:00' },
        { weekday: 7, start: '09:00', end: '12:00' },
      ],
      'rules[1]',
      /rules\[0\]/,
    ],
    [
      'contained interval',
      [
        { weekday: 7, start: '08:00', end: '18:00' },
        { weekday: 7, start: '09:00', end: '10:00' },
        { weekday: 7, start: '11:00', end: '12:00' },
      ],
      'rules[2]',
      /rules\[0\]/,
    ],
  ])('rejects %s naming %s', (_name, rules, field, message) => {
    const errors = failureOf(rules);
    const named = errors.find((error) => error.field === field);
    expect(named).toBeDefined();
    expect(named?.messages.join(' ')).toMatch(message);
  });

  it('reports every bad element, each under the given field name', () => {
    const errors = failureOf(
      [
        { weekday: 1, start: '09:00', end: '10:00' },
        { weekday: 9, start: '09:00', end: '10:00' },
        { weekday: 1, start: '10:00', end: '09:00' },
      ],
      'windows',
    );
    expect(errors.map((error) => error.field).sort()).toEqual(['windows[1]', 'windows[2]']);
  });

  it('never returns overlapping or touching intervals on one weekday (property)', () => {
    const rule = fc
      .record({
        weekday: fc.integer({ min: 1, max: 7 }),
        start: fc.integer({ min: 0, max: 1439 }),
        length: fc.integer({ min: 1, max: 600 }),
      })
      .map(({ weekday, start, length }) => ({
        weekday,
        start: formatTime(start),
        end: formatTime(Math.min(1440, start + length)),
      }));
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 12 }), (rules) => {
        let intervals;
        try {
          intervals = validateWeeklyRules(rules);
        } catch (error) {
          expect((error as DomainError).code).toBe('VALIDATION_FAILED');
          // a rejection must be justified: some pair on one weekday overlaps or touches
          const parsed = rules.map((r) => ({ weekday: r.weekday, s: parseTime(r.start, 'start')!, e: parseTime(r.end, 'end')! }));
          const clash = parsed.some((a, i) => parsed.some((b, j) => i < j && a.weekday === b.weekday && a.s <= b.e && b.s <= a.e));
          expect(clash).toBe(true);
          return;
        }
        expect(intervals).toHaveLength(rules.length);
        for (let i = 0; i < intervals.length; i++) {
          const a = intervals[i];
          expect(a.startMinute).toBeLessThan(a.endMinute);
          for (let j = i + 1; j < intervals.length; j++) {
            const b = intervals[j];
            if (a.weekday !== b.weekday) continue;
            expect(a.endMinute < b.startMinute || b.endMinute < a.startMinute).toBe(true);
          }
        }
        // formatting the stored form gives back the same set of rules, sorted
        const back = toWeeklyRules(intervals);
        expect([...back].sort(byKey)).toEqual([...rules].sort(byKey));
        expect(back).toEqual([...back].sort((x, y) => x.weekday - y.weekday || x.start.localeCompare(y.start)));
      }),
    );
  });
});

const byKey = (a: WeeklyRule, b: WeeklyRule): number => a.weekday - b.weekday || a.start.localeCompare(b.start);
