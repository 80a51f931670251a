import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const SAMPLE_MS = 6 * 3_600_000;

/**
 * A formatter of instants as wall-clock 'yyyy-MM-ddTHH:mm' in one zone, exact over [from, to).
 * A search answers up to 500 slots × 4 wall times; a luxon DateTime per time would cost more
 * than the whole search, so the zone's offsets are read once (a fixed 6-hour grid plus bisection
 * to the second at each transition — no zone changes offset twice within 6 hours; the readings
 * are memoised, as the grid makes consecutive searches ask for the same instants) and every
 * conversion after that is integer arithmetic with the date text cached per local day.
 */
export function wallClockFormatter(zone: string, from: number, to: number): (instant: number) => string {
  const offsetAt = memoisedOffset(zone);
  // segments[i] = [start, offsetMs]; each holds until the next one starts.
  const segments: Array<[number, number]> = [];
  let prev = Math.floor(from / SAMPLE_MS) * SAMPLE_MS;
  let prevOffset = offsetAt(prev);
  segments.push([-Infinity, prevOffset]);
  while (prev < to) {
    const next = prev + SAMPLE_MS;
    const offset = offsetAt(next);
    if (offset !== prevOffset) {
      let lo = prev / 1000;
      let hi = next / 1000;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid * 1000) === prevOffset) lo = mid;
        else hi = mid;
      }
      segments.push([hi * 1000, offset]);
      prevOffset = offset;
    }
    prev = next;
  }
  const dates = new Map<number, string>();
  return (instant) => {
    let k = segments.length - 1;
    while (segments[k][0] > instant) k--;
    const local = instant + segments[k][1];
    const day = Math.floor(local / DAY_MS);
    let date = dates.get(day);
    if (date === undefined) dates.set(day, (date = formatDate(day)));
    const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    return `${date}T${TWO_DIGITS[Math.floor(minute / 60)]}:${TWO_DIGITS[minute % 60]}`;
  };
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));
const MEMO_LIMIT = 20_000;
const memo = new Map<string, Map<number, number>>();
let memoSize = 0;

function memoisedOffset(zone: string): (instant: number) => number {
  let cache = memo.get(zone);
  if (!cache) memo.set(zone, (cache = new Map()));
  const zoneCache = cache;
  const iana = IANAZone.create(zone);
  return (instant) => {
    let offset = zoneCache.get(instant);
    if (offset === undefined) {
      offset = Math.round(iana.offset(instant) * MINUTE_MS);
      if (memoSize >= MEMO_LIMIT) {
        for (const m of memo.values()) m.clear();
        memoSize = 0;
      }
      zoneCache.set(instant, offset);
      memoSize++;
    }
    return offset;
  };
}

function formatDate(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]}`;
}
