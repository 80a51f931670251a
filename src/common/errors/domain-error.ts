/**
 * Every failure the API reports has a stable code. The table below is the one place that
 * maps a code to its HTTP status and title; `Record` makes the compiler insist it is complete.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Email or password is wrong' },
  INVALID_OTP: { status: 401, title: 'The one-time code is wrong or expired' },
  FORBIDDEN: { status: 403, title: 'Your role may not do this' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  EMAIL_TAKEN: { status: 409, title: 'That email is already in use' },
  PHONE_TAKEN: { status: 409, title: 'A guardian with that phone number is already registered' },
  STATION_NAME_TAKEN: { status: 409, title: 'A station with that name exists in this hub' },
  LINK_EXISTS: { status: 409, title: 'This guardian is already linked to this child' },
  LINK_NOT_APPROVED: { status: 409, title: 'The child–guardian link is not approved' },
  INVALID_TRANSITION: { status: 409, title: 'That change is not allowed from the current state' },
  // The session lifecycle (@app/call-lifecycle); mapped once in src/calls/lifecycle-errors.ts.
  INVALID_EVENT: { status: 400, title: 'The session event is not valid' },
  REASON_REQUIRED: { status: 400, title: 'A reason is required' },
  NOT_ALLOWED_FOR_ROLE: { status: 403, title: 'Your role may not make this change to a session' },
  OUTSIDE_CHECK_IN_WINDOW: { status: 409, title: 'Check-in is open from 30 minutes before the start until 10 minutes after it' },
  ASSENT_ALREADY_RECORDED: { status: 409, title: 'The child’s assent was already recorded for this session' },
  ASSENT_REQUIRED: { status: 409, title: 'The call needs the child’s “yes” first' },
  GUARDIAN_NOT_JOINED: { status: 409, title: 'The guardian has not joined yet' },
  COUNSELOR_NOT_JOINED: { status: 409, title: 'The counselor has not joined this mediated call yet' },
  OUTSIDE_CALL_WINDOW: { status: 409, title: 'A call runs only between the session’s start and its scheduled end' },
  NOT_YET_DUE: { status: 409, title: 'This is not due yet' },
  GUARDIAN_JOINED: { status: 409, title: 'The guardian joined, so this is not a guardian no-show' },
  // Calls (join tokens and the /calls socket namespace).
  CALL_NOT_JOINABLE: { status: 409, title: 'This call cannot be joined now' },
  NOT_ADMITTED: { status: 409, title: 'Only admitted participants may do this' },
  UNKNOWN_EVENT: { status: 400, title: 'Unknown socket event' },
  CONSENT_WITHDRAWN: { status: 409, title: 'This consent was already withdrawn' },
  CONSENT_REQUIRED: { status: 409, title: 'Active guardian consent is required' },
  SLOT_TAKEN: { status: 409, title: 'The time slot is taken' },
  OUTSIDE_OPENING_HOURS: { status: 422, title: 'The time is outside the hub’s opening hours' },
  OUTSIDE_GUARDIAN_WINDOW: { status: 422, title: 'The time is outside the guardian’s availability' },
  TOO_SOON: { status: 422, title: 'The time is sooner than the hub’s minimum notice' },
  BEYOND_HORIZON: { status: 422, title: 'The time is beyond the hub’s booking horizon' },
  CALL_PLAN_PAUSED: { status: 409, title: 'The child’s calls are paused by their counselor' },
  MEDIATED_ONLY: { status: 409, title: 'The child’s call plan allows only mediated calls' },
  WEEKLY_CAP_REACHED: { status: 409, title: 'The child’s weekly call limit is reached' },
  STATION_OUT_OF_SERVICE: { status: 409, title: 'The station is out of service' },
  WELLBEING_CHECK_EXISTS: { status: 409, title: 'This session already has a wellbeing check' },
  SESSION_NOT_FINISHED: { status: 409, title: 'A wellbeing check is recorded only after the call is completed or declined' },
  ALERT_RESOLVED: { status: 409, title: 'The alert is already resolved' },
  REQUEST_PENDING: { status: 409, title: 'A request of this kind is already pending' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used with a different request' },
  IDEMPOTENCY_KEY_IN_PROGRESS: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  HEADERS_TOO_LARGE: { status: 431, title: 'The request line or headers are too large' },
  UNPARSABLE_REQUEST: { status: 400, title: 'The request is not valid HTTP' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  ACCOUNT_LOCKED: { status: 429, title: 'Too many failed sign-ins; the account is locked for a while' },
  RATE_LIMITED: { status: 429, title: 'Too many requests; try again later' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
  INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  field: string;
  messages: string[];
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    /** Extra members of the problem document (e.g. `resource`, `currentStatus`, `retryAfterSeconds`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export const notFound = (what: string): DomainError => new DomainError('NOT_FOUND', `${what} was not found`);

/** A 400 for one field the DTO could not judge alone (it needs the clock or the database). */
export const invalidField = (field: string, message: string): DomainError =>
  new DomainError('VALIDATION_FAILED', 'One or more fields are invalid', { errors: [{ field, messages: [message] }] });

/** `type` URI of a problem: stable per code, and served as documentation at /problems/<slug>. */
export function problemType(code: ErrorCode): string {
  return `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}
