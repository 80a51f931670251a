import { Module } from '@nestjs/common';
import { GuardianPresenceController } from './guardian-presence.controller';
import { GuardianPresenceService } from './guardian-presence.service';
import { SessionFactsRepository } from './session-facts.repository';
import { SessionJobHandlers } from './session-job-handlers';
import { SessionJobs } from './session-jobs';
import { SessionNotices } from './session-notices';

/**
 * What happens around a booked session without anyone asking: notices to every party, reminders,
 * the no-show check, and the guardian-joined hook. SessionNotices and SessionJobs are used by the
 * sessions feature on its own transactions.
 */
@Module({
  controllers: [GuardianPresenceController],
  providers: [SessionFactsRepository, SessionNotices, SessionJobs, SessionJobHandlers, GuardianPresenceService],
  exports: [SessionNotices, SessionJobs, GuardianPresenceService, SessionFactsRepository],
})
export class RemindersModule {}
