import fc from 'fast-check';
import {
  type AnswersV1,
  DEFAULT_DISTRESS_SETTINGS,
  type DistressSettings,
  evaluate,
  type Face,
  type Finding,
  type History,
  type Observation,
  resolveSettings,
  RULES,
  type SessionRecord,
  type WellbeingCheck,
} from './index';
import { DAY, HOUR, NOW } from './test-fixtures';

// ---- generators -------------------------------------------------------------------------

const face = fc.integer({ min: 1, max: 5 }) as fc.Arbitrary<Face>;
const observation: fc.Arbitrary<Observation | null> = fc.option(fc.record({ distressSeen: fc.boolean(), safetyConcern: fc.boolean() }), { freq: 2 });

const entry = fc.record({
  gap: fc.integer({ min: HOUR, max: 12 * DAY }),
  skipped: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  outcome: fc.constantFrom('completed' as const, 'completed' as const, 'declined' as const),
  feelingNow: face,
  callFeeling: face,
  thermometer: fc.integer({ min: 0, max: 10 }),
  wantsToTalk: fc.boolean(),
  observation,
  extra: fc.array(fc.constantFrom('cancelled' as const, 'no_show_child' as const, 'no_show_guardian' as const), { maxLength: 2 }),
});
type Entry = typeof entry extends fc.Arbitrary<infer T> ? T : never;

function answersOf(e: Entry): AnswersV1 {
  return { feelingNow: e.feelingNow, callFeeling: e.outcome === 'declined' ? null : e.callFeeling, thermometer: e.thermometer, wantsToTalk: e.wantsToTalk };
}

/** A child's checks and sessions, oldest first, at distinct times ending before `end`. */
function build(childId: string, entries: Entry[], end: number, prefix = childId): History {
  const checks: WellbeingCheck[] = [];
  const sessions: SessionRecord[] = [];
  let t = end - entries.reduce((sum, e) => sum + e.gap, 0);
  entries.forEach((e, i) => {
    e.extra.forEach((outcome, j) => sessions.push({ id: `${prefix}-x${i}-${j}`, childId, startsAt: t - (j + 2) * 60_000 * 7, outcome }));
    const id = `${prefix}-k${i}`;
    const sessionId = `${prefix}-s${i}`;
    sessions.push({ id: sessionId, childId, startsAt: t - 40 * 60_000, outcome: e.outcome });
    const base = { id, childId, sessionId, sessionOutcome: e.outcome, at: t, observation: e.observation };
    checks.push(e.skipped ? { ...base, status: 'skipped', skipReason: 'no_time' } : { ...base, status: 'answered', instrumentVersion: 1, answers: answersOf(e) });
    t += e.gap;
  });
  return { checks, sessions };
}

const history = (maxLength: number) => fc.array(entry, { maxLength });

/** Valid settings, defaults included, so properties hold for any hub's thresholds. */
const settings: fc.Arbitrary<DistressSettings> = fc
  .record({
    scoring: fc.record({
      mildThermometerAtLeast: fc.integer({ min: 1, max: 6 }),
      highThermometerAtLeast: fc.integer({ min: 6, max: 10 }),
      observedDistressCountsAsMild: fc.boolean(),
    }),
    persistentDistress: fc.record({ lastChecks: fc.integer({ min: 2, max: 5 }), minDistressedChecks: fc.integer({ min: 1, max: 2 }), windowDays: fc.constantFrom(14, 30, 60) }),
    repeatedDeclines: fc.record({ inARow: fc.integer({ min: 2, max: 4 }) }),
    decliningTrend: fc.record({ recentChecks: fc.integer({ min: 1, max: 3 }), baselineMinChecks: fc.integer({ min: 1, max: 3 }), minDrop: fc.constantFrom(0.5, 1, 1.5) }),
  })
  .map((o) => {
    const r = resolveSettings({}, o);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.settings;
  });
const anySettings = fc.oneof(fc.constant(DEFAULT_DISTRESS_SETTINGS), settings);

/** A calmer version of answers/observation: happier or equal faces, lower or equal thermometer, no new request or concern. */
const calmer = fc.record({
  up1: fc.integer({ min: 0, max: 4 }),
  up2: fc.integer({ min: 0, max: 4 }),
  down: fc.integer({ min: 0, max: 10 }),
  keepTalk: fc.boolean(),
  keepSeen: fc.boolean(),
  keepConcern: fc.boolean(),
});
type Calmer = typeof calmer extends fc.Arbitrary<infer T> ? T : never;

function calmDown(check: WellbeingCheck, c: Calmer): WellbeingCheck {
  const obs = check.observation && {
    distressSeen: check.observation.distressSeen && c.keepSeen,
    safetyConcern: check.observation.safetyConcern && c.keepConcern,
  };
  if (check.status === 'skipped') return { ...check, observation: obs };
  const a = check.answers;
  return {
    ...check,
    observation: obs,
    answers: {
      feelingNow: Math.min(5, a.feelingNow + c.up1) as Face,
      callFeeling: a.callFeeling === null ? null : (Math.min(5, a.callFeeling + c.up2) as Face),
      thermometer: Math.max(0, a.thermometer - c.down),
      wantsToTalk: a.wantsToTalk && c.keepTalk,
    },
  };
}

