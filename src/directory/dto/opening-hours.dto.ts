import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { MAX_WEEKLY_RULES, WeeklyRuleDto } from '../../common/weekly-rules';

export class ReplaceOpeningHoursDto {
  @ApiProperty({
    type: [WeeklyRuleDto],
    maxItems: MAX_WEEKLY_RULES,
    description: 'The complete weekly schedule in the hub’s zone; replaces every rule. Intervals of one weekday may not overlap or touch.',
  })
  @IsArray()
  @ArrayMaxSize(MAX_WEEKLY_RULES)
  @ValidateNested({ each: true })
  @Type(() => WeeklyRuleDto)
  rules!: WeeklyRuleDto[];
}

export class OpeningHoursDto {
  @ApiProperty({ example: 'Asia/Shanghai', description: 'The zone the rules are wall times in' })
  timeZone!: string;

  @ApiProperty({ type: [WeeklyRuleDto], description: 'Sorted by weekday, then start' })
  rules!: WeeklyRuleDto[];
}
