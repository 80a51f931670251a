import type { EntityManager } from 'typeorm';
import type { NotificationsService } from '../notifications/notifications.service';
import type { SessionFacts } from './session-facts.repository';
import { describeTime } from './session-time';

/**
 * A note to the guardian about how the day's call went without a call: the child was not ready
 * (`child_not_ready_today`, for both `not_today` and `no`) or not checked in (`call_not_held`).
 * The same words whatever the reason: the parent is never told the child refused.
 */
export function notifyGuardianCallOutcome(
  notifications: NotificationsService,
  tx: EntityManager,
  session: SessionFacts,
  template: 'child_not_ready_today' | 'call_not_held',
): Promise<string> {
  return notifications.enqueue(tx, {
    recipient: { type: 'guardian', id: session.guardianId, locale: session.guardianLocale },
    template,
    params: {
      sessionId: session.id,
      childName: session.childName,
      hubName: session.hubName,
      when: describeTime(session.startsAt, session.guardianTimeZone, session.guardianLocale),
    },
  });
}
