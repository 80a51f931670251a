import { Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Public, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { CalendarService } from './calendar.service';
import { CalendarTokenDto } from './dto/calendar-token.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('guardians')
export class CalendarController {
  constructor(private readonly calendars: CalendarService) {}

  @Get(':id/calendar.ics')
  @Public()
  @ApiOperation({
    summary: 'The guardian’s sessions as an iCalendar (RFC 5545) feed',
    description:
      'The last 30 days and everything ahead; one event per session with a stable UID, SEQUENCE bumped on every change and ' +
      'STATUS:CANCELLED for cancelled sessions. Subscribe without signing in using `?token=<calendar token>`, or call it with ' +
      'a bearer token (the guardian, or staff in scope: they see only their hubs’ sessions). Without a valid token or bearer, ' +
      'the answer is 404 so the URL does not confirm that the guardian exists.',
  })
  @ApiQuery({ name: 'token', required: false, description: 'The guardian’s calendar token (from POST /guardians/:id/calendar-token)' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'text/calendar; charset=utf-8', content: { 'text/calendar': { schema: { type: 'string' } } } })
  @ApiProblems(404)
  async feed(
    @UuidParam() id: string,
    @Query('token') token: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const ics = await this.calendars.feed(id, { token: typeof token === 'string' ? token : undefined, authorization });
    response.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    response.setHeader('Content-Disposition', 'inline; filename="kinbridge.ics"');
    // The body is personal: no shared cache may keep it.
    response.setHeader('Cache-Control', 'private, no-store');
    return ics;
  }

  @Post(':id/calendar-token')
  @HttpCode(200)
  @Roles('guardian', 'hub_staff', 'admin')
  @ApiOperation({
    summary: 'Issue a new calendar token (the old subscription URL stops working)',
    description: 'The guardian themself, staff of the guardian’s hub, or an admin. Returns the token and the subscription URL.',
  })
  @ApiOkResponse({ type: CalendarTokenDto })
  @ApiProblems(403, 404)
  rotateToken(@CurrentActor() actor: Actor, @UuidParam() id: string, @Req() request: Request): Promise<CalendarTokenDto> {
    return this.calendars.rotateToken(actor, id, `${request.protocol}://${request.get('host')}`);
  }
}
