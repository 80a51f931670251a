import { createHash } from 'node:crypto';
import { type EntityManager, QueryFailedError } from 'typeorm';

type Queryable = Pick<EntityManager, 'query'>;

interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

const names = new Map<string, string>();

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
 * Without a query runner (e.g. the DataSource itself) it falls back to a plain query.
 */
export async function queryPrepared<T>(db: Queryable, text: string, values: unknown[]): Promise<T[]> {
  const runner = (db as Partial<EntityManager>).queryRunner;
  if (!runner || runner.isReleased || runner.connection.options.type !== 'postgres') return db.query(text, values);
  const client = (await runner.connect()) as PgClient;
  try {
    return (await client.query({ name: nameOf(text), text, values })).rows as T[];
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  }
}
