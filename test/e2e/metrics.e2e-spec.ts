import { randomUUID } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('metrics: GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const response = await t.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text;
  };

  it('is public Prometheus text with the default process metrics', async () => {
    const text = await scrape();
    expect(text).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^# TYPE http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^# TYPE notifications_delivered_total counter$/m);
    expect(text).toMatch(/^# TYPE notifications_failed_total counter$/m);
  });

  it('labels requests by route template, never by raw id', async () => {
    // Any parameterised GET route will do; take one from the API's own OpenAPI document.
    const docs = await t.http().get('/docs-json').expect(200);
    const template = Object.keys(docs.body.paths as Record<string, Record<string, unknown>>).find(
      (path) => path.startsWith('/api/v1/') && /\{\w+\}$/.test(path) && 'get' in docs.body.paths[path],
    );
    expect(template).toBeDefined();
    const expressTemplate = template!.replace(/\{(\w+)\}/g, ':$1');
    const id = randomUUID();
    const concrete = template!.replace(/\{\w+\}/g, id);
    await t.http().get(concrete); // unauthenticated: 401, but the route matched
    await t.http().get(`/api/v1/no-such-thing/${randomUUID()}`).expect(404);
    await t.http().get('/health').expect(200);

    const text = await scrape();
    const series = (route: string) =>
      text.split('\n').filter((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes(`route="${route}"`));
    expect(series(expressTemplate).some((line) => /method="GET"/.test(line) && /status="401"/.test(line))).toBe(true);
    expect(series('unmatched').some((line) => /status="404"/.test(line))).toBe(true);
    expect(series('/health').some((line) => /status="200"/.test(line))).toBe(true);
    expect(text).not.toContain(id);
    expect(text).not.toMatch(UUID);
  });
});
