import { QueryFailedError } from 'typeorm';
import { ProblemFilter } from './problem.filter';

/** Renders `error` as the last Express error handler would, returning status, headers and body. */
function render(error: unknown, headersSent = false) {
  const headers: Record<string, string> = {};
  let status = 0;
  let body = '{}';
  let destroyed = false;
  const response = {
    headersSent,
    destroy: () => (destroyed = true),
    setHeader(name: string, value: string) {
      if (this.headersSent) throw new Error('ERR_HTTP_HEADERS_SENT');
      headers[name.toLowerCase()] = value;
    },
    status(code: number) {
      status = code;
      return this;
    },
    type(value: string) {
      headers['content-type'] = value;
      return this;
    },
    send(text: string) {
      body = text;
      return this;
    },
  };
  const filter = new ProblemFilter();
  (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
  filter.render(error, { originalUrl: '/api/v1/hubs', id: 'req-test-0001' } as never, response as never);
  return { status, headers, destroyed, body: JSON.parse(body) as Record<string, unknown> };
}

describe('ProblemFilter', () => {
  it('answers 503 with Retry-After when the connection drops mid-query (wrapped, no SQLSTATE)', () => {
    const cut = new QueryFailedError('SELECT secret_column FROM hubs', [], new Error('Connection terminated unexpectedly'));
    const { status, headers, body } = render(cut);
    expect(status).toBe(503);
    expect(headers['retry-after']).toBe('2');
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, requestId: 'req-test-0001' });
    expect(JSON.stringify(body)).not.toMatch(/secret_column|terminated/);
  });

  it('answers 400, not 500, to a NUL character PostgreSQL refused', () => {
    const nul = new QueryFailedError('INSERT INTO hubs …', [], Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' }));
    expect(render(nul)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  it('cuts a response that failed after its headers went out, without throwing (even for a 503)', () => {
    const cut = new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly'));
    expect(render(cut, true)).toMatchObject({ destroyed: true, status: 0 });
  });

  it('keeps other database failures a 500 that names nothing internal', () => {
    const broken = new QueryFailedError('SELECT * FROM missing', [], Object.assign(new Error('relation "missing" does not exist'), { code: '42P01' }));
    const { status, body } = render(broken);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toMatch(/missing|SELECT/);
  });
});
