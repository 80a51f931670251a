import { assertUnreachable } from './errors';
import type { ActorRole, SessionEventType, SessionKind } from './types';

/**
 * Who may trigger each event, whatever the status. Hub scope (staff of this hub, the
 * session's own counselor) is the caller's check and answers 404, not this one.
 *
 * - The child's side of the call is run by hub staff: check-in, assent, start.
 * - Ending: the supervisor; the mediating counselor of a mediated call; the system at the
 *   scheduled end, or at once when the child–guardian link is revoked. A guardian leaves (and
 *   may rejoin), but never ends the call.
 * - Cancelling: staff, admins (e.g. a station out of service), counselors (pacing a child
 *   in distress), the system. Guardians ask to reschedule instead.
 * - No-shows: the jobs, and staff when a job is late.
 */
export function mayTrigger(role: ActorRole, event: SessionEventType, kind: SessionKind): boolean {
  switch (event) {
    case 'check_in':
    case 'record_assent':
    case 'start_call':
      return role === 'hub_staff';
    case 'end_call':
      return role === 'hub_staff' || role === 'system' || (role === 'counselor' && kind === 'mediated');
    case 'cancel':
      return role === 'hub_staff' || role === 'admin' || role === 'counselor' || role === 'system';
    case 'mark_no_show_guardian':
    case 'mark_no_show_child':
      return role === 'hub_staff' || role === 'system';
    default:
      return assertUnreachable(event);
  }
}
