import { assertUnreachable } from './errors';
import type { AssentResponse, SessionEventType, SessionStatus } from './types';

/** Statuses nothing leaves. */
export const TERMINAL_STATUSES: readonly SessionStatus[] = ['declined', 'completed', 'cancelled', 'no_show_guardian', 'no_show_child'];

export function isTerminal(status: SessionStatus): boolean {
  switch (status) {
    case 'booked':
    case 'checked_in':
    case 'in_call':
      return false;
    case 'declined':
    case 'completed':
    case 'cancelled':
    case 'no_show_guardian':
    case 'no_show_child':
      return true;
    default:
      return assertUnreachable(status);
  }
}

/**
 * The graph: where `event` takes a session in `status`, or null when it is not an edge.
 * booked → checked_in → (declined | in_call) → completed; booked|checked_in → cancelled |
 * no_show_guardian; booked → no_show_child. Assent `yes` keeps the session checked_in.
 */
export function nextStatus(status: SessionStatus, event: SessionEventType, assent: AssentResponse): SessionStatus | null {
  switch (status) {
    case 'booked':
      switch (event) {
        case 'check_in':
          return 'checked_in';
        case 'cancel':
          return 'cancelled';
        case 'mark_no_show_guardian':
          return 'no_show_guardian';
        case 'mark_no_show_child':
          return 'no_show_child';
        case 'record_assent':
        case 'start_call':
        case 'end_call':
          return null;
        default:
          return assertUnreachable(event);
      }
    case 'checked_in':
      switch (event) {
        case 'record_assent':
          return assent === 'yes' ? 'checked_in' : 'declined';
        case 'start_call':
          return 'in_call';
        case 'cancel':
          return 'cancelled';
        case 'mark_no_show_guardian':
          return 'no_show_guardian';
        case 'check_in':
        case 'end_call':
        case 'mark_no_show_child':
          return null;
        default:
          return assertUnreachable(event);
      }
    case 'in_call':
      return event === 'end_call' ? 'completed' : null;
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
