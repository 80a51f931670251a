import { DateTime } from 'luxon';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Completed years between two calendar dates (`YYYY-MM-DD`). A child born on 29 February
 * gets a year older on 1 March in common years, the usual reading of "completed years".
 */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = parts(birthDate);
  const [ty, tm, td] = parts(today);
  const birthdayPassed = tm > bm || (tm === bm && td >= bd);
  return ty - by - (birthdayPassed ? 0 : 1);
}

/** Today's date (`YYYY-MM-DD`) in a zone, the one that owns the child's record (the hub's). */
export function todayIn(now: DateTime, zone: string): string {
  const local = now.setZone(zone);
  // Hub zones are validated when written; should a bad one slip in, a read falls back to UTC rather than fail.
  return (local.isValid ? local : now.toUTC()).toISODate() as string;
}

function parts(date: string): [number, number, number] {
  const match = ISO_DATE.exec(date);
  if (!match) throw new Error(`Not a YYYY-MM-DD date: ${date}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
