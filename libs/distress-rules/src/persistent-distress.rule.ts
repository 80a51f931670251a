import { dateList } from './format';
import { type Finding, finding, unique } from './rules';
import { distressRank } from './scoring';
import type { PersistentDistressSettings } from './settings';
import type { ChildTimeline } from './timeline';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * persistent_distress (high): distress ≥ mild in at least 2 of the child's last 3 answered
 * checks, counting only those recorded in the 30 days up to `now` (inclusive). Fires only
 * when the check being evaluated is itself mild or high: a calm check adds no evidence, and
 * must not re-raise an alert a counselor has already resolved. Skipped checks are neither
 * distressed nor calm: they are left out of the count.
 */
export function persistentDistress(t: ChildTimeline, s: PersistentDistressSettings, now: number, zone: string): Finding | null {
  if (t.currentScored === null || distressRank(t.currentScored.distress) < 1) return null;
  const considered = t.scored.slice(-s.lastChecks).filter((c) => c.check.at >= now - s.windowDays * DAY_MS);
  const distressed = considered.filter((c) => distressRank(c.distress) >= 1);
  if (distressed.length < s.minDistressedChecks) return null;
  const dates = dateList(
    distressed.map((c) => c.check.at),
    now,
    zone,
  );
  return finding('persistent_distress', t.current.childId, `Distress was mild or high in ${distressed.length} of the last ${considered.length} checks (${dates})`, {
    checkIds: distressed.map((c) => c.check.id),
    sessionIds: unique(distressed.map((c) => c.check.sessionId)),
  });
}
