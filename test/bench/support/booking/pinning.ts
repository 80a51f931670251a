import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

const run = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

function postgresPids(): string[] {
  try {
    return run('pgrep', ['-x', 'postgres']).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Sets the CPU affinity of every thread of `pid`; a process that ended meanwhile is skipped. */
function pin(pid: string | number, cores: string): void {
  try {
    run('taskset', ['-a', '-p', '-c', cores, String(pid)]);
  } catch {
    // gone
  }
}

/**
 * BENCH_PIN=1: every PostgreSQL process on core 0 (the backends it forks later inherit it), this
 * process — the load generators — and what it spawns (the app, pgbench's client) on the other
 * cores. A model of a deployment where the database server has cores of its own, as a separate
 * host would: on 2 shared cores every millisecond of the app's CPU is taken from PostgreSQL, so
 * the app/pgbench ratio there measures the app's CPU per booking against PostgreSQL's, not how
 * close the app gets to what the database can do. Returns the undo (all cores for everyone).
 */
export function pinDatabaseApart(): { description: string; undo: () => void } {
  const count = cpus().length;
  if (count < 2) throw new Error('BENCH_PIN needs at least 2 cores');
  const all = `0-${count - 1}`;
  const rest = count === 2 ? '1' : `1-${count - 1}`;
  const pids = postgresPids();
  if (pids.length === 0) throw new Error('BENCH_PIN: no postgres process found on this machine');
  for (const pid of pids) pin(pid, '0');
  pin(process.pid, rest);
  return {
    description: `PostgreSQL (${pids.length} processes) on core 0; the load generators, the app and pgbench's client on core${count === 2 ? '' : 's'} ${rest}`,
    undo: () => {
      for (const pid of postgresPids()) pin(pid, all);
      pin(process.pid, all);
    },
  };
}
