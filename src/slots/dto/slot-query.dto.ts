import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { IsIsoInstant } from '../../common/validation/field-rules';
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '@app/scheduling-core';

export const SLOT_KINDS = ['supervised', 'mediated'] as const;
/** The longest range one search may cover. */
export const MAX_SEARCH_DAYS = 31;
/** At most this many slots are returned (the earliest); `truncated` says when more exist. */
export const MAX_SLOTS = 500;

export class SlotQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  childId!: string;

  @ApiProperty({ format: 'uuid', description: 'A guardian with an approved link and active video_call consent for the child' })
  @IsUUID()
  guardianId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T00:00:00+08:00', description: 'Slots start at or after this instant (ISO 8601 with offset)' })
  @IsString()
  @IsIsoInstant()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-03-09T00:00:00+08:00',
    description: `Slots start before this instant (ISO 8601 with offset); after from, at most ${MAX_SEARCH_DAYS} days later`,
  })
  @IsString()
  @IsIsoInstant()
  to!: string;

  @ApiProperty({ minimum: MIN_DURATION_MINUTES, maximum: MAX_DURATION_MINUTES, example: 30 })
  @Type(() => Number)
  @IsInt({ message: 'durationMinutes must be a whole number of minutes' })
  @Min(MIN_DURATION_MINUTES)
  @Max(MAX_DURATION_MINUTES)
  durationMinutes!: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only this station (of the child’s hub)' })
  @IsOptional()
  @IsUUID()
  stationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The staff member who would supervise (an active hub staff member of the child’s hub, as booking requires). Defaults to the caller when hub staff. Not for guardians.',
  })
  @IsOptional()
  @IsUUID()
  supervisorId?: string;

  @ApiPropertyOptional({ enum: SLOT_KINDS, default: 'supervised' })
  @IsOptional()
  @IsIn(SLOT_KINDS)
  kind?: (typeof SLOT_KINDS)[number];

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A counselor of the child’s hub who takes part; a mediated search defaults to the child’s counselor. Not for guardians.',
  })
  @IsOptional()
  @IsUUID()
  counselorId?: string;
}
