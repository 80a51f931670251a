import fc from 'fast-check';
import { DateTime } from 'luxon';
import { type BookingContext, checkBookable, findSlots, type FindSlotsInput, type Slot, type WeeklyRule } from './index';
import {
  at,
  BASE_DAYS,
  context,
  coveredThroughout,
  DAY,
  EVERY_DAY,
  HOUR,
  isoWeekOf,
  iv,
  MIN,
  naiveBookable,
  rules,
  utc,
  WEEKDAYS,
  ZONES,
} from './test-fixtures';

function search(ctx: BookingContext, from: number, to: number, durationMinutes: number, stepMinutes?: number) {
  const result = findSlots({ ...ctx, from, to, durationMinutes, stepMinutes });
  if (!result.ok) throw new Error(`unexpected input error ${result.code}: ${result.detail}`);
  return result;
}

const localTimes = (slots: Slot[], zone = 'Asia/Shanghai') =>
  slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat('yyyy-MM-dd HH:mm ZZ'));

describe('findSlots', () => {
  const day = (d: string) => [at(`${d}T00:00`), at(`${d}T00:00`) + DAY] as const;

  it('offers every quarter hour inside opening hours, on the first station', () => {
    const { slots, blockedBy } = search(context(), ...day('2026-06-02'), 30);
    expect(blockedBy).toBeNull();
    expect(slots).toHaveLength(47);
    expect(slots[0]).toEqual({ start: at('2026-06-02T08:00'), end: at('2026-06-02T08:30'), stationId: 's1' });
    expect(slots[46].start).toBe(at('2026-06-02T19:30'));
  });

  it.each([
    { notice: 120, now: '2026-06-02T09:07', first: '2026-06-02T11:15' },
    { notice: 0, now: '2026-06-02T09:07', first: '2026-06-02T09:15' },
    { notice: 0, now: '2026-06-02T09:15', first: '2026-06-02T09:15' },
    { notice: 60, now: '2026-06-02T19:01', first: '2026-06-03T08:00' },
  ])('minimum notice $notice min at $now → first start $first', ({ notice, now, first }) => {
    const ctx = context({ now: at(now), hub: { minimumNoticeMinutes: notice } });
    expect(search(ctx, at('2026-06-02T00:00'), at('2026-06-04T00:00'), 30).slots[0].start).toBe(at(first));
  });

  it('stops before the horizon (start < now + horizonDays)', () => {
    const ctx = context({ now: at('2026-06-01T12:00'), hub: { horizonDays: 1, minimumNoticeMinutes: 0 } });
    const { slots } = search(ctx, at('2026-06-01T00:00'), at('2026-06-05T00:00'), 60);
    expect(slots[slots.length - 1].start).toBe(at('2026-06-02T11:45'));
  });

  it('keeps the buffer around station bookings only, and moves to the next station', () => {
    const booked = iv(at('2026-06-02T10:00'), at('2026-06-02T10:30'));
    const one = context({ stations: [{ id: 's1', busy: [booked] }] });
    const starts = localTimes(search(one, at('2026-06-02T09:00'), at('2026-06-02T11:00'), 30).slots).map((s) => s.slice(11, 16));
    expect(starts).toEqual(['09:00', '09:15', '10:45']);

    const two = context({ stations: [{ id: 's1', busy: [booked] }, { id: 's2', busy: [] }] });
    const slots = search(two, at('2026-06-02T09:15'), at('2026-06-02T10:45'), 30).slots;
    expect(slots.map((s) => s.stationId)).toEqual(['s1', 's2', 's2', 's2', 's2', 's2']);

    const child = context({ busy: { child: [booked] } });
    const childStarts = localTimes(search(child, at('2026-06-02T09:00'), at('2026-06-02T11:00'), 30).slots).map((s) => s.slice(11, 16));
    expect(childStarts).toEqual(['09:00', '09:15', '09:30', '10:30', '10:45']);
  });

  it.each(['child', 'guardian', 'supervisor', 'counselor'] as const)('never overlaps the %s', (who) => {
    const ctx = context({ busy: { [who]: [iv(at('2026-06-02T08:00'), at('2026-06-02T19:00'))] } });
    const { slots } = search(ctx, ...day('2026-06-02'), 60);
    expect(localTimes(slots).map((s) => s.slice(11, 16))).toEqual(['19:00']);
  });

  it('intersects hub hours (Shanghai) with a guardian window in another zone (Dubai lunch = 16:00–17:00 Shanghai)', () => {
    const ctx = context({
      hub: { openingHours: rules(WEEKDAYS, '08:00', '18:00') },
      guardian: { timeZone: 'Asia/Dubai', windows: rules(WEEKDAYS, '12:00', '13:00') },
    });
    const { slots } = search(ctx, at('2026-06-01T00:00'), at('2026-06-08T00:00'), 30);
    expect(localTimes(slots).slice(0, 4)).toEqual([
      '2026-06-01 16:00 +08:00',
      '2026-06-01 16:15 +08:00',
      '2026-06-01 16:30 +08:00',
      '2026-06-02 16:00 +08:00',
    ]);
    expect(slots).toHaveLength(15); // Monday to Friday, three starts each
  });

  describe('DST', () => {
    const sameZone = (zone: string, openingHours: WeeklyRule[], now: string) =>
      context({
        now: at(now, zone),
        hub: { timeZone: zone, openingHours, bufferMinutes: 0 },
        guardian: { timeZone: zone, windows: rules(EVERY_DAY, '00:00', '24:00') },
      });

    it('Berlin spring forward (2026-03-29): 23 hourly slots, no 02:00', () => {
      const zone = 'Europe/Berlin';
      const ctx = sameZone(zone, rules([7], '00:00', '24:00'), '2026-03-20T00:00');
      const { slots } = search(ctx, at('2026-03-29T00:00', zone), at('2026-03-30T00:00', zone), 60, 60);
      const hours = localTimes(slots, zone).map((s) => s.slice(11));
      expect(hours).toHaveLength(23);
      expect(hours.slice(0, 4)).toEqual(['00:00 +01:00', '01:00 +01:00', '03:00 +02:00', '04:00 +02:00']);
    });

    it('Berlin fall back (2026-10-25): 25 hourly slots, 02:00 twice', () => {
      const zone = 'Europe/Berlin';
      const ctx = sameZone(zone, rules([7], '00:00', '24:00'), '2026-10-20T00:00');
      const { slots } = search(ctx, at('2026-10-25T00:00', zone), at('2026-10-26T00:00', zone), 60, 60);
      const hours = localTimes(slots, zone).map((s) => s.slice(11));
      expect(hours).toHaveLength(25);
      expect(hours.slice(1, 5)).toEqual(['01:00 +02:00', '02:00 +02:00', '02:00 +01:00', '03:00 +01:00']);
    });

    it('New York spring forward (2026-03-08): 01:30–03:30 holds one hour-long slot', () => {
      const zone = 'America/New_York';
      const ctx = sameZone(zone, rules([7], '01:30', '03:30'), '2026-03-01T00:00');
      const { slots } = search(ctx, at('2026-03-08T00:00', zone), at('2026-03-09T00:00', zone), 60, 30);
      expect(slots.map((s) => [s.start, s.end])).toEqual([[utc('2026-03-08T06:30Z'), utc('2026-03-08T07:30Z')]]);
    });

    it('New York fall back (2026-11-01): 00:30–02:30 holds three real hours', () => {
      const zone = 'America/New_York';
      const ctx = sameZone(zone, rules([7], '00:30', '02:30'), '2026-10-20T00:00');
      const { slots } = search(ctx, at('2026-11-01T00:00', zone), at('2026-11-02T00:00', zone), 60, 30);
      expect(localTimes(slots, zone).map((s) => s.slice(11))).toEqual([
        '00:30 -04:00',
        '01:00 -04:00',
        '01:30 -04:00',
        '01:00 -05:00',
        '01:30 -05:00',
      ]);
    });

    it('guardian in New York, hub in Shanghai: the window moves an hour in Shanghai time after the US change', () => {
      const ctx = context({
        now: at('2026-03-01T00:00'),
        hub: { openingHours: rules(EVERY_DAY, '07:00', '12:00') },
        guardian: { timeZone: 'America/New_York', windows: rules(EVERY_DAY, '20:00', '21:00') },
      });
      const { slots } = search(ctx, at('2026-03-07T00:00'), at('2026-03-10T00:00'), 60, 60);
      expect(localTimes(slots)).toEqual(['2026-03-07 09:00 +08:00', '2026-03-08 09:00 +08:00', '2026-03-09 08:00 +08:00']);
    });

    it('aligns starts to local quarter hours in a +05:45 zone', () => {
      const zone = 'Asia/Kathmandu';
      const ctx = sameZone(zone, rules(EVERY_DAY, '09:00', '10:00'), '2026-06-01T00:00');
      const { slots } = search(ctx, at('2026-06-03T00:00', zone), at('2026-06-04T00:00', zone), 30, 30);
      expect(slots.map((s) => new Date(s.start).toISOString())).toEqual(['2026-06-03T03:15:00.000Z', '2026-06-03T03:45:00.000Z']);
    });
  });

  describe('call plan', () => {
    it.each([
      { plan: { paused: true }, kind: 'mediated' as const, blockedBy: 'call_plan_paused' },
      { plan: { mediatedOnly: true }, kind: 'supervised' as const, blockedBy: 'mediated_only' },
      { plan: { maxCallsPerWeek: 0 }, kind: 'supervised' as const, blockedBy: 'weekly_cap' },
    ])('$plan with a $kind call → $blockedBy', ({ plan, kind, blockedBy }) => {
      expect(search(context({ callPlan: plan, kind }), ...day('2026-06-02'), 30)).toEqual({ ok: true, slots: [], blockedBy });
    });

    it('mediated-only plans allow mediated calls', () => {
      expect(search(context({ callPlan: { mediatedOnly: true }, kind: 'mediated' }), ...day('2026-06-02'), 30).slots).toHaveLength(47);
    });

    it.each([
      { name: 'a record', counts: { '2026-W23': 2 } },
      { name: 'a Map', counts: new Map([['2026-W23', 2]]) },
    ])('skips ISO weeks of the hub zone at the cap (counts as $name)', ({ counts }) => {
      const ctx = context({
        hub: { openingHours: rules(EVERY_DAY, '00:00', '24:00') },
        callPlan: { maxCallsPerWeek: 2 },
        childCallsPerIsoWeek: counts,
      });
      // Sunday 2026-06-07 is in W23; Monday 00:00 Shanghai is still Sunday in UTC.
      const { slots } = search(ctx, at('2026-06-07T20:00'), at('2026-06-08T02:00'), 60, 60);
      expect(localTimes(slots)).toEqual(['2026-06-08 00:00 +08:00', '2026-06-08 01:00 +08:00']);
      expect(new Date(slots[0].start).toISOString()).toBe('2026-06-07T16:00:00.000Z');
    });
  });

  describe('blockedBy', () => {
    const range = day('2026-06-02');
    it.each([
      { name: 'outside_booking_window', ctx: context({ now: at('2026-06-02T23:00') }) },
      { name: 'outside_booking_window', ctx: context({ hub: { horizonDays: 0 } }) },
      { name: 'hub_closed', ctx: context({ hub: { openingHours: rules([1], '08:00', '20:00') } }) },
      { name: 'guardian_unavailable', ctx: context({ guardian: { windows: [] } }) },
      { name: 'no_common_window', ctx: context({ guardian: { windows: rules(EVERY_DAY, '07:00', '08:20') } }) },
      { name: 'participants_busy', ctx: context({ busy: { guardian: [iv(range[0], range[1])] } }) },
      { name: 'no_station', ctx: context({ stations: [] }) },
      { name: 'stations_busy', ctx: context({ stations: [{ id: 's1', busy: [iv(at('2026-06-02T08:00'), at('2026-06-02T20:00'))] }] }) },
    ])('$name', ({ name, ctx }) => {
      expect(search(ctx, ...range, 30)).toEqual({ ok: true, slots: [], blockedBy: name });
    });
  });

  it.each([
    { name: 'duration too short', input: { durationMinutes: 4 }, code: 'INVALID_DURATION' },
    { name: 'duration too long', input: { durationMinutes: 241 }, code: 'INVALID_DURATION' },
    { name: 'fractional duration', input: { durationMinutes: 30.5 }, code: 'INVALID_DURATION' },
    { name: 'step not dividing a day', input: { stepMinutes: 7 }, code: 'INVALID_STEP' },
    { name: 'empty range', input: { to: at('2026-06-02T00:00') }, code: 'INVALID_RANGE' },
    { name: 'unknown hub zone', input: { hub: { ...context().hub, timeZone: 'Asia/Beijing' } }, code: 'INVALID_TIME_ZONE' },
    { name: 'unknown guardian zone', input: { guardian: { timeZone: '', windows: [] } }, code: 'INVALID_TIME_ZONE' },
    { name: 'bad rule', input: { guardian: { timeZone: 'Asia/Dubai', windows: [{ weekday: 8, startMinute: 0, endMinute: 1 }] } }, code: 'INVALID_RULE' },
    { name: 'negative buffer', input: { hub: { ...context().hub, bufferMinutes: -1 } }, code: 'INVALID_SETTINGS' },
    { name: 'NaN now', input: { now: NaN }, code: 'INVALID_SETTINGS' },
    { name: 'now beyond the Date range', input: { now: 1e20 }, code: 'INVALID_SETTINGS' },
    { name: 'to beyond the Date range', input: { to: 9e15 }, code: 'INVALID_RANGE' },
    { name: 'bad busy interval', input: { busy: { child: [iv(NaN, 0)], guardian: [] } }, code: 'INVALID_INTERVAL' },
    { name: 'bad station interval', input: { stations: [{ id: 'x', busy: [iv(5, 1)] }] }, code: 'INVALID_INTERVAL' },
  ])('reports $name as $code', ({ input, code }) => {
    const full: FindSlotsInput = { ...context(), from: at('2026-06-02T00:00'), to: at('2026-06-03T00:00'), durationMinutes: 30, ...input };
    expect(findSlots(full)).toMatchObject({ ok: false, code });
  });
});

