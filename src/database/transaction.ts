import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The one way to open a transaction. The callback gets the manager explicitly, so the domain
 * write, its audit row and the jobs it enqueues commit together or not at all.
 */
@Injectable()
export class Transactions {
  constructor(private readonly db: DataSource) {}

  /** READ COMMITTED, PostgreSQL's default (naming it would cost a SET TRANSACTION round trip). */
  run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
