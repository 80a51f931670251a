import type { ActorRole, AssentResponse } from './types';

/**
 * What the caller must do, in the same transaction as the status change, when a transition
 * succeeds. Plain data: the service maps each to a column, a job or an outbox message.
 */
export type LifecycleEffect =
  | { readonly type: 'stamp'; readonly field: 'checkedInAt' | 'callStartedAt' | 'callEndedAt'; readonly at: number }
  | { readonly type: 'save_assent'; readonly response: AssentResponse; readonly reason: string | null; readonly at: number }
  | { readonly type: 'save_cancellation'; readonly reason: string; readonly byRole: ActorRole; readonly at: number }
  /** The call ends at the scheduled end even when it started late. */
  | { readonly type: 'schedule_call_end'; readonly at: number }
  | { readonly type: 'notify'; readonly audience: 'guardian' | 'all_parties'; readonly notice: LifecycleNotice }
  /** The post-call (or post-decline) wellbeing check may now be recorded. */
  | { readonly type: 'open_wellbeing_check' };

/**
 * `child_not_ready_today` is sent for both `not_today` and `no`: the parent is never told
 * which, so an answer is never read as rejection; the counselor sees the real answer.
 */
export type LifecycleNotice = 'child_not_ready_today' | 'session_cancelled' | 'call_missed';
