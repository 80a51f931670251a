import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import type { NotificationTransport, OutboundMessage } from './notification-transport';

const TIMEOUT_MS = 5_000;

/**
 * A signed JSON POST per message to NOTIFY_WEBHOOK_URL: the integration point for an SMS or
 * WeChat gateway. A 2xx answer means delivered; anything else (a redirect too, so a signed
 * body is never replayed elsewhere) or a timeout is a failure that the outbox retries. Retries
 * carry the same X-Kinbridge-Id, so the gateway can drop duplicates.
 */
@Injectable()
export class WebhookTransport implements NotificationTransport {
  readonly name = 'webhook' as const;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async deliver(message: OutboundMessage): Promise<void> {
    const { webhookUrl, webhookSecret } = this.config.notify;
    if (!webhookUrl || !webhookSecret) throw new Error('NOTIFY_WEBHOOK_URL and NOTIFY_WEBHOOK_SECRET must be set');
    const rawBody = JSON.stringify(webhookPayload(message));
    // Wall-clock time, not the app's Clock: the receiver checks it against its own clock for freshness.
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(webhookUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Kinbridge-Id': message.id,
          'X-Kinbridge-Timestamp': timestamp,
          'X-Kinbridge-Signature': signWebhook(webhookSecret, timestamp, rawBody),
        },
        body: rawBody,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') throw new Error(`webhook did not answer within ${TIMEOUT_MS / 1000} s`);
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      throw new Error(`webhook request failed${cause}`);
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299) throw new Error(`webhook answered HTTP ${response.status}`);
  }
}

export function webhookPayload(message: OutboundMessage) {
  return {
    id: message.id,
    template: message.template,
    locale: message.locale,
    recipient: message.recipient,
    subject: message.subject,
    body: message.body,
    createdAt: message.createdAt,
  };
}

/** `v1=` + hex HMAC-SHA256 over "<timestamp>.<raw body>": the receiver recomputes it from the bytes it got. */
export function signWebhook(secret: string, timestamp: string, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}
