import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory';
import { Clock } from '../../src/common/clock';
import { TokenService } from '../../src/common/auth/token.service';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Factories } from '../factories';

export const TEST_JWT_SECRET = 'kinbridge-test-secret-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  /** A supertest client bound to the running app. */
  http: () => ReturnType<typeof request>;
  db: DataSource;
  factories: Factories;
  close(): Promise<void>;
}

/**
 * The whole app on the e2e database (or `databaseUrl`, e.g. a benchmark's sibling database), as
 * main.ts builds it, with an optional clock and config tweaks.
 */
export async function startTestApp(
  options: { clock?: Clock; env?: Record<string, string>; config?: Partial<AppConfig>; databaseUrl?: string } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? process.env.TEST_DATABASE_URL;
  if (!databaseUrl) throw new Error('TEST_DATABASE_URL is unset: run e2e tests through jest (global setup provides it)');
  const config = {
    ...loadConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, ...options.env }),
    ...options.config,
  };
  const app = await createApp(config, databaseUrl, { clock: options.clock });
  await app.listen(0, '127.0.0.1');
  const db = app.get(DataSource);
  return {
    app,
    http: () => request(app.getHttpServer()),
    db,
    factories: new Factories(db, app.get(TokenService)),
    close: () => app.close(),
  };
}

export const bearer = (token: string): [string, string] => ['Authorization', `Bearer ${token}`];
