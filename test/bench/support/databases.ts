import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../../../src/app.factory';
import type { Clock } from '../../../src/common/clock';
import { loadConfig } from '../../../src/config/app-config';
import { runMigrations } from '../../../src/database/migrate';
import { TEST_JWT_SECRET } from '../../support/test-app';

/**
 * A second, migrated database on the server of `baseUrl` (the run's TEST_DATABASE_URL, whether
 * that is DATABASE_URL's server or the embedded one), dropped by `dispose`. Lets a benchmark keep
 * a small and a large data set side by side and measure them interleaved, under the same load.
 */
export async function createSiblingDatabase(baseUrl: string, suffix: string): Promise<{ url: string; dispose(): Promise<void> }> {
  if (!/^[a-z0-9_]+$/.test(suffix)) throw new Error(`suffix must be [a-z0-9_]+ (got ${suffix})`);
  const base = new URL(baseUrl);
  const name = `${base.pathname.slice(1)}_${suffix}`.slice(0, 63);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  await withClient(baseUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    dispose: () => withClient(baseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export interface BenchApp {
  app: NestExpressApplication;
  db: DataSource;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  close(): Promise<void>;
}

/** The whole app (as startTestApp builds it: test JWT secret, silent logs) on any database URL. */
export async function startAppOn(databaseUrl: string, options: { clock?: Clock; env?: Record<string, string> } = {}): Promise<BenchApp> {
  const config = loadConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...options.env });
  const app = await createApp(config, databaseUrl, { clock: options.clock });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    db: app.get(DataSource),
    baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`,
    close: () => app.close(),
  };
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
