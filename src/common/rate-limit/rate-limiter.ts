import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../clock';
import { DomainError } from '../errors/domain-error';

/** Events older than this (or than the window, if longer) are pruned on each hit. */
const KEEP_SECONDS = 24 * 3600;

/**
 * Sliding-window limits kept in Postgres (`rate_limit_events`), so every instance shares them.
 * A refused request is not recorded: a client that keeps hammering is let in again once its
 * earlier requests leave the window.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly clock: Clock) {}

  /**
   * Counts the events of `bucket`+`key` in the last `windowSeconds` and records one more, or throws
   * 429 RATE_LIMITED (with `retryAfterSeconds`) when `limit` are already there. On a transaction
   * manager the event commits or rolls back with the caller's work; on a DataSource (or a manager
   * outside a transaction) it commits at once.
   */
  async hit(runner: EntityManager | DataSource, bucket: string, key: string, limit: number, windowSeconds: number): Promise<void> {
    const manager = runner instanceof DataSource ? runner.manager : runner;
    if (manager.queryRunner?.isTransactionActive) return this.hitIn(manager, bucket, key, limit, windowSeconds);
    return manager.transaction('READ COMMITTED', (tx) => this.hitIn(tx, bucket, key, limit, windowSeconds));
  }

  private async hitIn(tx: EntityManager, bucket: string, key: string, limit: number, windowSeconds: number): Promise<void> {
    const now = this.clock.now();
    // Serializes hits on one bucket+key across instances, so concurrent requests cannot all slip under the limit.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`rate-limit:${bucket}:${key}`]);
    await tx.query(`DELETE FROM rate_limit_events WHERE bucket = $1 AND key = $2 AND at < $3::timestamptz`, [
      bucket,
      key,
      now.minus({ seconds: Math.max(windowSeconds, KEEP_SECONDS) }).toISO(),
    ]);
    // The limit-th most recent event in the window: when it exists, the window is full, and the
    // caller may retry once it has left the window.
    const full: { at: Date }[] = await tx.query(
      `SELECT at FROM rate_limit_events
        WHERE bucket = $1 AND key = $2 AND at > $3::timestamptz AND at <= $4::timestamptz
        ORDER BY at DESC OFFSET $5 LIMIT 1`,
      [bucket, key, now.minus({ seconds: windowSeconds }).toISO(), now.toISO(), limit - 1],
    );
    if (full.length > 0) {
      const freesAt = full[0].at.getTime() + windowSeconds * 1000;
      const retryAfterSeconds = Math.max(1, Math.ceil((freesAt - now.toMillis()) / 1000));
      throw new DomainError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    await tx.query(`INSERT INTO rate_limit_events (bucket, key, at) VALUES ($1, $2, $3::timestamptz)`, [bucket, key, now.toISO()]);
  }
}
