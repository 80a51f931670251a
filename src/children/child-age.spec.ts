import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isCalendarDate } from '../common/validation/field-rules';
import { ageOn, todayIn } from './child-age';

const day = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('isCalendarDate', () => {
  it.each(['2020-02-29', '2016-05-01', '2000-12-31', '1999-01-01'])('accepts %s', (value) => {
    expect(isCalendarDate(value)).toBe(true);
  });

  it.each(['2020-02-30', '2021-02-29', '2020-13-01', '2020-00-10', '2020-1-01', '20200101', '2020-01-01T00:00:00Z', '', ' 2020-01-01'])(
    'rejects %j',
    (value) => {
      expect(isCalendarDate(value)).toBe(false);
    },
  );

  it('rejects non-strings', () => {
    for (const value of [20200101, null, undefined, {}, ['2020-01-01']]) expect(isCalendarDate(value)).toBe(false);
  });

  it('accepts every date that a real instant formats to', () => {
    fc.assert(fc.property(day, (value) => isCalendarDate(value)));
  });
});

describe('ageOn', () => {
  it.each([
    ['2016-05-01', '2016-05-01', 0],
    ['2016-05-01', '2017-04-30', 0],
    ['2016-05-01', '2017-05-01', 1],
    ['2008-03-15', '2026-03-14', 17],
    ['2008-03-15', '2026-03-15', 18],
    ['2016-02-29', '2017-02-28', 0],
    ['2016-02-29', '2017-03-01', 1],
    ['2016-02-29', '2020-02-29', 4],
  ])('born %s, on %s → %i', (birth, today, expected) => {
    expect(ageOn(birth, today)).toBe(expected);
  });

  it('agrees with luxon’s calendar difference for birthdays other than 29 February', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [birth, today] = a <= b ? [a, b] : [b, a];
        fc.pre(!birth.endsWith('-02-29'));
        const expected = Math.floor(DateTime.fromISO(today).diff(DateTime.fromISO(birth), 'years').years);
        return ageOn(birth, today) === expected;
      }),
    );
  });

  it('never decreases as time passes', () => {
    fc.assert(
      fc.property(day, day, day, (a, b, c) => {
        const [birth, earlier, later] = [a, b, c].sort();
        return ageOn(birth, earlier) <= ageOn(birth, later);
      }),
    );
  });

  it('is negative for a birth date in the future', () => {
    expect(ageOn('2030-01-02', '2030-01-01')).toBe(-1);
  });
});

describe('todayIn', () => {
  it('takes the date in the given zone', () => {
    const instant = DateTime.fromISO('2026-01-31T17:30:00Z');
    expect(todayIn(instant, 'Asia/Shanghai')).toBe('2026-02-01');
    expect(todayIn(instant, 'America/Los_Angeles')).toBe('2026-01-31');
  });
});
