import { DEFAULT_DISTRESS_SETTINGS, evaluate, type Face, type WellbeingCheck } from './index';
import { answered, at, NOW, skipped } from './test-fixtures';

const day = (d: number) => at(`2026-11-${String(d).padStart(2, '0')}T16:00`);

/** Answered checks on consecutive days ending on the 25th; each entry is [feelingNow, callFeeling]. */
function checks(faces: Array<[Face, Face] | 'skipped'>): WellbeingCheck[] {
  const first = 26 - faces.length;
  return faces.map((f, i) =>
    f === 'skipped' ? skipped({ id: `k${i + 1}`, at: day(first + i) }) : answered({ id: `k${i + 1}`, at: day(first + i), feelingNow: f[0], callFeeling: f[1] }),
  );
}

function trend(faces: Array<[Face, Face] | 'skipped'>) {
  const all = checks(faces);
  const current = all[all.length - 1];
  return evaluate(current, { checks: all.slice(0, -1), sessions: [] }, DEFAULT_DISTRESS_SETTINGS, NOW).filter((f) => f.ruleId === 'declining_trend');
}

const four: [Face, Face] = [4, 4];
const three: [Face, Face] = [3, 3];

describe('declining_trend', () => {
  it('fires when the last 3 are exactly 1 point below a baseline of 6', () => {
    expect(trend([four, four, four, four, four, four, three, three, three])).toEqual([
      {
        ruleId: 'declining_trend',
        ruleVersion: 1,
        severity: 'normal',
        childId: 'child-1',
        reason: 'Mean wellbeing score of the last 3 checks was 3.0 (23 Nov – 25 Nov), 1.0 below the earlier baseline of 4.0 (6 checks, 17 Nov – 22 Nov)',
        evidence: { checkIds: ['k7', 'k8', 'k9'], sessionIds: ['s-k7', 's-k8', 's-k9'] },
      },
    ]);
  });

  it.each<{ name: string; faces: Array<[Face, Face] | 'skipped'>; fires: boolean }>([
    { name: 'a drop of exactly 1 in thirds (4.33 → 3.33)', faces: [four, four, [5, 5], three, three, four], fires: true },
    { name: 'a drop of 0.5', faces: [four, four, four, [3, 4], [3, 4], [3, 4]], fires: false },
    { name: 'a drop of 0.67', faces: [four, four, four, [3, 4], [3, 4], three], fires: false },
    { name: 'a rise', faces: [three, three, three, four, four, four], fires: false },
    { name: 'a baseline of 2 checks (3 needed)', faces: [four, four, three, three, three], fires: false },
    { name: 'a baseline of 3 checks', faces: [four, four, four, three, three, three], fires: true },
    { name: 'only the 6 checks before the last 3 count (an old sad one is ignored)', faces: [[1, 1], four, four, four, four, four, four, three, three, three], fires: true },
    { name: 'the same old sad check inside the baseline', faces: [[1, 1], four, four, four, four, four, three, three, three], fires: false },
    { name: 'skipped checks are left out of both windows', faces: [four, 'skipped', four, four, three, 'skipped', three, three], fires: true },
  ])('$name → fires: $fires', ({ faces, fires }) => {
    expect(trend(faces)).toHaveLength(fires ? 1 : 0);
  });

  it('does not run on a skipped check', () => {
    expect(trend([four, four, four, three, three, three, 'skipped'])).toEqual([]);
  });

  it('uses feelingNow alone for a check after a decline', () => {
    const all = checks([four, four, four, three, three]);
    const current = answered({ id: 'k6', at: day(26), outcome: 'declined', feelingNow: 3 });
    const found = evaluate(current, { checks: all, sessions: [] }, DEFAULT_DISTRESS_SETTINGS, NOW + 86_400_000);
    expect(found.map((f) => f.ruleId)).toEqual(['declining_trend']);
  });
});
