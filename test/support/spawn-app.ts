import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const BUILT_MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface SpawnedApp {
  process: ChildProcess;
  baseUrl: string;
  output: () => string;
}

/** Starts the built app (`npm start` without the build step) with the given environment. */
export async function spawnBuiltApp(env: Record<string, string>): Promise<SpawnedApp> {
  const port = await freePort();
  const cleanEnv = { ...process.env };
  delete cleanEnv.DATABASE_URL;
  delete cleanEnv.TEST_DATABASE_URL;
  const child = spawn(process.execPath, [BUILT_MAIN], {
    env: { ...cleanEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { process: child, baseUrl: `http://127.0.0.1:${port}`, output: () => output };
}

/** Polls /health until it answers 200; returns the milliseconds it took. */
export async function waitForHealth(app: SpawnedApp, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (hasExited(app.process)) throw new Error(`app exited (${app.process.exitCode ?? app.process.signalCode}):\n${app.output()}`);
    try {
      const response = await fetch(`${app.baseUrl}/health`);
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`no healthy /health within ${timeoutMs} ms:\n${app.output()}`);
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

export async function stopApp(app: SpawnedApp, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (hasExited(app.process)) return app.process.exitCode;
  const exited = once(app.process, 'exit');
  app.process.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A running process; a zombie (exited, never reaped: PID 1 in a container may not reap) does not count. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
