import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DataSource } from 'typeorm';
import type { Clock } from '../../../src/common/clock';
import { runMigrations } from '../../../src/database/migrate';
import { startTestApp } from '../../support/test-app';
import { withClient } from '../../support/test-database';

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
  const { app, db, close } = await startTestApp({ ...options, databaseUrl });
  return { app, db, close, baseUrl: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}
