import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** Required, but `null` is a value (e.g. "no weekly limit"). */
const RequiredNullable = () => ValidateIf((_object: object, value: unknown) => value !== null);

export const MAX_CALLS_PER_WEEK = 21;
export const MAX_ADVICE_LENGTH = 2000;

/** The counselor's pacing of a child's calls. Replaced as a whole. */
export class CallPlanDto {
  @ApiProperty({ description: 'No calls can be booked while paused' })
  @IsBoolean()
  paused!: boolean;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_CALLS_PER_WEEK, nullable: true, description: 'Per ISO week; `null` means no limit' })
  @RequiredNullable()
  @IsInt()
  @Min(0)
  @Max(MAX_CALLS_PER_WEEK)
  maxCallsPerWeek!: number | null;

  @ApiProperty({ description: 'Every call needs a counselor as mediator' })
  @IsBoolean()
  mediatedOnly!: boolean;

  @ApiProperty({ type: 'string', maxLength: MAX_ADVICE_LENGTH, nullable: true, description: 'Shown to the parents (and in reminders); blank or `null` clears it' })
  @RequiredNullable()
  @IsString()
  @MaxLength(MAX_ADVICE_LENGTH)
  adviceForParent!: string | null;
}
