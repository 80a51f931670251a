import { Module } from '@nestjs/common';
import { ChildScopeModule } from '../children/child-scope.module';
import { BookingContextLoader } from './booking-context.loader';
import { SlotsController } from './slots.controller';
import { SlotsService } from './slots.service';

/** Slot search. Exports BookingContextLoader: the one read of everything a booking is judged against. */
@Module({
  imports: [ChildScopeModule],
  controllers: [SlotsController],
  providers: [BookingContextLoader, SlotsService],
  exports: [BookingContextLoader],
})
export class SlotsModule {}
