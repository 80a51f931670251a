import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../../support/spawn-app';

const ROOT = join(__dirname, '..', '..', '..', '..');
const PROBE = join(__dirname, 'pg-probe.cjs');

/**
 * The app as `npm run bench:booking` built it (`nest build -p test/bench/support/booking/tsconfig.build.json`):
 * its own output directory under node_modules/.cache, because `nest build` empties its outDir first
 * and dist/ is in use by other runs (anyone's `npm test`). Packages still resolve from node_modules.
 */
export const BENCH_MAIN = join(ROOT, 'node_modules', '.cache', 'kinbridge-bench-booking', 'dist', 'src', 'main.js');

export interface BenchApp {
  process: ChildProcess;
  baseUrl: string;
  logFile: string;
  stats(reset?: boolean): Promise<ProbeStats>;
  stop(): Promise<void>;
}

export interface ProbeStats {
  requests: number;
  statuses: Record<string, number>;
  requestNs: number;
  queries: number;
  queryNs: number;
  background: { queries: number; queryNs: number };
  queriesPerRequest: Record<string, number>;
  pid: number;
  /** process.cpuUsage() of the app, µs. */
  cpu: { user: number; system: number };
  memory: number;
}

/** The built app as `npm start` runs it, in its own process, with the query probe preloaded. */
export async function startBenchApp(options: {
  main: string;
  databaseUrl: string;
  jwtSecret: string;
  captureFile: string;
  logDir: string;
  logLevel: string;
}): Promise<BenchApp> {
  const port = await freePort();
  const logFile = join(options.logDir, `app-${port}.log`);
  const out = openSync(logFile, 'a');
  const env = { ...process.env };
  delete env.TEST_DATABASE_URL;
  const nodeArgs = ['-r', PROBE];
  const child = spawn(process.execPath, [...nodeArgs, options.main], {
    cwd: ROOT,
    env: {
      ...env,
      DATABASE_URL: options.databaseUrl,
      JWT_SECRET: options.jwtSecret,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: options.logLevel,
      NOTIFY_TRANSPORT: 'log',
      BENCH_PG_CAPTURE_FILE: options.captureFile,
    },
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`app exited (${child.exitCode ?? child.signalCode}):\n${(await readFile(logFile, 'utf8')).slice(-4000)}`);
    }
    try {
      if ((await fetch(`${baseUrl}/health`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 60_000) throw new Error(`no healthy /health within 60 s:\n${(await readFile(logFile, 'utf8')).slice(-4000)}`);
    await sleep(100);
  }
  return {
    process: child,
    baseUrl,
    logFile,
    stats: async (reset = false) => (await (await fetch(`${baseUrl}/__bench/stats${reset ? '?reset=1' : ''}`)).json()) as ProbeStats,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
