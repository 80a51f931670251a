import type { FieldError } from './errors';

/** How answers become `distress`. Defaults are the product's: thermometer ≥ 7 or face 1 → high; ≥ 3 or face 2 → mild. */
export interface ScoringSettings {
  readonly highThermometerAtLeast: number;
  readonly mildThermometerAtLeast: number;
  /** A face at or below this (on either faces item) is high distress. */
  readonly highFaceAtMost: number;
  readonly mildFaceAtMost: number;
  /** When true, the supervisor seeing distress makes the check at least mild. Off by default. */
  readonly observedDistressCountsAsMild: boolean;
}

export interface PersistentDistressSettings {
  /** Look at the child's last N answered checks … */
  readonly lastChecks: number;
  /** … fire when at least this many (inside the window) were mild or high. */
  readonly minDistressedChecks: number;
  readonly windowDays: number;
}

export interface RepeatedDeclinesSettings {
  /** Consecutive declines (ignoring cancelled and no-show sessions) that raise the finding. */
  readonly inARow: number;
}

export interface DecliningTrendSettings {
  /** The recent checks whose mean is compared … */
  readonly recentChecks: number;
  /** … with the mean of up to this many answered checks before them (the baseline) … */
  readonly baselineMaxChecks: number;
  /** … when there are at least this many. */
  readonly baselineMinChecks: number;
  /** Fire when the recent mean is at least this far below the baseline (score points, 1–5 scale). */
  readonly minDrop: number;
}

export interface DistressSettings {
  readonly scoring: ScoringSettings;
  readonly persistentDistress: PersistentDistressSettings;
  readonly repeatedDeclines: RepeatedDeclinesSettings;
  readonly decliningTrend: DecliningTrendSettings;
}

export type DistressSettingsOverrides = { readonly [G in keyof DistressSettings]?: Partial<DistressSettings[G]> };

export const DEFAULT_DISTRESS_SETTINGS: DistressSettings = {
  scoring: {
    highThermometerAtLeast: 7,
    mildThermometerAtLeast: 3,
    highFaceAtMost: 1,
    mildFaceAtMost: 2,
    observedDistressCountsAsMild: false,
  },
  persistentDistress: { lastChecks: 3, minDistressedChecks: 2, windowDays: 30 },
  repeatedDeclines: { inARow: 3 },
  decliningTrend: { recentChecks: 3, baselineMaxChecks: 6, baselineMinChecks: 3, minDrop: 1 },
};

export type ResolveSettingsResult =
  | { readonly ok: true; readonly settings: DistressSettings }
  | { readonly ok: false; readonly errors: FieldError[] };

/**
 * Built-in defaults ← the deployment's settings ← the hub's overrides, member by member.
 * Unknown members are errors (a misspelt threshold must not silently do nothing), and the
 * result is checked as a whole (mild never above high, 2 of 3 not 4 of 3, …).
 */
export function resolveSettings(deploymentDefaults: unknown = {}, hubOverrides: unknown = {}): ResolveSettingsResult {
  const errors = [...checkShape(deploymentDefaults, 'deployment'), ...checkShape(hubOverrides, 'hub')];
  if (errors.length > 0) return { ok: false, errors };
  const layers = [deploymentDefaults, hubOverrides] as DistressSettingsOverrides[];
  const merged = Object.fromEntries(
    GROUPS.map((group) => [group, Object.assign({}, DEFAULT_DISTRESS_SETTINGS[group], ...layers.map((layer) => layer[group] ?? {}))]),
  ) as unknown as DistressSettings;
  const invalid = validateSettings(merged);
  return invalid.length > 0 ? { ok: false, errors: invalid } : { ok: true, settings: merged };
}

/** Problems with a complete settings object (empty when valid). */
export function validateSettings(s: DistressSettings): FieldError[] {
  const errors: FieldError[] = [];
  const int = (group: keyof DistressSettings, key: string, min: number, max: number) => {
    const value = (s[group] as unknown as Record<string, unknown>)[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      errors.push({ field: `${group}.${key}`, message: `must be a whole number from ${min} to ${max}` });
    }
  };
  int('scoring', 'highThermometerAtLeast', 1, 10);
  int('scoring', 'mildThermometerAtLeast', 1, 10);
  int('scoring', 'highFaceAtMost', 0, 4);
  int('scoring', 'mildFaceAtMost', 0, 4);
  if (typeof s.scoring.observedDistressCountsAsMild !== 'boolean') {
    errors.push({ field: 'scoring.observedDistressCountsAsMild', message: 'must be true or false' });
  }
  int('persistentDistress', 'lastChecks', 1, 10);
  int('persistentDistress', 'minDistressedChecks', 1, 10);
  int('persistentDistress', 'windowDays', 1, 365);
  int('repeatedDeclines', 'inARow', 2, 20);
  int('decliningTrend', 'recentChecks', 1, 10);
  int('decliningTrend', 'baselineMaxChecks', 1, 30);
  int('decliningTrend', 'baselineMinChecks', 1, 30);
  const drop = s.decliningTrend.minDrop;
  if (typeof drop !== 'number' || !(drop > 0 && drop <= 4)) {
    errors.push({ field: 'decliningTrend.minDrop', message: 'must be a number above 0 and at most 4' });
  }
  if (errors.length > 0) return errors;
  if (s.scoring.mildThermometerAtLeast > s.scoring.highThermometerAtLeast) {
    errors.push({ field: 'scoring.mildThermometerAtLeast', message: 'must not be above highThermometerAtLeast' });
  }
  if (s.scoring.mildFaceAtMost < s.scoring.highFaceAtMost) {
    errors.push({ field: 'scoring.mildFaceAtMost', message: 'must not be below highFaceAtMost' });
  }
  if (s.persistentDistress.minDistressedChecks > s.persistentDistress.lastChecks) {
    errors.push({ field: 'persistentDistress.minDistressedChecks', message: 'must not be above lastChecks' });
  }
  if (s.decliningTrend.baselineMinChecks > s.decliningTrend.baselineMaxChecks) {
    errors.push({ field: 'decliningTrend.baselineMinChecks', message: 'must not be above baselineMaxChecks' });
  }
  return errors;
}

const GROUPS = Object.keys(DEFAULT_DISTRESS_SETTINGS) as Array<keyof DistressSettings>;

function checkShape(layer: unknown, name: string): FieldError[] {
  if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) return [{ field: name, message: 'must be an object' }];
  const errors: FieldError[] = [];
  for (const [group, members] of Object.entries(layer)) {
    if (!(GROUPS as string[]).includes(group)) {
      errors.push({ field: group, message: `is not a settings group (${GROUPS.join(', ')})` });
      continue;
    }
    if (members === undefined) continue;
    if (typeof members !== 'object' || members === null || Array.isArray(members)) {
      errors.push({ field: group, message: 'must be an object' });
      continue;
    }
    const known = Object.keys(DEFAULT_DISTRESS_SETTINGS[group as keyof DistressSettings]);
    for (const key of Object.keys(members)) {
      if (!known.includes(key)) errors.push({ field: `${group}.${key}`, message: 'is not a setting' });
    }
  }
  return errors;
}
