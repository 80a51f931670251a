import { Transform } from 'class-transformer';
import { IANAZone } from 'luxon';
import { Matches, registerDecorator, ValidateIf, ValidationOptions } from 'class-validator';

/**
 * Optional, but when present it must be valid: unlike @IsOptional, `null` is not taken as
 * "absent" (a null would otherwise reach a NOT NULL column and become a 500).
 */
export const Optional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

export const NotBlank = (field: string) => Matches(/\S/, { message: `${field} must not be blank` });

/** Surrounding spaces are dropped so "Booth 1 " and "Booth 1" are the same name. */
export const Trim = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export function IsIanaZone(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isIanaZone',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be an IANA time zone such as "Asia/Shanghai"', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && IANAZone.isValidZone(value) },
    });
}
