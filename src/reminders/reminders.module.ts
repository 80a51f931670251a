import { Module } from '@nestjs/common';
import { GuardianPresenceService } from './guardian-presence.service';
import { SessionFactsRepository } from './session-facts.repository';
import { SessionJobHandlers } from './session-job-handlers';
import { SessionJobs } from './session-jobs';
import { SessionNotices } from './session-notices';

/**
 * What happens around a booked session without anyone asking: notices to every party, reminders,
 * and the guardian's join (recorded by the call room). SessionNotices and SessionJobs are used by the
 * sessions feature on its own transactions.
 */
@Module({
  providers: [SessionFactsRepository, SessionNotices, SessionJobs, SessionJobHandlers, GuardianPresenceService],
  exports: [SessionNotices, SessionJobs, GuardianPresenceService, SessionFactsRepository],
})
export class RemindersModule {}
