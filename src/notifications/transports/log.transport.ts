import { Injectable } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { NotificationTransport, OutboundMessage } from './notification-transport';

/**
 * The default, for development and demos: one structured log line per message. The body is
 * logged on purpose — this is the transport where staff read guardians' one-time codes from
 * the log. Production sends through the webhook transport, which logs no bodies.
 */
@Injectable()
export class LogTransport implements NotificationTransport {
  readonly name = 'log' as const;

  constructor(@InjectPinoLogger('notifications') private readonly logger: PinoLogger) {}

  async deliver(message: OutboundMessage): Promise<void> {
    this.logger.info(
      {
        notificationId: message.id,
        template: message.template,
        locale: message.locale,
        destination: maskDestination(message.recipient),
        requestId: message.requestId ?? undefined,
        subject: message.subject,
        body: message.body,
      },
      'notification delivered (log transport)',
    );
  }
}

export function maskDestination(recipient: OutboundMessage['recipient']): string | null {
  if (recipient.phone) return maskPhone(recipient.phone);
  if (recipient.email) return maskEmail(recipient.email);
  return null;
}

/** "+8613912345678" → "+*********5678": enough to tell recipients apart, not to call them. */
export function maskPhone(phone: string): string {
  return phone.slice(0, -4).replace(/\d/g, '*') + phone.slice(-4);
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
