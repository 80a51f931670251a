/**
 * The wellbeing instrument, version 1: four items a six-year-old can answer with the staff
 * member beside them, plus the supervisor's observation. A new version gets a new
 * `instrumentVersion` and its own answer type; stored checks keep the version they used.
 */
export const INSTRUMENT_V1 = {
  id: 'kinbridge-wellbeing',
  version: 1,
  items: [
    {
      key: 'feelingNow',
      kind: 'faces',
      min: 1,
      max: 5,
      askedAfterDecline: true,
      prompt: { 'zh-CN': '你现在感觉怎么样？', en: 'How do you feel right now?' },
    },
    {
      key: 'callFeeling',
      kind: 'faces',
      min: 1,
      max: 5,
      // There was no call to ask about.
      askedAfterDecline: false,
      prompt: { 'zh-CN': '今天和{parent}说话感觉怎么样？', en: 'How was talking with {parent} today?' },
    },
    {
      key: 'thermometer',
      kind: 'thermometer',
      min: 0,
      max: 10,
      askedAfterDecline: true,
      // Children under 8 see a faces thermometer; the stored value is the same 0–10.
      facesBelowAgeYears: 8,
      prompt: { 'zh-CN': '你心里有多难受？', en: 'How upset do you feel inside?' },
    },
    {
      key: 'wantsToTalk',
      kind: 'yes_no',
      askedAfterDecline: true,
      prompt: { 'zh-CN': '你想和老师聊一聊吗？', en: 'Do you want to talk to a teacher?' },
    },
  ],
} as const;

/** 1 = very sad, 2 = sad, 3 = neither, 4 = happy, 5 = very happy. */
export type Face = 1 | 2 | 3 | 4 | 5;

export interface AnswersV1 {
  readonly feelingNow: Face;
  /** "How was talking with Mum/Dad today?" — null after a declined session (not asked). */
  readonly callFeeling: Face | null;
  /** Distress thermometer 0 (none) – 10 (worst); ≥ 3 is the validated paediatric cut-off. */
  readonly thermometer: number;
  readonly wantsToTalk: boolean;
}

/** What the supervising staff member saw. Recorded with answered and skipped checks. */
export interface Observation {
  readonly distressSeen: boolean;
  readonly safetyConcern: boolean;
  readonly note?: string;
}

export const SKIP_REASONS = ['child_did_not_want', 'no_time', 'technical_problem', 'other'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** The session a check follows: after the call, or after the child said "not today"/"no". */
export type CheckedSessionOutcome = 'completed' | 'declined';

interface CheckBase {
  readonly id: string;
  readonly childId: string;
  readonly sessionId: string;
  readonly sessionOutcome: CheckedSessionOutcome;
  /** When the check was recorded (epoch ms). */
  readonly at: number;
  readonly observation: Observation | null;
}

export interface AnsweredCheck extends CheckBase {
  readonly status: 'answered';
  readonly instrumentVersion: 1;
  readonly answers: AnswersV1;
}

/** A check not taken. Not scored; its observation still counts (a safety concern is one). */
export interface SkippedCheck extends CheckBase {
  readonly status: 'skipped';
  readonly skipReason: SkipReason;
}

export type WellbeingCheck = AnsweredCheck | SkippedCheck;
