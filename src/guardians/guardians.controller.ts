import { Body, Controller, Get, HttpCode, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { AvailabilityDto, PutAvailabilityDto } from './dto/availability.dto';
import { CreateGuardianDto, GuardianDto, GuardianPageDto, GuardianQuery, UpdateGuardianDto } from './dto/guardian.dto';
import { GuardiansService } from './guardians.service';

@ApiTags('guardians')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('guardians')
export class GuardiansController {
  constructor(private readonly guardians: GuardiansService) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiOperation({ summary: 'Register a guardian (parent)', description: 'A phone number already registered is 409 PHONE_TAKEN.' })
  @ApiCreatedResponse({ type: GuardianDto })
  @ApiProblems(400, 403, 404, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateGuardianDto): Promise<GuardianDto> {
    return this.guardians.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Guardians in the caller’s scope (a guardian sees only themself)' })
  @ApiOkResponse({ type: GuardianPageDto })
  @ApiProblems(400)
  list(@CurrentActor() actor: Actor, @Query() query: GuardianQuery) {
    return this.guardians.list(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: GuardianDto })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<GuardianDto> {
    return this.guardians.get(actor, id);
  }

  @Patch(':id')
  @Roles('admin', 'hub_staff', 'guardian')
  @ApiOperation({
    summary: 'Change a guardian',
    description: 'Staff and admins may change every field; a guardian may change only their own timeZone and locale (403 otherwise).',
  })
  @ApiOkResponse({ type: GuardianDto })
  @ApiProblems(400, 403, 404, 409)
  update(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: UpdateGuardianDto): Promise<GuardianDto> {
    return this.guardians.update(actor, id, body);
  }

  @Post(':id/disable')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    summary: 'Disable a guardian',
    description:
      'Signs the guardian out everywhere; they cannot sign in again (a code request for their phone answers as for an unknown phone) ' +
      'until enabled. Disabling a disabled guardian changes nothing. Takes no request body.',
  })
  @ApiNoContentResponse({ description: 'The guardian is disabled' })
  @ApiProblems(400, 403, 404)
  disable(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<void> {
    return this.guardians.setDisabled(actor, id, true);
  }

  @Post(':id/enable')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({
    summary: 'Enable a disabled guardian',
    description: 'They may sign in again with a new code; tokens from before they were disabled stay invalid. Takes no request body.',
  })
  @ApiNoContentResponse({ description: 'The guardian is enabled' })
  @ApiProblems(400, 403, 404)
  enable(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<void> {
    return this.guardians.setDisabled(actor, id, false);
  }

  @Get(':id/availability')
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiProblems(404)
  getAvailability(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<AvailabilityDto> {
    return this.guardians.getAvailability(actor, id);
  }

  @Put(':id/availability')
  @HttpCode(200)
  @Roles('admin', 'hub_staff', 'guardian')
  @ApiOperation({
    summary: 'Replace a guardian’s weekly availability windows',
    description:
      'Wall times in the guardian’s own zone. All windows are replaced atomically. A window across midnight is sent as ' +
      'two windows (e.g. {weekday: 5, start: "22:00", end: "24:00"} and {weekday: 6, start: "00:00", end: "06:00"}).',
  })
  @ApiOkResponse({ type: AvailabilityDto })
  @ApiProblems(400, 403, 404)
  putAvailability(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: PutAvailabilityDto): Promise<AvailabilityDto> {
    return this.guardians.putAvailability(actor, id, body);
  }
}
