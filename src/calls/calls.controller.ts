import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { CallsService } from './calls.service';
import { AssentDto, CallSessionDto, JoinTokenDto } from './dto/call.dto';

@ApiTags('calls')
@ApiBearerAuth()
@Controller('sessions')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Post(':id/check-in')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check the child in for the call',
    description:
      'Hub staff of the session’s hub (others in scope: 403 NOT_ALLOWED_FOR_ROLE; out of scope: 404), from 30 minutes before the ' +
      'start until 10 minutes after it (409 OUTSIDE_CHECK_IN_WINDOW), from `booked` only (409 INVALID_TRANSITION with `currentStatus`). ' +
      'Takes no body.',
  })
  @ApiOkResponse({ type: CallSessionDto })
  @ApiProblems(400, 403, 404, 409)
  checkIn(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<CallSessionDto> {
    return this.calls.checkIn(actor, id);
  }

  @Post(':id/assent')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record the child’s answer: will they have the call today?',
    description:
      'Recorded by hub staff beside the child, once per session (409 ASSENT_ALREADY_RECORDED), after check-in (409 INVALID_TRANSITION), ' +
      'on an approved child–guardian link (409 LINK_NOT_APPROVED), with an active guardian consent covering `video_call` (409 CONSENT_REQUIRED). `yes` keeps the session `checked_in` and lets the ' +
      'supervisor admit the others into the call; `not_today` or `no` ends it as `declined` and the guardian gets one gentle note ' +
      '(the same words for both). `reason` (from a short list) only with `not_today` or `no`.',
  })
  @ApiOkResponse({ type: CallSessionDto })
  @ApiProblems(400, 403, 404, 409)
  assent(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: AssentDto): Promise<CallSessionDto> {
    return this.calls.recordAssent(actor, id, body);
  }

  @Post(':id/join-token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A short-lived token to join this session’s call on the /calls socket.io namespace',
    description:
      'For the session’s guardian, its supervising staff member and, for a mediated session, its counselor. Out of scope → 404; ' +
      'in scope without a part in the call (another staff member, an admin) → 403. From 30 minutes before the start until the ' +
      'scheduled end while the session is booked, checked in or in the call (else 409 CALL_NOT_JOINABLE), and while the ' +
      'child–guardian link is approved (a revoked link: 409 LINK_NOT_APPROVED, for the guardian too). The token lasts at most ' +
      '15 minutes and never past the scheduled end; `iceServers` carry TURN credentials valid until the scheduled end. Takes no body.',
  })
  @ApiOkResponse({ type: JoinTokenDto })
  @ApiProblems(400, 403, 404, 409)
  joinToken(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<JoinTokenDto> {
    return this.calls.joinToken(actor, id);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({
    summary: 'End the call for everyone',
    description:
      'The session’s supervisor (another staff member of the hub: 403 FORBIDDEN; admins: 403 NOT_ALLOWED_FOR_ROLE), or the ' +
      'counselor of a mediated call. Only a call in progress (409 INVALID_TRANSITION with ' +
      '`currentStatus`). Every participant gets `ended` and is disconnected. A call also ends by itself at the scheduled end. Takes no body.',
  })
  @ApiOkResponse({ type: CallSessionDto })
  @ApiProblems(400, 403, 404, 409)
  end(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<CallSessionDto> {
    return this.calls.end(actor, id);
  }
}
