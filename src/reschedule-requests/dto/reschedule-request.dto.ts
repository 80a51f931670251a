import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { IsIsoInstant, Optional, Trim } from '../../common/validation/field-rules';
import { SESSION_STATUSES } from '../../sessions/dto/session.dto';

export const RESCHEDULE_REQUEST_STATUSES = ['pending', 'approved', 'declined', 'withdrawn'] as const;
export type RescheduleRequestStatus = (typeof RESCHEDULE_REQUEST_STATUSES)[number];

export const NOTE_MAX = 500;

export class CreateRescheduleRequestDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-04T19:30:00+08:00',
    description: 'A time that would suit the guardian (ISO 8601 with offset), in the future. Staff may approve another time.',
  })
  @Optional()
  @IsString()
  @IsIsoInstant()
  proposedStartsAt?: string;

  @ApiPropertyOptional({ maxLength: NOTE_MAX, example: 'My shift changed to nights this week' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(NOTE_MAX)
  note?: string;
}

export class ApproveRescheduleRequestDto {
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-04T19:30:00+08:00',
    description: 'The new start (ISO 8601 with offset). Defaults to the guardian’s proposal; required when they proposed none.',
  })
  @Optional()
  @IsString()
  @IsIsoInstant()
  startsAt?: string;
}

export class DeclineRescheduleRequestDto {
  @ApiPropertyOptional({ maxLength: NOTE_MAX, description: 'A kind word for the guardian; it is included in their notice' })
  @Optional()
  @Trim()
  @IsString()
  @MaxLength(NOTE_MAX)
  note?: string;
}

export class RescheduleRequestQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only requests for sessions of this hub' })
  @IsOptional()
  @IsUUID()
  hubId?: string;

  @ApiPropertyOptional({ enum: RESCHEDULE_REQUEST_STATUSES })
  @IsOptional()
  @IsIn(RESCHEDULE_REQUEST_STATUSES)
  status?: RescheduleRequestStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only requests for this session' })
  @IsOptional()
  @IsUUID()
  sessionId?: string;
}

export class RescheduleRequestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ format: 'uuid' }) guardianId!: string;
  @ApiProperty({ enum: RESCHEDULE_REQUEST_STATUSES }) status!: RescheduleRequestStatus;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) proposedStartsAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ format: 'date-time', description: 'When the session starts now (after an approval: the new time)' })
  sessionStartsAt!: string;
  @ApiProperty({ enum: SESSION_STATUSES, description: 'The session’s current status' }) sessionStatus!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The staff member who approved or declined' })
  decidedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it was approved, declined or withdrawn' })
  decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) decisionNote!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RescheduleRequestPageDto {
  @ApiProperty({ type: [RescheduleRequestDto] }) items!: RescheduleRequestDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
