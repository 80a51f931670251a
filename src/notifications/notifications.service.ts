import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { requestContext } from '../common/http/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { JobQueue, SendOptions } from '../jobs/job-queue.service';
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
    const { recipient } = message;
    const locale = recipient.type === 'phone' ? recipient.locale : (recipient.locale ?? (await this.localeOf(tx, recipient)));
    const rendered = renderTemplate(message.template, locale, message.params);
    const [row] = await tx.query(
      `INSERT INTO notifications (recipient_type, recipient_id, recipient_phone, locale, template, params, subject, body, request_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        recipient.type,
        recipient.type === 'phone' ? null : recipient.id,
        recipient.type === 'phone' ? recipient.phone : null,
        locale,
        message.template,
        JSON.stringify(message.params),
        rendered.subject,
        rendered.body,
        requestContext.requestId() ?? null,
      ],
    );
    const id = row.id as string;
    await this.jobs.send(tx, 'notification.deliver', { notificationId: id }, deliveryJobOptions(this.config, id));
    return id;
  }

  private async localeOf(tx: EntityManager, recipient: { type: 'guardian' | 'user'; id: string }): Promise<Locale> {
    const table = recipient.type === 'guardian' ? 'guardians' : 'users';
    const rows: { locale: Locale }[] = await tx.query(`SELECT locale FROM ${table} WHERE id = $1`, [recipient.id]);
    return rows[0]?.locale ?? 'zh-CN';
  }
}

/** pg-boss counts retries, the outbox counts attempts: maxAttempts attempts are 1 + (maxAttempts − 1) retries. */
export function deliveryJobOptions(config: AppConfig, notificationId: string): SendOptions {
  return {
    singletonKey: notificationId,
    retryLimit: config.notify.maxAttempts - 1,
    retryDelay: config.notify.retryDelaySeconds,
    retryBackoff: true,
  };
}
