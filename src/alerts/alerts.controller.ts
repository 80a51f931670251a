import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { AlertsService } from './alerts.service';
import { AlertDetailDto, AlertPageDto, AlertQuery, FollowUpInputDto, ResolveAlertDto } from './dto/alert.dto';

@ApiTags('alerts')
@ApiBearerAuth()
@Roles('admin', 'counselor')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Alerts, newest first',
    description: 'Counselors see the alerts of their hubs’ children, admins all. Filters combine with AND; `assignedToMe=true` keeps the caller’s own.',
  })
  @ApiOkResponse({ type: AlertPageDto })
  @ApiProblems(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: AlertQuery) {
    return this.alerts.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert with its evidence (checks and sessions) and follow-ups' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiProblems(403, 404)
  get(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.alerts.get(actor, id);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @ApiOperation({ summary: 'Acknowledge: someone has seen it (stops the escalation). Again on an acknowledged alert: no change.' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiProblems(400, 403, 404, 409)
  acknowledge(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.alerts.acknowledge(actor, id);
  }

  @Post(':id/follow-ups')
  @ApiOperation({ summary: 'Record what was done (acknowledges an open alert)' })
  @ApiCreatedResponse({ type: AlertDetailDto, description: 'The alert with the new follow-up' })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  followUp(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: FollowUpInputDto) {
    return this.alerts.addFollowUp(actor, id, body);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resolve with an outcome (required). A later finding for the child and rule opens a new alert.' })
  @ApiOkResponse({ type: AlertDetailDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  resolve(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: ResolveAlertDto) {
    return this.alerts.resolve(actor, id, body);
  }
}
