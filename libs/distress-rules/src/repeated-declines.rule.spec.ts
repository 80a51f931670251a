import { DEFAULT_DISTRESS_SETTINGS, evaluate, evaluateDecline, type History, type SessionOutcome, type WellbeingCheck } from './index';
import { answered, at, NOW, session, skipped } from './test-fixtures';

const day = (d: number) => at(`2026-11-${String(d).padStart(2, '0')}T10:00`);

/** Sessions s1..sN on the 10th, 12th, … and a check after the last one. */
function run(outcomes: SessionOutcome[], check: (sessionId: string, startsAt: number) => WellbeingCheck) {
  const sessions = outcomes.map((o, i) => session(`s${i + 1}`, day(10 + 2 * i), o));
  const last = sessions[sessions.length - 1];
  const current = check(last.id, last.startsAt + 40 * 60_000);
  return { current, history: { checks: [], sessions } as History };
}

const declines = (current: WellbeingCheck, history: History) =>
  evaluate(current, history, DEFAULT_DISTRESS_SETTINGS, NOW).filter((f) => f.ruleId === 'repeated_declines');

const afterDecline = (sessionId: string, t: number) => answered({ id: 'k', sessionId, at: t, outcome: 'declined' });

describe('repeated_declines', () => {
  it('fires on 3 declines in a row, normal severity, naming the sessions', () => {
    const { current, history } = run(['completed', 'declined', 'declined', 'declined'], afterDecline);
    expect(declines(current, history)).toEqual([
      {
        ruleId: 'repeated_declines',
        ruleVersion: 1,
        severity: 'normal',
        childId: 'child-1',
        reason: 'The child said "not today" or "no" to the last 3 calls in a row (12 Nov, 14 Nov, 16 Nov)',
        evidence: { checkIds: ['k'], sessionIds: ['s2', 's3', 's4'] },
      },
    ]);
  });

  it.each<{ name: string; outcomes: SessionOutcome[]; fires: boolean }>([
    { name: 'two declines', outcomes: ['declined', 'declined'], fires: false },
    { name: 'three declines', outcomes: ['declined', 'declined', 'declined'], fires: true },
    { name: 'declines broken by a completed call', outcomes: ['declined', 'completed', 'declined', 'declined'], fires: false },
    { name: 'a completed call before the run', outcomes: ['completed', 'declined', 'declined', 'declined'], fires: true },
    { name: 'cancellations and no-shows inside the run', outcomes: ['declined', 'cancelled', 'no_show_child', 'declined', 'no_show_guardian', 'declined'], fires: true },
    { name: 'no-shows only around two declines', outcomes: ['no_show_child', 'declined', 'no_show_child', 'declined'], fires: false },
  ])('$name → fires: $fires', ({ outcomes, fires }) => {
    const { current, history } = run(outcomes, afterDecline);
    expect(declines(current, history)).toHaveLength(fires ? 1 : 0);
  });

  it('needs the session just checked to be a decline', () => {
    const { current, history } = run(['declined', 'declined', 'declined', 'completed'], (sessionId, t) => answered({ id: 'k', sessionId, at: t }));
    expect(declines(current, history)).toEqual([]);
  });

  it('runs on a skipped check after a decline, and cites the checks of those sessions', () => {
    const { current, history } = run(['declined', 'declined', 'declined'], (sessionId, t) => skipped({ id: 'k', sessionId, at: t, outcome: 'declined' }));
    const earlier = skipped({ id: 'k1', sessionId: 's1', at: day(10) + 3_600_000, outcome: 'declined' });
    const found = declines(current, { ...history, checks: [earlier] });
    expect(found.map((f) => f.evidence)).toEqual([{ checkIds: ['k1', 'k'], sessionIds: ['s1', 's2', 's3'] }]);
  });

  it("takes the current session's outcome from the check when history lacks it", () => {
    const { current, history } = run(['declined', 'declined', 'declined'], afterDecline);
    const without = { ...history, sessions: history.sessions.slice(0, 2) };
    expect(declines(current, without).map((f) => f.evidence.sessionIds)).toEqual([['s1', 's2', 's3']]);
  });

  it('follows per-hub settings', () => {
    const { current, history } = run(['declined', 'declined', 'declined'], afterDecline);
    const settings = { ...DEFAULT_DISTRESS_SETTINGS, repeatedDeclines: { inARow: 4 } };
    expect(evaluate(current, history, settings, NOW).filter((f) => f.ruleId === 'repeated_declines')).toEqual([]);
  });

  describe('evaluateDecline (a decline with no check recorded)', () => {
    const sessions = [session('s1', day(10), 'declined'), session('s2', day(12), 'declined'), session('other', day(12), 'declined', 'child-2')];
    it('fires on the third decline', () => {
      const found = evaluateDecline(session('s3', day(14), 'declined'), { checks: [], sessions }, DEFAULT_DISTRESS_SETTINGS, NOW);
      expect(found.map((f) => [f.ruleId, f.evidence.sessionIds])).toEqual([['repeated_declines', ['s1', 's2', 's3']]]);
    });
    it('does nothing for a session that was not declined', () => {
      expect(evaluateDecline(session('s3', day(14), 'completed'), { checks: [], sessions }, DEFAULT_DISTRESS_SETTINGS, NOW)).toEqual([]);
    });
  });
});
