import { canonicalJson, hashRequest, parseIdempotencyKey } from './idempotency';
import { DomainError } from '../errors/domain-error';

describe('idempotency helpers', () => {
  it('hashes canonical JSON: key order and undefined members do not matter, values do', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
    expect(hashRequest({ a: 1, b: 2 })).toBe(hashRequest({ b: 2, a: 1, c: undefined }));
    expect(hashRequest({ a: 1, b: 2 })).not.toBe(hashRequest({ a: 1, b: 3 }));
    expect(hashRequest({ a: '1' })).not.toBe(hashRequest({ a: 1 }));
    expect(hashRequest({ a: [1, 2] })).not.toBe(hashRequest({ a: [2, 1] }));
    expect(hashRequest(undefined)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['a UUID', '0d3c1a5e-7c1b-4a5e-9a4e-2f1c3b4d5e6f'],
    ['one character', 'k'],
    ['200 visible ASCII characters', '~'.repeat(200)],
    ['punctuation', 'retry#1:booking/2027-03-02'],
  ])('accepts %s', (_label, key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['repeated', ['a', 'b']],
    ['201 characters', 'k'.repeat(201)],
    ['with a space', 'a b'],
    ['with a tab', 'a\tb'],
    ['non-ASCII', 'ключ'],
  ])('refuses a key that is %s with VALIDATION_FAILED naming the header', (_label, key) => {
    let error: unknown;
    try {
      parseIdempotencyKey(key as string | string[] | undefined);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', extensions: { errors: [{ field: 'Idempotency-Key' }] } });
  });
});
