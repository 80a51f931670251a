import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { CreateLinkDto, LinkDto, LinkPageDto, LinkQuery, RevokeLinkDto } from './dto/link.dto';
import { LinksService } from './links.service';

@ApiTags('links')
@ApiBearerAuth()
@Controller('children/:id/guardians')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiOperation({ summary: 'Ask to link a guardian to the child (pending until approved); re-asking after a revoke reopens the link' })
  @ApiCreatedResponse({ type: LinkDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  create(@CurrentActor() actor: Actor, @UuidParam() childId: string, @Body() body: CreateLinkDto) {
    return this.links.create(actor, childId, body);
  }

  @Get()
  @ApiOperation({ summary: 'The child’s guardian links (a guardian sees only their own)' })
  @ApiOkResponse({ type: LinkPageDto })
  @ApiProblems(400, 404)
  list(@CurrentActor() actor: Actor, @UuidParam() childId: string, @Query() query: LinkQuery) {
    return this.links.list(actor, childId, query);
  }

  @Post(':guardianId/approve')
  @HttpCode(200)
  @Roles('admin', 'hub_staff')
  @ApiOperation({ summary: 'Approve a pending link (only approved links can be booked)' })
  @ApiOkResponse({ type: LinkDto })
  @ApiProblems(403, 404, 409)
  approve(@CurrentActor() actor: Actor, @UuidParam() childId: string, @UuidParam('guardianId') guardianId: string) {
    return this.links.approve(actor, childId, guardianId);
  }

  @Post(':guardianId/revoke')
  @HttpCode(200)
  @Roles('admin', 'hub_staff')
  @ApiOperation({
    summary: 'Revoke a pending or approved link',
    description:
      "The pair's sessions that have not taken place are cancelled (reason \"the parent's link was revoked\", every party told); " +
      'a call of the pair already running ends at once (`endReason: link_revoked`; the call room hears `ended` and is closed).',
  })
  @ApiOkResponse({ type: LinkDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  revoke(
    @CurrentActor() actor: Actor,
    @UuidParam() childId: string,
    @UuidParam('guardianId') guardianId: string,
    @Body() body: RevokeLinkDto,
  ) {
    return this.links.revoke(actor, childId, guardianId, body);
  }
}
