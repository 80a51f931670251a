import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import type { Client } from 'pg';
import { Booking, BookingWorld, benchIdSql, ID_PREFIX, IdKind } from './fixtures';

/** One statement as the probe recorded it inside the app (text, parameters as pg sends them, result rows). */
export interface CapturedStatement {
  text: string;
  values: (string | null | { buffer: string })[];
  ms: number;
  error?: { code: string; message: string };
  rowCount?: number;
  rows?: Record<string, unknown>[];
}

export interface CapturedRequest {
  status: number;
  ms: number;
  statements: CapturedStatement[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** An ISO instant inside a text (e.g. pg-boss's startAfter in the JSON of a multi-job insert). */
const TIMESTAMP_IN_TEXT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/**
 * A literal pgbench leaves alone: pgbench turns every `:name` in a script line into a variable, even
 * inside quotes, so ':' is written as \x3a in an E'' string.
 */
export function sqlLiteral(value: string): string {
  return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''").replace(/:/g, '\\x3a').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

export interface PgbenchScript {
  script: string;
  /** What each captured parameter became, for the report. */
  notes: string[];
  statements: number;
  /** The statements of the script with their pgbench variables, for EXPLAIN. */
  commands: { sql: string; gset?: string }[];
  world: BookingWorld;
}

export interface ExplainedStatement {
  index: number;
  sql: string;
  planningMs: number;
  executionMs: number;
}

/**
 * Server-side time of each statement of one booking: the script's statements for booking `n`,
 * each run under EXPLAIN (ANALYZE, BUFFERS) in a savepoint that is rolled back, then for real (so
 * later statements see its rows); the whole transaction is rolled back at the end.
 */
export async function explainBooking(db: Client, script: PgbenchScript, n: number): Promise<ExplainedStatement[]> {
  const vars: Record<string, string> = {
    n: String(n),
    e: String(n % script.world.entities),
    j: String(Math.floor(n / script.world.entities)),
    h: String(Math.floor((n % script.world.entities) / script.world.stationsPerHub)),
  };
  const bind = (sql: string) =>
    sql.replace(/(?<!:):([A-Za-z0-9_]+)/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`no value for :${name}`);
      return /^\d+$/.test(vars[name]) ? vars[name] : `'${vars[name].replace(/'/g, "''")}'`;
    });
  const out: ExplainedStatement[] = [];
  await db.query('BEGIN');
  try {
    for (const [index, command] of script.commands.entries()) {
      if (/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(command.sql)) continue;
      if (/^SET /i.test(command.sql)) {
        // Not explainable, but it changes how the statements after it are planned.
        await db.query(command.sql);
        continue;
      }
      const sql = bind(command.sql);
      await db.query('SAVEPOINT explain');
      const [{ 'QUERY PLAN': plan }] = (await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`)).rows;
      await db.query('ROLLBACK TO SAVEPOINT explain');
      out.push({ index, sql: command.sql, planningMs: plan[0]['Planning Time'], executionMs: plan[0]['Execution Time'] });
      const result = await db.query(sql);
      if (command.gset) {
        for (const [column, value] of Object.entries(result.rows[0] ?? {})) vars[`${command.gset}${column}`] = String(value);
      }
    }
  } finally {
    await db.query('ROLLBACK');
  }
  return out;
}

/**
 * Turns the statements of ONE captured booking into a pgbench script that runs the same SQL in the
 * same order and in the same transactions, for another booking each time:
 *  - pgbench variables: n (booking number, unique per transaction: -D k=0 counter × clients +
 *    client_id + offset), e = n mod E (entity), j = n div E (slot), h = e div stations per hub;
 *  - fixture ids of the captured booking → the same kind of id computed from e / h;
 *  - a uuid an earlier statement returned (e.g. the new session's id) → `\gset` on that statement;
 *  - other uuids made by the app (e.g. pg-boss job ids) → a distinct uuid derived from n;
 *  - the Idempotency-Key → 'pgb-' || n;
 *  - timestamps → the same offset from the booking's start (or now() for "now");
 *  - uuids and ISO instants inside JSON/text parameters → the same substitutions, by concatenation;
 *  - every parameter is cast to the type PostgreSQL infers for it (asked with PREPARE), so the
 *    statement plans as it does for the app.
 */
export async function buildPgbenchScript(
  db: Client,
  captured: CapturedRequest,
  world: BookingWorld,
  b: Booking,
  idempotencyKey: string,
  capturedAt: number,
): Promise<PgbenchScript> {
  const notes: string[] = [];
  const known = new Map<string, { sql: string; note: string }>();
  const entityId = (kind: IdKind, index: string) => benchIdSql(kind, `:${index}`);
  known.set(b.hubId, { sql: entityId('hub', 'h'), note: 'hub id (from h)' });
  for (const kind of ['station', 'child', 'guardian', 'user', 'link', 'consent'] as const) {
    known.set(`${ID_PREFIX[kind]}-0000-4000-8000-${b.entity.toString(16).padStart(12, '0')}`, {
      sql: entityId(kind, 'e'),
      note: `${kind} id (from e)`,
    });
  }
  known.set(idempotencyKey, { sql: `('pgb-' || CAST(:n AS text))`, note: 'Idempotency-Key' });
  const T0 = Date.parse(b.startsAt);
  const slotStart = `to_timestamp(${world.base / 1000} + CAST(:j AS bigint) * 3600)`;

  // uuids returned by earlier statements (single-row results), bound by \gset.
  const returned = new Map<string, { statement: number; column: string }>();
  const gsets = new Set<number>();
  let derived = 0;

  const statements = captured.statements;
  const lines: string[] = [
    `-- One POST /api/v1/sessions as the app ran it: ${statements.length} statements (captured ${new Date(capturedAt).toISOString()}).`,
    '\\set k :k + 1',
    '\\set n :k * :nclients + :client_id + :offset',
    `\\set e :n % ${world.entities}`,
    `\\set j :n / ${world.entities}`,
    `\\set h :e / ${world.stationsPerHub}`,
  ];
  const body: string[][] = [];

  const expressionFor = (value: string, type: string, where: string): string => {
    const hit = known.get(value);
    if (hit) return hit.sql;
    if (UUID.test(value)) {
      const from = returned.get(value);
      if (from) {
        gsets.add(from.statement);
        return `:r${from.statement}_${from.column}`;
      }
      // Made by the app (e.g. a job id): a distinct uuid per transaction.
      const tag = (0xd0 + derived++).toString(16);
      const sql = `CAST(('${tag}000000-0000-4000-8000-' || lpad(to_hex(CAST(:n AS bigint)), 12, '0')) AS uuid)`;
      known.set(value, { sql, note: `app-generated uuid (${where})` });
      notes.push(`${where}: app-generated uuid → derived from n`);
      return sql;
    }
    if (TIMESTAMP.test(value)) {
      const t = Date.parse(value.replace(' ', 'T'));
      if (Number.isFinite(t)) {
        if (Math.abs(t - capturedAt) < 120_000 && Math.abs(t - T0) > 3_600_000) {
          notes.push(`${where}: ${value} → now()`);
          return /^timestamp|^date/.test(type) ? 'now()' : `to_char(now() AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\\x3aMI\\x3aSS.MS"Z"')`;
        }
        const delta = (t - T0) / 1000;
        notes.push(`${where}: ${value} → start ${delta >= 0 ? '+' : '−'} ${Math.abs(delta)} s`);
        const instant = `(${slotStart} + ${delta} * interval '1 second')`;
        // A timestamp sent as text (pg-boss's start_after) keeps its ISO form ('…Z' means an instant to pg-boss).
        return /^timestamp|^date/.test(type) ? instant : `to_char(${instant} AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\\x3aMI\\x3aSS.MS"Z"')`;
      }
    }
    if (value.length > 0) {
      const pieces: string[] = [];
      let last = 0;
      let replaced = 0;
      const tokens = [...value.matchAll(UUID_IN_TEXT)].map((m) => ({ at: m.index ?? 0, text: m[0], type: 'uuid' }));
      for (const m of value.matchAll(TIMESTAMP_IN_TEXT)) tokens.push({ at: m.index ?? 0, text: m[0], type: 'text' });
      const keyAt = value.indexOf(idempotencyKey);
      if (keyAt >= 0 && idempotencyKey.length > 8) tokens.push({ at: keyAt, text: idempotencyKey, type: 'uuid' });
      tokens.sort((a, b2) => a.at - b2.at);
      for (const token of tokens) {
        if (token.at < last) continue;
        const sub = expressionFor(token.text, token.type, `${where} (inside)`);
        if (sub.startsWith('E\'')) continue;
        pieces.push(sqlLiteral(value.slice(last, token.at)), `CAST(${sub} AS text)`);
        last = token.at + token.text.length;
        replaced++;
      }
      if (replaced > 0) {
        pieces.push(sqlLiteral(value.slice(last)));
        return `(${pieces.join(' || ')})`;
      }
    }
    return sqlLiteral(value);
  };

  for (let i = 0; i < statements.length; i++) {
    const s = statements[i];
    if (s.error) throw new Error(`captured statement ${i} failed in the app (${s.error.code} ${s.error.message}); capture a successful booking`);
    let types: string[] = [];
    if (s.values.length > 0) {
      const name = `bench_probe_${i}`;
      await db.query(`PREPARE ${name} AS ${s.text}`);
      types = (await db.query(`SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = $1`, [name])).rows[0].types;
      await db.query(`DEALLOCATE ${name}`);
    }
    const text = s.text.replace(/\$(\d+)/g, (_, digits: string) => {
      const m = Number(digits) - 1;
      const value = s.values[m];
      const type = types[m] ?? 'unknown';
      if (value === null || value === undefined) return type === 'unknown' ? 'NULL' : `CAST(NULL AS ${type})`;
      if (typeof value !== 'string') throw new Error(`statement ${i}: binary parameter $${digits} is not supported`);
      const expr = expressionFor(value, type, `statement ${i} $${digits}`);
      return type === 'unknown' ? expr : `CAST(${expr} AS ${type})`;
    });
    // pgbench reads one command per line unless it ends with ';' … keep each statement on one line.
    const oneLine = text.replace(/\s+/g, ' ').trim().replace(/;$/, '');
    for (const m of oneLine.matchAll(/(?<!:):([A-Za-z0-9_]+)/g)) {
      if (!/^(n|e|j|h|r\d+_\w+)$/.test(m[1])) {
        throw new Error(`statement ${i} contains ":${m[1]}", which pgbench would read as a variable:\n${oneLine}`);
      }
    }
    body.push([oneLine]);
    // Single-row results whose uuids later statements may need.
    if (s.rowCount === 1 && s.rows?.[0]) {
      for (const [column, v] of Object.entries(s.rows[0])) {
        if (typeof v === 'string' && UUID.test(v) && /^[a-z_][a-z0-9_]*$/i.test(column) && !returned.has(v) && !known.has(v)) {
          returned.set(v, { statement: i, column });
        }
      }
    }
  }
  body.forEach(([line], i) => lines.push(gsets.has(i) ? `${line} \\gset r${i}_` : `${line};`));
  for (const i of gsets) notes.push(`statement ${i}: its returned row is bound with \\gset r${i}_ (used by later statements)`);
  return {
    script: `${lines.join('\n')}\n`,
    notes,
    statements: statements.length,
    commands: body.map(([line], i) => ({ sql: line, gset: gsets.has(i) ? `r${i}_` : undefined })),
    world,
  };
}

export interface PgbenchResult {
  tps: number;
  transactions: number;
  failed: number;
  latencyMs: number;
  output: string;
}

export async function runPgbench(options: {
  databaseUrl: string;
  scriptFile: string;
  script: string;
  clients: number;
  threads: number;
  seconds: number;
  offset: number;
  /** pgbench's query mode: `prepared` (the default) matches the app, which prepares its hot statements once per connection. */
  mode?: 'simple' | 'extended' | 'prepared';
}): Promise<PgbenchResult> {
  await writeFile(options.scriptFile, options.script);
  const args = [
    '-n',
    '-M',
    options.mode ?? 'prepared',
    '-c',
    String(options.clients),
    '-j',
    String(options.threads),
    '-T',
    String(options.seconds),
    '-D',
    'k=0',
    '-D',
    `nclients=${options.clients}`,
    '-D',
    `offset=${options.offset}`,
    '-f',
    options.scriptFile,
    options.databaseUrl,
  ];
  const pgbench = process.env.PGBENCH ?? '/usr/bin/pgbench';
  if (!existsSync(pgbench)) {
    throw new Error(`${pgbench} not found: the booking benchmark compares with pgbench (apt install postgresql-client, or set PGBENCH)`);
  }
  const child = spawn(pgbench, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1] ?? NaN);
  const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1] ?? 0);
  const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
  const latencyMs = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1] ?? NaN);
  if (code !== 0 || !Number.isFinite(tps) || /aborted/.test(output)) {
    throw new Error(`pgbench ${args.join(' ')} failed (exit ${code}):\n${output.slice(-3000)}`);
  }
  return { tps, transactions, failed, latencyMs, output };
}
