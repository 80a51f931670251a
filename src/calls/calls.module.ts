import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { RemindersModule } from '../reminders/reminders.module';
import { CallEndJob } from './call-end.job';
import { CallRoomService } from './call-room.service';
import { CallSessionsRepository } from './call-sessions.repository';
import { DueTransitions } from './due-transitions';
import { CallsController } from './calls.controller';
import { CallsGateway } from './calls.gateway';
import { CallsService } from './calls.service';
import { JoinTokenService } from './join-token.service';
import { NoShowJob } from './no-show.job';
import { RevokedLinkCalls } from './revoked-link-calls';
import { SessionTransitions } from './session-transitions';

/** The call: check-in, assent, join tokens, the /calls room with its signaling, the no-show check and the scheduled end. */
@Module({
  imports: [RemindersModule, AlertsModule],
  controllers: [CallsController],
  providers: [
    CallSessionsRepository,
    SessionTransitions,
    DueTransitions,
    CallsService,
    JoinTokenService,
    CallRoomService,
    CallsGateway,
    CallEndJob,
    NoShowJob,
    RevokedLinkCalls,
  ],
  exports: [RevokedLinkCalls],
})
export class CallsModule {}
