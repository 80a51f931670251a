import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { BUILT_MAIN, freePort } from '../../support/spawn-app';
import { TEST_JWT_SECRET } from '../../support/test-app';

/**
 * Real processes for the scale-out suites (load benchmark, faults, cross-instance alerts): fresh
 * databases on a PostgreSQL server, and instances of the BUILT app (`npm run build` → dist/),
 * each in its own process, so the load generator never shares an event loop with the app.
 */

export interface FreshDatabase {
  url: string;
  name: string;
  dispose(): Promise<void>;
}

/** `CREATE DATABASE kinbridge_<prefix>_<ts>` on the server of `serverUrl`; the first instance migrates it. */
export async function freshDatabase(serverUrl: string, prefix: string): Promise<FreshDatabase> {
  const name = `kinbridge_${prefix}_${Date.now().toString(36)}_${process.pid}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return {
    url: url.toString(),
    name,
    dispose: () => withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'bench-admin' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface InstanceOptions {
  name: string;
  databaseUrl: string;
  /** Log file (stdout + stderr); the app's pino lines go there, not through this process. */
  logFile: string;
  port?: number;
  env?: Record<string, string>;
}

/** One spawned instance of the built app. `restart()` starts it again on the same port. */
export class Instance {
  process!: ChildProcess;
  port = 0;

  private constructor(readonly options: InstanceOptions) {}

  static async start(options: InstanceOptions): Promise<Instance> {
    const instance = new Instance(options);
    instance.port = options.port ?? (await freePort());
    await instance.spawn();
    return instance;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.process.pid!;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  async restart(): Promise<void> {
    if (this.running) throw new Error(`${this.options.name} is still running`);
    await this.spawn();
  }

  /** CPU time (user + system) of the process so far, ms. */
  cpuMs(): number {
    return processCpuMs(this.pid);
  }

  rssMiB(): number {
    return processRssMiB(this.pid);
  }

  kill9(): Promise<void> {
    const exited = once(this.process, 'exit');
    this.process.kill('SIGKILL');
    return exited.then(() => undefined);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.process, 'exit');
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  logTail(chars = 3000): string {
    try {
      return readFileSync(this.options.logFile, 'utf8').slice(-chars);
    } catch {
      return '';
    }
  }

  private async spawn(): Promise<void> {
    const env = { ...process.env };
    delete env.TEST_DATABASE_URL;
    delete env.KINBRIDGE_BENCH;
    const out = openSync(this.options.logFile, 'a');
    this.process = spawn(process.execPath, [BUILT_MAIN], {
      env: {
        ...env,
        DATABASE_URL: this.options.databaseUrl,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        NOTIFY_TRANSPORT: 'log',
        ...this.options.env,
      },
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    const started = Date.now();
    for (;;) {
      if (!this.running) throw new Error(`${this.options.name} exited (${this.process.exitCode ?? this.process.signalCode}):\n${this.logTail()}`);
      try {
        if ((await fetch(`${this.baseUrl}/health`)).status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 90_000) {
        this.process.kill('SIGKILL');
        throw new Error(`${this.options.name}: no healthy /health within 90 s:\n${this.logTail()}`);
      }
      await sleep(100);
    }
  }
}

/** Clock ticks per second for /proc times (USER_HZ, 100 on every mainstream Linux kernel). */
const HZ = 100;

export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / HZ;
  } catch {
    return 0;
  }
}

export function processRssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

export const logDir = (): string => join(process.cwd(), 'node_modules', '.cache', 'kinbridge-scale');
