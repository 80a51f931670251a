import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { ConsentService } from './consent.service';
import { ConsentDto, ConsentPageDto, ConsentQuery, CreateConsentDto, WithdrawConsentDto } from './dto/consent.dto';

@ApiTags('consents')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('children/:id/consents')
export class ConsentController {
  constructor(private readonly consents: ConsentService) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiOperation({
    summary: 'Record a guardian’s consent for a child',
    description: 'The guardian must have a pending or approved link to the child (409 LINK_NOT_APPROVED otherwise).',
  })
  @ApiCreatedResponse({ type: ConsentDto })
  @ApiProblems(400, 403, 404, 409)
  create(@CurrentActor() actor: Actor, @UuidParam() childId: string, @Body() body: CreateConsentDto): Promise<ConsentDto> {
    return this.consents.create(actor, childId, body);
  }

  @Get()
  @ApiOperation({ summary: 'Consents for a child, newest first (a guardian sees only their own)' })
  @ApiOkResponse({ type: ConsentPageDto })
  @ApiProblems(400, 404)
  list(@CurrentActor() actor: Actor, @UuidParam() childId: string, @Query() query: ConsentQuery) {
    return this.consents.list(actor, childId, query);
  }

  @Post(':consentId/withdraw')
  @HttpCode(200)
  @Roles('admin', 'hub_staff', 'guardian')
  @ApiOperation({
    summary: 'Withdraw a consent',
    description: 'Hub staff and admins, or the guardian who gave it. Already withdrawn: 409 CONSENT_WITHDRAWN.',
  })
  @ApiOkResponse({ type: ConsentDto })
  @ApiProblems(400, 403, 404, 409)
  withdraw(
    @CurrentActor() actor: Actor,
    @UuidParam() childId: string,
    @UuidParam('consentId') consentId: string,
    @Body() body: WithdrawConsentDto,
  ): Promise<ConsentDto> {
    return this.consents.withdraw(actor, childId, consentId, body);
  }
}
