import { DEFAULT_DISTRESS_SETTINGS, type DistressSettings, evaluate, type Finding, type WellbeingCheck } from './index';
import { answered, at, DAY, HIGH, MILD, NOW, skipped } from './test-fixtures';

const day = (d: number) => at(`2026-11-${String(d).padStart(2, '0')}T16:00`);

function persistent(current: WellbeingCheck, checks: WellbeingCheck[], settings: DistressSettings = DEFAULT_DISTRESS_SETTINGS): Finding[] {
  return evaluate(current, { checks, sessions: [] }, settings, NOW).filter((f) => f.ruleId === 'persistent_distress');
}

describe('persistent_distress', () => {
  it('fires on exactly 2 of the last 3, naming the distressed checks', () => {
    const history = [answered({ id: 'a', at: day(21), ...MILD }), answered({ id: 'b', at: day(23) })];
    expect(persistent(answered({ id: 'c', at: day(25), ...HIGH }), history)).toEqual([
      {
        ruleId: 'persistent_distress',
        ruleVersion: 1,
        severity: 'high',
        childId: 'child-1',
        reason: 'Distress was mild or high in 2 of the last 3 checks (21 Nov, 25 Nov)',
        evidence: { checkIds: ['a', 'c'], sessionIds: ['s-a', 's-c'] },
      },
    ]);
  });

  it('fires on 3 of 3, and on 2 when the child has only 2 checks', () => {
    const three = persistent(answered({ id: 'c', at: day(25), ...MILD }), [answered({ id: 'a', at: day(21), ...MILD }), answered({ id: 'b', at: day(23), ...MILD })]);
    expect(three.map((f) => f.reason)).toEqual(['Distress was mild or high in 3 of the last 3 checks (21 Nov, 23 Nov, 25 Nov)']);
    const two = persistent(answered({ id: 'b', at: day(25), ...MILD }), [answered({ id: 'a', at: day(23), ...MILD })]);
    expect(two.map((f) => f.reason)).toEqual(['Distress was mild or high in 2 of the last 2 checks (23 Nov, 25 Nov)']);
  });

  it.each([
    { name: 'thermometer 2 now (below the cut-off)', current: { thermometer: 2 }, fires: false },
    { name: 'thermometer 3 now (the cut-off)', current: { thermometer: 3 }, fires: true },
    { name: 'thermometer 6 now', current: { thermometer: 6 }, fires: true },
    { name: 'thermometer 7 now', current: { thermometer: 7 }, fires: true },
    { name: 'face 3 now', current: { feelingNow: 3 as const }, fires: false },
    { name: 'face 2 now', current: { feelingNow: 2 as const }, fires: true },
    { name: 'face 1 about the call now', current: { callFeeling: 1 as const }, fires: true },
  ])('with one mild check before: $name → fires: $fires', ({ current, fires }) => {
    const history = [answered({ id: 'a', at: day(20), ...MILD }), answered({ id: 'b', at: day(22) })];
    expect(persistent(answered({ id: 'c', at: day(25), ...current }), history)).toHaveLength(fires ? 1 : 0);
  });

  it('needs the check just recorded to be distressed (a calm check does not re-raise it)', () => {
    const history = [answered({ id: 'a', at: day(21), ...HIGH }), answered({ id: 'b', at: day(23), ...HIGH })];
    expect(persistent(answered({ id: 'c', at: day(25) }), history)).toEqual([]);
  });

  it('counts only the last 3 answered checks', () => {
    const history = [answered({ id: 'a', at: day(18), ...MILD }), answered({ id: 'b', at: day(20) }), answered({ id: 'c', at: day(22) })];
    expect(persistent(answered({ id: 'd', at: day(25), ...MILD }), history)).toEqual([]);
  });

  it('leaves skipped checks out of the count', () => {
    const history = [
      answered({ id: 'a', at: day(18), ...MILD }),
      answered({ id: 'b', at: day(20) }),
      skipped({ id: 'c', at: day(22) }),
      skipped({ id: 'd', at: day(23) }),
    ];
    const found = persistent(answered({ id: 'e', at: day(25), ...MILD }), history);
    expect(found.map((f) => f.evidence.checkIds)).toEqual([['a', 'e']]);
  });

  it.each([
    { name: 'exactly 30 days before now', offset: 0, fires: true },
    { name: '30 days and 1 ms before now', offset: -1, fires: false },
  ])('the 30-day window includes a check $name: $fires', ({ offset, fires }) => {
    const history = [answered({ id: 'a', at: NOW - 30 * DAY + offset, ...MILD })];
    expect(persistent(answered({ id: 'b', at: NOW, ...MILD }), history)).toHaveLength(fires ? 1 : 0);
  });

  it('counts a check after a declined session (faces: feelingNow only)', () => {
    const history = [answered({ id: 'a', at: day(21), ...MILD })];
    const afterDecline = answered({ id: 'b', at: day(25), outcome: 'declined', feelingNow: 2 });
    expect(persistent(afterDecline, history)).toHaveLength(1);
  });

  it('ignores checks recorded after the one evaluated (re-evaluation gives the same answer)', () => {
    const history = [answered({ id: 'a', at: day(21) }), answered({ id: 'later', at: day(26), ...HIGH }), answered({ id: 'later2', at: day(27), ...HIGH })];
    expect(persistent(answered({ id: 'b', at: day(23), ...MILD }), history)).toEqual([]);
  });

  it('follows per-hub settings', () => {
    const history = [answered({ id: 'a', at: day(21), ...MILD }), answered({ id: 'b', at: day(23) })];
    const strict: DistressSettings = { ...DEFAULT_DISTRESS_SETTINGS, persistentDistress: { lastChecks: 3, minDistressedChecks: 3, windowDays: 30 } };
    expect(persistent(answered({ id: 'c', at: day(25), ...MILD }), history, strict)).toEqual([]);
    const shortWindow: DistressSettings = { ...DEFAULT_DISTRESS_SETTINGS, persistentDistress: { lastChecks: 3, minDistressedChecks: 2, windowDays: 3 } };
    expect(persistent(answered({ id: 'c', at: day(25), ...MILD }), history, shortWindow)).toEqual([]);
  });
});
