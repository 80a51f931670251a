import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { E164_PATTERN, IsIanaZone, NotBlank, Optional, PhoneRules } from '../../common/validation/field-rules';
import { LOCALES, type Locale } from '../../notifications/templates';

export class CreateGuardianDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: '王芳' })
  @IsString()
  @Length(1, 200)
  @NotBlank('displayName')
  displayName!: string;

  @ApiProperty({ pattern: E164_PATTERN.source, example: '+8613912345678', description: 'E.164, no spaces; the guardian signs in with it' })
  @PhoneRules()
  phone!: string;

  @ApiProperty({ example: 'Asia/Shanghai', description: 'IANA zone of the worksite (may differ from the hub’s)' })
  @IsString()
  @MaxLength(64)
  @IsIanaZone()
  timeZone!: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @Optional()
  @IsIn(LOCALES)
  locale?: Locale;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Hub the guardian belongs to. Admins may choose any hub (or none); hub staff default to their hub',
  })
  @Optional()
  @IsUUID()
  hubId?: string;
}

export class UpdateGuardianDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Staff and admins only' })
  @Optional()
  @IsString()
  @Length(1, 200)
  @NotBlank('displayName')
  displayName?: string;

  @ApiPropertyOptional({ pattern: E164_PATTERN.source, description: 'Staff and admins only (it is the guardian’s sign-in identity)' })
  @Optional()
  @PhoneRules()
  phone?: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai' })
  @Optional()
  @IsString()
  @MaxLength(64)
  @IsIanaZone()
  timeZone?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @Optional()
  @IsIn(LOCALES)
  locale?: Locale;
}

export class GuardianQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name (case-insensitive) or of the phone number', maxLength: 200 })
  @Optional()
  @IsString()
  @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Guardians of this hub, or linked to one of its children' })
  @Optional()
  @IsUUID()
  hubId?: string;
}

export class GuardianDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ example: '+8613912345678' }) phone!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty({ enum: LOCALES }) locale!: Locale;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) hubId!: string | null;
  @ApiProperty({ description: 'A disabled guardian cannot sign in and is not booked' }) disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ description: 'Secret of the guardian’s calendar feed; only in answers to the guardian themself' })
  calendarToken?: string;
}

export class GuardianPageDto {
  @ApiProperty({ type: [GuardianDto] }) items!: GuardianDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
