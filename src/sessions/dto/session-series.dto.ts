import { MAX_SERIES_COUNT } from '@app/scheduling-core';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { LocalSpanDto, SessionDto } from './session.dto';
import { CallPartiesDto } from './session-input.dto';
import { IsCalendarDate, Optional } from '../../common/validation/field-rules';

export const MAX_SERIES_OCCURRENCES = MAX_SERIES_COUNT;

export class CreateSeriesDto extends CallPartiesDto {
  @ApiProperty({ minimum: 1, maximum: 7, example: 7, description: 'ISO weekday in the hub’s zone: 1 = Monday … 7 = Sunday' })
  @IsInt()
  @Min(1)
  @Max(7)
  weekday!: number;

  @ApiProperty({ example: '19:30', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'Hub-local wall time, held across DST changes' })
  @IsString()
  @Matches(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'localTime must be a time "HH:mm" between 00:00 and 23:59' })
  localTime!: string;

  @ApiPropertyOptional({ example: '2026-03-01', description: 'First local date considered (hub zone); default: today in the hub’s zone' })
  @Optional()
  @IsCalendarDate()
  startDate?: string;

  @ApiProperty({ minimum: 1, maximum: MAX_SERIES_OCCURRENCES, example: 8, description: 'Number of weekly occurrences' })
  @IsInt()
  @Min(1)
  @Max(MAX_SERIES_OCCURRENCES)
  count!: number;
}

export class OccurrenceProblemDto {
  @ApiProperty({ example: 'SLOT_TAKEN', description: 'The same codes a single booking answers with' }) code!: string;
  @ApiProperty() detail!: string;
  @ApiPropertyOptional({ enum: ['station', 'child', 'guardian', 'supervisor', 'counselor'] }) resource?: string;
}

export class SeriesOccurrenceDto {
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty({ type: LocalSpanDto }) hubLocal!: LocalSpanDto;
  @ApiProperty({
    enum: ['exact', 'shifted_forward', 'ambiguous_earlier'],
    description: '`shifted_forward`: the wall time does not exist that day (spring forward) and moved later by the gap; `ambiguous_earlier`: it occurs twice (fall back), the first was taken',
  })
  wallTime!: 'exact' | 'shifted_forward' | 'ambiguous_earlier';
  @ApiProperty({ enum: ['booked', 'conflict'] }) status!: 'booked' | 'conflict';
  @ApiPropertyOptional({ type: SessionDto, description: 'When booked' }) session?: SessionDto;
  @ApiPropertyOptional({ type: OccurrenceProblemDto, description: 'When in conflict: why this occurrence was not booked' }) problem?: OccurrenceProblemDto;
}

export class SeriesDto {
  @ApiProperty({ format: 'uuid' }) seriesId!: string;
  @ApiProperty({ type: [SeriesOccurrenceDto] }) occurrences!: SeriesOccurrenceDto[];
}
