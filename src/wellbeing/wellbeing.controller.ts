import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { WellbeingCheckDto, WellbeingCheckInputDto } from './dto/wellbeing-check.dto';
import { WellbeingService } from './wellbeing.service';

@ApiTags('wellbeing')
@ApiBearerAuth()
@Controller('sessions')
export class WellbeingController {
  constructor(private readonly wellbeing: WellbeingService) {}

  @Post(':id/wellbeing-check')
  @Roles('admin', 'hub_staff')
  @ApiOperation({
    summary: 'Record the child’s wellbeing check after the call or a decline',
    description:
      'Body: `{answers: {feelingNow, callFeeling, thermometer, wantsToTalk}, observation?}` or `{skipped: {reason}, observation?}`. ' +
      '`callFeeling` is required after a completed call and must be left out after a decline. Checked in this order: the session is ' +
      'in the caller’s hubs (404); it is `completed` or `declined` (409 SESSION_NOT_FINISHED with `currentStatus`); the answers fit ' +
      'the session (400); the session’s guardian has an active `wellbeing_check` consent (409 CONSENT_REQUIRED); no check yet ' +
      '(409 WELLBEING_CHECK_EXISTS). Stores the answers with score and distress and, on the same transaction, queues the distress ' +
      'rules; they run at once after the commit and alerts reach the /counselors socket.',
  })
  @ApiCreatedResponse({ type: WellbeingCheckDto })
  @ApiProblems(400, 403, 404, 409, 413, 415)
  record(@CurrentActor() actor: Actor, @UuidParam() id: string, @Body() body: WellbeingCheckInputDto): Promise<WellbeingCheckDto> {
    return this.wellbeing.record(actor, id, body);
  }
}
