import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STAFF_ROLES } from '../../common/auth/actor';
import type { Role, StaffRole } from '../../common/auth/actor';
import { LOCALES } from '../../notifications/templates';
import type { Locale } from '../../notifications/templates';

export class SignedInUserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'staff@example.org' })
  email!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  role!: StaffRole;

  @ApiProperty({ example: 'Li Wei' })
  displayName!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Hubs the user works in; empty for admins (they see every hub)' })
  hubIds!: string[];
}

export class LoginResponseDto {
  @ApiProperty({ description: 'Send as "Authorization: Bearer <token>"' })
  accessToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: SignedInUserDto })
  user!: SignedInUserDto;
}

export class OtpRequestedDto {
  @ApiProperty({ enum: ['sent'], description: 'Given whether or not the phone belongs to a guardian' })
  status!: 'sent';

  @ApiProperty({ example: 300 })
  expiresInSeconds!: number;
}

export class SignedInGuardianDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '王芳' })
  displayName!: string;

  @ApiProperty({ example: '+8613912345678' })
  phone!: string;

  @ApiProperty({ example: 'Asia/Shanghai' })
  timeZone!: string;

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;
}

export class OtpLoginResponseDto {
  @ApiProperty({ description: 'Send as "Authorization: Bearer <token>"' })
  accessToken!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;

  @ApiProperty({ type: SignedInGuardianDto })
  guardian!: SignedInGuardianDto;
}

export class MeDto {
  @ApiProperty({ enum: ['user', 'guardian'] })
  type!: 'user' | 'guardian';

  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: [...STAFF_ROLES, 'guardian'] })
  role!: Role;

  @ApiProperty()
  displayName!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Hubs of a hub staff member or counselor; empty for admins and guardians' })
  hubIds!: string[];

  @ApiProperty({ enum: LOCALES })
  locale!: Locale;

  @ApiPropertyOptional({ description: 'Users only' })
  email?: string;

  @ApiPropertyOptional({ description: 'Guardians only' })
  phone?: string;

  @ApiPropertyOptional({ description: 'Guardians only: the zone of the worksite' })
  timeZone?: string;
}
