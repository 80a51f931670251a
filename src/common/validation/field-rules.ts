import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsPhoneNumber, IsString, Matches, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';
import { DateTime, IANAZone } from 'luxon';

/** Field rules shared by every DTO, so each field kind is validated one way across the API. */

/**
 * Optional, but when present it must be valid: unlike @IsOptional, `null` is not taken as
 * "absent" (a null would otherwise reach a NOT NULL column and become a 500).
 */
export const Optional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Optional and nullable: `null` clears the field, `undefined` leaves it alone. */
export const Nullable = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

export const NotBlank = (field: string) => Matches(/\S/, { message: `${field} must not be blank` });

/** Surrounding spaces are dropped so "Booth 1 " and "Booth 1" are the same name. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** E.164 as the database checks it: a plus, a country code not starting with 0, 7–15 digits. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

export const PhoneRules = () =>
  applyDecorators(
    IsString(),
    Matches(E164_PATTERN, { message: 'phone must be in E.164 form, e.g. "+8613912345678" (no spaces or dashes)' }),
    IsPhoneNumber(undefined, { message: 'phone must be a valid phone number' }),
  );

export function IsIanaZone(options?: ValidationOptions): PropertyDecorator {
  return custom('isIanaZone', '$property must be an IANA time zone such as "Asia/Shanghai"', (value) => typeof value === 'string' && IANAZone.isValidZone(value), options);
}

/** 'YYYY-MM-DD' that names a real calendar day (2026-02-30 does not). */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return custom('isCalendarDate', '$property must be a real calendar date as YYYY-MM-DD', isCalendarDate, options);
}

export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value, { zone: 'utc' }).isValid;
}

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
  return custom(
    'isIsoInstant',
    `$property must be an ISO 8601 date-time with an offset, e.g. "2026-03-02T19:30:00+08:00" (years ${MIN_YEAR}–${MAX_YEAR})`,
    (value) => parseIsoInstant(value) !== null,
    options,
  );
}

function custom(name: string, message: string, validate: (value: unknown) => boolean, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate },
    });
}
