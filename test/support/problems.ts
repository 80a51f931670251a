import type { Response } from 'supertest';

/** An RFC 9457 answer: the status, the problem+json media type, the code and, with `field`, that field among its errors. */
export function expectProblem(response: Response, status: number, code: string, field?: string): void {
  expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
  if (field !== undefined) expect((response.body.errors as { field: string }[]).map((error) => error.field)).toContain(field);
}
