import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/auth/actor';
import { CurrentActor, Roles } from '../common/auth/auth.decorators';
import { ApiProblems } from '../common/http/api-problems.decorator';
import { UuidParam } from '../common/http/uuid-param';
import { ContactGapsService } from './contact-gaps.service';
import { ContactGapsDto } from './dto/contact-gaps.dto';

@ApiTags('hubs')
@ApiBearerAuth()
@Controller('hubs')
export class ContactGapsController {
  constructor(private readonly gaps: ContactGapsService) {}

  @Get(':id/contact-gaps')
  @Roles('admin', 'hub_staff', 'counselor')
  @ApiOperation({
    summary: 'Children who need attention: no completed call in 7 days, or 3 declines in a row',
    description: 'Computed for the current moment. Each listed child is an audited read.',
  })
  @ApiOkResponse({ type: ContactGapsDto })
  @ApiProblems(403, 404)
  forHub(@CurrentActor() actor: Actor, @UuidParam() id: string): Promise<ContactGapsDto> {
    return this.gaps.forHub(actor, id);
  }
}
