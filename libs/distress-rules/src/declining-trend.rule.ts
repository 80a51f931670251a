import { oneDecimal, plural, shortDate } from './format';
import { type Finding, finding, unique } from './rules';
import type { ScoredCheck } from './scoring';
import type { DecliningTrendSettings } from './settings';
import type { ChildTimeline } from './timeline';

/** Means of thirds and sixths are not exact in binary; a drop of exactly 1.0 must count. */
const EPSILON = 1e-9;

/**
 * declining_trend (normal): the mean score of the child's last 3 answered checks (the one
 * evaluated included) is at least 1 point below their baseline — the mean of up to 6
 * answered checks just before those 3, needing at least 3 of them. Skipped checks are left
 * out. Scores are on the faces' 1–5 scale (see `scoreAnswers`).
 */
export function decliningTrend(t: ChildTimeline, s: DecliningTrendSettings, now: number, zone: string): Finding | null {
  if (t.currentScored === null) return null;
  const recent = t.scored.slice(-s.recentChecks);
  if (recent.length < s.recentChecks) return null;
  const before = t.scored.slice(0, t.scored.length - s.recentChecks);
  const baseline = before.slice(-s.baselineMaxChecks);
  if (baseline.length < s.baselineMinChecks) return null;
  const recentMean = mean(recent);
  const baselineMean = mean(baseline);
  const drop = baselineMean - recentMean;
  if (drop < s.minDrop - EPSILON) return null;
  const span = (checks: readonly ScoredCheck[]) => {
    const [first, last] = [checks[0].check.at, checks[checks.length - 1].check.at].map((t) => shortDate(t, now, zone));
    return first === last ? first : `${first} – ${last}`;
  };
  return finding(
    'declining_trend',
    t.current.childId,
    `Mean wellbeing score of the last ${plural(recent.length, 'check')} was ${oneDecimal(recentMean)} (${span(recent)}), ` +
      `${oneDecimal(drop)} below the earlier baseline of ${oneDecimal(baselineMean)} (${plural(baseline.length, 'check')}, ${span(baseline)})`,
    { checkIds: recent.map((c) => c.check.id), sessionIds: unique(recent.map((c) => c.check.sessionId)) },
  );
}

function mean(checks: readonly ScoredCheck[]): number {
  return checks.reduce((sum, c) => sum + c.score, 0) / checks.length;
}
