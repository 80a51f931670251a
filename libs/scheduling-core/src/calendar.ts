// Calendar arithmetic on "local epoch" numbers: a local wall-clock time expressed as if
// it were UTC (local midnight of 1970-01-01 = 0). Pure integer maths so that the inner
// loops of the slot search never construct a luxon DateTime.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** ECMAScript's Date range is ±8.64e15 ms; keep a year of margin for padding and zones. */
const MAX_INSTANT = 8.64e15 - 400 * DAY_MS;

/** A finite epoch-ms value that Intl (and so luxon) can still place in a zone. */
export function isInstant(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_INSTANT;
}

/** ISO weekday (Monday = 1 … Sunday = 7) of a local day number (days since 1970-01-01). */
export function isoWeekdayOfDay(day: number): number {
  // 1970-01-01 was a Thursday (ISO 4).
  return (((day + 3) % 7) + 7) % 7 + 1;
}

/** Local day number of a local-epoch millisecond value. */
export function dayOfLocal(localMs: number): number {
  return Math.floor(localMs / DAY_MS);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 'YYYY-Www' of the ISO week containing a local day number. */
export function isoWeekKeyOfDay(day: number): string {
  const thursday = day - isoWeekdayOfDay(day) + 4;
  const year = civilFromDays(thursday).year;
  const week = Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
  return `${pad(year, 4)}-W${pad(week, 2)}`;
}

/** Local day number of the Monday starting an ISO week 'YYYY-Www', or null if malformed. */
export function mondayOfIsoWeekKey(key: string): number | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  // Week 1 is the week holding January 4th.
  const jan4 = daysFromCivil(year, 1, 4);
  const monday = jan4 - isoWeekdayOfDay(jan4) + 1 + (week - 1) * 7;
  if (week < 1 || isoWeekKeyOfDay(monday) !== key) return null;
  return monday;
}

/** Local day number of 'YYYY-MM-DD', or null for a malformed or impossible date. */
export function parseIsoDate(text: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const days = daysFromCivil(year, month, day);
  const back = civilFromDays(days);
  return back.year === year && back.month === month && back.day === day ? days : null;
}

export function formatIsoDate(day: number): string {
  const { year, month, day: d } = civilFromDays(day);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(d, 2)}`;
}

/** Minutes since midnight of 'HH:mm' (24:00 allowed, meaning end of day), or null. */
export function parseHHmm(text: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59) return null;
  if (hours === 24 && minutes === 0) return 1440;
  if (hours > 23) return null;
  return hours * 60 + minutes;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
