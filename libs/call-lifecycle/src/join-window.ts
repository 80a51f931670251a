import { DEFAULT_LIFECYCLE_SETTINGS, type LifecycleSettings, type SessionFacts, type SessionStatus } from './types';

const MIN = 60_000;

/** Statuses in which the call can still take place, so its room can be joined. */
export const JOINABLE_STATUSES: readonly SessionStatus[] = ['booked', 'checked_in', 'in_call'];

/** The room is open from when check-in opens until the scheduled end (exclusive). */
function joinWindow(session: Pick<SessionFacts, 'startsAt' | 'endsAt'>, settings: Partial<LifecycleSettings> = {}): { opensAt: number; closesAt: number } {
  const { checkInOpensBeforeMinutes } = { ...DEFAULT_LIFECYCLE_SETTINGS, ...settings };
  return { opensAt: session.startsAt - checkInOpensBeforeMinutes * MIN, closesAt: session.endsAt };
}

export type JoinVerdict = { ok: true } | { ok: false; reason: 'status' | 'window'; opensAt: number; closesAt: number };

/**
 * May the call of a session in `status` be joined at `now`? Refused when the session can no
 * longer happen (`status`, judged first) or outside the join window (`window`).
 */
export function joinVerdict(
  status: SessionStatus,
  context: { now: number; session: Pick<SessionFacts, 'startsAt' | 'endsAt'>; settings?: Partial<LifecycleSettings> },
): JoinVerdict {
  const { opensAt, closesAt } = joinWindow(context.session, context.settings);
  if (!JOINABLE_STATUSES.includes(status)) return { ok: false, reason: 'status', opensAt, closesAt };
  if (context.now < opensAt || context.now >= closesAt) return { ok: false, reason: 'window', opensAt, closesAt };
  return { ok: true };
}
