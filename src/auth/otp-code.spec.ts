import fc from 'fast-check';
import { generateOtp, hashOtp, otpMatches } from './otp-code';

const SECRET = 'unit-test-secret-0123456789abcdef';
const code = fc.integer({ min: 0, max: 999_999 }).map((n) => String(n).padStart(6, '0'));
const phone = fc.integer({ min: 1e9, max: 9e12 }).map((n) => `+${n}`);

describe('one-time codes', () => {
  it('are six digits', () => {
    for (let i = 0; i < 200; i++) expect(generateOtp()).toMatch(/^\d{6}$/);
  });

  it('match only the same code for the same phone under the same secret', () => {
    fc.assert(
      fc.property(phone, phone, code, code, (phoneA, phoneB, codeA, codeB) => {
        const stored = hashOtp(SECRET, phoneA, codeA);
        expect(otpMatches(SECRET, phoneA, codeA, stored)).toBe(true);
        expect(otpMatches(SECRET, phoneA, codeB, stored)).toBe(codeA === codeB);
        expect(otpMatches(SECRET, phoneB, codeA, stored)).toBe(phoneA === phoneB);
        expect(otpMatches(`${SECRET}x`, phoneA, codeA, stored)).toBe(false);
      }),
    );
  });

  it('refuses a malformed stored hash instead of throwing', () => {
    expect(otpMatches(SECRET, '+8613912345678', '123456', 'abc')).toBe(false);
  });
});
