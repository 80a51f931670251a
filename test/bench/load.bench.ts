import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { freshDatabase, FreshDatabase, Instance, logDir } from './support/cluster';
import { backendPids, cores, load, startCpuWindow } from './support/booking/machine';
import { summarize } from './support/latency';
import { MIX, MixedDay, routeTable, RunResult, runTasks } from './support/mixed-load';
import { Network, seedNetwork } from './support/network';

// `npm run bench:load` (builds first) — issue #6: a mixed day at a busy hub network against the
// BUILT app as 1 and then 2 instances (one fresh database, Redis at REDIS_URL), round-robin;
// per route throughput and p50/p95/p99, errors (must be 0), per instance CPU and RSS, PostgreSQL
// time per request (pg_stat_database.active_time of the run's database); then idle-socket capacity:
// LOAD_SOCKETS (10,000) /hubs sockets on one instance, its RSS and a /health round trip meanwhile.
// Knobs: LOAD_TASKS (3000 per phase, in LOAD_ROUNDS (3) slices alternating 1 and 2 instances), LOAD_CONCURRENCY (16), LOAD_SOCKETS (10000), REDIS_URL.
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TASKS = num('LOAD_TASKS', 3000);
const CONCURRENCY = num('LOAD_CONCURRENCY', 16);
const SOCKETS = num('LOAD_SOCKETS', 10_000);
const ROUNDS = num('LOAD_ROUNDS', 3);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Phase {
  instances: number;
  result: RunResult;
  cpuMs: number[];
  rssMiB: number[];
  /** Totals over the phase, ms. */
  dbActiveMs: number;
  backendMs: number;
  jobsMs: number;
  machineMs: number;
  runnerMs: number;
  otherMs: number;
  loads: string[];
}

