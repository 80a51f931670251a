import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Transactions } from '../database/transaction';
import { JobQueue } from '../jobs/job-queue.service';

/**
 * How long rows that nothing else deletes are kept. Each is measured against the database's
 * `now()`, not the app's Clock: a clock moved forward (in tests, or by mistake) must not wipe
 * live rows.
 * - `rate_limit_events`: the longest window is a day, so two days keep every live window whole.
 *   (The limiter prunes a key when it is hit again; this catches keys that never come back.)
 * - `otp_codes`: a code is dead once expired; it goes a day later.
 * - `idempotency_keys`: a stored answer is replayed for seven days. A retry after a week is
 *   judged as a new request (its key is free again).
 */
export const RETENTION = {
  rateLimitEvents: '2 days',
  otpCodes: '1 day',
  idempotencyKeys: '7 days',
} as const;

/** Rows deleted per statement: short locks and a bounded WAL burst, however large the backlog. */
export const PURGE_BATCH = 5000;

/** Hourly, at a minute no other schedule uses. */
const PURGE_CRON = '17 * * * *';

export interface PurgeResult {
  rateLimitEvents: number;
  otpCodes: number;
  idempotencyKeys: number;
}

/** Deletes expired rows of tables that would otherwise grow forever. */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap {
  private readonly logger = new Logger(HousekeepingService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work('housekeeping.purge', async () => {
      await this.purge();
    });
    await this.jobs.schedule('housekeeping.purge', PURGE_CRON, {});
  }

  async purge(): Promise<PurgeResult> {
    const result: PurgeResult = {
      rateLimitEvents: await this.deleteInBatches('rate_limit_events', `at < now() - interval '${RETENTION.rateLimitEvents}'`),
      otpCodes: await this.deleteInBatches('otp_codes', `expires_at < now() - interval '${RETENTION.otpCodes}'`),
      idempotencyKeys: await this.deleteInBatches('idempotency_keys', `created_at < now() - interval '${RETENTION.idempotencyKeys}'`),
    };
    if (Object.values(result).some((count) => count > 0)) this.logger.log(`purged expired rows: ${JSON.stringify(result)}`);
    return result;
  }

  /**
   * One short transaction per batch, until a batch comes back short. Not audited: these are
   * expired counters, spent codes and stored answers, not actions on anyone's data, and an
   * hourly system row in the append-only audit log would itself grow forever.
   */
  private async deleteInBatches(table: string, expired: string): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.transactions.run(async (tx) => {
        const [{ count }]: { count: number }[] = await tx.query(
          `WITH d AS (
             DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${expired} LIMIT ${PURGE_BATCH}) RETURNING 1)
           SELECT count(*)::int AS count FROM d`,
        );
        return count;
      });
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }
}
