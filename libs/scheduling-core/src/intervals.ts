import { MINUTE_MS } from './calendar';
import type { Interval } from './types';

// Public functions accept intervals in any order and return them normalised: sorted by
// start, non-empty, non-overlapping and non-touching ([1,2) and [2,3) become [1,3)).
// The *Sorted helpers assume normalised input and run in one linear sweep.

export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  return mergeSorted(sortedByStart(intervals.filter((i) => i.end > i.start)));
}

export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return intersectSorted(mergeIntervals(a), mergeIntervals(b));
}

/**
 * `a` minus `busy`, each busy interval first widened by `bufferMinutes` on both sides
 * (the gap a station needs before and after a call).
 */
export function subtract(a: readonly Interval[], busy: readonly Interval[], bufferMinutes = 0): Interval[] {
  return subtractSorted(mergeIntervals(a), padAndMerge(busy, bufferMinutes * MINUTE_MS));
}

/** Widens every interval by `padMs` on both sides and normalises the result. */
export function padAndMerge(intervals: readonly Interval[], padMs: number, within?: Interval): Interval[] {
  const padded: Interval[] = [];
  for (const i of intervals) {
    if (i.end <= i.start) continue;
    const start = i.start - padMs;
    const end = i.end + padMs;
    if (within && (end <= within.start || start >= within.end)) continue;
    padded.push({ start, end });
  }
  return mergeSorted(sortedByStart(padded));
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The first interval of `list` (any order) overlapping `target`, if any. */
export function firstOverlap(list: readonly Interval[], target: Interval, padMs = 0): Interval | undefined {
  let found: Interval | undefined;
  for (const i of list) {
    if (i.end > i.start && i.start - padMs < target.end && target.start < i.end + padMs) {
      if (!found || i.start < found.start) found = i;
    }
  }
  return found;
}

/** True when normalised `cover` contains all of `target`. */
export function coversSorted(cover: readonly Interval[], target: Interval): boolean {
  return cover.some((c) => c.start <= target.start && target.end <= c.end);
}

export function mergeSorted(sorted: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const i of sorted) {
    if (i.end <= i.start) continue;
    const last = out[out.length - 1];
    if (last && i.start <= last.end) {
      if (i.end > last.end) out[out.length - 1] = { start: last.start, end: i.end };
    } else {
      out.push({ start: i.start, end: i.end });
    }
  }
  return out;
}

export function intersectSorted(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (start < end) out.push({ start, end });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return out;
}

export function subtractSorted(a: readonly Interval[], busy: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const free of a) {
    let cursor = free.start;
    while (j < busy.length && busy[j].end <= cursor) j++;
    let k = j;
    while (k < busy.length && busy[k].start < free.end) {
      if (busy[k].start > cursor) out.push({ start: cursor, end: busy[k].start });
      cursor = Math.max(cursor, busy[k].end);
      k++;
    }
    if (cursor < free.end) out.push({ start: cursor, end: free.end });
  }
  return out;
}

/** Sorts in place, skipping the sort for input already in order (rows usually come ORDER BY start). */
export function sortedByStart<T extends Interval>(list: T[]): T[] {
  for (let k = 1; k < list.length; k++) {
    if (list[k].start < list[k - 1].start) return list.sort(byStart);
  }
  return list;
}

function byStart(a: Interval, b: Interval): number {
  return a.start - b.start;
}
