import { Body, Controller, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { ApiIdempotencyKey, IdempotencyKey, sendIdempotent } from '../common/idempotency/idempotency';
import { SessionDto, SessionPageDto } from './dto/session.dto';
import { BookSessionDto, CancelSessionDto, RescheduleSessionDto, SessionQuery } from './dto/session-input.dto';
import { SessionChanges } from '../realtime/session-changes';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly changes: SessionChanges,
  ) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Book a call session',
    description:
      'Checked in this order: the child is in the caller’s hubs (404); the guardian is linked (404) with an APPROVED link ' +
      '(409 LINK_NOT_APPROVED) and an active `video_call` consent (409 CONSENT_REQUIRED); the supervisor (default: the calling ' +
      'hub staff member; admins must name one) and, for mediated calls, the counselor work at the child’s hub (404); the station, ' +
      'if named, belongs to the hub (404) and is in service (409 STATION_OUT_OF_SERVICE); then the call plan (409 CALL_PLAN_PAUSED, ' +
      'MEDIATED_ONLY), minimum notice and horizon (422 TOO_SOON, BEYOND_HORIZON), the hub’s opening hours and the guardian’s ' +
      'windows (422 OUTSIDE_OPENING_HOURS, OUTSIDE_GUARDIAN_WINDOW), the weekly cap (409 WEEKLY_CAP_REACHED) and that station, ' +
      'child, guardian, supervisor and counselor are free (409 SLOT_TAKEN naming the `resource`; enforced by PostgreSQL exclusion ' +
      'constraints, so concurrent requests can never double-book). Idempotent: a retry with the same Idempotency-Key and body ' +
      'answers the first response again (`Idempotent-Replayed: true`) and creates nothing; a refused request stores nothing, so ' +
      'a retry with its key is judged afresh.',
  })
  @ApiCreatedResponse({ type: SessionDto, description: 'Booked (or the stored answer to an earlier request with this key)' })
  @ApiProblems(400, 403, 404, 409, 422)
  async book(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Body() body: BookSessionDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionDto> {
    const outcome = await this.sessions.book(actor, key, body);
    // The live hub view hears of it after the answer is on its way (best effort; it never throws).
    if (!outcome.replayed) void this.changes.changed(outcome.body.id);
    return sendIdempotent(response, outcome);
  }

  @Get()
  @ApiOperation({
    summary: 'Sessions, ordered by start',
    description: 'Staff and counselors see their hubs’ sessions, admins all, a guardian their own. `from`/`to` filter on the start.',
  })
  @ApiOkResponse({ type: SessionPageDto })
  @ApiProblems(400)
  list(@CurrentActor() actor: Actor, @Query() query: SessionQuery) {
    return this.sessions.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One session' })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<SessionDto> {
    return this.sessions.get(actor, id);
  }

  @Patch(':id')
  @Roles('admin', 'hub_staff')
  @ApiOperation({
    summary: 'Reschedule a booked session',
    description:
      'Same rules as booking. Atomic: one UPDATE of the row, so the old slot is released only if the new one is taken. Without ' +
      '`stationId` the current station is kept when free. Only `booked` sessions (409 INVALID_TRANSITION with `currentStatus`). ' +
      'Bumps `sequence`, notifies every party and re-plans the reminders.',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems(400, 403, 404, 409, 422)
  async reschedule(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: RescheduleSessionDto): Promise<SessionDto> {
    const session = await this.sessions.reschedule(actor, id, body);
    void this.changes.changed(session.id);
    return session;
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOperation({
    summary: 'Cancel a session',
    description:
      'From `booked` or `checked_in` (else 409 INVALID_TRANSITION with `currentStatus`). Hub staff, admins, and the hub’s counselors ' +
      '(who pace a child’s calls). The reason goes to every party through the outbox.',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiProblems(400, 403, 404, 409)
  async cancel(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: CancelSessionDto): Promise<SessionDto> {
    const session = await this.sessions.cancel(actor, id, body.reason);
    // Also closes the call room of a checked-in session (`ended`, reason `cancelled`).
    void this.changes.changed(session.id);
    return session;
  }
}
