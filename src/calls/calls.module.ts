import { Module } from '@nestjs/common';
import { RemindersModule } from '../reminders/reminders.module';
import { CallEndJob } from './call-end.job';
import { CallRoomService } from './call-room.service';
import { CallSessionsRepository } from './call-sessions.repository';
import { CallsController } from './calls.controller';
import { CallsGateway } from './calls.gateway';
import { CallsService } from './calls.service';
import { JoinTokenService } from './join-token.service';
import { SessionTransitions } from './session-transitions';

/** The call: check-in, assent, join tokens, the /calls room with its signaling, and the scheduled end. */
@Module({
  imports: [RemindersModule],
  controllers: [CallsController],
  providers: [CallSessionsRepository, SessionTransitions, CallsService, JoinTokenService, CallRoomService, CallsGateway, CallEndJob],
})
export class CallsModule {}
