import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { maskDestination, maskEmail, maskPhone } from './log.transport';
import { signWebhook } from './webhook.transport';

describe('maskPhone', () => {
  it('keeps only the last four digits', () => {
    expect(maskPhone('+8613912345678')).toBe('+*********5678');
  });

  it('never reveals more than the last four digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9][0-9]{6,14}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(phone.length);
        expect(masked.slice(-4)).toBe(phone.slice(-4));
        expect(masked.slice(0, -4)).toMatch(/^\+\**$/);
      }),
    );
  });
});

describe('maskDestination', () => {
  it('prefers the phone and masks an email to its first letter and domain', () => {
    expect(maskDestination({ type: 'guardian', id: 'x', phone: '+8613900001111', email: null })).toBe('+*********1111');
    expect(maskDestination({ type: 'user', id: 'x', phone: null, email: 'li.wei@example.org' })).toBe('l***@example.org');
    expect(maskDestination({ type: 'user', id: 'x', phone: null, email: null })).toBeNull();
    expect(maskEmail('nonsense')).toBe('***');
  });
});

describe('signWebhook', () => {
  it('is v1= and the hex HMAC-SHA256 of "timestamp.body"', () => {
    const expected = createHmac('sha256', 'secret-secret-secret').update('1700000000.{"a":1}').digest('hex');
    expect(signWebhook('secret-secret-secret', '1700000000', '{"a":1}')).toBe(`v1=${expected}`);
  });

  it('changes when the body, the timestamp or the secret changes', () => {
    const base = signWebhook('secret-secret-secret', '1700000000', '{"a":1}');
    expect(signWebhook('secret-secret-secret', '1700000000', '{"a":2}')).not.toBe(base);
    expect(signWebhook('secret-secret-secret', '1700000001', '{"a":1}')).not.toBe(base);
    expect(signWebhook('other-secret-secret', '1700000000', '{"a":1}')).not.toBe(base);
  });
});
