import { Body, Controller, Get, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { ChildrenService } from './children.service';
import { CallPlanDto } from './dto/call-plan.dto';
import { ChildDto, ChildPageDto, GuardianChildDto } from './dto/child.dto';
import { ChildQuery, CreateChildDto, UpdateChildDto } from './dto/child-input.dto';

const CHILD_FOR_ROLE = { oneOf: [{ $ref: getSchemaPath(ChildDto) }, { $ref: getSchemaPath(GuardianChildDto) }] };

@ApiTags('children')
@ApiBearerAuth()
@ApiExtraModels(ChildDto, GuardianChildDto)
@Controller('children')
export class ChildrenController {
  constructor(private readonly children: ChildrenService) {}

  @Post()
  @Roles('admin', 'hub_staff')
  @ApiOperation({ summary: 'Register a child at a hub (staff of that hub or admin)' })
  @ApiCreatedResponse({ type: ChildDto })
  @ApiProblems(400, 403, 404, 413, 415)
  create(@CurrentActor() actor: Actor, @Body() body: CreateChildDto) {
    return this.children.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'Children the caller may see; a guardian gets their approved-linked children in a reduced shape' })
  @ApiOkResponse({ type: ChildPageDto })
  @ApiProblems(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: ChildQuery) {
    return this.children.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One child (reduced shape for guardians)' })
  @ApiOkResponse({ schema: CHILD_FOR_ROLE })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.children.get(actor, id);
  }

  @Patch(':id')
  @Roles('admin', 'hub_staff')
  @ApiOperation({ summary: 'Change a child’s name, birth date, counselor or caregiver' })
  @ApiOkResponse({ type: ChildDto })
  @ApiProblems(400, 403, 404, 413, 415)
  update(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: UpdateChildDto) {
    return this.children.update(actor, id, body);
  }

  @Get(':id/call-plan')
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOperation({ summary: 'The child’s call plan (guardians read the advice on the child itself)' })
  @ApiOkResponse({ type: CallPlanDto })
  @ApiProblems(403, 404)
  getCallPlan(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.children.getCallPlan(actor, id);
  }

  @Put(':id/call-plan')
  @Roles('admin', 'counselor')
  @ApiOperation({ summary: 'Replace the call plan (a counselor of the child’s hub, or an admin)' })
  @ApiOkResponse({ type: CallPlanDto })
  @ApiProblems(400, 403, 404, 413, 415)
  putCallPlan(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: CallPlanDto) {
    return this.children.putCallPlan(actor, id, body);
  }
}
