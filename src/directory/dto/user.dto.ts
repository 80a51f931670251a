import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../../common/auth/actor';
import { PageQuery } from '../../common/pagination';
import { EMAIL_PATTERN } from '../../auth/dto/login.dto';
import { MIN_PASSWORD_LENGTH } from '../../auth/password';
import { LOCALES, type Locale } from '../../notifications/templates';
import { NotBlank, Optional, Trim } from '../../common/validation/field-rules';

export const MAX_PASSWORD_LENGTH = 256;
export const MAX_USER_HUBS = 50;

const LowerCase = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value));

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 254, description: 'Stored lower-cased; unique' })
  @LowerCase()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  // IsEmail alone takes quoted local parts ("a b"@x.org) that the sign-in form refuses: such an account could never sign in.
  @Matches(EMAIL_PATTERN, { message: 'email must be an email address without spaces' })
  email!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, writeOnly: true })
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: '李老师' })
  @Trim()
  @IsString()
  @Length(1, 200)
  @NotBlank('displayName')
  displayName!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role!: StaffRole;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    maxItems: MAX_USER_HUBS,
    description: 'hub_staff: exactly one hub; counselor: at least one; admin: none',
  })
  @IsArray()
  @ArrayMaxSize(MAX_USER_HUBS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  hubIds!: string[];

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @Optional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  @NotBlank('displayName')
  displayName?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid', maxItems: MAX_USER_HUBS, description: 'Same rules as on creation, for the user’s role' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_USER_HUBS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  hubIds?: string[];

  @ApiPropertyOptional({ enum: LOCALES })
  @Optional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({ description: 'true blocks sign-in and every existing token at once' })
  @Optional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH, writeOnly: true, description: 'Also lifts a sign-in lock' })
  @Optional()
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH)
  password?: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @Optional()
  @IsIn(STAFF_ROLES)
  role?: StaffRole;

  @ApiPropertyOptional({ format: 'uuid', description: 'Users assigned to this hub' })
  @Optional()
  @IsUUID()
  hubId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Part of the display name or email, case-insensitive' })
  @Optional()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: StaffRole;
  @ApiProperty({ type: [String], format: 'uuid' }) hubIds!: string[];
  @ApiProperty({ enum: LOCALES }) locale!: Locale;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
