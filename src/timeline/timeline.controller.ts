import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { PageQuery } from '../common/pagination';
import { TimelinePageDto } from './dto/timeline.dto';
import { TimelineService } from './timeline.service';

@ApiTags('children')
@ApiBearerAuth()
@Controller('children')
export class TimelineController {
  constructor(private readonly timeline: TimelineService) {}

  @Get(':id/timeline')
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOperation({
    summary: 'The child’s chronology, newest first',
    description: 'Sessions, assents, wellbeing checks (with scores), alerts, follow-ups and call-plan changes, paginated. Every read is audited.',
  })
  @ApiOkResponse({ type: TimelinePageDto })
  @ApiProblems(400, 403, 404)
  read(@CurrentActor() actor: Actor, @UuidParam() id: string, @Query() query: PageQuery) {
    return this.timeline.read(actor, id, query);
  }
}
