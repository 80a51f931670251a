/**
 * The rules and their versions. Bump a rule's version whenever what it decides changes
 * (not for wording), so every alert says which logic raised it.
 */
export const RULES = {
  help_requested: { version: 1, severity: 'high' },
  persistent_distress: { version: 1, severity: 'high' },
  repeated_declines: { version: 1, severity: 'normal' },
  declining_trend: { version: 1, severity: 'normal' },
} as const satisfies Record<string, { version: number; severity: Severity }>;

export type RuleId = keyof typeof RULES;
export type Severity = 'high' | 'normal';
export const RULE_IDS = Object.keys(RULES) as RuleId[];

export interface Evidence {
  readonly checkIds: readonly string[];
  readonly sessionIds: readonly string[];
}

export interface Finding {
  readonly ruleId: RuleId;
  readonly ruleVersion: number;
  readonly severity: Severity;
  readonly childId: string;
  /** For people: why, with the dates (in the hub's zone) of the checks or sessions involved. */
  readonly reason: string;
  /** The checks and sessions that triggered it, oldest first; all from the input. */
  readonly evidence: Evidence;
}

export function finding(ruleId: RuleId, childId: string, reason: string, evidence: Evidence): Finding {
  const { version, severity } = RULES[ruleId];
  return { ruleId, ruleVersion: version, severity, childId, reason, evidence };
}

export function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
