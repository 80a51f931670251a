/** One problem with an input, named by its path in the request body (`answers.thermometer`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unreachable: ${JSON.stringify(value)}`);
}
