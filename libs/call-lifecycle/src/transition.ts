import type { LifecycleEffect } from './effects';
import { assertUnreachable, refuse, type TransitionError } from './errors';
import { nextStatus } from './graph';
import { mayTrigger } from './permissions';
import {
  ACTOR_ROLES,
  ASSENT_RESPONSES,
  DEFAULT_LIFECYCLE_SETTINGS,
  type ActorRole,
  type LifecycleContext,
  type LifecycleSettings,
  EARLY_END_REASONS,
  SESSION_EVENT_TYPES,
  type SessionEvent,
  type SessionEventType,
  type SessionFacts,
  type SessionStatus,
  type TransitionContext,
} from './types';

const MIN = 60_000;

export interface TransitionOk {
  readonly ok: true;
  readonly next: SessionStatus;
  readonly effects: readonly LifecycleEffect[];
}

export type TransitionResult = TransitionOk | TransitionError;

/**
 * Apply `event` to a session in `status`. Checks run in this order, first failure wins:
 * well-formed input → the role may trigger the event at all → the graph has the edge →
 * the guards of that edge (times, assent, joins, reason).
 */
export function transition(status: SessionStatus, event: SessionEvent, context: TransitionContext): TransitionResult {
  const malformed = validateEvent(event) ?? validateContext(context);
  if (malformed) return refuse(malformed.code, status, malformed.detail);

  const { role, session } = context;
  if (!mayTrigger(role, event.type, session.kind)) {
    return refuse('NOT_ALLOWED_FOR_ROLE', status, `${roleName(role)} may not ${eventName(event.type)}${kindNote(role, event.type, session)}`);
  }
  const next = nextStatus(status, event.type, event.type === 'record_assent' ? event.response : 'yes');
  if (next === null) {
    return refuse('INVALID_TRANSITION', status, `cannot ${eventName(event.type)} a session that is ${status}`);
  }
  const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, ...context.settings };
  const blocked = guard(status, event, context, settings);
  if (blocked) return blocked;
  return { ok: true, next, effects: effectsOf(event, next, context) };
}

/**
 * The events `role` could trigger now (guards included). A `record_assent` is listed when
 * an assent may be recorded (any response); a `cancel` assumes a reason will be given.
 */
export function allowedEvents(status: SessionStatus, role: ActorRole, context: LifecycleContext): SessionEventType[] {
  return SESSION_EVENT_TYPES.filter((type) => transition(status, representativeEvent(type), { ...context, role }).ok);
}

/** A well-formed event of each type, for `allowedEvents` and tests. */
export function representativeEvent(type: SessionEventType): SessionEvent {
  switch (type) {
    case 'record_assent':
      return { type, response: 'yes' };
    case 'cancel':
      return { type, reason: 'cancelled' };
    case 'check_in':
    case 'start_call':
    case 'end_call':
    case 'mark_no_show_guardian':
    case 'mark_no_show_child':
      return { type };
    default:
      return assertUnreachable(type);
  }
}

function guard(status: SessionStatus, event: SessionEvent, ctx: TransitionContext, settings: LifecycleSettings): TransitionError | null {
  const { now, session, role } = ctx;
  switch (event.type) {
    case 'check_in': {
      const opens = session.startsAt - settings.checkInOpensBeforeMinutes * MIN;
      const closes = session.startsAt + settings.checkInClosesAfterMinutes * MIN;
      if (now < opens || now >= closes) {
        return refuse(
          'OUTSIDE_CHECK_IN_WINDOW',
          status,
          `check-in is open from ${iso(opens)} until ${iso(closes)} ` +
            `(${settings.checkInOpensBeforeMinutes} min before to ${settings.checkInClosesAfterMinutes} min after the start)`,
        );
      }
      return null;
    }
    case 'record_assent':
      if (session.assent !== null) {
        return refuse('ASSENT_ALREADY_RECORDED', status, `the child's assent was already recorded (${session.assent})`);
      }
      return null;
    case 'start_call':
      if (session.assent !== 'yes') {
        return refuse('ASSENT_REQUIRED', status, `the call starts only after the child said yes (assent: ${session.assent ?? 'not asked yet'})`);
      }
      if (now < session.startsAt || now >= session.endsAt) {
        return refuse('OUTSIDE_CALL_WINDOW', status, `a call may start only between ${iso(session.startsAt)} and ${iso(session.endsAt)}`);
      }
      if (session.guardianJoinedAt === null) return refuse('GUARDIAN_NOT_JOINED', status, 'the guardian has not joined yet');
      if (session.kind === 'mediated' && session.counselorJoinedAt === null) {
        return refuse('COUNSELOR_NOT_JOINED', status, 'a mediated call starts only once the counselor has joined');
      }
      return null;
    case 'end_call':
      if (role === 'system' && now < session.endsAt && event.reason === undefined) {
        return refuse('NOT_YET_DUE', status, `the system ends a call at its scheduled end (${iso(session.endsAt)})`);
      }
      return null;
    case 'cancel':
      if (event.reason.trim() === '') return refuse('REASON_REQUIRED', status, 'a cancellation needs a reason');
      return null;
    case 'mark_no_show_guardian': {
      const due = session.startsAt + settings.guardianNoShowAfterMinutes * MIN;
      if (session.guardianJoinedAt !== null) {
        return refuse('GUARDIAN_JOINED', status, `the guardian joined at ${iso(session.guardianJoinedAt)}`);
      }
      if (now < due) return refuse('NOT_YET_DUE', status, `a guardian is a no-show only from ${iso(due)}`);
      return null;
    }
    case 'mark_no_show_child': {
      const due = session.startsAt + settings.checkInClosesAfterMinutes * MIN;
      if (now < due) return refuse('NOT_YET_DUE', status, `check-in is open until ${iso(due)}`);
      return null;
    }
    default:
      return assertUnreachable(event);
  }
}

