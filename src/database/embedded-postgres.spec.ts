import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopOrphanedServer } from './embedded-postgres';

/** A stand-in process whose command line reads like a postmaster's: `… postgres -D <dir>`. */
async function fakePostmaster(dataDirArg: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'postgres', '-D', dataDirArg], { stdio: 'ignore' });
  await once(child, 'spawn');
  return child;
}

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

describe('stopOrphanedServer', () => {
  const children: ChildProcess[] = [];
  let root: string;
  let pgDir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kinbridge-lock-'));
    pgDir = join(root, 'pg');
    await mkdir(pgDir);
  });
  afterEach(async () => {
    for (const child of children.splice(0)) if (alive(child)) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  const lockFor = (pid: number) => writeFile(join(pgDir, 'postmaster.pid'), `${pid}\n${pgDir}\n`);

  it('never signals a live process of another data directory (a recycled pid): the lock is stale', async () => {
    const stranger = await fakePostmaster('/var/lib/postgresql/15/main');
    children.push(stranger);
    await lockFor(stranger.pid!);

    await stopOrphanedServer(pgDir, () => undefined);

    await sleep(200);
    expect(alive(stranger)).toBe(true);
    expect(existsSync(join(pgDir, 'postmaster.pid'))).toBe(false);
  });

  it('stops the orphaned postmaster of this data directory', async () => {
    const orphan = await fakePostmaster(pgDir);
    children.push(orphan);
    const exited = once(orphan, 'exit');
    await lockFor(orphan.pid!);

    await stopOrphanedServer(pgDir, () => undefined);

    const [, signal] = await exited;
    expect(signal).toBe('SIGINT');
  });

  it('clears a lock whose process is gone', async () => {
    await lockFor(2 ** 22 + 12345); // above pid_max on a default Linux
    await stopOrphanedServer(pgDir, () => undefined);
    expect(existsSync(join(pgDir, 'postmaster.pid'))).toBe(false);
  });
});
