// The child's timeline as the inbox shows it: a line per entry and the check scores over time.

export const FOLLOW_UP_ACTIONS = ['called_guardian', 'met_child', 'mediated_call_booked', 'referred', 'call_plan_changed', 'other'] as const;

/** One entry of GET /children/:id/timeline (newest first); the fields vary with its kind. */
export interface TimelineItem {
  kind?: string;
  type?: string;
  at: string;
  [field: string]: unknown;
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

/** Answered checks, oldest first. */
export function scoreSeries(items: readonly TimelineItem[]): ScoreSeries {
  const points = items
    .filter((item) => kindOf(item) === 'wellbeing_check')
    .map((item) => ({ item, answers: answersOf(item) }))
    .filter(({ answers }) => answers !== null)
    .map(({ item, answers }) => ({
      at: Date.parse(item.at),
      feelingNow: numberOrNull(answers!.feelingNow),
      callFeeling: numberOrNull(answers!.callFeeling),
      thermometer: numberOrNull(answers!.thermometer),
    }))
    .sort((a, b) => a.at - b.at);
  return { points };
}

export function timelineEntry(item: TimelineItem): { kind: string; at: string; summary: string } {
  const kind = kindOf(item);
  const detail = ['status', 'response', 'distress', 'rule', 'action', 'outcome', 'note', 'reason']
    .map((field) => (typeof item[field] === 'string' ? String(item[field]) : null))
    .filter((value) => value !== null);
  return { kind, at: item.at, summary: [kind.replace(/_/g, ' '), ...detail].join(' · ') };
}

function kindOf(item: TimelineItem): string {
  return String(item.kind ?? item.type ?? 'entry');
}

function answersOf(item: TimelineItem): Record<string, unknown> | null {
  const answers = item.answers;
  return answers && typeof answers === 'object' ? (answers as Record<string, unknown>) : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
