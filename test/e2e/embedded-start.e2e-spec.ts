import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_MAIN, isRunning, SpawnedApp, spawnBuiltApp, stopApp, waitForHealth } from '../support/spawn-app';

const ADMIN = { ADMIN_EMAIL: 'first.admin@example.org', ADMIN_PASSWORD: 'first admin password' };


async function login(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Log lines at error level or above (pino JSON), and plain-text errors (console.error, stack traces). */
const errorLines = (output: string) =>
  output.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return /error/i.test(line);
    }
  });

const auditStatus = async (baseUrl: string, token: string) =>
  (await fetch(`${baseUrl}/api/v1/audit?pageSize=1`, { headers: { Authorization: `Bearer ${token}` } })).status;

/** `npm start` without DATABASE_URL: the built app on its own embedded PostgreSQL. */
describe('embedded default (built app)', () => {
  let dataDir: string;
  const started: SpawnedApp[] = [];
  const spawnApp = async (env: Record<string, string>) => {
    const app = await spawnBuiltApp(env);
    started.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of started.splice(0)) await stopApp(app, 'SIGKILL');
  });
  beforeAll(async () => {
    if (!existsSync(BUILT_MAIN)) throw new Error('Build first (npm test runs `npm run build` as pretest)');
    dataDir = await mkdtemp(join(tmpdir(), 'kinbridge-start-'));
    await chmod(dataDir, 0o755);
  });
  afterAll(async () => {
    // A SIGKILLed app leaves its postgres behind; one clean start-and-stop reaps it.
    const reaper = await spawnBuiltApp({ KINBRIDGE_DATA_DIR: dataDir });
    await waitForHealth(reaper).catch(() => undefined);
    await stopApp(reaper, 'SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts, keeps data and secrets across restarts, survives a SIGKILL, and stops cleanly', async () => {
    const env = { KINBRIDGE_DATA_DIR: dataDir, ...ADMIN };

    const first = await spawnApp(env);
    await waitForHealth(first);
    const token = await login(first.baseUrl);
    expect(await auditStatus(first.baseUrl, token)).toBe(200);

    // A crash: the node process dies at once and its postgres is left running.
    const postgresPid = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    await stopApp(first, 'SIGKILL');
    expect(isRunning(postgresPid)).toBe(true);

    const second = await spawnApp(env);
    await waitForHealth(second);
    expect(isRunning(postgresPid)).toBe(false);
    // Same JWT secret and same rows: the token from before the crash still works.
    expect(await auditStatus(second.baseUrl, token)).toBe(200);

    const secondPostgresPid = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    expect(await stopApp(second, 'SIGTERM')).toBe(0);
    // The app closes before its database stops: no connection is cut under pg-boss or the pool.
    expect(errorLines(second.output())).toEqual([]);
    expect(isRunning(secondPostgresPid)).toBe(false);
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 120_000);

  it('refuses to start with invalid configuration and names every bad variable', async () => {
    const app = await spawnApp({ KINBRIDGE_DATA_DIR: dataDir, PORT: 'eighty', DEMO_DATA: 'sure' });
    const code = await new Promise<number | null>((resolve) => app.process.on('exit', resolve));
    expect(code).toBe(78);
    expect(app.output()).toMatch(/PORT must be a whole number/);
    expect(app.output()).toMatch(/DEMO_DATA must be 1 or 0/);
  }, 30_000);
});
