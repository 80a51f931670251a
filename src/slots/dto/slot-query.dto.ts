import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, registerDecorator, ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';
import { MAX_DURATION_MINUTES, MIN_DURATION_MINUTES } from '@app/scheduling-core';

export const SLOT_KINDS = ['supervised', 'mediated'] as const;
/** The longest range one search may cover. */
export const MAX_SEARCH_DAYS = 31;
/** At most this many slots are returned (the earliest); `truncated` says when more exist. */
export const MAX_SLOTS = 500;

const INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 date-time that names its offset ("…Z" or "…+08:00"), so it is one instant and never a guess. */
export function parseInstantWithOffset(value: unknown): DateTime | null {
  if (typeof value !== 'string' || !INSTANT_WITH_OFFSET.test(value)) return null;
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) return null;
  // Offsets beyond ±18:00 do not exist (ISO 8601 / RFC 3339 practice; java.time and Temporal refuse them).
  return Math.abs(parsed.offset) <= 18 * 60 ? parsed : null;
}

export function IsInstantWithOffset(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isInstantWithOffset',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: '$property must be an ISO 8601 date-time with an offset, e.g. "2026-03-02T09:00:00+08:00"', ...options },
      validator: { validate: (value: unknown) => parseInstantWithOffset(value) !== null },
    });
}

export class SlotQuery {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  childId!: string;

  @ApiProperty({ format: 'uuid', description: 'A guardian with an approved link and active video_call consent for the child' })
  @IsUUID()
  guardianId!: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T00:00:00+08:00', description: 'Slots start at or after this instant (ISO 8601 with offset)' })
  @IsString()
  @IsInstantWithOffset()
  from!: string;

  @ApiProperty({
    format: 'date-time',
    example: '2026-03-09T00:00:00+08:00',
    description: `Slots start before this instant (ISO 8601 with offset); after from, at most ${MAX_SEARCH_DAYS} days later`,
  })
  @IsString()
  @IsInstantWithOffset()
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
