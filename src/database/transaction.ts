import { Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { pgErrorOf } from './pg-errors';

/** Deadlock (e.g. two bookings whose exclusion checks wait on each other) and serialization failure. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

/**
 * The one way to open a transaction. The callback gets the manager explicitly, so the domain
 * write, its audit row and the jobs it enqueues commit together or not at all — which is also
 * why a deadlock victim can simply run again: nothing of the failed attempt survives.
 */
@Injectable()
export class Transactions {
  constructor(private readonly db: DataSource) {}

  /** READ COMMITTED, PostgreSQL's default (naming it would cost a SET TRANSACTION round trip). */
  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction(work);
      } catch (error) {
        const code = pgErrorOf(error)?.code;
        if (attempt >= MAX_ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw error;
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }
}
