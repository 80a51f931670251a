import { IANAZone } from 'luxon';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './calendar';

/** A stretch of time during which a zone keeps one UTC offset. */
export interface OffsetSegment {
  readonly start: number;
  readonly end: number;
  /** local wall time = instant + offsetMs */
  readonly offsetMs: number;
}

/** How a local wall time maps onto instants: once, not at all (DST gap) or twice (overlap). */
export type LocalTimeResolution =
  | { readonly kind: 'exact'; readonly instant: number }
  | { readonly kind: 'gap'; readonly instant: number }
  | { readonly kind: 'ambiguous'; readonly instant: number; readonly later: number };

const validZones = new Set<string>();

/** True for an IANA zone name the runtime knows (`Asia/Shanghai`, `UTC`, …). */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0 || zone.length > 64) return false;
  if (validZones.has(zone)) return true;
  // Checked before IANAZone.create, which would cache any garbage name forever.
  if (!IANAZone.isValidZone(zone)) return false;
  validZones.add(zone);
  return true;
}

// Offsets are sampled on a fixed 12-hour grid and transitions located by bisection. Every
// zone in tzdb keeps an offset for far longer than 12 h, so no transition pair can hide
// between two samples. The grid is fixed so that consecutive searches ask for the same
// instants, which a small memo then answers without luxon (an offset look-up through Intl
// costs ~7 µs; tz data does not change while the process runs).
const SAMPLE_MS = 12 * HOUR_MS;
const MEMO_LIMIT = 20_000;
const memo = new Map<string, Map<number, number>>();
let memoSize = 0;

function offsetFunction(zone: string): (instant: number) => number {
  let cache = memo.get(zone);
  if (!cache) memo.set(zone, (cache = new Map()));
  const iana = IANAZone.create(zone);
  const zoneCache = cache;
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

/**
 * The UTC offsets of one zone over a range of instants, as contiguous segments.
 * Built with a few dozen luxon offset look-ups (two per day plus ~16 per transition);
 * afterwards every conversion is arithmetic.
 */
export class ZoneTimeline {
  private constructor(
    readonly zone: string,
    readonly segments: readonly OffsetSegment[],
  ) {}

  /** Covers at least [from, to). The zone must have passed `isValidTimeZone`. */
  static build(zone: string, from: number, to: number): ZoneTimeline {
    const offsetAt = offsetFunction(zone);
    const first = Math.floor(from / SAMPLE_MS) * SAMPLE_MS;
    const last = Math.max(first + SAMPLE_MS, Math.ceil(to / SAMPLE_MS) * SAMPLE_MS);
    const segments: OffsetSegment[] = [];
    let segStart = first;
    let segOffset = offsetAt(first);
    let prev = first;
    while (prev < last) {
      const next = prev + SAMPLE_MS;
      const offset = offsetAt(next);
      if (offset !== segOffset) {
        // Offsets change on whole seconds (Intl has second resolution): bisect in seconds.
        let lo = prev / 1000;
        let hi = next / 1000;
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (offsetAt(mid * 1000) === segOffset) lo = mid;
          else hi = mid;
        }
        const transition = hi * 1000;
        segments.push({ start: segStart, end: transition, offsetMs: segOffset });
        segStart = transition;
        segOffset = offsetAt(transition);
      }
      prev = next;
    }
    segments.push({ start: segStart, end: last, offsetMs: segOffset });
    return new ZoneTimeline(zone, segments);
  }

  get start(): number {
    return this.segments[0].start;
  }

  get end(): number {
    return this.segments[this.segments.length - 1].end;
  }

  offsetAt(instant: number): number {
    const segs = this.segments;
    if (instant < segs[0].start || instant >= segs[segs.length - 1].end) {
      return offsetFunction(this.zone)(instant);
    }
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].start <= instant) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo].offsetMs;
  }

  toLocal(instant: number): number {
    return instant + this.offsetAt(instant);
  }

  /**
   * The instant(s) at which the zone's clocks read `localMs`. Gap times are resolved with
   * the offset in force before the gap (RFC 5545 §3.3.5, Temporal's "compatible"): 02:30
   * on a day that jumps 02:00→03:00 becomes 03:30. Ambiguous times return the earlier
   * instant first. `localMs` must lie inside the timeline.
   */
  resolveLocal(localMs: number): LocalTimeResolution {
    const segs = this.segments;
    const hits: number[] = [];
    for (const seg of segs) {
      const t = localMs - seg.offsetMs;
      if (t >= seg.start && t < seg.end) hits.push(t);
    }
    if (hits.length === 1) return { kind: 'exact', instant: hits[0] };
    if (hits.length >= 2) return { kind: 'ambiguous', instant: hits[0], later: hits[hits.length - 1] };
    for (let i = 0; i + 1 < segs.length; i++) {
      const beforeGap = segs[i];
      if (beforeGap.end + beforeGap.offsetMs <= localMs && localMs < segs[i + 1].start + segs[i + 1].offsetMs) {
        return { kind: 'gap', instant: localMs - beforeGap.offsetMs };
      }
    }
    // Outside the built range: fall back to the nearest segment's offset.
    const nearest = localMs - segs[0].offsetMs < segs[0].start ? segs[0] : segs[segs.length - 1];
    return { kind: 'exact', instant: localMs - nearest.offsetMs };
  }
}

/** Timeline padded by a day each side, so local days touching [from, to) are covered. */
export function timelineAround(zone: string, from: number, to: number): ZoneTimeline {
  return ZoneTimeline.build(zone, from - DAY_MS, to + DAY_MS);
}
