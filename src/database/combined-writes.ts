import type { EntityManager } from 'typeorm';
import { queryPrepared } from './prepared-query';

/** One SQL statement with its parameters ($1 … $n), not yet sent. */
export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * Several independent writes as ONE statement: each becomes a data-modifying CTE
 * (`WITH w0 AS (…), w1 AS (…) SELECT 1`) with its parameters renumbered. PostgreSQL runs every
 * data-modifying CTE exactly once and to completion, on one snapshot, and the statement fails
 * as a whole if any part fails.
 *
 * Only for writes that do not read each other's effects (they share one snapshot) and whose
 * results nobody needs: an audit row, outbox messages, jobs, the stored idempotent answer.
 * A statement may carry its own WITH of plain SELECTs (pg-boss's insert does); it must not be a
 * SELECT that changes nothing, and must not contain `$n` other than its parameters.
 */
export function combineWrites(statements: readonly SqlStatement[]): SqlStatement {
  if (statements.length === 1) return statements[0];
  const values: unknown[] = [];
  const parts = statements.map((statement, index) => {
    assertPlain(statement.text, index);
    const offset = values.length;
    values.push(...statement.values);
    const text = statement.text.replace(/\$(\d+)/g, (_, n: string) => {
      const position = Number(n);
      if (position < 1 || position > statement.values.length) throw new Error(`combineWrites: $${n} has no value in statement ${index}`);
      return `$${position + offset}`;
    });
    return `w${index} AS (${text.trim()})`;
  });
  return { text: `WITH ${parts.join(',\n')}\nSELECT 1`, values };
}

/**
 * The renumbering below reads `$n` as a parameter wherever it appears, and the statement is wrapped
 * in parentheses: text where either goes wrong — a `$` inside a string literal, dollar quoting,
 * comments, a `;` — is refused rather than rewritten wrongly.
 */
function assertPlain(text: string, index: number): void {
  const refuse = (what: string) => {
    throw new Error(`combineWrites: statement ${index} contains ${what}; pass such a statement on its own`);
  };
  if (/'[^']*\$[^']*'/.test(text)) refuse('a $ inside a string literal');
  if (text.includes('$$')) refuse('dollar quoting');
  if (text.includes('--') || text.includes('/*')) refuse('a comment');
  if (text.includes(';')) refuse('a ;');
}

/**
 * Sends `statements` on the transaction in one round trip, as a named prepared statement (so
 * callers must combine statements of fixed texts: every distinct combination is one more
 * prepared statement per connection).
 */
export async function runWrites(tx: EntityManager, statements: readonly SqlStatement[]): Promise<void> {
  if (statements.length === 0) return;
  // These writes belong to the caller's change: sent outside a transaction they would commit on their own.
  if (!tx.queryRunner?.isTransactionActive) throw new Error('runWrites needs the EntityManager of an open transaction');
  const { text, values } = combineWrites(statements);
  await queryPrepared(tx, text, values);
}
