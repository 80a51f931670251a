/** Codes for inputs this library refuses to compute with. */
export type InputErrorCode =
  | 'INVALID_TIME_ZONE'
  | 'INVALID_RULE'
  | 'INVALID_INTERVAL'
  | 'INVALID_RANGE'
  | 'INVALID_DURATION'
  | 'INVALID_STEP'
  | 'INVALID_SETTINGS'
  | 'INVALID_SERIES';

export const INPUT_ERROR_CODES: readonly InputErrorCode[] = [
  'INVALID_TIME_ZONE',
  'INVALID_RULE',
  'INVALID_INTERVAL',
  'INVALID_RANGE',
  'INVALID_DURATION',
  'INVALID_STEP',
  'INVALID_SETTINGS',
  'INVALID_SERIES',
];

export interface InputError {
  readonly code: InputErrorCode;
  readonly detail: string;
}

/**
 * Thrown only by the low-level helpers (`expandWeeklyRules`, `isoWeekKey`, …) that return
 * bare values; `findSlots`, `checkBookable` and `weeklySeries` return their errors instead.
 */
export class SchedulingInputError extends Error {
  constructor(
    readonly code: InputErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'SchedulingInputError';
  }
}

export function inputError(code: InputErrorCode, detail: string): InputError {
  return { code, detail };
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${JSON.stringify(value)}`);
}
