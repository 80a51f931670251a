import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsCalendarDate, Nullable, Optional } from '../../common/validation/field-rules';
import { CaregiverDto, DisplayNameRules } from './child-fields';

const BIRTH_DATE_DESCRIPTION = 'A real calendar date, not in the future (hub’s zone), of a child under 18';

export class CreateChildDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  hubId!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: '小明' })
  @DisplayNameRules()
  displayName!: string;

  @ApiProperty({ format: 'date', example: '2016-05-01', description: BIRTH_DATE_DESCRIPTION })
  @IsCalendarDate()
  birthDate!: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'A counselor assigned to the same hub' })
  @Nullable()
  @IsUUID()
  counselorId?: string | null;

  @ApiPropertyOptional({
    type: CaregiverDto,
    nullable: true,
    description: 'The entrusted caregiver the parents named. Optional, but a child without one is flagged `caregiverMissing`.',
  })
  @Nullable()
  @IsObject()
  @ValidateNested()
  @Type(() => CaregiverDto)
  caregiver?: CaregiverDto | null;
}

export class UpdateChildDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Optional()
  @DisplayNameRules()
  displayName?: string;

  @ApiPropertyOptional({ format: 'date', example: '2016-05-01', description: BIRTH_DATE_DESCRIPTION })
  @Optional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'A counselor of the child’s hub; `null` unassigns' })
  @Nullable()
  @IsUUID()
  counselorId?: string | null;

  @ApiPropertyOptional({ type: CaregiverDto, nullable: true, description: 'Replaces the caregiver; `null` removes it' })
  @Nullable()
  @IsObject()
  @ValidateNested()
  @Type(() => CaregiverDto)
  caregiver?: CaregiverDto | null;
}

export class ChildQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  hubId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Not available to guardians' })
  @Optional()
  @IsUUID()
  counselorId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Part of the display name (case-insensitive)' })
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only children with (false) or without (true) an entrusted caregiver. Not available to guardians.' })
  @Optional()
  @IsIn(['true', 'false'])
  caregiverMissing?: 'true' | 'false';
}
