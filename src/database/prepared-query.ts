import { createHash } from 'node:crypto';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

interface PgClient {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();
/** Transactions already switched to generic plans (a query runner serves one transaction). */
const genericRunners = new WeakSet<object>();

/** One name per statement text (pg refuses a name reused for another text on the same connection). */
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `kb_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs `text` as a named prepared statement on the transaction's connection, so each pooled
 * connection parses it once, and plans it once when PostgreSQL settles on a generic plan (after
 * five executions, when the generic plan is not costlier than the custom ones were). For the
 * statements of hot paths (booking): TypeORM's `query` sends unnamed statements, parsed and planned
 * on every call. `text` must be constant (no values spliced in): every distinct text is one more
 * prepared statement on every connection. Errors surface as TypeORM's QueryFailedError, like `query`'s.
 * On the DataSource itself (no transaction) the statement runs on whichever pooled connection is free,
 * prepared there once too.
 *
 * `genericPlan`: PostgreSQL keeps re-planning a statement whose generic plan it estimates dearer
 * than its custom plans (e.g. one with optional parts switched by parameters, like the booking
 * context): that planning then costs more than executing it, and grows with the tables' statistics.
 * With this option the statement's transaction runs with plan_cache_mode = force_generic_plan (SET
 * LOCAL, one round trip per transaction, so it also holds for the statements after it in that
 * transaction — meant for hot paths of key lookups and inserts), and the statement is planned once
 * per connection. Outside a transaction the option does nothing.
 */
export async function queryPrepared<T>(db: Queryable, text: string, values: unknown[], options: { genericPlan?: boolean } = {}): Promise<T[]> {
  if (db instanceof DataSource) return onPool<T>(db, text, values);
  const runner = (db as Partial<EntityManager>).queryRunner;
  if (!runner || runner.isReleased || runner.connection.options.type !== 'postgres') return db.query(text, values);
  const client = (await runner.connect()) as PgClient;
  try {
    if (options.genericPlan && runner.isTransactionActive && !genericRunners.has(runner)) {
      await client.query({ text: 'SET LOCAL plan_cache_mode = force_generic_plan' });
      genericRunners.add(runner);
    }
    return (await client.query({ name: nameOf(text), text, values })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}

async function onPool<T>(db: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const pool = (db.driver as { master?: PgClient }).master;
  if (db.options.type !== 'postgres' || !pool) return db.query(text, values);
  try {
    return (await pool.query({ name: nameOf(text), text, values })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}
