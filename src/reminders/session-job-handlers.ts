import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { SessionFactsRepository } from './session-facts.repository';
import { SessionNotices } from './session-notices';

export type ReminderOutcome = 'sent' | 'already_sent' | 'stale';

/** States in which a reminder still makes sense (check-in opens 30 min before the start). */
const REMINDABLE = new Set(['booked', 'checked_in']);

/**
 * Worker of the reminder jobs (the no-show check is a call lifecycle job: src/calls/no-show.job.ts). Each handler re-reads the session and acts only if the job still
 * applies: not cancelled, not moved (the start on the row equals the start in the job), and in a
 * state where the action makes sense. So a retry, a duplicate or a stale job changes nothing.
 */
@Injectable()
export class SessionJobHandlers implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobQueue,
    private readonly transactions: Transactions,
    private readonly facts: SessionFactsRepository,
    private readonly notices: SessionNotices,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('session.reminder', async (job) => void (await this.remind(job.data)), { batchSize: 5 });
  }

  remind(job: JobPayloads['session.reminder']): Promise<ReminderOutcome> {
    return this.transactions.run(async (tx) => {
      // The row lock serialises two workers that got the same reminder; the second sees the first's message.
      const session = await this.facts.find(tx, job.sessionId, { lock: true });
      const startsAt = Date.parse(job.startsAt);
      if (
        !session ||
        !REMINDABLE.has(session.status) ||
        session.startsAt.getTime() !== startsAt ||
        this.clock.now().toMillis() >= startsAt
      ) {
        return 'stale';
      }
      if (await this.facts.reminderQueued(tx, session, session.startsAt.toISOString(), job.reminder)) return 'already_sent';
      await this.notices.reminder(tx, session, job.reminder);
      // The reminder reads the child's call plan (the counselor's advice): child data, so audited.
      await this.audit.record(tx, {
        action: 'session.remind',
        objectType: 'session',
        objectId: session.id,
        childId: session.childId,
        hubId: session.hubId,
        details: { reminder: job.reminder, startsAt: job.startsAt, withAdvice: Boolean(session.adviceForParent?.trim()) },
      });
      return 'sent';
    });
  }
}
