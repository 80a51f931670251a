import type { SessionStatus } from './types';

/**
 * Why a transition was refused. Suggested HTTP mapping (done once, in the app):
 * NOT_ALLOWED_FOR_ROLE → 403; INVALID_EVENT, INVALID_CONTEXT, REASON_REQUIRED → 400/422;
 * every other code → 409 with `currentStatus`.
 */
export type TransitionErrorCode =
  /** Malformed event payload (unknown type, unknown assent response, non-string reason). */
  | 'INVALID_EVENT'
  /** Malformed session facts or settings (non-finite instants, end not after start, …). */
  | 'INVALID_CONTEXT'
  /** This role may never trigger this event (for this kind of session). */
  | 'NOT_ALLOWED_FOR_ROLE'
  /** The event does not leave the current status in the graph. */
  | 'INVALID_TRANSITION'
  | 'OUTSIDE_CHECK_IN_WINDOW'
  | 'ASSENT_ALREADY_RECORDED'
  | 'ASSENT_REQUIRED'
  | 'GUARDIAN_NOT_JOINED'
  | 'COUNSELOR_NOT_JOINED'
  /** A call starts only inside [startsAt, endsAt). */
  | 'OUTSIDE_CALL_WINDOW'
  /** A timed event (no-show marks, the system's scheduled end) before its time. */
  | 'NOT_YET_DUE'
  /** A guardian no-show for a guardian who did join. */
  | 'GUARDIAN_JOINED'
  | 'REASON_REQUIRED';

export const TRANSITION_ERROR_CODES: readonly TransitionErrorCode[] = [
  'INVALID_EVENT',
  'INVALID_CONTEXT',
  'NOT_ALLOWED_FOR_ROLE',
  'INVALID_TRANSITION',
  'OUTSIDE_CHECK_IN_WINDOW',
  'ASSENT_ALREADY_RECORDED',
  'ASSENT_REQUIRED',
  'GUARDIAN_NOT_JOINED',
  'COUNSELOR_NOT_JOINED',
  'OUTSIDE_CALL_WINDOW',
  'NOT_YET_DUE',
  'GUARDIAN_JOINED',
  'REASON_REQUIRED',
];

export interface TransitionError {
  readonly ok: false;
  readonly code: TransitionErrorCode;
  readonly currentStatus: SessionStatus;
  readonly detail: string;
}

export function refuse(code: TransitionErrorCode, currentStatus: SessionStatus, detail: string): TransitionError {
  return { ok: false, code, currentStatus, detail };
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${JSON.stringify(value)}`);
}
