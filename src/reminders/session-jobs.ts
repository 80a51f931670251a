import { Injectable } from '@nestjs/common';
import { DateTime, Duration } from 'luxon';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { JobQueue, PendingJob, SendOptions } from '../jobs/job-queue.service';
import type { ReminderKind } from './session-notices';

/** When each reminder goes out, before the start. */
export const REMINDER_LEADS: Record<ReminderKind, Duration> = {
  '24h': Duration.fromObject({ hours: 24 }),
  '1h': Duration.fromObject({ hours: 1 }),
};
/** A guardian not joined this long after the start is a no-show. */
export const NO_SHOW_AFTER = Duration.fromObject({ minutes: 10 });

const RETRIES: SendOptions = { retryLimit: 5, retryDelay: 30, retryBackoff: true };

/**
 * The timed work of one session: reminders 24 h and 1 h before, the no-show check 10 min after
 * the start. Jobs go into pg-boss on the caller's transaction (durable, shared by every instance)
 * and carry the start they were planned for: after a reschedule the caller calls this again for
 * the new start and the old jobs find a different start on the row and do nothing.
 */
@Injectable()
export class SessionJobs {
  constructor(
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  /** Inserts the session's jobs on the caller's transaction, in one statement. */
  async scheduleFor(tx: EntityManager, session: { id: string; startsAt: Date }): Promise<void> {
    await this.jobs.sendMany(tx, this.jobsFor(session));
  }

  /** The session's jobs, for a caller that sends them with others (JobQueue.sendMany). */
  jobsFor(session: { id: string; startsAt: Date }): PendingJob[] {
    const now = this.clock.now();
    const start = DateTime.fromJSDate(session.startsAt, { zone: 'utc' });
    const startsAt = start.toISO()!;
    const jobs: PendingJob[] = [];
    for (const [reminder, lead] of Object.entries(REMINDER_LEADS) as [ReminderKind, Duration][]) {
      const at = start.minus(lead);
      // A walk-in or short-notice booking: that reminder's moment has passed, so it is not sent at all.
      if (at <= now) continue;
      jobs.push({
        queue: 'session.reminder',
        data: { sessionId: session.id, startsAt, reminder },
        options: { ...RETRIES, startAfter: at.toJSDate(), singletonKey: `${session.id}/${startsAt}/${reminder}` },
      });
    }
    jobs.push({
      queue: 'session.no-show-check',
      data: { sessionId: session.id, startsAt },
      options: { ...RETRIES, startAfter: start.plus(NO_SHOW_AFTER).toJSDate(), singletonKey: `${session.id}/${startsAt}` },
    });
    return jobs;
  }
}
