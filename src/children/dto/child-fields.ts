import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsPhoneNumber, IsString, Length, Matches, registerDecorator, ValidateIf } from 'class-validator';
import { isCalendarDate } from '../child-age';

/** E.164 as the database checks it: a plus, a country code not starting with 0, 7–15 digits. */
export const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/** Optional, but `null` is not "absent" (unlike @IsOptional): a present value must be valid. */
export const Optional = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** Optional and nullable: `null` clears the field, `undefined` leaves it alone. */
export const Nullable = () => ValidateIf((_object: object, value: unknown) => value !== undefined && value !== null);

export const NotBlank = (field: string) => Matches(/\S/, { message: `${field} must not be blank` });

export const DisplayNameRules = () => applyDecorators(IsString(), Length(1, 200), NotBlank('displayName'));

/** A `YYYY-MM-DD` day that exists; "not in the future" and "under 18" need the clock and are checked by the service. */
export function IsCalendarDate(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be a real calendar date as YYYY-MM-DD' },
      validator: { validate: (value: unknown) => isCalendarDate(value) },
    });
}

export class CaregiverDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: '李秀英' })
  @IsString()
  @Length(1, 200)
  @NotBlank('name')
  name!: string;

  @ApiProperty({ minLength: 1, maxLength: 100, example: 'grandmother', description: 'How the caregiver is related to the child (free text)' })
  @IsString()
  @Length(1, 100)
  @NotBlank('relation')
  relation!: string;

  @ApiProperty({ example: '+8613912345678', description: 'E.164, no spaces' })
  @IsString()
  @Matches(E164_PATTERN, { message: 'phone must be in E.164 form, e.g. "+8613912345678" (no spaces or dashes)' })
  @IsPhoneNumber(undefined, { message: 'phone must be a valid phone number' })
  phone!: string;
}
