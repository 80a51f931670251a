import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { JobQueue } from '../jobs/job-queue.service';
import { Metrics } from '../metrics/metrics.service';
import { deliveryJobOptions } from './notifications.service';
import type { Locale } from './templates';
import { NOTIFICATION_TRANSPORT, NotificationTransport, OutboundMessage } from './transports/notification-transport';

/** A pending message this old with no live delivery job was lost (e.g. enqueued by an older release). */
const SWEEP_AFTER = '2 minutes';
const SWEEP_BATCH = 500;

interface NotificationRow {
  id: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  recipient_type: 'guardian' | 'user' | 'phone';
  recipient_id: string | null;
  recipient_phone: string | null;
  guardian_phone: string | null;
  user_email: string | null;
  locale: Locale;
  template: string;
  subject: string;
  body: string;
  request_id: string | null;
  created_at: Date;
}

type Outcome = { kind: 'skipped' } | { kind: 'sent' } | { kind: 'failed'; error: Error; final: boolean };

/** Works the outbox: one `notification.deliver` job per message, plus a sweep for strays. */
@Injectable()
export class NotificationDeliverer implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationDeliverer.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly transactions: Transactions,
    private readonly db: DataSource,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    @Inject(NOTIFICATION_TRANSPORT) private readonly transport: NotificationTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('notification.deliver', (job) => this.deliver(job.data.notificationId), { batchSize: 50, concurrency: 4 });
    await this.jobs.work('notification.sweep', async () => {
      await this.sweep();
    });
    await this.jobs.schedule('notification.sweep', '* * * * *', {});
  }

  /**
   * Delivers one message at most once at a time: the row stays locked while the transport
   * works (at most its timeout), so a duplicate job skips it instead of sending it twice.
   * Throws after recording a failed attempt, so that pg-boss retries with backoff.
   */
  async deliver(notificationId: string): Promise<void> {
    const outcome = await this.transactions.run(async (tx): Promise<Outcome> => {
      const rows: NotificationRow[] = await tx.query(
        `SELECT n.id, n.status, n.attempts, n.recipient_type, n.recipient_id, n.recipient_phone, n.locale, n.template,
                n.subject, n.body, n.request_id, n.created_at, g.phone AS guardian_phone, u.email AS user_email
           FROM notifications n
           LEFT JOIN guardians g ON n.recipient_type = 'guardian' AND g.id = n.recipient_id
           LEFT JOIN users u ON n.recipient_type = 'user' AND u.id = n.recipient_id
          WHERE n.id = $1
            FOR UPDATE OF n SKIP LOCKED`,
        [notificationId],
      );
      const row = rows[0];
      if (!row || row.status !== 'pending') return { kind: 'skipped' };

      const message = toOutbound(row);
      if (!message.recipient.phone && !message.recipient.email) {
        // Nothing to retry: the recipient is gone or has no address.
        await tx.query(`UPDATE notifications SET status = 'failed', attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
          row.id,
          'the recipient has no phone number or email address',
        ]);
        return { kind: 'failed', error: new Error('no destination'), final: true };
      }
      try {
        await this.transport.deliver(message);
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        const final = row.attempts + 1 >= this.config.notify.maxAttempts;
        await tx.query(
          `UPDATE notifications SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'failed'::notification_status ELSE status END
            WHERE id = $1`,
          [row.id, error.message.slice(0, 1000), final],
        );
        return { kind: 'failed', error, final };
      }
      await tx.query(`UPDATE notifications SET status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1`, [
        row.id,
        this.clock.now().toJSDate(),
      ]);
      return { kind: 'sent' };
    });

    const transport = this.transport.name;
    switch (outcome.kind) {
      case 'skipped':
        return;
      case 'sent':
        this.metrics.notificationsDelivered.inc({ transport });
        return;
      case 'failed':
        this.metrics.notificationAttemptsFailed.inc({ transport });
        if (outcome.final) {
          this.metrics.notificationsFailed.inc({ transport });
          this.logger.error(`notification ${notificationId} failed for good: ${outcome.error.message}`);
          return;
        }
        throw outcome.error;
    }
  }

  /** Re-enqueues pending messages that have no live job; idempotent (one queued job per message). */
  async sweep(): Promise<number> {
    const schema = this.config.jobs.schema;
    const stray: { id: string }[] = await this.db.query(
      `SELECT n.id FROM notifications n
        WHERE n.status = 'pending' AND n.created_at < now() - $1::interval
          AND NOT EXISTS (
            SELECT 1 FROM ${schema}.job j
             WHERE j.name = 'notification.deliver' AND j.data->>'notificationId' = n.id::text AND j.state < 'completed')
        ORDER BY n.created_at
        LIMIT ${SWEEP_BATCH}`,
      [SWEEP_AFTER],
    );
    for (const { id } of stray) {
      await this.jobs.sendNow('notification.deliver', { notificationId: id }, deliveryJobOptions(this.config, id));
    }
    if (stray.length > 0) this.logger.warn(`re-enqueued ${stray.length} pending notification(s) that had no delivery job`);
    return stray.length;
  }
}

function toOutbound(row: NotificationRow): OutboundMessage {
  const phone = row.recipient_type === 'guardian' ? row.guardian_phone : row.recipient_type === 'phone' ? row.recipient_phone : null;
  return {
    id: row.id,
    template: row.template,
    locale: row.locale,
    recipient: { type: row.recipient_type, id: row.recipient_id, phone, email: row.recipient_type === 'user' ? row.user_email : null },
    subject: row.subject,
    body: row.body,
    createdAt: row.created_at.toISOString(),
    requestId: row.request_id,
  };
}
