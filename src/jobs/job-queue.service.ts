import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG, DATABASE_URL } from '../config/config.module';
import type { SqlStatement } from '../database/combined-writes';
import { queryPrepared } from '../database/prepared-query';
import { JobPayloads, QUEUE_POLICIES, QueueName } from './job-queues';

export interface QueueJob<Q extends QueueName> {
  id: string;
  queue: Q;
  data: JobPayloads[Q];
  /** 0 on the first attempt. */
  retryCount: number;
  retryLimit: number;
}

export type JobHandler<Q extends QueueName> = (job: QueueJob<Q>) => Promise<void>;

export type SendOptions = Pick<
  PgBoss.SendOptions,
  'startAfter' | 'singletonKey' | 'singletonSeconds' | 'priority' | 'retryLimit' | 'retryDelay' | 'retryBackoff' | 'expireInSeconds'
>;

/** A job to insert later, with others, in one statement (JobQueue.sendMany, JobQueue.insertStatement). */
export interface PendingJob<Q extends QueueName = QueueName> {
  queue: Q;
  data: JobPayloads[Q];
  options?: SendOptions;
}

export interface WorkOptions {
  /** Jobs fetched per poll; each succeeds or fails on its own. */
  batchSize?: number;
  /** How many of a batch run at once (default: all); bounds the pool connections a worker holds. */
  concurrency?: number;
}

/** pg-boss's statements on the caller's transaction, as named prepared statements (their texts are fixed per schema). */
function onTransaction(tx: EntityManager): PgBoss.Db {
  return { executeSql: async (text, values) => ({ rows: await queryPrepared(tx, text, values ?? []) }) };
}

/** `send`'s options in the shape of pg-boss's `insert` (a Date or a number of seconds for startAfter, as `send` takes them). */
function toJobInsert({ queue, data, options = {} }: PendingJob): PgBoss.JobInsert {
  const { startAfter } = options;
  return {
    name: queue,
    data,
    startAfter: startAfter instanceof Date ? startAfter.toISOString() : startAfter === undefined ? undefined : String(startAfter),
    singletonKey: options.singletonKey,
    singletonSeconds: options.singletonSeconds,
    priority: options.priority,
    retryLimit: options.retryLimit,
    retryDelay: options.retryDelay,
    retryBackoff: options.retryBackoff,
    expireInSeconds: options.expireInSeconds,
  };
}

/** How long a graceful stop waits for running jobs before failing them back to the queue. */
const STOP_TIMEOUT_MS = 10_000;

