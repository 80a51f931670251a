import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { MAX_WEEKLY_RULES, WeeklyRuleDto } from '../../common/weekly-rules';

const WINDOWS_DESCRIPTION =
  'Weekly windows as wall times in the guardian’s own zone (see `timeZone`). Replaces all windows at once; ' +
  'an empty list clears them. A window across midnight is sent as two windows, e.g. Friday 22:00–24:00 and ' +
  'Saturday 00:00–06:00. Windows on the same weekday may neither overlap nor touch.';

export class PutAvailabilityDto {
  @ApiProperty({ type: [WeeklyRuleDto], maxItems: MAX_WEEKLY_RULES, description: WINDOWS_DESCRIPTION })
  @IsArray()
  @ArrayMaxSize(MAX_WEEKLY_RULES)
  @ValidateNested({ each: true })
  @Type(() => WeeklyRuleDto)
  windows!: WeeklyRuleDto[];
}

export class AvailabilityDto {
  @ApiProperty({ example: 'Asia/Shanghai', description: 'The guardian’s zone, in which the windows are wall times' })
  timeZone!: string;

  @ApiProperty({ type: [WeeklyRuleDto], description: WINDOWS_DESCRIPTION })
  windows!: WeeklyRuleDto[];
}
