// @app/call-lifecycle: the session state machine — which event moves a session where, who
// may trigger it, and the guards (check-in window, assent, joins, scheduled end).
// Instants are epoch milliseconds (UTC); time is passed in, never read.
export {
  type ActorRole,
  type AssentResponse,
  type EarlyEndReason,
  type LifecycleContext,
  type LifecycleSettings,
  type SessionEvent,
  type SessionEventType,
  type SessionFacts,
  type SessionKind,
  type SessionStatus,
  type TransitionContext,
  ACTOR_ROLES,
  ASSENT_RESPONSES,
  DEFAULT_LIFECYCLE_SETTINGS,
  EARLY_END_REASONS,
  SESSION_EVENT_TYPES,
  SESSION_STATUSES,
} from './types';
export { type TransitionError, type TransitionErrorCode, TRANSITION_ERROR_CODES, assertUnreachable } from './errors';
export { TERMINAL_STATUSES, isTerminal, nextStatus } from './graph';
export { mayTrigger } from './permissions';
export type { LifecycleEffect, LifecycleNotice } from './effects';
export { type TransitionOk, type TransitionResult, allowedEvents, representativeEvent, transition } from './transition';
export { NOT_STARTED_BY_SCHEDULED_END, dueSystemEvent } from './system-due';
export { type JoinVerdict, JOINABLE_STATUSES, joinVerdict } from './join-window';
