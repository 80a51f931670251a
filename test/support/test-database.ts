import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';

export interface TestDatabase {
  url: string;
  dispose(): Promise<void>;
}

/**
 * With DATABASE_URL (or, inside a test file, the run's TEST_DATABASE_URL): a fresh database on
 * that server, dropped afterwards.
 * Without: an embedded PostgreSQL in a temporary directory, removed afterwards.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  // Inside a test file the run's own server (embedded or not) is at TEST_DATABASE_URL: a fresh
  // database there needs no second server (which jest's runtime could not even load: ESM).
  const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const name = `kinbridge_test_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    const url = withDatabase(serverUrl, name);
    await runMigrations(url);
    return {
      url,
      dispose: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'kinbridge-test-'));
  await chmod(dataDir, 0o755); // the embedded server may run as the "postgres" user
  const embedded = await startEmbeddedPostgres({ dataDir });
  await runMigrations(embedded.url);
  return {
    url: embedded.url,
    dispose: async () => {
      await embedded.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** One short-lived client for administrative statements (CREATE/DROP DATABASE). */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
