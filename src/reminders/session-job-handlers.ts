import { dueSystemEvent, transition } from '@app/call-lifecycle';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Transactions } from '../database/transaction';
import { JobPayloads } from '../jobs/job-queues';
import { JobQueue } from '../jobs/job-queue.service';
import { NotificationsService } from '../notifications/notifications.service';
import { SessionChanges } from '../realtime/session-changes';
import { notifyGuardianCallOutcome } from './guardian-call-notices';
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
    private readonly notifications: NotificationsService,
    private readonly changes: SessionChanges,
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

  /**
   * At start + 10 min, whatever the lifecycle says is due (`dueSystemEvent`): a session never
   * checked in becomes `no_show_child` (this wins: when neither came, the parent is not recorded as
   * the one who missed it; the guardian gets a gentle note); a checked-in session whose guardian
   * never joined becomes `no_show_guardian` (the supervisor is told). A guardian who joined, a
   * moved or a finished session: nothing. Judged by the app's clock.
   */
  async checkNoShow(job: JobPayloads['session.no-show-check']): Promise<NoShowOutcome> {
    const marked = await this.transactions.run(async (tx) => {
      const session = await this.facts.find(tx, job.sessionId, { lock: true });
      if (!session || session.startsAt.getTime() !== Date.parse(job.startsAt)) return false;
      const more = await this.facts.lifecycleFacts(tx, session.id);
      if (!more) return false;
      const context = {
        now: this.clock.now().toMillis(),
        session: {
          kind: more.kind,
          startsAt: session.startsAt.getTime(),
          endsAt: session.endsAt.getTime(),
          assent: more.assent,
          guardianJoinedAt: session.guardianJoinedAt?.getTime() ?? null,
          counselorJoinedAt: more.counselorJoinedAt?.getTime() ?? null,
        },
      };
      const event = dueSystemEvent(session.status, context);
      if (event?.type !== 'mark_no_show_child' && event?.type !== 'mark_no_show_guardian') return false;
      const result = transition(session.status, event, { ...context, role: 'system' });
      if (!result.ok || !(await this.facts.setStatus(tx, session.id, session.status, result.next, this.clock.now().toJSDate()))) return false;
      await this.audit.record(tx, {
        action: `session.${result.next}`,
        objectType: 'session',
        objectId: session.id,
        childId: session.childId,
        hubId: session.hubId,
        details: { startsAt: job.startsAt, from: 'job', previousStatus: session.status },
      });
      if (event.type === 'mark_no_show_child') await notifyGuardianCallOutcome(this.notifications, tx, session, 'call_not_held');
      else await this.notices.guardianNoShow(tx, session.id);
      this.logger.log(`session ${session.id}: marked ${result.next}`);
      return true;
    });
    if (!marked) return 'not_applicable';
    await this.changes.changed(job.sessionId);
    return 'marked';
  }
}
