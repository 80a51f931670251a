import { assertUnreachable, type TransitionError } from '@app/call-lifecycle';
import { DomainError } from '../common/errors/domain-error';

/**
 * The one mapping from a refused lifecycle transition to the API's problem: role → 403, malformed
 * event or missing reason → 400, every state or time conflict → 409 naming `currentStatus`.
 * INVALID_CONTEXT means the server built bad facts from its own row: a bug, so a 500.
 */
export function lifecycleError(error: TransitionError): DomainError {
  const extras = { currentStatus: error.currentStatus };
  switch (error.code) {
    case 'INVALID_EVENT':
    case 'REASON_REQUIRED':
    case 'NOT_ALLOWED_FOR_ROLE':
      return new DomainError(error.code, capitalise(error.detail));
    case 'INVALID_CONTEXT':
      return new DomainError('INTERNAL', 'The session’s stored facts are inconsistent; this has been logged');
    case 'INVALID_TRANSITION':
    case 'OUTSIDE_CHECK_IN_WINDOW':
    case 'ASSENT_ALREADY_RECORDED':
    case 'ASSENT_REQUIRED':
    case 'GUARDIAN_NOT_JOINED':
    case 'COUNSELOR_NOT_JOINED':
    case 'OUTSIDE_CALL_WINDOW':
    case 'NOT_YET_DUE':
    case 'GUARDIAN_JOINED':
      return new DomainError(error.code, capitalise(error.detail), extras);
    default:
      return assertUnreachable(error.code);
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