// ---------------------------------------------------------------------------------------
// Properties: findSlots and checkBookable against each other and a brute-force oracle.

const arbRule = (grain: number) =>
  fc
    .record({ weekday: fc.integer({ min: 1, max: 7 }), a: fc.integer({ min: 0, max: 1440 / grain }), b: fc.integer({ min: 0, max: 1440 / grain }) })
    .filter(({ a, b }) => a !== b)
    .map(({ weekday, a, b }): WeeklyRule => ({ weekday, startMinute: Math.min(a, b) * grain, endMinute: Math.max(a, b) * grain }));

/** Mostly rules repeated every day (so DST days are really hit), sometimes sparse or all day. */
const arbRules = (grain: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(arbRule(grain), { minLength: 1, maxLength: 3 }).map((list) => list.flatMap((r) => EVERY_DAY.map((weekday) => ({ ...r, weekday })))) },
    { weight: 2, arbitrary: fc.array(arbRule(grain), { maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constant(rules(EVERY_DAY, '00:00', '24:00')) },
  );

const arbBusy = (max: number) =>
  fc.array(
    fc.record({ at: fc.integer({ min: -6 * HOUR, max: 42 * HOUR }), length: fc.integer({ min: 0, max: 3 * HOUR }) }),
    { maxLength: max },
  );

/** A random booking situation near a DST change; rules on a `grain`-minute grid. */
const arbScenario = (grain: number, maxSpan: number) =>
  fc
    .record({
      hubZone: fc.constantFrom(...ZONES),
      guardianZone: fc.constantFrom(...ZONES),
      opening: arbRules(grain),
      windows: arbRules(grain),
      base: fc.constantFrom(...BASE_DAYS),
      fromOffset: fc.integer({ min: 0, max: 2 * DAY }),
      span: fc.integer({ min: HOUR, max: maxSpan }),
      nowBefore: fc.integer({ min: -3 * HOUR, max: DAY }),
      buffer: fc.integer({ min: 0, max: 30 }),
      notice: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 })),
      horizon: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.constant(0) }),
      child: arbBusy(4),
      guardian: arbBusy(4),
      supervisor: fc.option(arbBusy(3), { nil: undefined }),
      counselor: fc.option(arbBusy(3), { nil: undefined }),
      stations: fc.oneof({ weight: 9, arbitrary: fc.array(arbBusy(6), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant<{ at: number; length: number }[][]>([]) }),
      paused: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
      mediatedOnly: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      mediated: fc.boolean(),
      cap: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null, freq: 1 }),
      counts: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 5, maxLength: 5 }),
    })
    .map((s) => {
      const from = s.base + s.fromOffset;
      const to = from + s.span;
      const toIntervals = (list: { at: number; length: number }[]) => list.map((b) => iv(from + b.at, from + b.at + b.length));
      const counts: Record<string, number> = {};
      for (let k = 0; k < 5; k++) counts[isoWeekOf(from + (k - 1) * 7 * DAY, s.hubZone)] = s.counts[k];
      const ctx: BookingContext = {
        now: from - s.nowBefore,
        hub: { timeZone: s.hubZone, openingHours: s.opening, bufferMinutes: s.buffer, minimumNoticeMinutes: s.notice, horizonDays: s.horizon },
        guardian: { timeZone: s.guardianZone, windows: s.windows },
        stations: s.stations.map((busy, k) => ({ id: `st${k}`, busy: toIntervals(busy) })),
        busy: {
          child: toIntervals(s.child),
          guardian: toIntervals(s.guardian),
          supervisor: s.supervisor && toIntervals(s.supervisor),
          counselor: s.counselor && toIntervals(s.counselor),
        },
        callPlan: { paused: s.paused, maxCallsPerWeek: s.cap, mediatedOnly: s.mediatedOnly },
        kind: s.mediated ? 'mediated' : 'supervised',
        childCallsPerIsoWeek: counts,
      };
      return { ctx, from, to };
    });

