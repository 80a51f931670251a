/** Every status a session row can hold (the `session_status` enum). */
export const SESSION_STATUSES = [
  'booked',
  'checked_in',
  'declined',
  'in_call',
  'completed',
  'cancelled',
  'no_show_guardian',
  'no_show_child',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Who triggers a transition. `system` is a job (no-show marks, the scheduled end). */
export const ACTOR_ROLES = ['hub_staff', 'admin', 'counselor', 'guardian', 'system'] as const;
export type ActorRole = (typeof ACTOR_ROLES)[number];

export const ASSENT_RESPONSES = ['yes', 'not_today', 'no'] as const;
export type AssentResponse = (typeof ASSENT_RESPONSES)[number];

export type SessionKind = 'supervised' | 'mediated';

export const SESSION_EVENT_TYPES = [
  'check_in',
  'record_assent',
  'start_call',
  'end_call',
  'cancel',
  'mark_no_show_guardian',
  'mark_no_show_child',
] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];

/** Why the system may end a call before its scheduled end. */
export const EARLY_END_REASONS = ['link_revoked'] as const;
export type EarlyEndReason = (typeof EARLY_END_REASONS)[number];

export type SessionEvent =
  | { readonly type: 'check_in' }
  /** `reason`: what the child picked from the kiosk's short list, if anything. */
  | { readonly type: 'record_assent'; readonly response: AssentResponse; readonly reason?: string | null }
  | { readonly type: 'start_call' }
  /**
   * `link_revoked`: the child–guardian link was revoked while the call ran; the system ends it at
   * once (otherwise the system ends a call only at its scheduled end).
   */
  | { readonly type: 'end_call'; readonly reason?: EarlyEndReason }
  /** Every cancellation carries a reason; it is shown to every party. */
  | { readonly type: 'cancel'; readonly reason: string }
  | { readonly type: 'mark_no_show_guardian' }
  | { readonly type: 'mark_no_show_child' };

/** What the guards need to know about the session, read from its row. Instants are epoch ms. */
export interface SessionFacts {
  readonly kind: SessionKind;
  readonly startsAt: number;
  readonly endsAt: number;
  /** The recorded assent, or null before it is asked (one per session). */
  readonly assent: AssentResponse | null;
  /** First join of the guardian (the waiting room counts), or null. */
  readonly guardianJoinedAt: number | null;
  /** First join of the session's counselor (mediated sessions), or null. */
  readonly counselorJoinedAt: number | null;
}

export interface LifecycleSettings {
  /** Check-in opens this many minutes before the start … */
  readonly checkInOpensBeforeMinutes: number;
  /** … and closes this many minutes after it (exclusive); then the child is a no-show. */
  readonly checkInClosesAfterMinutes: number;
  /** A guardian who has not joined this many minutes after the start is a no-show. */
  readonly guardianNoShowAfterMinutes: number;
}

export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = {
  checkInOpensBeforeMinutes: 30,
  checkInClosesAfterMinutes: 10,
  guardianNoShowAfterMinutes: 10,
};

/** Everything a guard may look at, except who is asking. `now` is the injected clock. */
export interface LifecycleContext {
  readonly now: number;
  readonly session: SessionFacts;
  readonly settings?: Partial<LifecycleSettings>;
}

export interface TransitionContext extends LifecycleContext {
  readonly role: ActorRole;
}
