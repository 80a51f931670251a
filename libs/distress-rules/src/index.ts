// @app/distress-rules: the versioned wellbeing instrument, its scoring, and the pure rules
// that turn a child's checks and sessions into findings for counselors.
// Instants are epoch milliseconds (UTC); time is passed in, never read.
export {
  type AnsweredCheck,
  type AnswersV1,
  type CheckedSessionOutcome,
  type Face,
  type Observation,
  type SkipReason,
  type SkippedCheck,
  type WellbeingCheck,
  INSTRUMENT_V1,
  SKIP_REASONS,
} from './instrument';
export { type ParseAnswersResult, type ParseObservationResult, MAX_NOTE_LENGTH, parseAnswers, parseObservation } from './answers';
export { type FieldError, assertUnreachable } from './errors';
export { type Distress, type Score, type ScoredCheck, distressRank, scoreAnswers, scoreCheck } from './scoring';
export {
  type DecliningTrendSettings,
  type DistressSettings,
  type DistressSettingsOverrides,
  type PersistentDistressSettings,
  type RepeatedDeclinesSettings,
  type ResolveSettingsResult,
  type ScoringSettings,
  DEFAULT_DISTRESS_SETTINGS,
  resolveSettings,
  validateSettings,
} from './settings';
export { type Evidence, type Finding, type RuleId, type Severity, RULES, RULE_IDS } from './rules';
export { type History, type SessionOutcome, type SessionRecord } from './timeline';
export { type EvaluateOptions, DEFAULT_REASON_TIME_ZONE, evaluate, evaluateDecline } from './evaluate';
