import { requestIdOf, withoutSecrets } from './logging';

describe('logging', () => {
  it.each([
    ['/api/v1/guardians/1/calendar.ics?token=abc123', '/api/v1/guardians/1/calendar.ics?token=[redacted]'],
    ['/x?a=1&token=abc&b=2', '/x?a=1&token=[redacted]&b=2'],
    ['/x?TOKEN=abc', '/x?TOKEN=[redacted]'],
    ['/api/v1/children?q=token', '/api/v1/children?q=token'],
  ])('keeps secrets out of logged URLs: %s', (url, logged) => {
    expect(withoutSecrets(url)).toBe(logged);
  });

  it('keeps a sane caller request id and replaces anything else', () => {
    const request = (id?: string) => ({ headers: id === undefined ? {} : { 'x-request-id': id } }) as never;
    expect(requestIdOf(request('req-abcdef-123'))).toBe('req-abcdef-123');
    for (const bad of ['short', 'x'.repeat(101), 'has space 12345', '<script>alert(1)</script>']) {
      expect(requestIdOf(request(bad))).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(requestIdOf(request())).toMatch(/^[0-9a-f-]{36}$/);
  });
});
