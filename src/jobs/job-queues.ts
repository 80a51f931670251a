import type PgBoss from 'pg-boss';

/**
 * Every queue and the payload its jobs carry. A feature that needs a job adds its queue here
 * (and to QUEUE_POLICIES below), so `send` and `work` are type-checked end to end.
 */
export interface JobPayloads {
  'notification.deliver': { notificationId: string };
  'notification.sweep': Record<string, never>;
  /** `startsAt` is the session start the job was scheduled for (ISO): a moved session makes the job stale. */
  'session.reminder': { sessionId: string; startsAt: string; reminder: '24h' | '1h' };
  'session.no-show-check': { sessionId: string; startsAt: string };
  /** At the scheduled end (`endsAt`, ISO): end a call still running, or close a checked-in session that never started. */
  'session.call-end': { sessionId: string; endsAt: string };
  'housekeeping.purge': Record<string, never>;
  /** Run the distress rules for a recorded wellbeing check, or for a declined session. */
  'alert.evaluate': { subject: 'check' | 'decline'; id: string };
  /** At the alert's `due_by`: escalate it if it is still open (unacknowledged). */
  'alert.escalate': { alertId: string };
}

export type QueueName = keyof JobPayloads;

/**
 * How pg-boss treats duplicates per queue (`singletonKey`):
 * - `standard`: no deduplication;
 * - `short`: at most one queued (not yet started) job per key;
 * - `singleton`: at most one running job per key;
 * - `stately`: at most one job per key in each state up to running.
 */
export const QUEUE_POLICIES: Record<QueueName, PgBoss.QueuePolicy> = {
  'notification.deliver': 'short',
  'notification.sweep': 'singleton',
  // singletonKey = session + start + kind: scheduling the same start twice queues one job.
  'session.reminder': 'short',
  'session.no-show-check': 'short',
  'session.call-end': 'short',
  'housekeeping.purge': 'singleton',
  // singletonKey = subject: the durable fallback of one evaluation is queued once.
  'alert.evaluate': 'short',
  // singletonKey = alert id.
  'alert.escalate': 'short',
};
