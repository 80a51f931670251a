import { createHmac, randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Transactions } from '../../src/database/transaction';
import { NotificationDeliverer } from '../../src/notifications/notification-deliverer';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { randomPhone } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

interface NotificationRow {
  id: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  subject: string;
  body: string;
  locale: string;
  created_at: Date;
}

/**
 * Every app here gets a pg-boss schema of its own: the e2e files share one database, and a
 * worker of another file's app (with another transport) must not take these jobs.
 */
const jobsSchema = () => `kb_jobs_test_${randomBytes(4).toString('hex')}`;
// Retries wait 1–2 s, then 2–4 s (pg-boss backoff with jitter); workers poll every 0.5 s.
const FAST_JOBS = { JOBS_POLL_INTERVAL_SECONDS: '0.5', NOTIFY_RETRY_DELAY_SECONDS: '1' };

async function rowOf(t: TestApp, id: string): Promise<NotificationRow | undefined> {
  const rows: NotificationRow[] = await t.db.query('SELECT * FROM notifications WHERE id = $1', [id]);
  return rows[0];
}

/** Polls the row until it leaves `pending` (delivery runs in a background job). */
async function settled(t: TestApp, id: string, timeoutMs = 20_000): Promise<NotificationRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await rowOf(t, id);
    if (row && row.status !== 'pending') return row;
    if (Date.now() > deadline) throw new Error(`notification ${id} still ${row?.status ?? 'missing'} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

function otpTo(phone: string) {
  return { recipient: { type: 'phone' as const, phone, locale: 'en' as const }, template: 'otp_code' as const, params: { code: '482913', minutes: '10' } };
}

describe('notifications: the outbox and the log transport', () => {
  let t: TestApp;
  let schema: string;
  beforeAll(async () => {
    schema = jobsSchema();
    t = await startTestApp({ env: { ...FAST_JOBS, JOBS_SCHEMA: schema } });
  });
  afterAll(() => t.close());

  const enqueue = (message: Parameters<NotificationsService['enqueue']>[1]) =>
    t.app.get(Transactions).run((tx) => t.app.get(NotificationsService).enqueue(tx, message));

  it('writes neither the message nor its job when the transaction rolls back', async () => {
    let id: string | undefined;
    let jobsInside = 0;
    const rollback = new Error('roll back');
    await expect(
      t.app.get(Transactions).run(async (tx) => {
        id = await t.app.get(NotificationsService).enqueue(tx, otpTo(randomPhone()));
        const [{ count }] = await tx.query(`SELECT count(*)::int AS count FROM ${schema}.job WHERE data->>'notificationId' = $1`, [id]);
        jobsInside = count;
        throw rollback;
      }),
    ).rejects.toBe(rollback);

    expect(jobsInside).toBe(1); // the job was written on the same transaction…
    expect(await rowOf(t, id!)).toBeUndefined(); // …so both are gone
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM ${schema}.job WHERE data->>'notificationId' = $1`, [id]);
    expect(count).toBe(0);
  });

  it('delivers a committed message in the recipient locale and marks it sent', async () => {
    const guardian = await t.factories.newGuardian({ locale: 'en' });
    const id = await enqueue({ recipient: { type: 'guardian', id: guardian.id }, template: 'otp_code', params: { code: '135790', minutes: '5' } });

    const row = await settled(t, id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, locale: 'en' });
    expect(row.sent_at).toBeInstanceOf(Date);
    expect(row.body).toContain('135790');

    const metrics = await t.http().get('/metrics').expect(200);
    const delivered = /^notifications_delivered_total\{transport="log"\} (\d+)$/m.exec(metrics.text);
    expect(Number(delivered?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('sweeps up a pending message that lost its job, once', async () => {
    const [{ id }] = await t.db.query(
      `INSERT INTO notifications (recipient_type, recipient_phone, locale, template, subject, body, created_at)
       VALUES ('phone', $1, 'en', 'otp_code', 'Kinbridge sign-in code', 'Your Kinbridge code is 424242.', now() - interval '3 minutes')
       RETURNING id`,
      [randomPhone()],
    );
    const jobsFor = async () =>
      (await t.db.query(`SELECT count(*)::int AS count FROM ${schema}.job WHERE data->>'notificationId' = $1`, [id]))[0].count as number;
    expect(await jobsFor()).toBe(0);

    const deliverer = t.app.get(NotificationDeliverer);
    await deliverer.sweep();
    await deliverer.sweep();
    expect(await jobsFor()).toBe(1);
    expect(await settled(t, id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('uses zh-CN for a guardian who chose no other locale', async () => {
    const guardian = await t.factories.newGuardian();
    const id = await enqueue({ recipient: { type: 'guardian', id: guardian.id }, template: 'otp_code', params: { code: '246802', minutes: '5' } });
    const row = await settled(t, id);
    expect(row).toMatchObject({ status: 'sent', locale: 'zh-CN' });
    expect(row.body).toContain('验证码');
  });
});

interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

describe('notifications: the webhook transport', () => {
  const secret = `whsec-${randomBytes(12).toString('hex')}`;
  /** Status codes to answer, per notification id, in order; then 200. */
  const plans = new Map<string, number[]>();
  const received = new Map<string, Received[]>();
  let receiver: Server;
  let t: TestApp;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const id = String(request.headers['x-kinbridge-id']);
        received.set(id, [...(received.get(id) ?? []), { headers: request.headers, rawBody: Buffer.concat(chunks).toString('utf8') }]);
        const status = plans.get(id)?.shift() ?? 200;
        response.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    t = await startTestApp({
      env: {
        ...FAST_JOBS,
        JOBS_SCHEMA: jobsSchema(),
        NOTIFY_TRANSPORT: 'webhook',
        NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks/kinbridge`,
        NOTIFY_WEBHOOK_SECRET: secret,
        NOTIFY_MAX_ATTEMPTS: '3',
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  /** Enqueues and sets the receiver's answers before the commit, so the first attempt already follows them. */
  const enqueue = (message: Parameters<NotificationsService['enqueue']>[1], answers: number[] = []) =>
    t.app.get(Transactions).run(async (tx) => {
      const id = await t.app.get(NotificationsService).enqueue(tx, message);
      plans.set(id, answers);
      return id;
    });

  it('POSTs a signed JSON message that the receiver can verify', async () => {
    const user = await t.factories.newUser('counselor');
    const id = await enqueue({ recipient: { type: 'user', id: user.id }, template: 'otp_code', params: { code: '918273', minutes: '10' } });
    const row = await settled(t, id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });

    const calls = received.get(id)!;
    expect(calls).toHaveLength(1);
    const { headers, rawBody } = calls[0];
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-kinbridge-id']).toBe(id);
    const timestamp = String(headers['x-kinbridge-timestamp']);
    expect(timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
    expect(headers['x-kinbridge-signature']).toBe(expected);
    const forged = `v1=${createHmac('sha256', 'not-the-secret').update(`${timestamp}.${rawBody}`).digest('hex')}`;
    expect(headers['x-kinbridge-signature']).not.toBe(forged);

    expect(JSON.parse(rawBody)).toEqual({
      id,
      template: 'otp_code',
      locale: 'zh-CN',
      recipient: { type: 'user', id: user.id, phone: null, email: user.email },
      subject: row.subject,
      body: row.body,
      createdAt: row.created_at.toISOString(),
    });
  });

  it('sends a phone-only message to that phone', async () => {
    const phone = randomPhone();
    const id = await enqueue(otpTo(phone));
    expect(await settled(t, id)).toMatchObject({ status: 'sent', locale: 'en' });
    const body = JSON.parse(received.get(id)![0].rawBody);
    expect(body.recipient).toEqual({ type: 'phone', id: null, phone, email: null });
    expect(body.body).toContain('482913');
  });

  it('retries with backoff: two 500s, then delivered on the third attempt; a receiver that always fails leaves it failed', async () => {
    const flaky = await enqueue(otpTo(randomPhone()), [500, 500]);
    const broken = await enqueue(otpTo(randomPhone()), [500, 500, 500, 500, 500]);

    const [flakyRow, brokenRow] = await Promise.all([settled(t, flaky), settled(t, broken)]);
    expect(flakyRow).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(received.get(flaky)).toHaveLength(3);
    expect(new Set(received.get(flaky)!.map((call) => call.headers['x-kinbridge-id']))).toEqual(new Set([flaky]));

    expect(brokenRow).toMatchObject({ status: 'failed', attempts: 3, sent_at: null });
    expect(brokenRow.last_error).toMatch(/HTTP 500/);
    expect(received.get(broken)).toHaveLength(3);

    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(Number(/^notifications_failed_total\{transport="webhook"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^notification_delivery_errors_total\{transport="webhook"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5);
  }, 30_000);

  it('fails at once, without retrying, a message whose recipient has no address', async () => {
    const guardian = await t.factories.newGuardian();
    // A guardian deleted after the message was queued leaves nothing to send to: failed at once, not retried.
    const id = await t.app.get(Transactions).run(async (tx) => {
      const created = await t.app.get(NotificationsService).enqueue(tx, {
        recipient: { type: 'guardian', id: guardian.id },
        template: 'otp_code',
        params: { code: '111222', minutes: '5' },
      });
      await tx.query('DELETE FROM guardians WHERE id = $1', [guardian.id]);
      return created;
    });
    const row = await settled(t, id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.last_error).toMatch(/no phone number or email/);
    expect(received.get(id)).toBeUndefined();
  });
});
