import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { ConsentModule } from '../consent/consent.module';
import { WellbeingChecksRepository } from './wellbeing-checks.repository';
import { WellbeingController } from './wellbeing.controller';
import { WellbeingService } from './wellbeing.service';

/** The post-call wellbeing check (instrument v1), which feeds the distress rules. */
@Module({
  imports: [AlertsModule, ConsentModule],
  controllers: [WellbeingController],
  providers: [WellbeingChecksRepository, WellbeingService],
})
export class WellbeingModule {}
