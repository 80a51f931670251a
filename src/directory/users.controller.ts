import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { CreateUserDto, UpdateUserDto, UserDto, UserPageDto, UserQuery } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiProblems(401)
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @Get()
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOkResponse({ type: UserPageDto, description: 'Admins: every user; staff and counselors: users sharing one of their hubs' })
  @ApiProblems(400, 403)
  list(@CurrentActor() actor: Actor, @Query() query: UserQuery) {
    return this.users.list(actor, query);
  }

  @Get(':id')
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(403, 404)
  get(@CurrentActor() actor: Actor, @UuidParam() id: string) {
    return this.users.get(actor, id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  update(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() dto: UpdateUserDto) {
    return this.users.update(actor, id, dto);
  }
}
