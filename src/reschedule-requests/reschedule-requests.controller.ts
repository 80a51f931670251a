import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import {
  ApproveRescheduleRequestDto,
  CreateRescheduleRequestDto,
  DeclineRescheduleRequestDto,
  RescheduleRequestDto,
  RescheduleRequestPageDto,
  RescheduleRequestQuery,
} from './dto/reschedule-request.dto';
import { RescheduleRequestsService } from './reschedule-requests.service';
import { SessionChanges } from '../realtime/session-changes';

@ApiTags('reschedule-requests')
@ApiBearerAuth()
@Controller()
export class RescheduleRequestsController {
  constructor(
    private readonly requests: RescheduleRequestsService,
    private readonly changes: SessionChanges,
  ) {}

  @Post('sessions/:id/reschedule-requests')
  @Roles('guardian')
  @ApiOperation({
    summary: 'Ask the hub to move a session (the session’s guardian)',
    description:
      'Only for a booked session that has not started. One pending request per session (409 REQUEST_PENDING). The supervisor ' +
      'is notified through the outbox. Staff then approve (the session is rescheduled under the booking rules) or decline.',
  })
  @ApiCreatedResponse({ type: RescheduleRequestDto })
  @ApiProblems(400, 403, 404, 409)
  create(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: CreateRescheduleRequestDto): Promise<RescheduleRequestDto> {
    return this.requests.create(actor, id, body);
  }

  @Get('reschedule-requests')
  @Roles('admin', 'hub_staff', 'guardian')
  @ApiOperation({ summary: 'Reschedule requests: staff see their hubs’, a guardian their own; newest first' })
  @ApiOkResponse({ type: RescheduleRequestPageDto })
  @ApiProblems(400, 403, 404)
  list(@CurrentActor() actor: Actor, @Query() query: RescheduleRequestQuery) {
    return this.requests.list(actor, query);
  }

  @Post('reschedule-requests/:id/approve')
  @HttpCode(200)
  @Roles('admin', 'hub_staff')
  @ApiOperation({
    summary: 'Approve: reschedule the session to the proposed (or another) time',
    description:
      'The same booking rules apply as to PATCH /sessions/:id. If they refuse the time (e.g. 409 SLOT_TAKEN, 422 ' +
      'OUTSIDE_GUARDIAN_WINDOW), that problem is returned and the request stays pending.',
  })
  @ApiOkResponse({ type: RescheduleRequestDto })
  @ApiProblems(400, 403, 404, 409, 422)
  async approve(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: ApproveRescheduleRequestDto): Promise<RescheduleRequestDto> {
    const request = await this.requests.approve(actor, id, body);
    await this.changes.changed(request.sessionId);
    return request;
  }

  @Post('reschedule-requests/:id/decline')
  @HttpCode(200)
  @Roles('admin', 'hub_staff')
  @ApiOperation({ summary: 'Decline: the session stays as booked; the guardian gets a kind notice (with the note, if any)' })
  @ApiOkResponse({ type: RescheduleRequestDto })
  @ApiProblems(400, 403, 404, 409)
  decline(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: DeclineRescheduleRequestDto): Promise<RescheduleRequestDto> {
    return this.requests.decline(actor, id, body);
  }

  @Post('reschedule-requests/:id/withdraw')
  @HttpCode(200)
  @Roles('guardian')
  @ApiOperation({ summary: 'Withdraw a pending request (the guardian who made it)' })
  @ApiOkResponse({ type: RescheduleRequestDto })
  @ApiProblems(403, 404, 409)
  withdraw(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<RescheduleRequestDto> {
    return this.requests.withdraw(actor, id);
  }
}
