import 'reflect-metadata';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { readOrCreateSecret } from './config/secret-file';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  let embedded: EmbeddedDatabase | undefined;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  // In this order: the app (HTTP, jobs, pools) closes, then its embedded PostgreSQL stops.
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${JSON.stringify({ level: 30, msg: `${signal} received, shutting down` })}\n`);
    // Refuse new connections first; requests in flight finish while jobs and pools wind down.
    const server = app?.getHttpServer();
    server?.close();
    server?.closeIdleConnections();
    await app?.close().catch((error: unknown) => console.error(error));
    await embedded?.stop().catch((error: unknown) => console.error(error));
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(signal));

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      stopOnSignals: false,
      log: (line) => config.logLevel === 'debug' && process.stdout.write(`${JSON.stringify({ msg: line, context: 'embedded-postgres' })}\n`),
    });
    databaseUrl = embedded.url;
    config.jwtSecret ??= await readOrCreateSecret(join(config.dataDir, 'jwt-secret'));
  }

  try {
    app = await createApp(config, databaseUrl);
    await app.listen(config.port, config.host);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(78);
  }
  console.error(error);
  process.exit(1);
});
