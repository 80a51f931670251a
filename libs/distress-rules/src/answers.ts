import type { FieldError } from './errors';
import type { AnswersV1, Face, Observation } from './instrument';

export type ParseAnswersResult = { readonly ok: true; readonly answers: AnswersV1 } | { readonly ok: false; readonly errors: FieldError[] };
export type ParseObservationResult =
  | { readonly ok: true; readonly observation: Observation }
  | { readonly ok: false; readonly errors: FieldError[] };

export const MAX_NOTE_LENGTH = 2000;

const ANSWER_KEYS = ['feelingNow', 'callFeeling', 'thermometer', 'wantsToTalk'];
const OBSERVATION_KEYS = ['distressSeen', 'safetyConcern', 'note'];

/**
 * Validate raw v1 answers (the `answers` member of the request body). Strict: JSON numbers
 * and booleans only, no unknown members. `callFeeling` is required after a call and must be
 * absent or null after a declined session (there was no call to ask about).
 */
export function parseAnswers(raw: unknown, options: { afterDecline?: boolean } = {}): ParseAnswersResult {
  if (!isPlainObject(raw)) return { ok: false, errors: [{ field: 'answers', message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeys(raw, ANSWER_KEYS, 'answers');
  const feelingNow = face(raw.feelingNow, 'answers.feelingNow', errors);
  let callFeeling: Face | null = null;
  if (options.afterDecline) {
    if (raw.callFeeling !== undefined && raw.callFeeling !== null) {
      errors.push({ field: 'answers.callFeeling', message: 'is not asked after a declined session; leave it out' });
    }
  } else {
    callFeeling = face(raw.callFeeling, 'answers.callFeeling', errors);
  }
  const thermometer = raw.thermometer;
  if (!isIntegerIn(thermometer, 0, 10)) errors.push({ field: 'answers.thermometer', message: 'must be a whole number from 0 to 10' });
  const wantsToTalk = raw.wantsToTalk;
  if (typeof wantsToTalk !== 'boolean') errors.push({ field: 'answers.wantsToTalk', message: 'must be true or false' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, answers: { feelingNow: feelingNow as Face, callFeeling, thermometer: thermometer as number, wantsToTalk: wantsToTalk as boolean } };
}

/** Validate the supervisor's observation. A blank note is dropped. */
export function parseObservation(raw: unknown): ParseObservationResult {
  if (!isPlainObject(raw)) return { ok: false, errors: [{ field: 'observation', message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeys(raw, OBSERVATION_KEYS, 'observation');
  for (const key of ['distressSeen', 'safetyConcern'] as const) {
    if (typeof raw[key] !== 'boolean') errors.push({ field: `observation.${key}`, message: 'must be true or false' });
  }
  const note = raw.note;
  if (note !== undefined && note !== null && typeof note !== 'string') {
    errors.push({ field: 'observation.note', message: 'must be text' });
  } else if (typeof note === 'string' && note.length > MAX_NOTE_LENGTH) {
    errors.push({ field: 'observation.note', message: `must be at most ${MAX_NOTE_LENGTH} characters` });
  }
  if (errors.length > 0) return { ok: false, errors };
  const trimmed = typeof note === 'string' ? note.trim() : '';
  const observation: Observation = {
    distressSeen: raw.distressSeen as boolean,
    safetyConcern: raw.safetyConcern as boolean,
    ...(trimmed === '' ? {} : { note: trimmed }),
  };
  return { ok: true, observation };
}

function face(value: unknown, field: string, errors: FieldError[]): Face | null {
  if (isIntegerIn(value, 1, 5)) return value as Face;
  errors.push({ field, message: 'must be a face from 1 (very sad) to 5 (very happy)' });
  return null;
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(raw: Record<string, unknown>, known: string[], prefix: string): FieldError[] {
  return Object.keys(raw)
    .filter((key) => !known.includes(key))
    .map((key) => ({ field: `${prefix}.${key}`, message: 'is not a question of this instrument' }));
}
