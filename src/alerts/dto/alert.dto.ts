import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RULE_IDS, type RuleId, type Severity } from '@app/distress-rules';
import type { AlertStatus } from '@app/realtime-protocol';
import { IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { Optional, Trim } from '../../common/validation/field-rules';

export const ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const satisfies readonly AlertStatus[];
export const SEVERITIES = ['normal', 'high'] as const satisfies readonly Severity[];
export const FOLLOW_UP_ACTIONS = ['called_guardian', 'met_child', 'mediated_call_booked', 'referred', 'call_plan_changed', 'other'] as const;
export type FollowUpAction = (typeof FOLLOW_UP_ACTIONS)[number];
export const MAX_NOTE = 2000;

/** An alert as lists, the socket and the inbox show it (the socket's AlertView plus who acted). */
export class AlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty() childName!: string;
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty({ enum: RULE_IDS }) rule!: string;
  @ApiProperty({ type: 'integer', description: 'Version of the rule logic that raised it' }) ruleVersion!: number;
  @ApiProperty({ enum: SEVERITIES }) severity!: Severity;
  @ApiProperty({ enum: ALERT_STATUSES }) status!: AlertStatus;
  @ApiProperty({ description: 'Why, for people, with the dates of the evidence' }) reason!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'The owning counselor (null: the hub has no counselor)' })
  assignedCounselorId!: string | null;
  @ApiProperty({ format: 'date-time', description: 'Escalates if still unacknowledged then' }) dueBy!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) escalatedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) acknowledgedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) acknowledgedBy!: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true }) resolvedAt!: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true }) resolvedBy!: string | null;
  @ApiProperty({ type: 'string', nullable: true }) outcome!: string | null;
}

export class AlertEvidenceDto {
  @ApiProperty({ enum: ['check', 'session'] }) type!: 'check' | 'session';
  @ApiProperty({ format: 'uuid', description: 'A wellbeing check id or a session id' }) id!: string;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

export class FollowUpDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: FOLLOW_UP_ACTIONS }) action!: FollowUpAction;
  @ApiProperty() note!: string;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AlertDetailDto extends AlertDto {
  @ApiProperty({ type: [AlertEvidenceDto] }) evidence!: AlertEvidenceDto[];
  @ApiProperty({ type: [FollowUpDto] }) followUps!: FollowUpDto[];
}

export class AlertPageDto {
  @ApiProperty({ type: [AlertDto] }) items!: AlertDto[];
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) pageSize!: number;
}

export class AlertQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @Optional()
  @IsIn(ALERT_STATUSES)
  status?: AlertStatus;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @Optional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ enum: RULE_IDS })
  @Optional()
  @IsIn(RULE_IDS)
  rule?: RuleId;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  childId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID()
  hubId?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only the alerts assigned to the caller' })
  @Optional()
  @IsIn(['true', 'false'])
  assignedToMe?: 'true' | 'false';
}

export class FollowUpInputDto {
  @ApiProperty({ enum: FOLLOW_UP_ACTIONS })
  @IsIn(FOLLOW_UP_ACTIONS)
  action!: FollowUpAction;

  @ApiProperty({ minLength: 1, maxLength: MAX_NOTE, description: 'What was done or agreed (kept with the alert, not in the audit log)' })
  @Trim()
  @IsString()
  @Length(1, MAX_NOTE)
  @Matches(/\S/, { message: 'note must not be blank' })
  note!: string;
}

export class ResolveAlertDto {
  @ApiProperty({ minLength: 1, maxLength: MAX_NOTE, description: 'How it ended (required)' })
  @Trim()
  @IsString()
  @Length(1, MAX_NOTE)
  @Matches(/\S/, { message: 'outcome must not be blank' })
  outcome!: string;
}
