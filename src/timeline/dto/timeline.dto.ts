import { ApiProperty } from '@nestjs/swagger';

export const TIMELINE_TYPES = ['session', 'assent', 'wellbeing_check', 'alert', 'follow_up', 'call_plan_change'] as const;
export type TimelineType = (typeof TIMELINE_TYPES)[number];

export class TimelineItemDto {
  @ApiProperty({ enum: TIMELINE_TYPES }) type!: TimelineType;
  @ApiProperty({ format: 'uuid', description: 'Id of the session (for `session` and `assent`), check, alert, follow-up or call-plan change' }) id!: string;
  @ApiProperty({ format: 'date-time', description: 'When it happened: session start, assent time, check time, alert raised, follow-up, plan change' })
  at!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'By type — session: status, kind, startsAt, endsAt, guardianId; assent: sessionId, response, reason; wellbeing_check: sessionId, ' +
      'status, score, distress, feelingNow, callFeeling, thermometer, wantsToTalk, skipReason, safetyConcern; alert: rule, ruleVersion, ' +
      'severity, status, reason, escalatedAt, resolvedAt, outcome; follow_up: alertId, action, note, by; call_plan_change: paused, ' +
      'maxCallsPerWeek, mediatedOnly, adviceForParent, by',
  })
  data!: Record<string, unknown>;
}

export class TimelinePageDto {
  @ApiProperty({ type: [TimelineItemDto] }) items!: TimelineItemDto[];
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) pageSize!: number;
}
