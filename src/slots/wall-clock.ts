import { timelineAround } from '@app/scheduling-core';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * A formatter of instants as wall-clock 'yyyy-MM-ddTHH:mm' in one zone, exact over [from, to).
 * A search answers up to 500 slots × 4 wall times; a luxon DateTime per time would cost more
 * than the whole search, so the zone's offsets are read once (the slot engine's ZoneTimeline)
 * and every conversion after that is integer arithmetic with the date text cached per local day.
 */
export function wallClockFormatter(zone: string, from: number, to: number): (instant: number) => string {
  const timeline = timelineAround(zone, from, to);
  const dates = new Map<number, string>();
  return (instant) => {
    const local = timeline.toLocal(instant);
    const day = Math.floor(local / DAY_MS);
    let date = dates.get(day);
    if (date === undefined) dates.set(day, (date = formatDate(day)));
    const minute = Math.floor((local - day * DAY_MS) / MINUTE_MS);
    return `${date}T${TWO_DIGITS[Math.floor(minute / 60)]}:${TWO_DIGITS[minute % 60]}`;
  };
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

function formatDate(day: number): string {
  const d = new Date(day * DAY_MS);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${TWO_DIGITS[d.getUTCMonth() + 1]}-${TWO_DIGITS[d.getUTCDate()]}`;
}
