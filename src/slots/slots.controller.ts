import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { SlotQuery } from './dto/slot-query.dto';
import { SlotListDto } from './dto/slot.dto';
import { SlotsService } from './slots.service';

@ApiTags('scheduling')
@ApiBearerAuth()
@Controller('slots')
export class SlotsController {
  constructor(private readonly slots: SlotsService) {}

  @Get()
  @Roles('admin', 'hub_staff', 'counselor', 'guardian')
  @ApiOperation({
    summary: 'Free call slots for a child and guardian',
    description:
      'Bookable starts in [from, to) on the hub-local 15-minute grid, each with the first free station, judged by the booking rules: ' +
      'hub hours (hub zone), guardian windows (guardian zone), busy child/guardian/supervisor/counselor (all hubs), station buffer, ' +
      'minimum notice, horizon and the call plan. Same refusals as booking (link approved, video_call consent, station in service). ' +
      'Staff and counselors of the child’s hub and admins; a guardian for their own approved-linked child with guardianId = themself. ' +
      'The supervisor defaults to the calling hub staff member. At most 500 slots (truncated says when there are more). Audited as slots.search.',
  })
  @ApiOkResponse({ type: SlotListDto })
  @ApiProblems(400, 403, 404, 409)
  search(@CurrentActor() actor: Actor, @Query() query: SlotQuery) {
    return this.slots.search(actor, query);
  }
}
