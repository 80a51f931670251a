import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { SessionFactsRepository } from './session-facts.repository';
import { SessionNotices } from './session-notices';

export type ReminderOutcome = 'sent' | 'already_sent' | 'stale';
export type NoShowOutcome = 'marked' | 'not_applicable';

/** States in which a reminder still makes sense (check-in opens 30 min before the start). */
const REMINDABLE = new Set(['booked', 'checked_in']);

/**
 * Workers of the session jobs. Each handler re-reads the session and acts only if the job still
 * applies: not cancelled, not moved (the start on the row equals the start in the job), and in a
 * state where the action makes sense. So a retry, a duplicate or a stale job changes nothing.
 */
@Injectable()
export class SessionJobHandlers implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionJobHandlers.name);

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
    await this.jobs.work('session.no-show-check', async (job) => void (await this.checkNoShow(job.data)), { batchSize: 5 });
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

  checkNoShow(job: JobPayloads['session.no-show-check']): Promise<NoShowOutcome> {
    return this.transactions.run(async (tx) => {
      const changed = await this.facts.markGuardianNoShow(tx, job.sessionId, job.startsAt, this.clock.now().toJSDate());
      if (!changed) return 'not_applicable';
      await this.audit.record(tx, {
        action: 'session.no_show_guardian',
        objectType: 'session',
        objectId: changed.id,
        childId: changed.childId,
        hubId: changed.hubId,
        details: { startsAt: job.startsAt, from: 'job' },
      });
      await this.notices.guardianNoShow(tx, changed.id);
      this.logger.log(`session ${changed.id}: guardian did not join; marked no_show_guardian`);
      return 'marked';
    });
  }
}
