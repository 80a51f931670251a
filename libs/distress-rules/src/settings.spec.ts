import { DEFAULT_DISTRESS_SETTINGS, resolveSettings } from './index';

describe('resolveSettings', () => {
  it('gives the built-in defaults when nothing is overridden', () => {
    expect(resolveSettings()).toEqual({ ok: true, settings: DEFAULT_DISTRESS_SETTINGS });
    expect(DEFAULT_DISTRESS_SETTINGS).toEqual({
      scoring: { highThermometerAtLeast: 7, mildThermometerAtLeast: 3, highFaceAtMost: 1, mildFaceAtMost: 2, observedDistressCountsAsMild: false },
      persistentDistress: { lastChecks: 3, minDistressedChecks: 2, windowDays: 30 },
      repeatedDeclines: { inARow: 3 },
      decliningTrend: { recentChecks: 3, baselineMaxChecks: 6, baselineMinChecks: 3, minDrop: 1 },
    });
  });

  it('layers defaults ← deployment ← hub, member by member', () => {
    const result = resolveSettings(
      { persistentDistress: { windowDays: 21 }, repeatedDeclines: { inARow: 4 } },
      { persistentDistress: { minDistressedChecks: 3 }, repeatedDeclines: { inARow: 2 } },
    );
    expect(result).toEqual({
      ok: true,
      settings: {
        ...DEFAULT_DISTRESS_SETTINGS,
        persistentDistress: { lastChecks: 3, minDistressedChecks: 3, windowDays: 21 },
        repeatedDeclines: { inARow: 2 },
      },
    });
  });

  it('does not change the built-in defaults', () => {
    resolveSettings({ scoring: { mildThermometerAtLeast: 4 } });
    expect(DEFAULT_DISTRESS_SETTINGS.scoring.mildThermometerAtLeast).toBe(3);
  });

  it.each([
    { name: 'an unknown group', deployment: { scroing: {} }, hub: {}, field: 'scroing' },
    { name: 'an unknown member', deployment: {}, hub: { persistentDistress: { windowdays: 10 } }, field: 'persistentDistress.windowdays' },
    { name: 'a group that is not an object', deployment: { scoring: 3 }, hub: {}, field: 'scoring' },
    { name: 'a layer that is not an object', deployment: [], hub: {}, field: 'deployment' },
    { name: 'a fractional count', deployment: {}, hub: { repeatedDeclines: { inARow: 2.5 } }, field: 'repeatedDeclines.inARow' },
    { name: 'a run of one decline', deployment: {}, hub: { repeatedDeclines: { inARow: 1 } }, field: 'repeatedDeclines.inARow' },
    { name: 'a thermometer cut-off of 11', deployment: {}, hub: { scoring: { highThermometerAtLeast: 11 } }, field: 'scoring.highThermometerAtLeast' },
    { name: 'mild above high', deployment: { scoring: { highThermometerAtLeast: 5 } }, hub: { scoring: { mildThermometerAtLeast: 6 } }, field: 'scoring.mildThermometerAtLeast' },
    { name: 'mild face below high face', deployment: {}, hub: { scoring: { highFaceAtMost: 2, mildFaceAtMost: 1 } }, field: 'scoring.mildFaceAtMost' },
    { name: '4 of the last 3', deployment: {}, hub: { persistentDistress: { minDistressedChecks: 4 } }, field: 'persistentDistress.minDistressedChecks' },
    { name: 'a baseline minimum above its maximum', deployment: {}, hub: { decliningTrend: { baselineMinChecks: 7 } }, field: 'decliningTrend.baselineMinChecks' },
    { name: 'a zero drop', deployment: {}, hub: { decliningTrend: { minDrop: 0 } }, field: 'decliningTrend.minDrop' },
    { name: 'a boolean as text', deployment: {}, hub: { scoring: { observedDistressCountsAsMild: 'yes' } }, field: 'scoring.observedDistressCountsAsMild' },
  ])('refuses $name', ({ deployment, hub, field }) => {
    const result = resolveSettings(deployment, hub);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field)).toEqual([field]);
  });
});
