import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { FixedClock } from '../../src/common/clock';
import { HousekeepingService, PURGE_BATCH } from '../../src/housekeeping/housekeeping.service';
import { randomPhone } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('housekeeping', () => {
  let t: TestApp;
  // Far in the future: retention must follow the database's clock, or this would wipe everything.
  const clock = new FixedClock(DateTime.utc().plus({ years: 5 }).startOf('second'));

  beforeAll(async () => {
    t = await startTestApp({ clock });
  });
  afterAll(() => t.close());

  const purge = () => t.app.get(HousekeepingService).purge();
  const tag = () => `housekeeping-${randomUUID()}`;
  const count = async (sql: string, params: unknown[]): Promise<number> => (await t.db.query(`SELECT count(*)::int AS n FROM (${sql}) c`, params))[0].n;
  const addEvent = (key: string, age: string) =>
    t.db.query(`INSERT INTO rate_limit_events (bucket, key, at) VALUES ('test', $1, now() - $2::interval)`, [key, age]);
  const addCode = (phone: string, expiredFor: string) =>
    t.db.query(`INSERT INTO otp_codes (phone, code_hash, expires_at, created_at) VALUES ($1, 'x', now() - $2::interval, now() - $2::interval - interval '5 minutes')`, [
      phone,
      expiredFor,
    ]);
  const addKey = (actorId: string, key: string, age: string) =>
    t.db.query(
      `INSERT INTO idempotency_keys (actor_id, route, key, request_hash, status_code, response, created_at)
       VALUES ($1, 'POST /api/v1/sessions', $2, 'h', 201, '{}'::jsonb, now() - $3::interval)`,
      [actorId, key, age],
    );

  it('deletes rate-limit events older than 2 days, codes expired over a day ago and stored answers older than 7 days; keeps the rest', async () => {
    const key = tag();
    for (const age of ['49 hours', '30 days', '47 hours', '1 minute', '0 seconds']) await addEvent(key, age);
    const phone = randomPhone();
    for (const expiredFor of ['25 hours', '10 days', '23 hours', '-5 minutes']) await addCode(phone, expiredFor);
    const actor = randomUUID();
    await addKey(actor, 'old', '8 days');
    await addKey(actor, 'older', '400 days');
    await addKey(actor, 'recent', '6 days 23 hours');
    await addKey(actor, 'new', '0 seconds');

    const result = await purge();

    expect(result).toEqual({ rateLimitEvents: expect.any(Number), otpCodes: expect.any(Number), idempotencyKeys: expect.any(Number) });
    expect(result.rateLimitEvents).toBeGreaterThanOrEqual(2);
    expect(await count(`SELECT 1 FROM rate_limit_events WHERE key = $1`, [key])).toBe(3);
    expect(await count(`SELECT 1 FROM rate_limit_events WHERE key = $1 AND at < now() - interval '2 days'`, [key])).toBe(0);
    expect(await count(`SELECT 1 FROM otp_codes WHERE phone = $1`, [phone])).toBe(2);
    expect(await count(`SELECT 1 FROM otp_codes WHERE phone = $1 AND expires_at < now() - interval '1 day'`, [phone])).toBe(0);
    expect((await t.db.query(`SELECT key FROM idempotency_keys WHERE actor_id = $1 ORDER BY key`, [actor])).map((row: { key: string }) => row.key)).toEqual([
      'new',
      'recent',
    ]);
  });

  it('works through a backlog larger than one batch', async () => {
    const key = tag();
    await t.db.query(
      `INSERT INTO rate_limit_events (bucket, key, at) SELECT 'test', $1, now() - interval '3 days' FROM generate_series(1, $2::int)`,
      [key, PURGE_BATCH * 2 + 17],
    );
    await addEvent(key, '1 hour');
    const result = await purge();
    expect(result.rateLimitEvents).toBeGreaterThanOrEqual(PURGE_BATCH * 2 + 17);
    expect(await count(`SELECT 1 FROM rate_limit_events WHERE key = $1`, [key])).toBe(1);
  });

  it('runs on a pg-boss schedule', async () => {
    const [schedule] = await t.db.query(`SELECT cron, options->>'tz' AS tz FROM pgboss.schedule WHERE name = 'housekeeping.purge'`);
    expect(schedule).toEqual({ cron: '17 * * * *', tz: 'UTC' });
  });
});
