// Builders for the specs. Not exported by index.ts.
import type { LifecycleContext, SessionFacts, SessionEvent, SessionEventType, TransitionContext, ActorRole } from './types';

export const MIN = 60_000;
/** Tuesday 2026-06-02 10:00 Asia/Shanghai, a 30-minute call. */
export const START = Date.UTC(2026, 5, 2, 2, 0);
export const END = START + 30 * MIN;

export function facts(over: Partial<SessionFacts> = {}): SessionFacts {
  return { kind: 'supervised', startsAt: START, endsAt: END, assent: null, guardianJoinedAt: null, counselorJoinedAt: null, ...over };
}

export function ctx(role: ActorRole, over: Partial<SessionFacts> = {}, now = START): TransitionContext {
  return { role, now, session: facts(over) };
}

export function lifecycle(over: Partial<SessionFacts> = {}, now = START): LifecycleContext {
  return { now, session: facts(over) };
}

/** The event variants the matrix has a row for: one per assent response. */
export type EventVariant = Exclude<SessionEventType, 'record_assent'> | 'record_assent:yes' | 'record_assent:not_today' | 'record_assent:no';

export function eventOf(variant: EventVariant): SessionEvent {
  switch (variant) {
    case 'record_assent:yes':
      return { type: 'record_assent', response: 'yes' };
    case 'record_assent:not_today':
      return { type: 'record_assent', response: 'not_today' };
    case 'record_assent:no':
      return { type: 'record_assent', response: 'no' };
    case 'cancel':
      return { type: 'cancel', reason: 'Station out of service' };
    default:
      return { type: variant };
  }
}

/**
 * Facts and a clock under which every guard of `variant` passes, so the matrix shows only
 * the graph and the roles. (One time cannot satisfy all guards: the check-in window closes
 * when the no-show marks become due.)
 */
export function permissive(variant: EventVariant, kind: SessionFacts['kind']): LifecycleContext {
  const base = { kind };
  switch (variant) {
    case 'check_in':
      return lifecycle(base, START - 5 * MIN);
    case 'record_assent:yes':
    case 'record_assent:not_today':
    case 'record_assent:no':
      return lifecycle(base, START - 2 * MIN);
    case 'start_call':
      return lifecycle({ ...base, assent: 'yes', guardianJoinedAt: START - MIN, counselorJoinedAt: START - MIN }, START + MIN);
    case 'end_call':
      return lifecycle({ ...base, assent: 'yes', guardianJoinedAt: START, counselorJoinedAt: START }, END);
    case 'cancel':
      return lifecycle(base, START - 60 * MIN);
    case 'mark_no_show_guardian':
    case 'mark_no_show_child':
      return lifecycle(base, START + 10 * MIN);
    default:
      throw new Error(`no permissive context for ${variant}`);
  }
}