describe('findSlots properties', () => {
  it('equals the brute-force oracle on every aligned start, and checkBookable agrees start by start', () => {
    fc.assert(
      fc.property(
        arbScenario(5, 36 * HOUR),
        fc.integer({ min: 1, max: 24 }).map((k) => k * 5),
        fc.constantFrom(15, 30, 60),
        ({ ctx, from, to }, duration, step) => {
          const result = findSlots({ ...ctx, from, to, durationMinutes: duration, stepMinutes: step });
          if (!result.ok) throw new Error(result.detail);
          expect(result.blockedBy === null).toBe(result.slots.length > 0);
          const expected: Slot[] = [];
          // Every zone used has offsets on a 15-minute grid, so aligned local starts sit on it in UTC too.
          for (let t = Math.ceil(from / (15 * MIN)) * 15 * MIN; t < to; t += 15 * MIN) {
            const local = DateTime.fromMillis(t, { zone: ctx.hub.timeZone });
            if ((local.hour * 60 + local.minute) % step !== 0) continue;
            const end = t + duration * MIN;
            const station = naiveBookable(ctx, t, end, 5);
            const checked = checkBookable(ctx, t, end);
            expect(checked.ok ? checked.stationId : null).toBe(station);
            if (station !== null) expected.push({ start: t, end, stationId: station });
          }
          expect(result.slots).toEqual(expected);
          for (const slot of result.slots) expect(checkBookable(ctx, slot.start, slot.end, slot.stationId)).toEqual({ ok: true, stationId: slot.stationId });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('slots never leave hours/windows or touch busy time, respect notice and horizon, and are sorted and aligned (minute-exact rules)', () => {
    fc.assert(
      fc.property(
        arbScenario(1, 3 * DAY),
        fc.integer({ min: 5, max: 240 }),
        fc.constantFrom(5, 10, 15, 20, 30, 60),
        ({ ctx, from, to }, duration, step) => {
          const result = findSlots({ ...ctx, from, to, durationMinutes: duration, stepMinutes: step });
          if (!result.ok) throw new Error(result.detail);
          const { slots } = result;
          const pad = ctx.hub.bufferMinutes * MIN;
          const people = [ctx.busy.child, ctx.busy.guardian, ctx.busy.supervisor ?? [], ctx.busy.counselor ?? []].flat();
          for (let k = 0; k < slots.length; k++) {
            const s = slots[k];
            if (k > 0) expect(s.start).toBeGreaterThan(slots[k - 1].start);
            expect(s.end - s.start).toBe(duration * MIN);
            expect(s.start >= from && s.start < to).toBe(true);
            expect(s.start).toBeGreaterThanOrEqual(ctx.now + ctx.hub.minimumNoticeMinutes * MIN);
            expect(s.start).toBeLessThan(ctx.now + ctx.hub.horizonDays * DAY);
            const local = DateTime.fromMillis(s.start, { zone: ctx.hub.timeZone });
            expect(local.second === 0 && local.millisecond === 0 && (local.hour * 60 + local.minute) % step === 0).toBe(true);
            expect(people.some((b) => b.end > b.start && b.start < s.end && s.start < b.end)).toBe(false);
            const station = ctx.stations.find((st) => st.id === s.stationId);
            expect(station?.busy.some((b) => b.end > b.start && b.start - pad < s.end && s.start < b.end + pad)).toBe(false);
          }
          // The luxon walk is slow: check wall-clock containment minute by minute on a sample.
          for (const s of slots.filter((_, k) => k % Math.ceil(slots.length / 12) === 0)) {
            expect(coveredThroughout(ctx.hub.openingHours, ctx.hub.timeZone, s.start, s.end, 1)).toBe(true);
            expect(coveredThroughout(ctx.guardian.windows, ctx.guardian.timeZone, s.start, s.end, 1)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('weekly cap property', () => {
  it('caps by ISO weeks of the hub zone, whatever the zone and wherever the week boundary falls', () => {
    const mondays = ['2026-03-30T00:00Z', '2026-10-26T00:00Z', '2026-11-02T00:00Z', '2026-12-28T00:00Z', '2027-01-04T00:00Z'].map(utc);
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.constantFrom(...mondays), fc.integer({ min: -30 * HOUR, max: 10 * HOUR }), (zone, monday, offset) => {
        const from = monday + offset;
        const to = from + 24 * HOUR;
        const capped = isoWeekOf(from, zone);
        const ctx = context({
          now: from - DAY,
          hub: { timeZone: zone, openingHours: rules(EVERY_DAY, '00:00', '24:00') },
          guardian: { timeZone: zone },
          callPlan: { maxCallsPerWeek: 1 },
          childCallsPerIsoWeek: { [capped]: 1 },
        });
        const result = search(ctx, from, to, 60, 60);
        for (const s of result.slots) expect(isoWeekOf(s.start, zone)).not.toBe(capped);
        const quarter = 15 * MIN;
        const expectedCount = Array.from({ length: 97 }, (_, q) => Math.ceil(from / quarter) * quarter + q * quarter).filter(
          (t) => t < to && DateTime.fromMillis(t, { zone }).minute === 0 && isoWeekOf(t, zone) !== capped,
        ).length;
        expect(result.slots).toHaveLength(expectedCount);
      }),
      { numRuns: 100 },
    );
  });
});
