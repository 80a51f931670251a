import { Module } from '@nestjs/common';
import { ChildrenModule } from '../children/children.module';
import { BookingContextLoader } from './booking-context.loader';
import { SlotsController } from './slots.controller';
import { SlotsService } from './slots.service';

/** Slot search. Exports BookingContextLoader: the one read of everything a booking is judged against. */
@Module({
  imports: [ChildrenModule],
  controllers: [SlotsController],
  providers: [BookingContextLoader, SlotsService],
  exports: [BookingContextLoader],
})
export class SlotsModule {}
