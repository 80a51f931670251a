import { shortDate } from './format';
import { type Finding, finding } from './rules';
import type { ChildTimeline } from './timeline';

/**
 * help_requested (high, immediate): the child said yes to "do you want to talk to a
 * teacher?", or the supervisor recorded a safety concern — on this check alone, answered or
 * skipped. History plays no part: one request is enough.
 */
export function helpRequested(t: ChildTimeline, now: number, zone: string): Finding | null {
  const c = t.current;
  const asked = c.status === 'answered' && c.answers.wantsToTalk;
  const concern = c.observation?.safetyConcern === true;
  if (!asked && !concern) return null;
  const what =
    asked && concern
      ? 'The child asked to talk to a teacher and the supervisor recorded a safety concern'
      : asked
        ? 'The child asked to talk to a teacher'
        : 'The supervisor recorded a safety concern';
  return finding('help_requested', c.childId, `${what} (${shortDate(c.at, now, zone)})`, { checkIds: [c.id], sessionIds: [c.sessionId] });
}
