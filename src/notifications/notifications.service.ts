import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { requestContext } from '../common/http/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { runWrites, SqlStatement } from '../database/combined-writes';
import { JobQueue, PendingJob, SendOptions } from '../jobs/job-queue.service';
import { Locale, renderTemplate, TemplateName } from './templates';

/** `locale`, when the caller already has it, saves a lookup on hot paths such as booking. */
export type Recipient =
  | { type: 'guardian'; id: string; locale?: Locale }
  | { type: 'user'; id: string; locale?: Locale }
  /** Someone known only by phone (e.g. a one-time code to a guardian who has not signed in yet). */
  | { type: 'phone'; phone: string; locale: Locale };

export interface OutgoingMessage {
  recipient: Recipient;
  template: TemplateName;
  params: Record<string, string>;
}

/** Outbox messages ready to be written: their ids, the INSERT of their rows and their delivery jobs. */
export interface OutboxWrites {
  ids: string[];
  insert: SqlStatement;
  deliveries: PendingJob<'notification.deliver'>[];
}

/**
 * The outbox: a message is a row written on the caller's transaction, together with the job
 * that delivers it, so both exist exactly when the change that caused them commits.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(tx: EntityManager, message: OutgoingMessage): Promise<string> {
    const [id] = await this.enqueueMany(tx, [message]);
    return id;
  }

  /** Several messages and their delivery jobs, in one statement. Returns the notification ids, in the order of `messages`. */
  async enqueueMany(tx: EntityManager, messages: readonly OutgoingMessage[]): Promise<string[]> {
    if (messages.length === 0) return [];
    const outbox = await this.outboxWrites(tx, messages);
    await runWrites(tx, [outbox.insert, await this.jobs.insertStatement(outbox.deliveries)]);
    return outbox.ids;
  }

  /**
   * The rows of `messages` and their delivery jobs, not yet sent: for a caller that sends them
   * together with its other writes on the same transaction (runWrites, JobQueue.insertStatement).
   * `messages` must not be empty.
   */
  async outboxWrites(tx: EntityManager, messages: readonly OutgoingMessage[]): Promise<OutboxWrites> {
    const requestId = requestContext.requestId() ?? null;
    const rows: Record<string, unknown>[] = [];
    for (const { recipient, template, params } of messages) {
      const locale = recipient.type === 'phone' ? recipient.locale : (recipient.locale ?? (await this.localeOf(tx, recipient)));
      const rendered = renderTemplate(template, locale, params);
      rows.push({
        // The id is made here so the delivery jobs can name it without a RETURNING round trip.
        id: randomUUID(),
        recipient_type: recipient.type,
        recipient_id: recipient.type === 'phone' ? null : recipient.id,
        recipient_phone: recipient.type === 'phone' ? recipient.phone : null,
        locale,
        template,
        params,
        subject: rendered.subject,
        body: rendered.body,
        request_id: requestId,
      });
    }
    const ids = rows.map((row) => row.id as string);
    return {
      ids,
      insert: { text: INSERT_MESSAGES, values: [JSON.stringify(rows)] },
      deliveries: ids.map((id) => ({ queue: 'notification.deliver', data: { notificationId: id }, options: deliveryJobOptions(this.config, id) })),
    };
  }

  private async localeOf(tx: EntityManager, recipient: { type: 'guardian' | 'user'; id: string }): Promise<Locale> {
    const table = recipient.type === 'guardian' ? 'guardians' : 'users';
    const rows: { locale: Locale }[] = await tx.query(`SELECT locale FROM ${table} WHERE id = $1`, [recipient.id]);
    return rows[0]?.locale ?? 'zh-CN';
  }
}

/**
 * Any number of messages as one JSON array, so the statement's text never changes with the count
 * (it is prepared once per connection, alone or combined with other writes).
 */
const INSERT_MESSAGES = `INSERT INTO notifications (id, recipient_type, recipient_id, recipient_phone, locale, template, params, subject, body, request_id)
  SELECT id, recipient_type, recipient_id, recipient_phone, locale, template, params, subject, body, request_id
    FROM jsonb_to_recordset($1::jsonb) AS m(id uuid, recipient_type text, recipient_id uuid, recipient_phone text, locale text,
                                          template text, params jsonb, subject text, body text, request_id text)`;

/** pg-boss counts retries, the outbox counts attempts: maxAttempts attempts are 1 + (maxAttempts − 1) retries. */
export function deliveryJobOptions(config: AppConfig, notificationId: string): SendOptions {
  return {
    singletonKey: notificationId,
    retryLimit: config.notify.maxAttempts - 1,
    retryDelay: config.notify.retryDelaySeconds,
    retryBackoff: true,
  };
}
