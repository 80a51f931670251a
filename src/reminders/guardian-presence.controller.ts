import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { SessionChanges } from '../realtime/session-changes';
import { GuardianJoinedDto } from './dto/guardian-joined.dto';
import { GuardianPresenceService } from './guardian-presence.service';

@ApiTags('sessions')
@ApiBearerAuth()
@Controller('sessions')
export class GuardianPresenceController {
  constructor(
    private readonly presence: GuardianPresenceService,
    private readonly changes: SessionChanges,
  ) {}

  @Post(':id/guardian-joined')
  @HttpCode(200)
  @Roles('admin', 'hub_staff')
  @ApiOperation({
    summary: 'Report that the guardian joined the call (by other means than the call page)',
    description:
      'The guardian’s first connection to the /calls namespace records the join by itself; this route lets the supervising ' +
      'staff member (or an admin) record it otherwise (e.g. the parent called the hub’s phone). A guardian who has not joined 10 minutes after the start becomes `no_show_guardian`. Idempotent: a ' +
      'repeated report keeps the first time. Allowed from 30 minutes before the start until the scheduled end, while the ' +
      'session is booked, checked in or in the call; otherwise 409 INVALID_TRANSITION.',
  })
  @ApiOkResponse({ type: GuardianJoinedDto })
  @ApiProblems(403, 404, 409)
  async guardianJoined(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<GuardianJoinedDto> {
    const joined = await this.presence.reportJoined(actor, id);
    await this.changes.changed(id, { call: false });
    return joined;
  }
}