describe('load benchmark (mixed day, 1 → 2 instances; idle sockets)', () => {
  let db: FreshDatabase;
  let admin: Client;
  let net: Network;
  const instances: Instance[] = [];
  const dir = logDir();

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    db = await freshDatabase(process.env.TEST_DATABASE_URL!, 'load');
    log(`load benchmark: ${cores()} cores, load average ${load()}, database ${db.name}, REDIS_URL ${REDIS_URL}, logs in ${dir}`);
    instances.push(await Instance.start({ name: 'A', databaseUrl: db.url, logFile: join(dir, `load-A-${Date.now()}.log`), env: { REDIS_URL } }));
    admin = new Client({ connectionString: db.url, application_name: 'bench-admin' });
    await admin.connect();
    const t = performance.now();
    net = await seedNetwork(admin, { hubs: 20, stations: 3, children: 100, pastPerHub: Math.ceil((TASKS * 2.3 * MIX.wellbeing) / 20) + 10, checkInPerStation: 20 });
    log(
      `fixtures: 20 hubs × 3 stations, 60 staff, 20 counselors, 2,000 children/guardians/links/consents, ${net.past.length} past calls, ` +
        `${net.checkIns.length} calls in their check-in window, in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }, 300_000);

  afterAll(async () => {
    for (const instance of instances) await instance.stop().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    await db?.dispose();
  }, 60_000);

  it('runs the mixed day on 1 and on 2 instances with 0 errors', async () => {
    const day = new MixedDay(net, Date.now().toString(36));
    const dbActiveMs = async () => {
      await sleep(1500); // backends flush their statistics when idle, at most once a second
      await admin.query('SELECT pg_stat_clear_snapshot()');
      return Number((await admin.query(`SELECT active_time FROM pg_stat_database WHERE datname = current_database()`)).rows[0].active_time);
    };
    // One slice: `tasks` of the mixed day against `live` (round-robin), with the CPU and PostgreSQL time it cost.
    const runSlice = async (live: Instance[], count: number): Promise<Phase> => {
      const tasks = day.tasks(count);
      const cpu0 = live.map((i) => i.cpuMs());
      const active0 = await dbActiveMs();
      const window = startCpuWindow({ listBackends: () => backendPids(admin, db.name) });
      const result = await runTasks(
        live.map((i) => i.baseUrl),
        tasks,
        CONCURRENCY,
      );
      const cpu = await window();
      const cpuMs = live.map((i, k) => i.cpuMs() - cpu0[k]);
      const ms = (cores: number) => cores * cpu.seconds * 1000;
      const instancesMs = cpuMs.reduce((a, b) => a + b, 0);
      const slice: Phase = {
        instances: live.length,
        result,
        cpuMs,
        rssMiB: live.map((i) => i.rssMiB()),
        dbActiveMs: (await dbActiveMs()) - active0,
        backendMs: ms(cpu.appBackends),
        jobsMs: ms(cpu.jobBackends),
        machineMs: ms(cpu.machine),
        runnerMs: ms(cpu.runner),
        otherMs: Math.max(0, ms(cpu.machine - cpu.appBackends - cpu.jobBackends - cpu.pgBackground - cpu.runner) - instancesMs),
        loads: [`${cpu.loadBefore} → ${cpu.loadAfter}`],
      };
      const ok = result.requests - result.errors.length;
      log(
        `  slice, ${live.length} instance(s): ${(ok / result.seconds).toFixed(1)} req/s (${result.requests} in ${result.seconds.toFixed(1)} s, ${result.errors.length} errors); ` +
          `per request app CPU ${(instancesMs / ok).toFixed(2)} ms, PG active ${(slice.dbActiveMs / ok).toFixed(2)} ms, PG backend CPU ${(slice.backendMs / ok).toFixed(2)} ms; ` +
          `others' CPU ${(slice.otherMs / result.seconds / 1000).toFixed(2)} cores; load ${slice.loads[0]}`,
      );
      return slice;
    };
    const merge = (slices: Phase[]): Phase => {
      const perRoute = new Map<string, number[]>();
      for (const s of slices) for (const [route, list] of s.result.perRoute) perRoute.set(route, [...(perRoute.get(route) ?? []), ...list]);
      const sum = (f: (p: Phase) => number) => slices.reduce((a, p) => a + f(p), 0);
      return {
        instances: slices[0].instances,
        result: {
          seconds: sum((p) => p.result.seconds),
          requests: sum((p) => p.result.requests),
          perRoute,
          errors: slices.flatMap((p) => p.result.errors),
        },
        cpuMs: slices[0].cpuMs.map((_, k) => sum((p) => p.cpuMs[k])),
        rssMiB: slices[slices.length - 1].rssMiB,
        dbActiveMs: sum((p) => p.dbActiveMs),
        backendMs: sum((p) => p.backendMs),
        jobsMs: sum((p) => p.jobsMs),
        machineMs: sum((p) => p.machineMs),
        runnerMs: sum((p) => p.runnerMs),
        otherMs: sum((p) => p.otherMs),
        loads: slices.flatMap((p) => p.loads),
      };
    };
    const report = (p: Phase) => {
      const ok = p.result.requests - p.result.errors.length;
      const s = p.result.seconds;
      log(`\n== ${p.instances} instance(s), all slices: ${p.result.requests} requests in ${s.toFixed(1)} s = ${(ok / s).toFixed(1)} req/s, errors ${p.result.errors.length}, concurrency ${CONCURRENCY}`);
      for (const line of routeTable(p.result)) log(line);
      const all = summarize([...p.result.perRoute.values()].flat());
      log(`  ${'all routes'.padEnd(36)} ${String(all.runs).padStart(5)} ok  p50 ${all.p50.toFixed(1)}  p95 ${all.p95.toFixed(1)}  p99 ${all.p99.toFixed(1)} ms`);
      p.cpuMs.forEach((ms, k) => log(`  instance ${'AB'[k]}: CPU ${(ms / 1000).toFixed(1)} s (${(ms / s / 1000).toFixed(2)} cores), RSS ${p.rssMiB[k].toFixed(0)} MiB at the end`));
      const appCpu = p.cpuMs.reduce((a, b) => a + b, 0);
      log(
        `  per request: app CPU ${(appCpu / ok).toFixed(2)} ms, PostgreSQL active time ${(p.dbActiveMs / ok).toFixed(2)} ms ` +
          `(pg_stat_database.active_time of the run's database: wall time backends spent running statements, incl. waits and pg-boss), ` +
          `PG backend CPU ${(p.backendMs / ok).toFixed(2)} ms (+ pg-boss ${(p.jobsMs / ok).toFixed(2)} ms)`,
      );
      log(
        `  CPU (cores): machine ${(p.machineMs / s / 1000).toFixed(2)} = instances ${(appCpu / s / 1000).toFixed(2)} + PG backends ${(p.backendMs / s / 1000).toFixed(2)} + ` +
          `pg-boss ${(p.jobsMs / s / 1000).toFixed(2)} + load generator ${(p.runnerMs / s / 1000).toFixed(2)} + everything else (other engineers' runs, PG background) ${(p.otherMs / s / 1000).toFixed(2)}; ` +
          `load averages ${p.loads.join('; ')}`,
      );
      for (const e of p.result.errors.slice(0, 20)) log(`  ERROR ${e.route} → ${e.status}: ${e.body}`);
    };

    // Both instances start before anything is measured; slices alternate 1 and 2 instances (A alone,
    // then A + B round-robin, then the other order …), so both see the same machine on average.
    instances.push(await Instance.start({ name: 'B', databaseUrl: db.url, logFile: join(dir, `load-B-${Date.now()}.log`), env: { REDIS_URL } }));
    // Warm-up (JIT, pools, plan caches): not measured.
    const warm = await runTasks([instances[0].baseUrl, instances[1].baseUrl], day.tasks(400), CONCURRENCY);
    expect(warm.errors).toEqual([]);
    const perSlice = Math.ceil(TASKS / ROUNDS);
    const slices: Record<1 | 2, Phase[]> = { 1: [], 2: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const n of r % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) slices[n].push(await runSlice(instances.slice(0, n), perSlice));
    }
    const one = merge(slices[1]);
    const two = merge(slices[2]);
    report(one);
    report(two);

    const ok = (p: Phase) => p.result.requests - p.result.errors.length;
    const rate = (p: Phase) => ok(p) / p.result.seconds;
    const ratios = slices[2].map((p, r) => rate(p) / rate(slices[1][r]));
    log(
      `\nscaling 1 → 2 instances: ${rate(one).toFixed(1)} → ${rate(two).toFixed(1)} req/s = ×${(rate(two) / rate(one)).toFixed(2)} ` +
        `(per round: ${ratios.map((x) => `×${x.toFixed(2)}`).join(', ')}); ` +
        `app CPU per request ${(one.cpuMs[0] / ok(one)).toFixed(2)} → ${((two.cpuMs[0] + two.cpuMs[1]) / ok(two)).toFixed(2)} ms; ` +
        `PG backend CPU per request ${(one.backendMs / ok(one)).toFixed(2)} → ${(two.backendMs / ok(two)).toFixed(2)} ms; ` +
        `PostgreSQL active time per request ${(one.dbActiveMs / ok(one)).toFixed(2)} → ${(two.dbActiveMs / ok(two)).toFixed(2)} ms; ` +
        `machine busy ${(one.machineMs / one.result.seconds / 1000).toFixed(2)} → ${(two.machineMs / two.result.seconds / 1000).toFixed(2)} of ${cores()} cores, ` +
        `of which others ${(one.otherMs / one.result.seconds / 1000).toFixed(2)} → ${(two.otherMs / two.result.seconds / 1000).toFixed(2)}`,
    );

    // What the API acknowledged is what the database holds.
    const ackd = (route: string) => [one.result, two.result, warm].reduce((n, r) => n + (r.perRoute.get(route)?.length ?? 0), 0);
    const { rows } = await admin.query(
      `SELECT (SELECT count(*)::int FROM sessions WHERE starts_at >= $1) AS booked,
              (SELECT count(*)::int FROM wellbeing_checks) AS checks,
              (SELECT count(*)::int FROM sessions WHERE assent = 'yes') AS assents`,
      [new Date(net.bookingBase)],
    );
    log(`database: ${rows[0].booked} bookings, ${rows[0].checks} wellbeing checks, ${rows[0].assents} assents (API acknowledged ${ackd('POST /sessions')}, ${ackd('POST /sessions/:id/wellbeing-check')}, ${ackd('POST /sessions/:id/assent')})`);
    expect(rows[0]).toEqual({ booked: ackd('POST /sessions'), checks: ackd('POST /sessions/:id/wellbeing-check'), assents: ackd('POST /sessions/:id/assent') });
    expect(one.result.errors).toEqual([]);
    expect(two.result.errors).toEqual([]);
  }, 900_000);

  it(`holds ${SOCKETS.toLocaleString('en')} idle sockets on one instance under 1 GiB RSS, /health still answering`, async () => {
    for (const extra of instances.splice(1)) await extra.stop();
    const a = instances[0];
    const health = async (n: number) => {
      const ms: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const response = await fetch(`${a.baseUrl}/health`);
        await response.text();
        if (response.status !== 200) throw new Error(`/health answered ${response.status}`);
        ms.push(performance.now() - t0);
      }
      return summarize(ms);
    };
    const idleHealth = await health(50);
    const rssBefore = a.rssMiB();
    const children = 2;
    const t0 = performance.now();
    const swarms = Array.from({ length: children }, (_, k) =>
      fork(join(__dirname, 'support', 'socket-swarm.cjs'), [`${a.baseUrl}/hubs`, String(Math.ceil(SOCKETS / children)), '250'], {
        env: { ...process.env, SWARM_TOKEN: net.staffToken(k, 0) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    try {
      const reports = (await Promise.all(swarms.map((s) => once(s, 'message')))).map(([m]) => m as { connected: number; failed: number; errors: Record<string, number> });
      const connected = reports.reduce((n, r) => n + r.connected, 0);
      const failed = reports.reduce((n, r) => n + r.failed, 0);
      const seconds = (performance.now() - t0) / 1000;
      await sleep(3000); // let the instance settle (GC) with every socket connected
      const rss = a.rssMiB();
      const busyHealth = await health(50);
      const stillConnected = await Promise.all(
        swarms.map(async (s) => {
          const reply = once(s, 'message');
          s.send('count');
          return ((await reply)[0] as { stillConnected: number }).stillConnected;
        }),
      );
      log(
        `\nidle sockets: ${connected.toLocaleString('en')} connected to /hubs on one instance in ${seconds.toFixed(1)} s (${failed} refused: ${JSON.stringify(reports.map((r) => r.errors))}), ` +
          `${stillConnected.reduce((a2, b) => a2 + b, 0)} still connected after the /health probes; instance RSS ${rssBefore.toFixed(0)} → ${rss.toFixed(0)} MiB ` +
          `(${(((rss - rssBefore) * 1024) / Math.max(1, connected)).toFixed(1)} KiB per socket); load average ${load()}`,
      );
      log(`  /health round trip idle:      p50 ${idleHealth.p50.toFixed(2)}  p95 ${idleHealth.p95.toFixed(2)}  p99 ${idleHealth.p99.toFixed(2)} ms`);
      log(`  /health round trip connected: p50 ${busyHealth.p50.toFixed(2)}  p95 ${busyHealth.p95.toFixed(2)}  p99 ${busyHealth.p99.toFixed(2)} ms`);
      expect(failed).toBe(0);
      expect(connected).toBeGreaterThanOrEqual(SOCKETS);
      expect(stillConnected.reduce((a2, b) => a2 + b, 0)).toBe(connected);
      expect(rss).toBeLessThan(1024);
      // The instance still serves its API with every socket open.
      const alerts = await fetch(`${a.baseUrl}/api/v1/alerts?pageSize=5`, { headers: { authorization: `Bearer ${net.counselorToken(0)}` } });
      expect(alerts.status).toBe(200);
    } finally {
      for (const s of swarms) s.send('close');
      await Promise.all(swarms.map((s) => (s.exitCode === null ? once(s, 'exit') : undefined)));
    }
  }, 600_000);
});
