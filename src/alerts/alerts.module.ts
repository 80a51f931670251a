import { Module } from '@nestjs/common';
import { AlertEscalations } from './alert-escalations';
import { AlertEvaluations } from './alert-evaluations';
import { AlertHistoryRepository } from './alert-history.repository';
import { AlertNotices } from './alert-notices';
import { AlertSettings } from './alert-settings';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { CounselorsGateway } from './counselors.gateway';

/**
 * Safeguarding: distress rules → alerts → follow-ups, their escalation, and the /counselors
 * socket namespace. Exports AlertEvaluations (the wellbeing check queues its evaluation; the
 * calls feature queues one per decline) and AlertSettings (scoring thresholds per hub).
 */
@Module({
  controllers: [AlertsController],
  providers: [AlertsRepository, AlertHistoryRepository, AlertSettings, AlertNotices, AlertEvaluations, AlertEscalations, AlertsService, CounselorsGateway],
  exports: [AlertEvaluations, AlertSettings],
})
export class AlertsModule {}
