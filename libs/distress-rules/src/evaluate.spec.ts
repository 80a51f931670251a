import { DEFAULT_DISTRESS_SETTINGS, evaluate, type History, type WellbeingCheck } from './index';
import { answered, at, DAY, HIGH, MILD, NOW, session } from './test-fixtures';

const day = (d: number) => at(`2026-11-${String(d).padStart(2, '0')}T16:00`);

describe('evaluate', () => {
  it('three calls with sad answers after two of them raise persistent_distress exactly once', () => {
    const arrangements = [
      ['sad', 'sad', 'calm'],
      ['sad', 'calm', 'sad'],
      ['calm', 'sad', 'sad'],
    ];
    for (const moods of arrangements) {
      const checks = moods.map((m, i) => answered({ id: `k${i}`, at: day(20 + 2 * i), ...(m === 'sad' ? { thermometer: 5, feelingNow: 2 as const } : {}) }));
      const raised = checks.flatMap((check, i) => evaluate(check, { checks: checks.slice(0, i), sessions: [] }, DEFAULT_DISTRESS_SETTINGS, check.at));
      expect(raised.map((f) => f.ruleId)).toEqual(['persistent_distress']);
    }
  });

  it('returns every rule that fires, in rule order', () => {
    const history: History = {
      checks: [answered({ id: 'a', at: day(20), ...MILD, outcome: 'declined' }), answered({ id: 'b', at: day(22), ...MILD, outcome: 'declined' })],
      sessions: [session('s-a', day(20) - 3_600_000, 'declined'), session('s-b', day(22) - 3_600_000, 'declined')],
    };
    const current = answered({ id: 'c', at: day(25), ...HIGH, outcome: 'declined', wantsToTalk: true });
    expect(evaluate(current, history, DEFAULT_DISTRESS_SETTINGS, NOW).map((f) => [f.ruleId, f.severity])).toEqual([
      ['help_requested', 'high'],
      ['persistent_distress', 'high'],
      ['repeated_declines', 'normal'],
    ]);
  });

  it("ignores other children's rows", () => {
    const mine = answered({ id: 'c', at: day(25), ...MILD });
    const others: WellbeingCheck[] = [answered({ id: 'x', childId: 'child-2', at: day(24), ...HIGH }), answered({ id: 'y', childId: 'child-2', at: day(23), ...HIGH })];
    expect(evaluate(mine, { checks: others, sessions: [session('z', day(24), 'declined', 'child-2')] }, DEFAULT_DISTRESS_SETTINGS, NOW)).toEqual([]);
  });

  it('uses the evaluated check when history already holds a row with its id', () => {
    const stale = answered({ id: 'c', at: day(25) });
    const current = answered({ id: 'c', at: day(25), ...MILD });
    const history = { checks: [answered({ id: 'a', at: day(22), ...MILD }), stale], sessions: [] };
    expect(evaluate(current, history, DEFAULT_DISTRESS_SETTINGS, NOW).map((f) => f.evidence.checkIds)).toEqual([['a', 'c']]);
  });

  it("writes dates in the hub's zone, with the year when it is not this year's", () => {
    const lateEvening = at('2026-11-25T23:30'); // 15:30 UTC, 07:30 in Los Angeles
    const current = answered({ id: 'c', at: lateEvening, wantsToTalk: true });
    const inZone = (timeZone: string) => evaluate(current, { checks: [], sessions: [] }, DEFAULT_DISTRESS_SETTINGS, lateEvening + DAY, { timeZone })[0].reason;
    expect(inZone('Asia/Shanghai')).toBe('The child asked to talk to a teacher (25 Nov)');
    expect(inZone('Pacific/Kiritimati')).toBe('The child asked to talk to a teacher (26 Nov)');
    const lastYear = answered({ id: 'd', at: at('2025-12-30T10:00'), ...MILD });
    const found = evaluate(answered({ id: 'e', at: at('2026-01-02T10:00'), ...MILD }), { checks: [lastYear], sessions: [] }, DEFAULT_DISTRESS_SETTINGS, at('2026-01-02T10:05'));
    expect(found[0].reason).toBe('Distress was mild or high in 2 of the last 2 checks (30 Dec 2025, 2 Jan)');
  });
});
