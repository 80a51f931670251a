import fc from 'fast-check';
import { type Interval, intersect, mergeIntervals, overlaps, subtract } from './index';
import { iv, MIN } from './test-fixtures';

describe('interval algebra', () => {
  it.each([
    { name: 'sorts and merges overlapping and touching', input: [iv(5, 8), iv(1, 3), iv(3, 4), iv(7, 9)], out: [iv(1, 4), iv(5, 9)] },
    { name: 'drops empty intervals', input: [iv(2, 2), iv(4, 3), iv(1, 2)], out: [iv(1, 2)] },
    { name: 'keeps contained ones inside', input: [iv(0, 10), iv(2, 3)], out: [iv(0, 10)] },
  ])('mergeIntervals $name', ({ input, out }) => {
    expect(mergeIntervals(input)).toEqual(out);
  });

  it('intersect and subtract', () => {
    expect(intersect([iv(0, 10), iv(20, 30)], [iv(5, 25)])).toEqual([iv(5, 10), iv(20, 25)]);
    expect(subtract([iv(0, 10), iv(20, 30)], [iv(5, 22)])).toEqual([iv(0, 5), iv(22, 30)]);
    expect(subtract([iv(0, 100 * MIN)], [iv(40 * MIN, 50 * MIN)], 10)).toEqual([iv(0, 30 * MIN), iv(60 * MIN, 100 * MIN)]);
    expect(overlaps(iv(0, 5), iv(5, 10))).toBe(false); // half-open: back to back is fine
    expect(overlaps(iv(0, 6), iv(5, 10))).toBe(true);
  });

  // Compare against a bitmap over a small integer universe.
  const arbList = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })).map(([a, b]) => iv(a, b)), { maxLength: 8 });
  const bits = (list: Interval[]) => Array.from({ length: 70 }, (_, t) => list.some((i) => i.start <= t && t < i.end));
  const normalised = (list: Interval[]) => list.every((i, k) => i.start < i.end && (k === 0 || list[k - 1].end < i.start));

  it('property: merge, intersect and subtract agree with pointwise set operations and stay normalised', () => {
    fc.assert(
      fc.property(arbList, arbList, fc.integer({ min: 0, max: 3 }), (a, b, pad) => {
        const [ba, bb] = [bits(a), bits(b)];
        const padded = b.filter((i) => i.end > i.start).map((i) => iv(i.start - pad, i.end + pad));
        const bp = bits(padded);
        for (const [result, expected] of [
          [mergeIntervals(a), ba],
          [intersect(a, b), ba.map((x, t) => x && bb[t])],
          // subtract takes the pad in minutes; scale the universe instead of the pad.
          [subtract(a.map((i) => iv(i.start * MIN, i.end * MIN)), b.map((i) => iv(i.start * MIN, i.end * MIN)), pad).map((i) => iv(i.start / MIN, i.end / MIN)), ba.map((x, t) => x && !bp[t])],
        ] as const) {
          expect(normalised(result)).toBe(true);
          expect(bits(result)).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