const ids = (findings: Finding[]) => findings.map((f) => f.ruleId);

/** The child's history plus the check to evaluate (the last entry). */
const scenario = fc.record({ entries: history(12), last: entry, late: fc.integer({ min: 0, max: 3 * HOUR }), settings: anySettings }).map(({ entries, last, late, settings: s }) => {
  const all = build('child-1', [...entries, last], NOW);
  const current = all.checks[all.checks.length - 1];
  return { current, history: { checks: all.checks.slice(0, -1), sessions: all.sessions }, now: current.at + late, settings: s };
});

// ---- properties -------------------------------------------------------------------------

describe('evaluate properties', () => {
  it('a calmer check in place of the evaluated one never creates a finding', () => {
    fc.assert(
      fc.property(scenario, calmer, ({ current, history: h, now, settings: s }, c) => {
        const sadder = ids(evaluate(current, h, s, now));
        const calm = ids(evaluate(calmDown(current, c), h, s, now));
        expect(calm.filter((id) => !sadder.includes(id))).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it('a calmer check anywhere in history never creates a finding — except a trend, and only from a happier baseline', () => {
    fc.assert(
      fc.property(scenario, calmer, fc.nat(), ({ current, history: h, now, settings: s }, c, pick) => {
        fc.pre(h.checks.length > 0);
        const i = pick % h.checks.length;
        const replaced = { ...h, checks: h.checks.map((k, j) => (j === i ? calmDown(k, c) : k)) };
        const before = ids(evaluate(current, h, s, now));
        const created = ids(evaluate(current, replaced, s, now)).filter((id) => !before.includes(id));
        expect(created.filter((id) => id !== 'declining_trend')).toEqual([]);
        // Inside the recent window (the evaluated check and the answered ones just before it)
        // a calmer check cannot create a trend either: only the baseline can.
        const k = s.decliningTrend.recentChecks - 1;
        const recentHistory: WellbeingCheck[] = k > 0 ? h.checks.filter((x) => x.status === 'answered').slice(-k) : [];
        if (recentHistory.includes(h.checks[i])) expect(created).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it("other children's rows, in any order and interleaving, change nothing", () => {
    const others = fc.array(fc.record({ child: fc.constantFrom('child-2', 'child-3'), entries: history(8) }), { maxLength: 3 });
    fc.assert(
      fc.property(scenario, others, fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })), ({ current, history: h, now, settings: s }, o, noise) => {
        const expected = evaluate(current, h, s, now);
        // Other children's rows overlap child-1's in time, and may run past the evaluated check.
        const otherRows = o.map((x, n) => build(x.child, x.entries, NOW + (n - 1) * HOUR, `${x.child}-${n}`));
        const shuffle = <T>(rows: T[]): T[] => rows.map((r) => [noise.next().value, r] as const).sort((a, b) => a[0] - b[0]).map(([, r]) => r);
        const mixed: History = {
          checks: shuffle([...h.checks, ...otherRows.flatMap((r) => r.checks)]),
          sessions: shuffle([...h.sessions, ...otherRows.flatMap((r) => r.sessions)]),
        };
        expect(evaluate(current, mixed, s, now)).toEqual(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('findings cite only evidence that exists in the input, for this child, with the registered version', () => {
    fc.assert(
      fc.property(scenario, ({ current, history: h, now, settings: s }) => {
        const checkIds = new Set([current.id, ...h.checks.filter((k) => k.childId === current.childId).map((k) => k.id)]);
        const sessionIds = new Set([current.sessionId, ...h.sessions.filter((x) => x.childId === current.childId).map((x) => x.id), ...h.checks.filter((k) => k.childId === current.childId).map((k) => k.sessionId)]);
        const found = evaluate(current, h, s, now);
        // One expect per run: collect what is wrong, then compare with nothing.
        const problems = found.flatMap((f) => [
          ...(f.childId === current.childId ? [] : [`${f.ruleId}: child ${f.childId}`]),
          ...(f.ruleVersion === RULES[f.ruleId].version && f.severity === RULES[f.ruleId].severity ? [] : [`${f.ruleId}: version/severity`]),
          ...(f.evidence.checkIds.length + f.evidence.sessionIds.length > 0 ? [] : [`${f.ruleId}: no evidence`]),
          ...f.evidence.checkIds.filter((id) => !checkIds.has(id)).map((id) => `${f.ruleId}: unknown check ${id}`),
          ...f.evidence.sessionIds.filter((id) => !sessionIds.has(id)).map((id) => `${f.ruleId}: unknown session ${id}`),
          ...(/\(\d{1,2} [A-Z][a-z]{2}/.test(f.reason) ? [] : [`${f.ruleId}: reason names no date: ${f.reason}`]),
        ]);
        if (new Set(ids(found)).size !== found.length) problems.push('a rule fired twice');
        expect(problems).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it('the generators reach every rule (the properties are not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenario, ({ current, history: h, now, settings: s }) => {
        for (const f of evaluate(current, h, s, now)) seen.add(f.ruleId);
      }),
      { numRuns: 1500 },
    );
    expect([...seen].sort()).toEqual(Object.keys(RULES).sort());
  });
});