function effectsOf(event: SessionEvent, next: SessionStatus, ctx: TransitionContext): LifecycleEffect[] {
  const { now, session } = ctx;
  switch (event.type) {
    case 'check_in':
      return [{ type: 'stamp', field: 'checkedInAt', at: now }];
    case 'record_assent': {
      const saved: LifecycleEffect = { type: 'save_assent', response: event.response, reason: cleanReason(event.reason), at: now };
      if (next !== 'declined') return [saved];
      return [saved, { type: 'notify', audience: 'guardian', notice: 'child_not_ready_today' }, { type: 'open_wellbeing_check' }];
    }
    case 'start_call':
      return [
        { type: 'stamp', field: 'callStartedAt', at: now },
        { type: 'schedule_call_end', at: session.endsAt },
      ];
    case 'end_call':
      return [{ type: 'stamp', field: 'callEndedAt', at: now }, { type: 'open_wellbeing_check' }];
    case 'cancel':
      return [
        { type: 'save_cancellation', reason: event.reason.trim(), byRole: ctx.role, at: now },
        { type: 'notify', audience: 'all_parties', notice: 'session_cancelled' },
      ];
    case 'mark_no_show_guardian':
    case 'mark_no_show_child':
      return [{ type: 'notify', audience: 'guardian', notice: 'call_missed' }];
    default:
      return assertUnreachable(event);
  }
}

function validateEvent(event: SessionEvent): { code: 'INVALID_EVENT'; detail: string } | null {
  const e = event as { type?: unknown; response?: unknown; reason?: unknown } | null;
  if (typeof e !== 'object' || e === null || !(SESSION_EVENT_TYPES as readonly unknown[]).includes(e.type)) {
    return { code: 'INVALID_EVENT', detail: `unknown event: ${JSON.stringify(e?.type ?? e)}` };
  }
  if (e.type === 'record_assent') {
    if (!(ASSENT_RESPONSES as readonly unknown[]).includes(e.response)) {
      return { code: 'INVALID_EVENT', detail: `assent must be one of ${ASSENT_RESPONSES.join(', ')}` };
    }
    if (e.reason !== undefined && e.reason !== null && typeof e.reason !== 'string') {
      return { code: 'INVALID_EVENT', detail: 'assent reason must be a string' };
    }
  }
  if (e.type === 'cancel' && typeof e.reason !== 'string') return { code: 'INVALID_EVENT', detail: 'a cancellation reason must be a string' };
  if (e.type === 'end_call' && e.reason !== undefined && !(EARLY_END_REASONS as readonly unknown[]).includes(e.reason)) {
    return { code: 'INVALID_EVENT', detail: `an early end's reason must be one of ${EARLY_END_REASONS.join(', ')}` };
  }
  return null;
}

function validateContext(ctx: TransitionContext): { code: 'INVALID_CONTEXT'; detail: string } | null {
  const fail = (detail: string) => ({ code: 'INVALID_CONTEXT' as const, detail });
  if (!(ACTOR_ROLES as readonly unknown[]).includes(ctx.role)) return fail(`unknown role: ${String(ctx.role)}`);
  if (!Number.isFinite(ctx.now)) return fail('now must be an instant (epoch ms)');
  const s: SessionFacts = ctx.session;
  if (s.kind !== 'supervised' && s.kind !== 'mediated') return fail(`unknown session kind: ${String(s.kind)}`);
  if (!Number.isFinite(s.startsAt) || !Number.isFinite(s.endsAt) || s.startsAt >= s.endsAt) {
    return fail('startsAt and endsAt must be instants with startsAt before endsAt');
  }
  if (s.assent !== null && !(ASSENT_RESPONSES as readonly unknown[]).includes(s.assent)) return fail(`unknown assent: ${String(s.assent)}`);
  for (const key of ['guardianJoinedAt', 'counselorJoinedAt'] as const) {
    if (s[key] !== null && !Number.isFinite(s[key])) return fail(`${key} must be an instant or null`);
  }
  for (const [key, value] of Object.entries(ctx.settings ?? {})) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 24 * 60)) {
      return fail(`setting ${key} must be whole minutes between 0 and 1440`);
    }
  }
  return null;
}

function cleanReason(reason: string | null | undefined): string | null {
  const trimmed = reason?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function roleName(role: ActorRole): string {
  return role === 'system' ? 'the system' : `a ${role.replace('_', ' ')}`;
}

function eventName(type: SessionEventType): string {
  return type.replace(/_/g, ' ');
}

function kindNote(role: ActorRole, type: SessionEventType, session: SessionFacts): string {
  return role === 'counselor' && type === 'end_call' && session.kind === 'supervised' ? ' of a supervised (not mediated) session' : '';
}

function iso(instant: number): string {
  return new Date(instant).toISOString();
}

