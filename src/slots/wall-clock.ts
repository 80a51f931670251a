import { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const SAMPLE_MS = 6 * 3_600_000;

/**
 * A formatter of instants as wall-clock 'yyyy-MM-ddTHH:mm' in one zone over [from, to).
 * A search answers up to 500 slots × 4 wall times; a luxon DateTime per time would cost more
 * than the whole search, so the zone's offsets are read once (a 6-hour grid plus bisection to
 * the second at each transition — no zone changes offset twice within 6 hours) and every
 * conversion after that is arithmetic.
 */
export function wallClockFormatter(zone: string, from: number, to: number): (instant: number) => string {
  const iana = IANAZone.create(zone);
  const offsetAt = (t: number) => Math.round(iana.offset(t) * MINUTE_MS);
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
  return (instant) => {
    let k = segments.length - 1;
    while (segments[k][0] > instant) k--;
    return formatLocal(instant + segments[k][1]);
  };
}

function formatLocal(localMs: number): string {
  const d = new Date(localMs);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
