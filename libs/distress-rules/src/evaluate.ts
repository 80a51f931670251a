import { decliningTrend } from './declining-trend.rule';
import { helpRequested } from './help-requested.rule';
import type { WellbeingCheck } from './instrument';
import { persistentDistress } from './persistent-distress.rule';
import { repeatedDeclines } from './repeated-declines.rule';
import type { Finding } from './rules';
import type { DistressSettings } from './settings';
import { childTimeline, type History, type SessionRecord, sessionsUpTo } from './timeline';

export interface EvaluateOptions {
  /** The hub's IANA zone, for the dates in reasons. Default Asia/Shanghai. */
  readonly timeZone?: string;
}

export const DEFAULT_REASON_TIME_ZONE = 'Asia/Shanghai';

/**
 * Run every rule for a check just recorded (answered or skipped) against the child's
 * history. Returns at most one finding per rule, in the order help_requested,
 * persistent_distress, repeated_declines, declining_trend. Other children's rows in
 * `history` are ignored; its order does not matter. `settings` come from `resolveSettings`.
 */
export function evaluate(check: WellbeingCheck, history: History, settings: DistressSettings, now: number, options: EvaluateOptions = {}): Finding[] {
  const zone = options.timeZone ?? DEFAULT_REASON_TIME_ZONE;
  const t = childTimeline(check, history, settings.scoring);
  return [
    helpRequested(t, now, zone),
    persistentDistress(t, settings.persistentDistress, now, zone),
    repeatedDeclines(check.childId, t.sessions, t.checks, settings.repeatedDeclines, now, zone),
    decliningTrend(t, settings.decliningTrend, now, zone),
  ].filter((f): f is Finding => f !== null);
}

/**
 * Run the session rules when a session is declined, before (or without) its check, so a
 * run of declines is noticed even when no check is recorded. Today that is repeated_declines.
 */
export function evaluateDecline(session: SessionRecord, history: History, settings: DistressSettings, now: number, options: EvaluateOptions = {}): Finding[] {
  if (session.outcome !== 'declined') return [];
  const zone = options.timeZone ?? DEFAULT_REASON_TIME_ZONE;
  const checks = history.checks.filter((c) => c.childId === session.childId);
  const found = repeatedDeclines(session.childId, sessionsUpTo(session, history), checks, settings.repeatedDeclines, now, zone);
  return found ? [found] : [];
}
