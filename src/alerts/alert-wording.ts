import type { RuleId } from '@app/distress-rules';
import { DateTime } from 'luxon';

const LABELS: Record<RuleId, string> = {
  help_requested: 'help requested',
  persistent_distress: 'persistent distress',
  repeated_declines: 'repeated declines',
  declining_trend: 'declining trend',
};

/** How a rule is named in messages to counselors and admins. */
export const ruleLabel = (rule: RuleId): string => LABELS[rule];

/** '2026-03-02 19:30 (Asia/Shanghai)': message text for staff, in the hub's zone. */
export const whenInZone = (at: Date, zone: string): string => `${DateTime.fromJSDate(at, { zone }).toFormat('yyyy-MM-dd HH:mm')} (${zone})`;
