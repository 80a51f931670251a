import { assertUnreachable } from './errors';
import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleContext, type SessionEvent, type SessionStatus } from './types';

const MIN = 60_000;

/** The reason the system gives when a checked-in session never started before its end. */
export const NOT_STARTED_BY_SCHEDULED_END = 'The call did not start before its scheduled end';

/**
 * The event a `system` job should fire now, or null when nothing is due. Every event
 * returned is accepted by `transition(status, event, {...context, role: 'system'})`.
 *
 * - booked, check-in closed → `mark_no_show_child`. This wins over a guardian no-show:
 *   when neither came, the parent is not recorded as the one who missed it.
 * - checked_in, guardian not joined by the no-show time → `mark_no_show_guardian`.
 * - checked_in, guardian joined, scheduled end reached without a call (assent never
 *   recorded, or the call never started) → `cancel` with `NOT_STARTED_BY_SCHEDULED_END`,
 *   so no session stays open for ever.
 * - in_call at the scheduled end → `end_call` (even when the call started late).
 */
export function dueSystemEvent(status: SessionStatus, context: LifecycleContext): SessionEvent | null {
  const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, ...context.settings };
  const { now, session } = context;
  switch (status) {
    case 'booked':
      return now >= session.startsAt + settings.checkInClosesAfterMinutes * MIN ? { type: 'mark_no_show_child' } : null;
    case 'checked_in':
      if (session.guardianJoinedAt === null) {
        return now >= session.startsAt + settings.guardianNoShowAfterMinutes * MIN ? { type: 'mark_no_show_guardian' } : null;
      }
      return now >= session.endsAt ? { type: 'cancel', reason: NOT_STARTED_BY_SCHEDULED_END } : null;
    case 'in_call':
      return now >= session.endsAt ? { type: 'end_call' } : null;
    case 'declined':
    case 'completed':
    case 'cancelled':
    case 'no_show_guardian':
    case 'no_show_child':
      return null;
    default:
      return assertUnreachable(status);
  }
}
