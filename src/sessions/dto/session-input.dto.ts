import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsInt, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { SESSION_KINDS, SESSION_STATUSES, SessionKind, SessionStatus } from './session.dto';
import { IsIsoInstant, Optional, Trim } from '../../common/validation/field-rules';
import { CounselorMatchesKind, toList } from './validators';

export const MIN_DURATION = 5;
export const MAX_DURATION = 240;

/** Who takes part in a call and how: shared by single bookings and series. */
export class CallPartiesDto {
  @ApiProperty({ format: 'uuid', description: 'A child of a hub the caller works at' })
  @IsUUID()
  childId!: string;

  @ApiProperty({ format: 'uuid', description: 'A guardian with an APPROVED link to the child and an active `video_call` consent' })
  @IsUUID()
  guardianId!: string;

  @ApiProperty({ minimum: MIN_DURATION, maximum: MAX_DURATION, example: 30, description: 'Real minutes (a call across a DST change still lasts them)' })
  @IsInt()
  @Min(MIN_DURATION)
  @Max(MAX_DURATION)
  durationMinutes!: number;

  @ApiProperty({ enum: SESSION_KINDS, description: '`mediated` calls have a counselor (counselorId)' })
  @IsIn(SESSION_KINDS)
  kind!: SessionKind;

  @ApiPropertyOptional({ format: 'uuid', description: 'An in-service station of the child’s hub; default: the first free one' })
  @Optional()
  @IsUUID()
  stationId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A hub staff member of the child’s hub who supervises the call; default: the caller (hub staff). Admins must name one.',
  })
  @Optional()
  @IsUUID()
  supervisorId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Required for, and only for, kind `mediated`: a counselor of the child’s hub' })
  @ValidateIf((dto: CallPartiesDto) => dto.counselorId !== undefined || dto.kind === 'mediated')
  @CounselorMatchesKind()
  @IsUUID()
  counselorId?: string;
}

export class BookSessionDto extends CallPartiesDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T19:30:00+08:00', description: 'ISO 8601 with an offset (or Z)' })
  @IsIsoInstant()
  startsAt!: string;
}

export class RescheduleSessionDto {
  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-03T19:30:00+08:00', description: 'New start, ISO 8601 with an offset (or Z)' })
  @Optional()
  @IsIsoInstant()
  startsAt?: string;

  @ApiPropertyOptional({ minimum: MIN_DURATION, maximum: MAX_DURATION, description: 'New duration; default: unchanged' })
  @Optional()
  @IsInt()
  @Min(MIN_DURATION)
  @Max(MAX_DURATION)
  durationMinutes?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Move to this in-service station; default: keep the station if it is free, else the first free one' })
  @Optional()
  @IsUUID()
  stationId?: string;
}

export class CancelSessionDto {
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'The child is ill today', description: 'Sent to every party' })
  @Trim()
  @IsString()
  @Length(3, 500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

export class SessionQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  hubId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  childId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  guardianId?: string;

  @ApiPropertyOptional({
    enum: SESSION_STATUSES,
    isArray: true,
    description: 'One or several statuses: repeat the parameter or separate with commas (`status=booked,checked_in`)',
  })
  @Optional()
  @Transform(toList)
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(SESSION_STATUSES.length)
  @ArrayUnique()
  @IsIn(SESSION_STATUSES, { each: true, message: `each status must be one of ${SESSION_STATUSES.join(', ')}` })
  status?: SessionStatus[];

  @ApiPropertyOptional({ format: 'date-time', description: 'Sessions starting at or after this instant (ISO 8601 with offset)' })
  @Optional()
  @IsIsoInstant()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Sessions starting before this instant; must be after `from`' })
  @Optional()
  @IsIsoInstant()
  to?: string;
}
