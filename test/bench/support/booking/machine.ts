import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Client } from 'pg';

/** Linux clock ticks per second for /proc times (USER_HZ; 100 on every mainstream kernel). */
const HZ = 100;

export const cores = () => cpus().length;
export const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

/**
 * The main thread's scheduler counters (/proc/<pid>/schedstat: ns on a core, ns runnable but
 * waiting for one). Node runs JavaScript on that one thread, so "waiting" is time the app could
 * have worked but the cores were taken (by PostgreSQL's backends, the load generator …).
 */
function schedstat(pid: number): { runNs: number; waitNs: number } {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return { runNs: run, waitNs: wait };
  } catch {
    return { runNs: 0, waitNs: 0 };
  }
}

/** CPU ticks of every process on the machine, with a short name. */
function allProcesses(): Map<number, { ticks: number; name: string }> {
  const out = new Map<number, { ticks: number; name: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const ticks = processTicks(pid);
    if (ticks === 0) continue;
    let name = '';
    try {
      name = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 90);
    } catch {
      // gone
    }
    out.set(pid, { ticks, name });
  }
  return out;
}

/**
 * PostgreSQL processes by role: client backends of one database (the app's pool, pg-boss's pool,
 * pgbench's clients; the benchmark's own connections are left out) and the server's background
 * processes (WAL writer, checkpointer, autovacuum …), which work for every database.
 */
export async function backendPids(monitor: Client, database: string): Promise<{ app: number[]; jobs: number[]; pgbench: number[]; background: number[] }> {
  const rows: { pid: number; application_name: string; datname: string | null; backend_type: string }[] = (
    await monitor.query(`SELECT pid, application_name, datname, backend_type FROM pg_stat_activity`)
  ).rows;
  const clients = rows.filter((r) => r.datname === database && r.backend_type === 'client backend');
  const of = (test: (name: string) => boolean) => clients.filter((r) => test(r.application_name)).map((r) => r.pid);
  return {
    app: of((name) => name !== 'kinbridge-jobs' && !name.startsWith('pgbench') && !name.startsWith('bench-')),
    jobs: of((name) => name === 'kinbridge-jobs'),
    pgbench: of((name) => name.startsWith('pgbench')),
    background: rows.filter((r) => r.backend_type !== 'client backend').map((r) => r.pid),
  };
}

export interface CpuWindow {
  seconds: number;
  /** Cores' worth of CPU used over the window (1.0 = one core fully busy). */
  machine: number;
  app: number;
  /** Share of the window the app's main thread was on a core, and runnable but waiting for one (0–1 each). */
  appThread: { running: number; waiting: number };
  appBackends: number;
  jobBackends: number;
  pgbenchBackends: number;
  /** PostgreSQL's background processes (WAL writer, checkpointer, autovacuum …), for all databases. */
  pgBackground: number;
  runner: number;
  /** The busiest processes that are not part of the benchmark (other people's work), cores each. */
  others: { name: string; cores: number }[];
  /** Everything else on the machine: other engineers' work, PostgreSQL's own background processes, pgbench. */
  other: number;
  loadBefore: string;
  loadAfter: string;
}

/**
 * CPU use of the machine and of the processes under test over a window. Backends come and go (the
 * pool closes idle connections), so their pids are polled: a backend first seen after the start
 * counts from zero, one that vanished counts up to its last sample.
 */
