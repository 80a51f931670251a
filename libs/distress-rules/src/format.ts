/** '23 Nov' in the hub's zone ('23 Nov 2025' when not in the year of `now`). An invalid zone falls back to UTC. */
export function shortDate(instant: number, now: number, zone: string): string {
  const format = formatterFor(zone);
  const date = partsOf(format, instant);
  return date.year === partsOf(format, now).year ? `${date.day} ${date.month}` : `${date.day} ${date.month} ${date.year}`;
}

export function dateList(instants: readonly number[], now: number, zone: string): string {
  return instants.map((t) => shortDate(t, now, zone)).join(', ');
}

/** One decimal, as people read a score: 2.3. */
export function oneDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

// Building an Intl formatter costs far more than using one, so there is one per zone.
// en-US month names: en-GB spells September "Sept".
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (format === undefined) {
    const options: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'short', year: 'numeric' };
    try {
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone });
    } catch {
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
    formatters.set(zone, format);
  }
  return format;
}

function partsOf(format: Intl.DateTimeFormat, instant: number): { day: string; month: string; year: string } {
  const parts = format.formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: get('day'), month: get('month'), year: get('year') };
}
