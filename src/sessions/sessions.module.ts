import { Module } from '@nestjs/common';
import { ChildScopeModule } from '../children/child-scope.module';
import { IdempotencyModule } from '../common/idempotency/idempotency.module';
import { RemindersModule } from '../reminders/reminders.module';
import { SlotsModule } from '../slots/slots.module';
import { SessionBooker } from './session-booker';
import { SessionSeriesController } from './session-series.controller';
import { SessionSeriesService } from './session-series.service';
import { SessionsController } from './sessions.controller';
import { SessionsRepository } from './sessions.repository';
import { SessionsService } from './sessions.service';

/** Booking, series, reschedule and cancellation. Exports SessionsService (the directory cancels a station's sessions through it). */
@Module({
  imports: [ChildScopeModule, SlotsModule, RemindersModule, IdempotencyModule],
  controllers: [SessionsController, SessionSeriesController],
  providers: [SessionsService, SessionSeriesService, SessionBooker, SessionsRepository],
  exports: [SessionsService],
})
export class SessionsModule {}
