import { SESSION_STATUSES, type SessionStatus } from '@app/call-lifecycle';
import { ApiProperty } from '@nestjs/swagger';

export { SESSION_STATUSES, type SessionStatus };

export const SESSION_KINDS = ['supervised', 'mediated'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];

/** A session's start and end as wall-clock times in one zone ('yyyy-MM-ddTHH:mm'). */
export class LocalSpanDto {
  @ApiProperty({ example: '2026-03-02T19:30', description: "Local wall-clock start 'yyyy-MM-ddTHH:mm'" }) start!: string;
  @ApiProperty({ example: '2026-03-02T20:00', description: "Local wall-clock end 'yyyy-MM-ddTHH:mm'" }) end!: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone!: string;
}

/** The one shape every scheduling route returns for a session. */
export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty({ format: 'uuid' }) stationId!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ format: 'uuid' }) guardianId!: string;
  @ApiProperty({ format: 'uuid', description: 'The hub staff member who supervises the call' }) supervisorId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The mediating counselor (mediated calls)' })
  counselorId!: string | null;
  @ApiProperty({ enum: SESSION_KINDS }) kind!: SessionKind;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) seriesId!: string | null;
  @ApiProperty({ enum: SESSION_STATUSES }) status!: SessionStatus;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T11:30:00.000Z' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T12:00:00.000Z' }) endsAt!: string;
  @ApiProperty({ minimum: 5, maximum: 240 }) durationMinutes!: number;
  @ApiProperty({ type: LocalSpanDto, description: "Wall-clock times in the hub's zone" }) hubLocal!: LocalSpanDto;
  @ApiProperty({ type: LocalSpanDto, description: "Wall-clock times in the guardian's zone" }) guardianLocal!: LocalSpanDto;
  @ApiProperty({ description: 'iCalendar SEQUENCE: bumped on every reschedule and on cancellation' }) sequence!: number;
  @ApiProperty({ nullable: true, type: String }) cancelReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}