/**
 * Durable jobs in PostgreSQL (pg-boss), shared by every instance. `send` writes the job on the
 * caller's transaction, so a job exists exactly when the change that asked for it commits.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(JobQueue.name);
  private readonly boss: PgBoss;
  private starting?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) databaseUrl: string,
  ) {
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: config.jobs.schema,
      application_name: 'kinbridge-jobs',
      max: 5,
    });
    // Without a listener an 'error' event would crash the process; pg-boss recovers by itself.
    // Once a stop was asked for, a cut connection is part of shutting down (jobs are rows and
    // survive), so it is a warning, not an error.
    this.boss.on('error', (error: Error) =>
      this.stopping ? this.logger.warn(`pg-boss while stopping: ${error.message}`) : this.logger.error(`pg-boss: ${error.message}`, error.stack),
    );
  }

  onModuleInit(): Promise<void> {
    guardBatchSettlement(this.logger);
    return this.ready();
  }

  /** Runs before TypeORM closes its pool (onApplicationShutdown), so running handlers can finish. */
  async onModuleDestroy(): Promise<void> {
    if (!this.starting) return;
    this.stopping = true;
    await this.starting.catch(() => undefined);
    await this.boss.stop({ graceful: true, timeout: STOP_TIMEOUT_MS, wait: true });
  }

  /** Starts pg-boss and creates every queue once, whoever asks first. */
  ready(): Promise<void> {
    this.starting ??= (async () => {
      await this.boss.start();
      const existing = new Set((await this.boss.getQueues()).map((queue) => queue.name));
      for (const [name, policy] of Object.entries(QUEUE_POLICIES)) {
        if (!existing.has(name)) await this.createQueue(name, policy);
      }
    })();
    return this.starting;
  }

  /**
   * Instances starting together on a new database race to create the same queue; pg-boss's
   * create_queue then deadlocks (40P01) or collides (23505). The loser retries and finds it made.
   */
  private async createQueue(name: string, policy: PgBoss.QueuePolicy): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (attempt > 1 && (await this.boss.getQueue(name))) return;
        await this.boss.createQueue(name, { name, policy });
        return;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (attempt >= 5 || (code !== '40P01' && code !== '23505')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
      }
    }
  }

  /**
   * Inserts a job on the caller's open transaction. Returns the job id, or null when the queue's
   * policy dropped it as a duplicate of a queued job with the same `singletonKey`.
   */
  async send<Q extends QueueName>(tx: EntityManager, queue: Q, data: JobPayloads[Q], options: SendOptions = {}): Promise<string | null> {
    const runner = tx.queryRunner;
    if (!runner?.isTransactionActive) throw new Error('JobQueue.send needs the EntityManager of an open transaction');
    await this.ready();
    return this.boss.send(queue, data, { ...options, db: onTransaction(tx) });
  }

  /**
   * Inserts several jobs (of any queues) on the caller's open transaction in ONE statement (pg-boss
   * `insert`). Duplicates by `singletonKey` are dropped by the queue's policy, as with `send`, but
   * silently: nothing tells which were.
   */
  async sendMany(tx: EntityManager, jobs: readonly PendingJob[]): Promise<void> {
    if (jobs.length === 0) return;
    if (!tx.queryRunner?.isTransactionActive) throw new Error('JobQueue.sendMany needs the EntityManager of an open transaction');
    await this.ready();
    await this.boss.insert(jobs.map(toJobInsert), { db: onTransaction(tx) });
  }

  /**
   * pg-boss's `insert` of `jobs` as a statement not yet sent, for a caller that sends it together
   * with other writes of its transaction (runWrites). Same policies as `sendMany`.
   */
  async insertStatement(jobs: readonly PendingJob[]): Promise<SqlStatement> {
    await this.ready();
    const captured: SqlStatement[] = [];
    const recorder: PgBoss.Db = {
      executeSql: async (text, values) => {
        captured.push({ text, values: values ?? [] });
        return { rows: [] };
      },
    };
    await this.boss.insert(jobs.map(toJobInsert), { db: recorder });
    // pg-boss 10.4.2 (pinned exactly, as guardBatchSettlement also relies on its internals) inserts with exactly one
    // statement and reads nothing back; anything else means an upgrade changed `insert`.
    if (captured.length !== 1) throw new Error(`JobQueue.insertStatement: pg-boss issued ${captured.length} statements for one insert`);
    return captured[0];
  }

  /** Outside any transaction (e.g. a sweep re-enqueueing work); same result as `send`. */
  async sendNow<Q extends QueueName>(queue: Q, data: JobPayloads[Q], options: SendOptions = {}): Promise<string | null> {
    await this.ready();
    return this.boss.send(queue, data, options);
  }

  /** Runs `handler` for each job; a handler that throws fails its job, which pg-boss retries per its options. */
  async work<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, options: WorkOptions = {}): Promise<void> {
    await this.ready();
    await this.boss.work<JobPayloads[Q]>(
      queue,
      { batchSize: options.batchSize ?? 1, pollingIntervalSeconds: this.config.jobs.pollingIntervalSeconds, includeMetadata: true },
      async (jobs) => {
        const concurrency = options.concurrency ?? jobs.length;
        for (let first = 0; first < jobs.length; first += concurrency) {
          await Promise.all(
            jobs.slice(first, first + concurrency).map(async (job) => {
              try {
                await handler({ id: job.id, queue, data: job.data, retryCount: job.retryCount, retryLimit: job.retryLimit });
              } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                this.logger.warn(`job ${queue}/${job.id} failed (attempt ${job.retryCount + 1} of ${job.retryLimit + 1}): ${message}`);
                // Fail only this job; pg-boss then completes the rest of the batch (it completes active jobs only).
                // With the database gone this fails too: the job stays active, expires and is retried.
                await this.boss.fail(queue, job.id, { message }).catch((failError: unknown) => this.logger.warn(`job ${queue}/${job.id}: could not record the failure: ${String(failError)}`));
              }
            }),
          );
        }
      },
    );
  }

  /** A cron schedule (UTC) that sends one job per tick, whichever instance's clock fires first. */
  async schedule<Q extends QueueName>(queue: Q, cron: string, data: JobPayloads[Q]): Promise<void> {
    await this.ready();
    await this.boss.schedule(queue, cron, data, { tz: 'UTC' });
  }
}

let settlementGuarded = false;

/**
 * pg-boss 10 completes (or fails) each fetched batch without awaiting the promise (src/manager.js,
 * `work`): if the database goes away at that moment the rejection is unhandled and Node ends the
 * process — one PostgreSQL restart would take every instance down. A job whose completion was not
 * recorded stays active, expires and is retried (every handler is idempotent), so here that failure
 * is logged, not fatal.
 */
function guardBatchSettlement(logger: Logger): void {
  if (settlementGuarded) return;
  settlementGuarded = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const manager = require('pg-boss/src/manager.js') as { prototype: Record<'complete' | 'fail', (...args: unknown[]) => Promise<unknown>> };
  for (const method of ['complete', 'fail'] as const) {
    const original = manager.prototype[method];
    manager.prototype[method] = async function (this: unknown, ...args: unknown[]) {
      try {
        return await original.apply(this, args);
      } catch (error) {
        logger.warn(`pg-boss could not ${method} jobs (they expire and are retried): ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    };
  }
}
