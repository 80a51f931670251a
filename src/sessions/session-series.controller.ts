import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { ApiIdempotencyKey, IdempotencyKey, sendIdempotent } from '../common/idempotency/idempotency';
import { CreateSeriesDto, SeriesDto } from './dto/session-series.dto';
import { SessionChanges } from '../realtime/session-changes';
import { SessionSeriesService } from './session-series.service';

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('session-series')
export class SessionSeriesController {
  constructor(
    private readonly series: SessionSeriesService,
    private readonly changes: SessionChanges,
  ) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Book a weekly series',
    description:
      'Every `weekday` at the hub-local `localTime` (held across DST changes), `count` times from `startDate` (default today in ' +
      'the hub’s zone). The parties are checked once as for a single booking (404/409 refuse the whole request, as does a paused ' +
      'or mediated-only call plan); then each occurrence is booked on its own and listed as `booked` or as `conflict` with its own ' +
      'problem (the codes of POST /sessions). Earlier occurrences count towards the weekly cap. Idempotent like POST /sessions.',
  })
  @ApiCreatedResponse({ type: SeriesDto })
  @ApiProblems(400, 403, 404, 409, 422)
  async create(
    @CurrentActor() actor: Actor,
    @IdempotencyKey() key: string,
    @Body() body: CreateSeriesDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SeriesDto> {
    const outcome = await this.series.create(actor, key, body);
    if (!outcome.replayed) void this.changes.changedMany(outcome.body.occurrences.flatMap((occurrence) => (occurrence.session ? [occurrence.session.id] : [])));
    return sendIdempotent(response, outcome);
  }
}
