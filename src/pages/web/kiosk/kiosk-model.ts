// What the kiosk sends: the assent reasons the child can pick and the wellbeing-check body
// (PRODUCT.md: answers v1 + the supervisor's observation; a skip carries a reason instead).

/**
 * The pictures a child can pick after "not today" or "no" (stored as the assent's reason): the
 * server's list (src/calls/dto/call.dto.ts; a unit test keeps the two equal).
 */
export const ASSENT_REASONS = ['tired', 'busy_playing', 'feeling_sad', 'feeling_shy', 'wants_later', 'other'] as const;

export const SKIP_REASONS = ['child_did_not_want', 'no_time', 'technical_problem', 'other'] as const;

export interface WellbeingAnswers {
  feelingNow: 1 | 2 | 3 | 4 | 5;
  callFeeling?: 1 | 2 | 3 | 4 | 5;
  thermometer: number;
  wantsToTalk: boolean;
}

export interface Observation {
  distressSeen: boolean;
  safetyConcern: boolean;
  note?: string;
}

export function wellbeingBody(
  input: { answers: WellbeingAnswers; afterDecline: boolean; observation: Observation } | { skipReason: (typeof SKIP_REASONS)[number]; observation: Observation },
): Record<string, unknown> {
  if ('skipReason' in input) return { skipped: { reason: input.skipReason }, observation: input.observation };
  const { callFeeling, ...rest } = input.answers;
  // callFeeling is not asked after a declined session (there was no call): leave it out.
  const answers = input.afterDecline || callFeeling === undefined ? rest : { ...rest, callFeeling };
  return { answers, observation: input.observation };
}
