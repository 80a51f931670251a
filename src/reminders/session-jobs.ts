import { Injectable } from '@nestjs/common';
import { DateTime, Duration } from 'luxon';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { JobQueue, SendOptions } from '../jobs/job-queue.service';
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

  async scheduleFor(tx: EntityManager, session: { id: string; startsAt: Date }): Promise<void> {
    const now = this.clock.now();
    const start = DateTime.fromJSDate(session.startsAt, { zone: 'utc' });
    const startsAt = start.toISO()!;
    for (const [reminder, lead] of Object.entries(REMINDER_LEADS) as [ReminderKind, Duration][]) {
      const at = start.minus(lead);
      // A walk-in or short-notice booking: that reminder's moment has passed, so it is not sent at all.
      if (at <= now) continue;
      await this.jobs.send(
        tx,
        'session.reminder',
        { sessionId: session.id, startsAt, reminder },
        { ...RETRIES, startAfter: at.toJSDate(), singletonKey: `${session.id}/${startsAt}/${reminder}` },
      );
    }
    await this.jobs.send(
      tx,
      'session.no-show-check',
      { sessionId: session.id, startsAt },
      { ...RETRIES, startAfter: start.plus(NO_SHOW_AFTER).toJSDate(), singletonKey: `${session.id}/${startsAt}` },
    );
  }
}
