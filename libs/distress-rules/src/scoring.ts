import { assertUnreachable } from './errors';
import type { AnsweredCheck, AnswersV1, Observation, WellbeingCheck } from './instrument';
import { DEFAULT_DISTRESS_SETTINGS, type ScoringSettings } from './settings';

export type Distress = 'none' | 'mild' | 'high';

export interface Score {
  readonly distress: Distress;
  /**
   * Wellbeing on the faces' 1–5 scale, higher is better: the mean of the faces that were
   * asked — both after a call, `feelingNow` alone after a decline. Used by the trend rule.
   */
  readonly score: number;
}

/**
 * Score v1 answers. The faces count on either item (a very sad face about the call is
 * distress too); the thermometer uses the paediatric cut-off (mild from 3) and 7 for high.
 */
export function scoreAnswers(answers: AnswersV1, scoring: ScoringSettings = DEFAULT_DISTRESS_SETTINGS.scoring, observation: Observation | null = null): Score {
  const faces = answers.callFeeling === null ? [answers.feelingNow] : [answers.feelingNow, answers.callFeeling];
  const saddest = Math.min(...faces);
  const score = faces.reduce((sum, f) => sum + f, 0) / faces.length;
  let distress: Distress = 'none';
  if (answers.thermometer >= scoring.highThermometerAtLeast || saddest <= scoring.highFaceAtMost) distress = 'high';
  else if (answers.thermometer >= scoring.mildThermometerAtLeast || saddest <= scoring.mildFaceAtMost) distress = 'mild';
  else if (scoring.observedDistressCountsAsMild && observation?.distressSeen) distress = 'mild';
  return { distress, score };
}

/** The score of a check, or null for a skipped one (never scored). */
export function scoreCheck(check: WellbeingCheck, scoring: ScoringSettings = DEFAULT_DISTRESS_SETTINGS.scoring): Score | null {
  switch (check.status) {
    case 'answered':
      return scoreAnswers(check.answers, scoring, check.observation);
    case 'skipped':
      return null;
    default:
      return assertUnreachable(check);
  }
}

export function distressRank(distress: Distress): 0 | 1 | 2 {
  switch (distress) {
    case 'none':
      return 0;
    case 'mild':
      return 1;
    case 'high':
      return 2;
    default:
      return assertUnreachable(distress);
  }
}

export interface ScoredCheck extends Score {
  readonly check: AnsweredCheck;
}
