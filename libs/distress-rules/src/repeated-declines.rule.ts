import { dateList } from './format';
import { type Finding, finding, unique } from './rules';
import type { RepeatedDeclinesSettings } from './settings';
import type { SessionRecord } from './timeline';
import type { WellbeingCheck } from './instrument';

/**
 * repeated_declines (normal): the child said "not today" or "no" to the last 3 sessions in
 * a row, the latest being the one just evaluated. Only a completed call breaks the run;
 * cancelled and no-show sessions are ignored (the child was not asked). "Not today" is a
 * normal answer: one is not a concern, a run of them is worth a counselor's look.
 */
export function repeatedDeclines(
  childId: string,
  sessions: readonly SessionRecord[],
  checks: readonly WellbeingCheck[],
  s: RepeatedDeclinesSettings,
  now: number,
  zone: string,
): Finding | null {
  const latest = sessions.at(-1);
  if (latest === undefined || latest.outcome !== 'declined') return null;
  const asked = sessions.filter((x) => x.outcome === 'completed' || x.outcome === 'declined');
  const run = asked.slice(-s.inARow);
  if (run.length < s.inARow || run.some((x) => x.outcome !== 'declined')) return null;
  const sessionIds = run.map((x) => x.id);
  const dates = dateList(
    run.map((x) => x.startsAt),
    now,
    zone,
  );
  return finding('repeated_declines', childId, `The child said "not today" or "no" to the last ${run.length} calls in a row (${dates})`, {
    checkIds: unique(checks.filter((c) => sessionIds.includes(c.sessionId)).map((c) => c.id)),
    sessionIds,
  });
}
