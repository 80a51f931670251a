import { Module } from '@nestjs/common';
import { RemindersModule } from '../reminders/reminders.module';
import { SessionsModule } from '../sessions/sessions.module';
import { RescheduleRequestRepository } from './reschedule-request.repository';
import { RescheduleRequestsController } from './reschedule-requests.controller';
import { RescheduleRequestsService } from './reschedule-requests.service';

@Module({
  imports: [SessionsModule, RemindersModule],
  controllers: [RescheduleRequestsController],
  providers: [RescheduleRequestsService, RescheduleRequestRepository],
})
export class RescheduleRequestsModule {}
