// The child's timeline as the inbox shows it: a line per entry and the check scores over time.

export const FOLLOW_UP_ACTIONS = ['called_guardian', 'met_child', 'mediated_call_booked', 'referred', 'call_plan_changed', 'other'] as const;

/** One entry of GET /children/:id/timeline (newest first): what it is, when, and its facts by type. */
export interface TimelineItem {
  type: 'session' | 'assent' | 'wellbeing_check' | 'alert' | 'follow_up' | 'call_plan_change' | string;
  id: string;
  at: string;
  data: Record<string, unknown>;
}

export interface ScorePoint {
  at: number;
  feelingNow: number | null;
  callFeeling: number | null;
  thermometer: number | null;
}

export interface ScoreSeries {
  points: ScorePoint[];
}

/** Answered checks, oldest first (skipped checks have no answers to plot). */
export function scoreSeries(items: readonly TimelineItem[]): ScoreSeries {
  const points = items
    .filter((item) => item.type === 'wellbeing_check' && typeof item.data.feelingNow === 'number')
    .map((item) => ({
      at: Date.parse(item.at),
      feelingNow: numberOrNull(item.data.feelingNow),
      callFeeling: numberOrNull(item.data.callFeeling),
      thermometer: numberOrNull(item.data.thermometer),
    }))
    .sort((a, b) => a.at - b.at);
  return { points };
}

/** The facts worth a glance, per type, in one line. */
const SUMMARY_FIELDS: Record<string, string[]> = {
  session: ['status', 'kind'],
  assent: ['response', 'reason'],
  wellbeing_check: ['status', 'distress', 'score', 'skipReason'],
  alert: ['rule', 'severity', 'status', 'outcome'],
  follow_up: ['action', 'note'],
  call_plan_change: ['paused', 'maxCallsPerWeek', 'mediatedOnly'],
};

export function timelineEntry(item: TimelineItem): { type: string; at: string; summary: string } {
  const fields = SUMMARY_FIELDS[item.type] ?? [];
  const detail = fields.flatMap((field) => {
    const value = item.data[field];
    if (value === null || value === undefined || value === '') return [];
    return [typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : `${typeof value === 'boolean' ? `${field}: ` : ''}${String(value)}`];
  });
  return { type: item.type, at: item.at, summary: detail.join(' · ') };
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