export function startCpuWindow(pids: { app?: number; listBackends: () => Promise<{ app: number[]; jobs: number[]; pgbench: number[]; background: number[] }> }) {
  const t0 = process.hrtime.bigint();
  const m0 = machineTicks();
  const a0 = pids.app ? processTicks(pids.app) : 0;
  const s0 = pids.app ? schedstat(pids.app) : { runNs: 0, waitNs: 0 };
  const r0 = process.cpuUsage();
  const loadBefore = load();
  const before = allProcesses();
  const seen = { app: new Map<number, { first: number; last: number }>(), jobs: new Map<number, { first: number; last: number }>(), pgbench: new Map<number, { first: number; last: number }>(), background: new Map<number, { first: number; last: number }>() };
  let initial = true;
  const sample = async () => {
    const list = await pids.listBackends().catch(() => ({ app: [], jobs: [], pgbench: [], background: [] }));
    for (const kind of ['app', 'jobs', 'pgbench', 'background'] as const) {
      for (const pid of list[kind]) {
        const ticks = processTicks(pid);
        const entry = seen[kind].get(pid);
        if (entry) entry.last = Math.max(entry.last, ticks);
        else seen[kind].set(pid, { first: initial ? ticks : 0, last: ticks });
      }
    }
    initial = false;
  };
  const first = sample();
  const timer = setInterval(() => void sample(), 500);
  return async (): Promise<CpuWindow> => {
    clearInterval(timer);
    await first;
    await sample();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const m1 = machineTicks();
    const r1 = process.cpuUsage(r0);
    const perSecond = (ticks: number) => ticks / HZ / seconds;
    const total = (map: Map<number, { first: number; last: number }>) => [...map.values()].reduce((acc, e) => acc + (e.last - e.first), 0);
    const machine = perSecond(m1.busy - m0.busy);
    const app = pids.app ? perSecond(processTicks(pids.app) - a0) : 0;
    const s1 = pids.app ? schedstat(pids.app) : s0;
    const appThread = { running: (s1.runNs - s0.runNs) / 1e9 / seconds, waiting: (s1.waitNs - s0.waitNs) / 1e9 / seconds };
    const appBackends = perSecond(total(seen.app));
    const jobBackends = perSecond(total(seen.jobs));
    const pgbenchBackends = perSecond(total(seen.pgbench));
    const pgBackground = perSecond(total(seen.background));
    const runner = (r1.user + r1.system) / 1e6 / seconds;
    const ours = new Set<number>([process.pid, ...(pids.app ? [pids.app] : [])]);
    for (const map of Object.values(seen)) for (const pid of map.keys()) ours.add(pid);
    const others = [...allProcesses()]
      .filter(([pid]) => !ours.has(pid))
      .map(([pid, p]) => ({ name: p.name || `pid ${pid}`, cores: perSecond(p.ticks - (before.get(pid)?.ticks ?? 0)) }))
      .filter((p) => p.cores >= 0.05)
      .sort((a, b) => b.cores - a.cores)
      .slice(0, 3);
    return {
      seconds,
      machine,
      app,
      appThread,
      appBackends,
      jobBackends,
      pgbenchBackends,
      pgBackground,
      runner,
      others,
      other: Math.max(0, machine - app - appBackends - jobBackends - pgbenchBackends - pgBackground - runner),
      loadBefore,
      loadAfter: load(),
    };
  };
}

export const fmtCpu = (w: CpuWindow) =>
  `CPU (cores): machine ${w.machine.toFixed(2)} = app ${w.app.toFixed(2)} + its PG backends ${w.appBackends.toFixed(2)} + ` +
  `pg-boss backends ${w.jobBackends.toFixed(2)} + ` +
  (w.pgbenchBackends > 0 ? `pgbench's PG backends ${w.pgbenchBackends.toFixed(2)} + ` : '') +
  `PG background ${w.pgBackground.toFixed(2)} + load generator ${w.runner.toFixed(2)} + other ${w.other.toFixed(2)}; ` +
  `load average ${w.loadBefore} → ${w.loadAfter}` +
  (w.app > 0.05 ? `\n    app main thread: on a core ${pct(w.appThread.running)}, runnable but waiting for a core ${pct(w.appThread.waiting)}` : '') +
  (w.others.length ? `\n    busiest others: ${w.others.map((o) => `${o.cores.toFixed(2)} ${o.name}`).join('; ')}` : '');

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
