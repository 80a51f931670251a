import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { CreateHubDto, HubDto, HubPageDto, HubQuery, UpdateHubDto } from './dto/hub.dto';
import { OpeningHoursDto, ReplaceOpeningHoursDto } from './dto/opening-hours.dto';
import { HubsService } from './hubs.service';

@ApiTags('hubs')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('hubs')
export class HubsController {
  constructor(private readonly hubs: HubsService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: HubDto })
  @ApiProblems(400, 403, 413, 415)
  create(@Body() dto: CreateHubDto) {
    return this.hubs.create(dto);
  }

  @Get()
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOkResponse({ type: HubPageDto, description: 'Admins: every hub; staff and counselors: their hubs' })
  @ApiProblems(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: HubQuery) {
    return this.hubs.list(actor, query);
  }

  @Get(':id')
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOkResponse({ type: HubDto })
  @ApiProblems(403, 404)
  get(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.hubs.get(actor, id);
  }

  @Patch(':id')
  @Roles('admin', 'hub_staff')
  @ApiOkResponse({ type: HubDto, description: 'Hub staff may change only bufferMinutes, minimumNoticeMinutes and horizonDays of their hub' })
  @ApiProblems(400, 403, 404, 413, 415)
  update(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() dto: UpdateHubDto) {
    return this.hubs.update(actor, id, dto);
  }

  @Get(':id/opening-hours')
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOkResponse({ type: OpeningHoursDto })
  @ApiProblems(403, 404)
  openingHours(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.hubs.openingHours(actor, id);
  }

  @Put(':id/opening-hours')
  @Roles('admin', 'hub_staff')
  @ApiOkResponse({ type: OpeningHoursDto, description: 'The whole schedule is replaced atomically' })
  @ApiProblems(400, 403, 404, 413, 415)
  replaceOpeningHours(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() dto: ReplaceOpeningHoursDto) {
    return this.hubs.replaceOpeningHours(actor, id, dto);
  }
}
