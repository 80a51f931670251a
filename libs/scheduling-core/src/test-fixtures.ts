// Builders and an independent brute-force oracle for the specs. Not exported by index.ts.
import { DateTime } from 'luxon';
import type { BookingContext } from './booking-context';
import type { Interval, WeeklyRule } from './types';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** Epoch ms of an ISO local time in a zone: at('2026-03-29T02:30', 'Europe/Berlin'). */
export function at(isoLocal: string, zone = 'Asia/Shanghai'): number {
  const dt = DateTime.fromISO(isoLocal, { zone });
  if (!dt.isValid) throw new Error(`bad fixture time ${isoLocal}`);
  return dt.toMillis();
}

export function utc(iso: string): number {
  return at(iso.replace(/Z$/, ''), 'UTC');
}

export function iv(start: number, end: number): Interval {
  return { start, end };
}

/** Rules for the given weekdays, 'HH:mm' times. */
export function rules(weekdays: number[], start: string, end: string): WeeklyRule[] {
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return weekdays.map((weekday) => ({ weekday, startMinute: toMin(start), endMinute: toMin(end) }));
}

export const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
export const WEEKDAYS = [1, 2, 3, 4, 5];

type Partial1<K extends keyof BookingContext> = { [P in K]?: Partial<BookingContext[P]> };
type Overrides = Partial1<'hub' | 'guardian' | 'busy' | 'callPlan'> & Partial<Omit<BookingContext, 'hub' | 'guardian' | 'busy' | 'callPlan'>>;

/** A Shanghai hub open every day 08:00–20:00, no notice/buffer surprises unless overridden. */
export function context(over: Overrides = {}): BookingContext {
  return {
    now: over.now ?? at('2026-06-01T00:00'),
    hub: {
      timeZone: 'Asia/Shanghai',
      openingHours: rules(EVERY_DAY, '08:00', '20:00'),
      bufferMinutes: 10,
      minimumNoticeMinutes: 120,
      horizonDays: 28,
      ...over.hub,
    },
    guardian: { timeZone: 'Asia/Shanghai', windows: rules(EVERY_DAY, '00:00', '24:00'), ...over.guardian },
    stations: over.stations ?? [{ id: 's1', busy: [] }],
    busy: { child: [], guardian: [], ...over.busy },
    callPlan: { paused: false, maxCallsPerWeek: null, mediatedOnly: false, ...over.callPlan },
    kind: over.kind ?? 'supervised',
    childCallsPerIsoWeek: over.childCallsPerIsoWeek ?? {},
  };
}

/** Whether the wall clock at instant t in `zone` falls inside one of `list`. */
export function coveredAt(list: readonly WeeklyRule[], zone: string, t: number): boolean {
  const dt = DateTime.fromMillis(t, { zone });
  const m = dt.hour * 60 + dt.minute;
  return list.some((r) => r.weekday === dt.weekday && r.startMinute <= m && m < r.endMinute);
}

/** Coverage of [s, e) by sampling every `grainMinutes` (exact when all boundaries sit on that grain). */
export function coveredThroughout(list: readonly WeeklyRule[], zone: string, s: number, e: number, grainMinutes: number): boolean {
  for (let t = s; t < e; t += grainMinutes * MIN) if (!coveredAt(list, zone, t)) return false;
  return true;
}

export function isoWeekOf(t: number, zone: string): string {
  const dt = DateTime.fromMillis(t, { zone });
  return `${dt.weekYear}-W${String(dt.weekNumber).padStart(2, '0')}`;
}

const overlap = (a: Interval, s: number, e: number, pad = 0) => a.end > a.start && a.start - pad < e && s < a.end + pad;

/**
 * The booking rules written the slow, obvious way with luxon DateTimes — the oracle the
 * properties compare `findSlots` and `checkBookable` against. Returns the station or null.
 */
export function naiveBookable(ctx: BookingContext, s: number, e: number, grainMinutes: number): string | null {
  const plan = ctx.callPlan;
  if (plan.paused || (plan.mediatedOnly && ctx.kind !== 'mediated')) return null;
  if (s < ctx.now + ctx.hub.minimumNoticeMinutes * MIN || s >= ctx.now + ctx.hub.horizonDays * DAY) return null;
  if (!coveredThroughout(ctx.hub.openingHours, ctx.hub.timeZone, s, e, grainMinutes)) return null;
  if (!coveredThroughout(ctx.guardian.windows, ctx.guardian.timeZone, s, e, grainMinutes)) return null;
  if (plan.maxCallsPerWeek !== null) {
    const counts = ctx.childCallsPerIsoWeek as Record<string, number>;
    if ((counts[isoWeekOf(s, ctx.hub.timeZone)] ?? 0) >= plan.maxCallsPerWeek) return null;
  }
  const people = [ctx.busy.child, ctx.busy.guardian, ctx.busy.supervisor ?? [], ctx.busy.counselor ?? []].flat();
  if (people.some((b) => overlap(b, s, e))) return null;
  const pad = ctx.hub.bufferMinutes * MIN;
  return ctx.stations.find((st) => !st.busy.some((b) => overlap(b, s, e, pad)))?.id ?? null;
}

export const ZONES = [
  'Asia/Shanghai',
  'Europe/Berlin',
  'America/New_York',
  'Asia/Dubai',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'America/Santiago',
] as const;

// Around the 2026 transitions of the zones above, and an ISO-year boundary.
export const BASE_DAYS = [
  '2026-03-06T00:00Z',
  '2026-03-27T00:00Z',
  '2026-10-23T00:00Z',
  '2026-10-30T00:00Z',
  '2026-04-03T00:00Z',
  '2026-09-04T00:00Z',
  '2026-06-14T00:00Z',
  '2026-12-30T00:00Z',
].map(utc);
