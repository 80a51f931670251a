import { randomBytes, randomUUID } from 'node:crypto';
import { AuditService } from '../../src/audit/audit.service';
import type { AppConfig } from '../../src/config/app-config';
import { APP_CONFIG } from '../../src/config/config.module';
import { runWrites } from '../../src/database/combined-writes';
import { domainErrorFromPg } from '../../src/database/pg-errors';
import { Transactions } from '../../src/database/transaction';
import { JobQueue } from '../../src/jobs/job-queue.service';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { randomPhone } from '../factories';
import { startTestApp, TestApp } from '../support/test-app';

/** runWrites: a booking's audit row, outbox messages, jobs and stored answer go to PostgreSQL as ONE statement. */
describe('combined writes (data-modifying CTEs) on a real PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A pg-boss schema of its own: no other file's worker takes these jobs.
    t = await startTestApp({ env: { JOBS_SCHEMA: `kb_jobs_test_${randomBytes(4).toString('hex')}` } });
  });
  afterAll(() => t.close());

  it('refuses to run outside a transaction (the writes belong to the caller\'s change)', async () => {
    const audit = t.app.get(AuditService).insertStatement([{ action: 'test.combined', objectType: 'test' }]);
    await expect(runWrites(t.db.manager, [audit, audit])).rejects.toThrow(/open transaction/);
  });

  /** An audit row, one outbox message with its delivery job, and a timed job: what a booking sends with its answer. */
  async function bookingLikeWrites(tx: Parameters<typeof runWrites>[0], marker: string, phone: string) {
    const audit = t.app.get(AuditService).insertStatement([{ action: 'test.combined', objectType: 'test', details: { marker } }]);
    const outbox = await t.app.get(NotificationsService).outboxWrites(tx, [
      { recipient: { type: 'phone', phone, locale: 'en' }, template: 'otp_code', params: { code: '123456', minutes: '10' } },
    ]);
    const sessionId = randomUUID();
    const jobs = await t.app.get(JobQueue).insertStatement([
      ...outbox.deliveries,
      { queue: 'session.no-show-check', data: { sessionId, startsAt: '2031-01-01T00:00:00.000Z' }, options: { startAfter: new Date('2031-01-01T00:10:00Z'), singletonKey: sessionId } },
    ]);
    return { statements: [audit, outbox.insert, jobs], notificationId: outbox.ids[0], sessionId };
  }

  async function written(marker: string, notificationId: string, sessionId: string) {
    const schema = t.app.get<AppConfig>(APP_CONFIG).jobs.schema;
    const [row] = await t.db.query(
      `SELECT (SELECT count(*)::int FROM audit_log WHERE action = 'test.combined' AND details->>'marker' = $1) AS audit,
              (SELECT count(*)::int FROM notifications WHERE id = $2) AS notifications,
              (SELECT count(*)::int FROM ${schema}.job WHERE name = 'notification.deliver' AND data->>'notificationId' = $2::text) AS deliveries,
              (SELECT count(*)::int FROM ${schema}.job WHERE name = 'session.no-show-check' AND data->>'sessionId' = $3::text
                  AND start_after = '2031-01-01T00:10:00Z') AS timed`,
      [marker, notificationId, sessionId],
    );
    return row as { audit: number; notifications: number; deliveries: number; timed: number };
  }

  it('writes every part, in one round trip, and commits them together', async () => {
    const marker = randomUUID();
    const sent: string[] = [];
    let ids: { notificationId: string; sessionId: string } | undefined;
    await t.app.get(Transactions).run(async (tx) => {
      const writes = await bookingLikeWrites(tx, marker, randomPhone());
      ids = writes;
      const client = (await tx.queryRunner!.connect()) as { query: (...args: unknown[]) => unknown };
      const query = client.query.bind(client);
      client.query = (...args: unknown[]) => {
        const config = args[0] as { text?: string } | string;
        sent.push(typeof config === 'string' ? config : (config.text ?? ''));
        return query(...args);
      };
      try {
        await runWrites(tx, writes.statements);
      } finally {
        client.query = query;
      }
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^WITH w0 AS \(INSERT INTO audit_log/);
    expect(await written(marker, ids!.notificationId, ids!.sessionId)).toEqual({ audit: 1, notifications: 1, deliveries: 1, timed: 1 });
  });

  it('a failing part fails the statement with its PostgreSQL error, mapped to a problem as any other, and the transaction keeps nothing', async () => {
    const marker = randomUUID();
    let ids: { notificationId: string; sessionId: string } | undefined;
    const failing = t.app.get(Transactions).run(async (tx) => {
      const writes = await bookingLikeWrites(tx, marker, randomPhone());
      ids = writes;
      // The outbox row twice: the second insert breaks the primary key while the statement executes, after other parts wrote.
      const [audit, outbox, jobs] = writes.statements;
      await runWrites(tx, [audit, outbox, jobs, outbox]);
    });
    const error = await failing.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: '23505' });
    expect(domainErrorFromPg(error)).toMatchObject({ code: 'CONFLICT' });
    expect(await written(marker, ids!.notificationId, ids!.sessionId)).toEqual({ audit: 0, notifications: 0, deliveries: 0, timed: 0 });
  });
});
