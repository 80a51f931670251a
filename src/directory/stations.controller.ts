import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { PageQuery } from '../common/pagination';
import { CreateStationDto, StationDto, StationPageDto, UpdateStationDto } from './dto/station.dto';
import { StationsService } from './stations.service';

@ApiTags('hubs')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('hubs/:id/stations')
export class StationsController {
  constructor(private readonly stations: StationsService) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiCreatedResponse({ type: StationDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  create(@CurrentActor() actor: Actor, @UuidParam() hubId: string, @Body() dto: CreateStationDto) {
    return this.stations.create(actor, hubId, dto);
  }

  @Get()
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOkResponse({ type: StationPageDto })
  @ApiProblems(400, 403, 404)
  list(@CurrentActor() actor: Actor, @UuidParam() hubId: string, @Query() query: PageQuery) {
    return this.stations.list(actor, hubId, query);
  }

  @Patch(':stationId')
  @Roles('admin', 'hub_staff')
  @ApiOkResponse({ type: StationDto, description: 'inService: false needs outOfServiceReason; inService: true clears it' })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  update(
    @CurrentActor() actor: Actor,
    @UuidParam() hubId: string,
    @UuidParam('stationId') stationId: string,
    @Body() dto: UpdateStationDto,
  ) {
    return this.stations.update(actor, hubId, stationId, dto);
  }
}
