import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const OTP_TTL_MINUTES = 5;
export const OTP_MAX_ATTEMPTS = 5;

/** Six uniformly random digits, leading zeros kept. */
export function generateOtp(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/**
 * Codes are stored only as an HMAC keyed with a server secret: a leaked `otp_codes` table cannot be
 * brute-forced offline (a million plain hashes would be). The phone is part of the message so a
 * stored hash is useless for any other number.
 */
export function hashOtp(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}:${code}`).digest('hex');
}

export function otpMatches(secret: string, phone: string, code: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashOtp(secret, phone, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
