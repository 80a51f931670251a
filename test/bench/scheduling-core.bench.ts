import { performance } from 'node:perf_hooks';
import { checkBookable, findSlots, type FindSlotsInput, type Interval } from '@app/scheduling-core';
import { at, context, DAY, EVERY_DAY, MIN, rules } from '../../libs/scheduling-core/src/test-fixtures';

// The pure slot engine alone, in the benchmark's shape (PRODUCT.md: 20 stations, 2,000 booked
// sessions; the API budget is p95 < 20 ms end to end including SQL). `npm run bench:scheduling-core`.
function busyHub(): FindSlotsInput {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const from = at('2026-06-01T00:00');
  const stations = Array.from({ length: 20 }, (_, k) => {
    const busy: Interval[] = [];
    for (let n = 0; n < 100; n++) {
      const dayStart = from + Math.floor(random() * 7) * DAY + 8 * 60 * MIN;
      const start = dayStart + Math.floor(random() * 46) * 15 * MIN;
      busy.push({ start, end: start + 30 * MIN });
    }
    return { id: `station-${k}`, busy };
  });
  return {
    ...context({
      now: from - DAY,
      hub: { openingHours: rules(EVERY_DAY, '08:00', '20:00') },
      guardian: { timeZone: 'Europe/Berlin', windows: rules(EVERY_DAY, '00:00', '24:00') },
      stations,
      busy: { child: stations[0].busy.slice(0, 5), guardian: stations[1].busy.slice(0, 5), supervisor: stations[2].busy.slice(0, 20) },
    }),
    from,
    to: from + 7 * DAY,
    durationMinutes: 30,
  };
}

describe('scheduling-core (pure) benchmark', () => {
  it('searches a week for a hub with 20 stations and 2,000 sessions in well under the budget', () => {
    const input = busyHub();
    const timings: number[] = [];
    let slots = 0;
    for (let warm = 0; warm < 50; warm++) findSlots(input);
    for (let run = 0; run < 200; run++) {
      const t0 = performance.now();
      const result = findSlots(input);
      timings.push(performance.now() - t0);
      if (result.ok) slots = result.slots.length;
    }
    timings.sort((a, b) => a - b);
    const p95 = timings[Math.floor(timings.length * 0.95)];
    console.log(`findSlots over 7 days, 20 stations, 2,000 sessions: p50 ${timings[100].toFixed(3)} ms, p95 ${p95.toFixed(3)} ms, ${slots} slots`);
    expect(slots).toBeGreaterThan(0);
  });

  it('checks a single booking quickly', () => {
    const input = busyHub();
    const found = findSlots(input);
    const { start, end } = found.ok ? found.slots[found.slots.length >> 1] : { start: 0, end: 0 };
    expect(checkBookable(input, start, end).ok).toBe(true);
    const timings: number[] = [];
    for (let run = 0; run < 250; run++) {
      const t0 = performance.now();
      checkBookable(input, start, end);
      timings.push(performance.now() - t0);
    }
    timings.splice(0, 50);
    timings.sort((a, b) => a - b);
    console.log(`checkBookable: p50 ${timings[100].toFixed(3)} ms`);
  });
});
