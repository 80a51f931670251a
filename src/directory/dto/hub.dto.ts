import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsIanaZone, NotBlank, Optional, Trim } from '../../common/validation/field-rules';

export const HUB_LIMITS = {
  bufferMinutes: { min: 0, max: 240, default: 10 },
  minimumNoticeMinutes: { min: 0, max: 20160, default: 120 },
  horizonDays: { min: 1, max: 366, default: 28 },
} as const;

/** The scheduling settings a hub's own staff may change; everything else is the admin's. */
export const HUB_SETTINGS = ['bufferMinutes', 'minimumNoticeMinutes', 'horizonDays'] as const;

export class CreateHubDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: '青石镇中心小学' })
  @Trim()
  @IsString()
  @Length(1, 200)
  @NotBlank('name')
  name!: string;

  @ApiPropertyOptional({ default: 'Asia/Shanghai', description: 'IANA zone; opening hours are wall times in it' })
  @Optional()
  @IsString()
  @MaxLength(64)
  @IsIanaZone()
  timeZone?: string;

  @ApiPropertyOptional({ ...range('bufferMinutes'), description: 'Gap kept free at a station after each call (post-call check)' })
  @Optional()
  @IsInt()
  @Min(HUB_LIMITS.bufferMinutes.min)
  @Max(HUB_LIMITS.bufferMinutes.max)
  bufferMinutes?: number;

  @ApiPropertyOptional({ ...range('minimumNoticeMinutes'), description: '0 allows walk-in calls' })
  @Optional()
  @IsInt()
  @Min(HUB_LIMITS.minimumNoticeMinutes.min)
  @Max(HUB_LIMITS.minimumNoticeMinutes.max)
  minimumNoticeMinutes?: number;

  @ApiPropertyOptional({ ...range('horizonDays'), description: 'How many days ahead sessions may be booked' })
  @Optional()
  @IsInt()
  @Min(HUB_LIMITS.horizonDays.min)
  @Max(HUB_LIMITS.horizonDays.max)
  horizonDays?: number;
}

export class UpdateHubDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'Admins only' })
  @Optional()
  @Trim()
  @IsString()
  @Length(1, 200)
  @NotBlank('name')
  name?: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai', description: 'Admins only' })
  @Optional()
  @IsString()
  @MaxLength(64)
  @IsIanaZone()
  timeZone?: string;

  @ApiPropertyOptional(range('bufferMinutes'))
  @Optional()
  @IsInt()
  @Min(HUB_LIMITS.bufferMinutes.min)
  @Max(HUB_LIMITS.bufferMinutes.max)
  bufferMinutes?: number;

  @ApiPropertyOptional(range('minimumNoticeMinutes'))
  @Optional()
  @IsInt()
  @Min(HUB_LIMITS.minimumNoticeMinutes.min)
  @Max(HUB_LIMITS.minimumNoticeMinutes.max)
  minimumNoticeMinutes?: number;

  @ApiPropertyOptional(range('horizonDays'))
  @Optional()
  @IsInt()
  @Min(HUB_LIMITS.horizonDays.min)
  @Max(HUB_LIMITS.horizonDays.max)
  horizonDays?: number;
}

export class HubQuery extends PageQuery {
  @ApiPropertyOptional({ maxLength: 200, description: 'Part of the name, case-insensitive' })
  @Optional()
  @IsString()
  @Length(1, 200)
  q?: string;
}

export class HubDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
  @ApiProperty() bufferMinutes!: number;
  @ApiProperty() minimumNoticeMinutes!: number;
  @ApiProperty() horizonDays!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class HubPageDto {
  @ApiProperty({ type: [HubDto] }) items!: HubDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

function range(field: keyof typeof HUB_LIMITS) {
  const limits = HUB_LIMITS[field];
  return { type: 'integer', minimum: limits.min, maximum: limits.max, default: limits.default } as const;
}
