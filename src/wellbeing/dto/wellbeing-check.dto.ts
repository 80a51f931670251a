import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_NOTE_LENGTH, SKIP_REASONS, type SkipReason } from '@app/distress-rules';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsString, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { Nullable, Optional } from '../../common/validation/field-rules';

/** Instrument v1: the child's four answers. Faces are 1 (very sad) … 5 (very happy). */
export class AnswersDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, description: '"How do you feel right now?" (faces)' })
  @IsInt()
  @Min(1)
  @Max(5)
  feelingNow!: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 5,
    nullable: true,
    description: '"How was talking with Mum/Dad today?" (faces). Required after a completed call; leave out (or null) after a decline.',
  })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(5)
  callFeeling?: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: 10, description: 'Distress thermometer; 3 and above is the paediatric cut-off' })
  @IsInt()
  @Min(0)
  @Max(10)
  thermometer!: number;

  @ApiProperty({ description: '"Do you want to talk to a teacher?"' })
  @IsBoolean()
  wantsToTalk!: boolean;
}

/** What the supervising staff member saw. */
export class ObservationDto {
  @ApiProperty() @IsBoolean() distressSeen!: boolean;
  @ApiProperty({ description: 'A safety concern raises a `help_requested` alert at once' }) @IsBoolean() safetyConcern!: boolean;

  @ApiPropertyOptional({ maxLength: MAX_NOTE_LENGTH, nullable: true })
  @Nullable()
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  note?: string | null;
}

export class SkipDto {
  @ApiProperty({ enum: SKIP_REASONS })
  @IsIn(SKIP_REASONS)
  reason!: SkipReason;
}

/** Exactly one of `answers` or `skipped`; `observation` with either. */
export class WellbeingCheckInputDto {
  @ApiPropertyOptional({ type: AnswersDto, description: 'The child’s answers (instrument v1). Required unless `skipped`.' })
  @ValidateIf((dto: WellbeingCheckInputDto) => dto.skipped === undefined || dto.answers !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AnswersDto)
  answers?: AnswersDto;

  @ApiPropertyOptional({ type: ObservationDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => ObservationDto)
  observation?: ObservationDto;

  @ApiPropertyOptional({ type: SkipDto, description: 'The check was not taken, and why. Not together with `answers`.' })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => SkipDto)
  skipped?: SkipDto;
}

export class WellbeingCheckDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty({ enum: ['completed', 'declined'], description: 'How the session ended' }) sessionOutcome!: 'completed' | 'declined';
  @ApiProperty({ enum: ['answered', 'skipped'] }) status!: 'answered' | 'skipped';
  @ApiProperty({ type: 'integer' }) instrumentVersion!: number;
  @ApiProperty({ type: AnswersDto, nullable: true }) answers!: AnswersDto | null;
  @ApiProperty({ type: 'string', enum: SKIP_REASONS, nullable: true }) skipReason!: SkipReason | null;
  @ApiProperty({ type: ObservationDto, nullable: true }) observation!: ObservationDto | null;
  @ApiProperty({ type: 'number', nullable: true, description: 'Mean of the faces asked (1–5, higher is better); null when skipped' }) score!: number | null;
  @ApiProperty({ type: 'string', enum: ['none', 'mild', 'high'], nullable: true }) distress!: 'none' | 'mild' | 'high' | null;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}
