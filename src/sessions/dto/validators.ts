import { DateTime } from 'luxon';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** 'YYYY-MM-DDTHH:mm[:ss[.fff]]' followed by 'Z' or '±HH:mm': an instant, never a floating local time. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Years an instant in this API may fall in: wide enough for any real use, narrow enough for every zone table and Postgres. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 9000;

/** Parses an ISO 8601 date-time with an explicit offset to epoch ms; null for anything else (2026-02-30, 25:00, no offset, year 0). */
export function parseIsoInstant(value: unknown): number | null {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) return null;
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) return null;
  // Offsets beyond ±18:00 do not exist; luxon accepts them, Postgres would not.
  if (Math.abs(parsed.offset) > 18 * 60) return null;
  if (parsed.year < MIN_YEAR || parsed.year > MAX_YEAR) return null;
  return parsed.toMillis();
}

export function IsIsoInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIsoInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: {
        message: `$property must be an ISO 8601 date-time with an offset, e.g. "2026-03-02T19:30:00+08:00" (years ${MIN_YEAR}–${MAX_YEAR})`,
        ...options,
      },
      validator: { validate: (value: unknown) => parseIsoInstant(value) !== null },
    });
}

/** 'YYYY-MM-DD' that names a real calendar day. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a real date "YYYY-MM-DD"', ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid,
      },
    });
}

/** counselorId belongs to mediated calls: required with kind "mediated", refused with "supervised". */
export function CounselorMatchesKind(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'counselorMatchesKind',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const kind = (args.object as { kind?: unknown }).kind;
          if (kind === 'mediated') return value !== undefined;
          if (kind === 'supervised') return value === undefined;
          return true;
        },
        defaultMessage: (args: ValidationArguments) =>
          (args.object as { kind?: unknown }).kind === 'mediated'
            ? 'counselorId is required for a mediated call (the counselor who mediates)'
            : 'counselorId goes only with kind "mediated"; a supervised call has no counselor',
      },
    });
}

/** A query value that may be given once, repeated (?status=a&status=b) or comma-separated (?status=a,b). */
export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
