import type { NotifyTransport } from '../../config/app-config';
import type { Locale } from '../templates';

/** One message as a transport sends it: rendered, with the recipient's address resolved. */
export interface OutboundMessage {
  id: string;
  template: string;
  locale: Locale;
  recipient: { type: 'guardian' | 'user' | 'phone'; id: string | null; phone: string | null; email: string | null };
  subject: string;
  body: string;
  createdAt: string;
  /** The request that caused the message, for correlating logs. */
  requestId: string | null;
}

export interface NotificationTransport {
  readonly name: NotifyTransport;
  /** Resolves once the message is handed over; throws to have the delivery retried. */
  deliver(message: OutboundMessage): Promise<void>;
}

export const NOTIFICATION_TRANSPORT = Symbol('NOTIFICATION_TRANSPORT');
