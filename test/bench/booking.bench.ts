import { JwtService } from '@nestjs/jwt';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { TokenService } from '../../src/common/auth/token.service';
import { TEST_JWT_SECRET } from '../support/test-app';
import { BENCH_MAIN, BenchApp, ProbeStats, startBenchApp } from './support/booking/app';
import { booking, bookingBody, BookingWorld, createWorld, insertHistory, planWorld } from './support/booking/fixtures';
import { summarizeProfile } from './support/booking/cpu-profile';
import { closedLoop, fixedRate, fixedRateSmoothed, fmtLatency, LoadResult, RequestFeed, RequestSpec } from './support/booking/load';
import { backendPids, cores, CpuWindow, fmtCpu, load, startCpuWindow } from './support/booking/machine';
import { pinDatabaseApart } from './support/booking/pinning';
import { createSiblingDatabase } from './support/databases';
import { seedHistory } from './support/seed';
import { buildPgbenchScript, CapturedRequest, ExplainedStatement, explainBooking, PgbenchResult, PgbenchScript, runPgbench } from './support/booking/pgbench';

// `npm run bench:booking` — POST /api/v1/sessions under autocannon against the built app in its own
// process, divided by pgbench's TPS for the same SQL transaction on the same database in the same
// run; p50/p95/p99 at half the app's maximum rate; the same with 1,000,000 rows in `sessions`.
// Two databases side by side — *small* (BENCH_SMALL_ROWS other sessions, 2,000) and *1M*
// (BENCH_HISTORY_ROWS, 1,000,000) — each with its own app (running only during its case), measured in turns (small, 1M, small,
// 1M, …: BENCH_ROUNDS rounds, 3) so the machine's noise hits both alike; medians per side.
// Before each case its database is put back to the same state (resetSide): the benchmark's bookings,
// keys, notifications and jobs deleted, then VACUUM ANALYZE and CHECKPOINT.
// Settings (environment): BENCH_CONNECTIONS (16), BENCH_SECONDS (20), BENCH_ENTITIES (2000),
// BENCH_ROUNDS (3), BENCH_SMALL_ROWS (2000), BENCH_HISTORY_ROWS (1000000; 0 skips the large side),
// BENCH_LOG_LEVEL (info, the app's default), BENCH_PGBENCH_MODE (prepared; or extended, simple),
// BENCH_CPU_PROF=1 (profiles the small side's app once), BENCH_PIN=1 (PostgreSQL on a core of its own).
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONNECTIONS = num('BENCH_CONNECTIONS', 16);
const SECONDS = num('BENCH_SECONDS', 20);
const ENTITIES = num('BENCH_ENTITIES', 2000);
const ROUNDS = num('BENCH_ROUNDS', 3);
const SMALL_ROWS = num('BENCH_SMALL_ROWS', 2000);
const HISTORY_ROWS = num('BENCH_HISTORY_ROWS', 1_000_000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
/** prepared: each pgbench client prepares every statement once, as the app does for its hot statements. */
const PGBENCH_MODE = (process.env.BENCH_PGBENCH_MODE ?? 'prepared') as 'simple' | 'extended' | 'prepared';
/** PostgreSQL on core 0, the app and the load generators on the others (support/booking/pinning.ts). */
const PIN = process.env.BENCH_PIN === '1';
const ROUTE = '/api/v1/sessions';
const WARM_UP_SECONDS = 5;

const log = (line: string) => process.stdout.write(`${line}\n`);

interface CaseFigures {
  label: string;
  round: number;
  rows: number;
  loadBefore: string;
  service: ServiceTime;
  max: LoadResult & { cpu: CpuWindow; probe: ProbeDelta };
  pgbench: PgbenchResult & { cpu: CpuWindow };
  halfRate: number;
  explained: { total: number; planning: number; statements: ExplainedStatement[] };
  bursty: LoadResult & { cpu: CpuWindow };
  smooth: LoadResult & { cpu: CpuWindow };
}

interface ProbeDelta {
  requests: number;
  queriesPerRequest: number;
  dbMsPerRequest: number;
  requestMs: number;
  appCpuMsPerRequest: number;
  backgroundQueries: number;
}

interface ServiceTime extends ProbeDelta {
  backendCpuMsPerRequest: number;
  jobsCpuMsPerRequest: number;
  latency: LoadResult['latency'];
}

/** One database with its own app: the small or the large side. */
interface Side {
  label: string;
  url: string;
  database: string;
  historyRows: number;
  admin: Client;
  monitor: Client;
  /** Runs only while this side is measured (see startApp). */
  app: BenchApp;
  start(): Promise<BenchApp>;
  script: PgbenchScript;
  scriptFile: string;
  /** Booking numbers are handed out once per case: every request and pgbench transaction books its own slot. */
  nextN: number;
}

describe('booking benchmark (POST /api/v1/sessions)', () => {
  it(
    'reaches half of pgbench on the same SQL, p99 < 50 ms at half rate, and stays within 20 % with 1M sessions',
    async () => {
      const baseUrl = process.env.TEST_DATABASE_URL!;
      const work = await mkdtemp(join(tmpdir(), 'kinbridge-bench-booking-'));
      chmodSync(work, 0o755);
      log(`booking benchmark: ${cores()} cores, load average ${load()}, server ${baseUrl.replace(/:[^:@/]*@/, ':***@').replace(/\/[^/]*$/, '')}`);
      log(
        `settings: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds, ${ENTITIES} stations/children/guardians/staff, ` +
          `history ${SMALL_ROWS.toLocaleString('en')} / ${HISTORY_ROWS.toLocaleString('en')} sessions, LOG_LEVEL=${LOG_LEVEL}, ` +
          `${PIN ? 'PostgreSQL pinned apart (BENCH_PIN=1)' : 'all processes share the cores'}; work dir ${work}`,
      );

      const world: BookingWorld = planWorld(ENTITIES);
      const tokens = new TokenService(new JwtService({ secret: TEST_JWT_SECRET }));
      const bearer = Array.from({ length: ENTITIES }, (_, e) => `Bearer ${tokens.signAccessToken(booking(world, e).userId, 'user', 'hub_staff').accessToken}`);
      let runTag = Date.now().toString(36);
      const request = (n: number): RequestSpec => {
        const b = booking(world, n);
        return {
          path: ROUTE,
          headers: { 'content-type': 'application/json', authorization: bearer[b.entity], 'idempotency-key': `bench-${runTag}-${n}` },
          body: JSON.stringify(bookingBody(b)),
        };
      };
      const feed = (side: Side, precompute: number) => {
        const start = side.nextN;
        const f = new RequestFeed((i) => request(start + i), precompute);
        return { feed: f, done: () => (side.nextN = start + f.used) };
      };

      const sibling = HISTORY_ROWS > 0 ? await createSiblingDatabase(baseUrl, 'big') : undefined;
      const sides: Side[] = [];
      let pinned: ReturnType<typeof pinDatabaseApart> | undefined;
      try {
        const plans = [{ label: 'small', url: baseUrl, historyRows: SMALL_ROWS }];
        if (sibling) plans.push({ label: '1M', url: sibling.url, historyRows: HISTORY_ROWS });
        for (const plan of plans) sides.push(await prepareSide(plan, world, work, request));

        if (PIN) {
          pinned = pinDatabaseApart();
          log(`\npinned (BENCH_PIN=1): ${pinned.description}`);
        }
        const figures: CaseFigures[] = [];
        for (let round = 1; round <= ROUNDS; round++) {
          for (const side of sides) {
            runTag = `${Date.now().toString(36)}-${side.label}`;
            figures.push(await runCase(side, round, feed));
          }
        }
        if (process.env.BENCH_CPU_PROF) {
          // A separate run under the sampling profiler (it slows the app, so its rate is not a figure).
          const side = sides[0];
          await resetSide(side);
          await side.start();
          const file = join(work, 'app-small.cpuprofile');
          await fetch(`${side.app.baseUrl}/__bench/profile?start`);
          const { feed: f, done } = feed(side, SECONDS * 2000);
          const profiled = await closedLoop(side.app.baseUrl, f, CONNECTIONS, Math.min(10, SECONDS));
          done();
          await fetch(`${side.app.baseUrl}/__bench/profile?stop=${encodeURIComponent(file)}`);
          await side.app.stop();
          log(`\nprofiled run: ${profiled.tps.toFixed(1)} bookings/s under the profiler`);
          for (const line of await summarizeProfile(file)) log(line);
        }
        report(figures, sides.map((s) => s.label));
      } finally {
        pinned?.undo();
        for (const side of sides) {
          await side.app?.stop();
          await side.admin.end();
          await side.monitor.end();
        }
        await sibling?.dispose();
        log(`\nwork dir (captures, pgbench scripts, app logs${process.env.BENCH_CPU_PROF ? ', cpu profile' : ''}): ${work}`);
      }
    },
    3 * 3600_000,
  );
});

/**
 * Fixtures and history on the side's database (then ANALYZE, so the planner knows the table it
 * plans for), its app, one booking by hand, and the pgbench script captured from a real booking.
 */
async function prepareSide(
  plan: { label: string; url: string; historyRows: number },
  world: BookingWorld,
  work: string,
  request: (n: number) => RequestSpec,
): Promise<Side> {
  const database = new URL(plan.url).pathname.slice(1);
  const admin = new Client({ connectionString: plan.url, application_name: 'bench-admin' });
  await admin.connect();
  // A second connection samples backend pids while `admin` is busy (e.g. counting rows).
  const monitor = new Client({ connectionString: plan.url, application_name: 'bench-monitor' });
  await monitor.connect();
  let t = performance.now();
  await createWorld(admin, world);
  log(`\n[${plan.label}] fixtures: ${world.hubs} hubs × ${world.stationsPerHub} stations, ${ENTITIES} children/guardians/links/consents/staff in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  if (process.env.BENCH_HISTORY === 'same-entities') {
    // History on the benchmark's own stations, children, guardians and supervisors.
    await insertHistory(admin, world, plan.historyRows);
  } else {
    // The slots benchmark's generator: other hubs' history (and a little future), 10,000 sessions per hub.
    const seedDb = new DataSource({ type: 'postgres', url: plan.url, applicationName: 'bench-seed' });
    await seedDb.initialize();
    try {
      await seedHistory(seedDb, { sessions: plan.historyRows });
    } finally {
      await seedDb.destroy();
    }
  }
  await admin.query('VACUUM ANALYZE');
  log(`[${plan.label}] history: ${plan.historyRows.toLocaleString('en')} sessions (${process.env.BENCH_HISTORY ?? 'seedHistory'}) in ${((performance.now() - t) / 1000).toFixed(0)} s, then VACUUM ANALYZE`);

  const captureFile = join(work, `capture-${plan.label}.jsonl`);
  // Each side's app runs only while that side is measured: an idle app would still deliver its outbox backlog
  // (2 notifications per booking) on the shared cores while the other side is measured.
  const start = async () => {
    side.app = await startBenchApp({ main: BENCH_MAIN, databaseUrl: plan.url, jwtSecret: TEST_JWT_SECRET, captureFile, logDir: work, logLevel: LOG_LEVEL });
    return side.app;
  };
  const side: Side = {
    ...plan,
    database,
    admin,
    monitor,
    app: undefined as unknown as BenchApp,
    start,
    script: undefined as unknown as PgbenchScript,
    scriptFile: join(work, `booking-${plan.label}.pgbench.sql`),
    nextN: 0,
  };
  const app = await start();
  try {
    // One booking by hand: it must work before anything is measured (and the app's first-request work is done).
    const first = request(side.nextN++);
    const response = await fetch(app.baseUrl + first.path, { method: 'POST', headers: first.headers, body: first.body });
    if (response.status !== 201) throw new Error(`[${plan.label}] POST ${ROUTE} answered ${response.status}: ${await response.text()}`);
    // Capture the SQL of ONE booking, as the app runs it.
    const capturedN = side.nextN++;
    const captured = await capture(app, request(capturedN), captureFile);
    const capturedAt = Date.now();
    log(`[${plan.label}] captured one booking: ${captured.statements.length} statements (round trips), ${captured.ms.toFixed(1)} ms in the app:`);
    captured.statements.forEach((s, i) => log(`  ${String(i).padStart(2)} ${s.ms.toFixed(2).padStart(6)} ms  ${s.text.replace(/\s+/g, ' ').slice(0, 110)}`));
    side.script = await buildPgbenchScript(admin, captured, world, booking(world, capturedN), request(capturedN).headers['idempotency-key'], capturedAt);
    await writeFile(side.scriptFile, side.script.script);
    log(`[${plan.label}] pgbench script: ${side.scriptFile} (${side.script.statements} statements)`);
  } finally {
    await app.stop();
  }
  return side;
}

/**
 * Puts a side back to the state it started in: the benchmark's bookings and what they wrote
 * (idempotency keys, notifications, pg-boss jobs) removed, then VACUUM ANALYZE of those tables and a
 * CHECKPOINT, so every case starts from the same table sizes and fresh statistics. The audit log is
 * append-only (its trigger refuses DELETE): it keeps growing, by the same amount on both sides.
 */
async function resetSide(side: Side): Promise<void> {
  const t = performance.now();
  const db = side.admin;
  await db.query(`DELETE FROM sessions WHERE hub_id IN (SELECT id FROM hubs WHERE id::text LIKE 'b0000000-%')`);
  await db.query(`DELETE FROM idempotency_keys`);
  await db.query(`DELETE FROM notifications`);
  await db.query(`DELETE FROM pgboss.job WHERE name IN ('notification.deliver', 'session.reminder', 'session.no-show-check')`);
  await db.query(`DELETE FROM pgboss.archive`);
  await db.query(`VACUUM (ANALYZE) sessions, idempotency_keys, audit_log, notifications, pgboss.job, pgboss.archive`);
  await db.query('CHECKPOINT');
  side.nextN = 0;
  log(`  (reset: the benchmark's rows removed, VACUUM ANALYZE, CHECKPOINT in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
}

async function runCase(
  side: Side,
  round: number,
  feed: (side: Side, precompute: number) => { feed: RequestFeed; done: () => number },
): Promise<CaseFigures> {
  log(`\n== round ${round}, ${side.label} ==`);
  await resetSide(side);
  const app = await side.start();
  try {
    return await measureCase(side, app, round, feed);
  } finally {
    await app.stop();
  }
}

async function measureCase(
  side: Side,
  app: BenchApp,
  round: number,
  feed: (side: Side, precompute: number) => { feed: RequestFeed; done: () => number },
): Promise<CaseFigures> {
  const { admin, monitor, database } = side;
  const rows = Number((await admin.query('SELECT count(*) FROM sessions')).rows[0].count);
  const loadBefore = load();
  log(`${rows.toLocaleString('en')} rows in sessions; load average ${loadBefore}`);

  // Warm-up (JIT, pool, prepared statements, buffer cache): the same for both sides, not measured.
  {
    const { feed: f, done } = feed(side, 2000);
    const warm = await closedLoop(app.baseUrl, f, CONNECTIONS, WARM_UP_SECONDS);
    done();
    assertAllBooked('warm-up', warm);
    log(`warm-up: ${warm.ok} bookings, ${warm.tps.toFixed(0)}/s`);
  }
  await drainJobs(admin);

  // 1. Service time: one connection, no queueing.
  const service = await measure(app, monitor, database, async () => {
    const { feed: f, done } = feed(side, 3000);
    const r = await closedLoop(app.baseUrl, f, 1, Math.min(10, SECONDS));
    done();
    return r;
  });
  assertAllBooked('service time', service.result);
  const st: ServiceTime = {
    ...service.probe,
    backendCpuMsPerRequest: (service.cpu.appBackends * service.cpu.seconds * 1000) / service.result.ok,
    jobsCpuMsPerRequest: (service.cpu.jobBackends * service.cpu.seconds * 1000) / service.result.ok,
    latency: service.result.latency,
  };
  log(
    `service time (1 connection): ${service.result.tps.toFixed(0)}/s, ${fmtLatency(service.result)}; per booking: ` +
      `${st.queriesPerRequest.toFixed(1)} queries, ${st.dbMsPerRequest.toFixed(2)} ms waiting on PostgreSQL (client side), ` +
      `${st.appCpuMsPerRequest.toFixed(2)} ms app CPU, ${st.backendCpuMsPerRequest.toFixed(2)} ms backend CPU (+ ${st.jobsCpuMsPerRequest.toFixed(2)} pg-boss)`,
  );
  log(`  ${fmtCpu(service.cpu)}`);
  await drainJobs(admin);

  // 2. Maximum throughput: closed loop.
  const appBefore = await tableCounts(admin);
  const maxRun = await measure(app, monitor, database, async () => {
    const { feed: f, done } = feed(side, Math.ceil(SECONDS * 2000));
    const r = await closedLoop(app.baseUrl, f, CONNECTIONS, SECONDS);
    done();
    return r;
  });
  assertAllBooked('max throughput', maxRun.result);
  const appRows = perBooking(appBefore, await tableCounts(admin));
  const max = { ...maxRun.result, cpu: maxRun.cpu, probe: maxRun.probe };
  log(`app max: ${max.tps.toFixed(1)} bookings/s (${max.ok} × 201 in ${max.seconds.toFixed(1)} s, ${CONNECTIONS} connections), ${fmtLatency(max)}`);
  log(`  per booking: ${max.probe.queriesPerRequest.toFixed(1)} queries, ${max.probe.dbMsPerRequest.toFixed(2)} ms waiting on PostgreSQL, ${max.probe.appCpuMsPerRequest.toFixed(2)} ms app CPU`);
  log(`  ${fmtCpu(max.cpu)}`);
  await drainJobs(admin);

  // 3. pgbench: the same statements, same transactions, same concurrency, same database.
  const before = await tableCounts(admin);
  const stopCpu = startCpuWindow({ app: app.process.pid, listBackends: () => backendPids(monitor, database) });
  const offset = side.nextN;
  const pg = await runPgbench({
    databaseUrl: side.url,
    scriptFile: side.scriptFile,
    script: side.script.script,
    clients: CONNECTIONS,
    threads: 2,
    seconds: SECONDS,
    offset,
    mode: PGBENCH_MODE,
  });
  const pgCpu = await stopCpu();
  side.nextN = offset + CONNECTIONS * (pg.transactions + 2);
  const pgRows = perBooking(before, await tableCounts(admin));
  // pgbench counts the transactions that finished before -T ran out; a few more may have committed.
  if (pgRows.sessions < pg.transactions || pgRows.sessions > pg.transactions + CONNECTIONS) {
    throw new Error(`pgbench reported ${pg.transactions} transactions but sessions grew by ${pgRows.sessions}`);
  }
  const same = Object.keys(appRows).every((table) => Math.abs(appRows[table] / appRows.sessions - pgRows[table] / pgRows.sessions) < 0.01);
  log(`  rows written per booking — app: ${fmtRows(appRows)}; pgbench: ${fmtRows(pgRows)} ${same ? '(same)' : '(DIFFERENT)'}`);
  if (!same) throw new Error('the pgbench transaction does not write what a booking writes');
  const { rows: consistency } = await admin.query(
    `SELECT count(*)::int AS sessions,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name = 'session.reminder' AND j.data->>'sessionId' = s.id::text
                                              AND j.start_after = s.starts_at - interval '24 hours'))::int AS reminded
       FROM sessions s WHERE s.hub_id IN (SELECT id FROM hubs WHERE id::text LIKE 'b0000000-%') AND s.status = 'booked'`,
  );
  log(`  check: ${consistency[0].reminded} of ${consistency[0].sessions} benchmark bookings (app and pgbench) have their 24 h reminder at the right time`);
  if (consistency[0].reminded !== consistency[0].sessions) throw new Error('some bookings lack their 24 h reminder');
  const pgbench = { ...pg, cpu: pgCpu };
  log(`pgbench: ${pg.tps.toFixed(1)} tps (${pg.transactions} bookings, ${pg.failed} failed, latency average ${pg.latencyMs} ms; -c ${CONNECTIONS} -j 2 -M ${PGBENCH_MODE})`);
  log(`  ${fmtCpu(pgCpu).replace('other', 'other (incl. the pgbench client)')}`);
  log(`ratio app / pgbench = ${(max.tps / pg.tps).toFixed(2)}  (target ≥ 0.5)`);
  await drainJobs(admin);

  // Where the database time goes: each statement under EXPLAIN ANALYZE (median of 15 bookings, rolled back).
  const explained = await explainMedian(admin, side.script, () => side.nextN++, 15);
  log(`  server time per statement (EXPLAIN ANALYZE with literals, so always planned; median of 15): total ${explained.total.toFixed(2)} ms (planning ${explained.planning.toFixed(2)} ms)`);
  for (const e of explained.statements.filter((x) => x.planningMs + x.executionMs >= 0.1)) {
    log(`    #${String(e.index - 0).padStart(2)} plan ${e.planningMs.toFixed(2).padStart(6)} ms  exec ${e.executionMs.toFixed(2).padStart(6)} ms  ${e.sql.slice(0, 90)}`);
  }

  // 4. Half the app's maximum rate.
  const halfRate = Math.max(1, Math.round(max.tps / 2));
  const burstyRun = await measure(app, monitor, database, async () => {
    const { feed: f, done } = feed(side, Math.ceil(halfRate * SECONDS * 1.2));
    const r = await fixedRate(app.baseUrl, f, halfRate, CONNECTIONS, SECONDS);
    done();
    return r;
  });
  assertAllBooked('half rate', burstyRun.result);
  log(`half rate ${halfRate}/s, autocannon overallRate (${CONNECTIONS} connections, refilled each second): ${burstyRun.result.tps.toFixed(1)}/s, ${fmtLatency(burstyRun.result)}`);
  await drainJobs(admin);
  const smoothRun = await measure(app, monitor, database, async () => {
    const { feed: f, done } = feed(side, Math.ceil(halfRate * SECONDS * 1.2));
    const r = await fixedRateSmoothed(app.baseUrl, f, halfRate, 20, SECONDS);
    done();
    return r;
  });
  assertAllBooked('half rate (smoothed)', smoothRun.result);
  log(`half rate ${halfRate}/s, smoothed (20 autocannon instances 50 ms apart): ${smoothRun.result.tps.toFixed(1)}/s, ${fmtLatency(smoothRun.result)}`);
  log(`  requests over 50 ms by second of the run: ${smoothRun.result.slowSeconds || 'none'}`);
  log(`  ${fmtCpu(smoothRun.cpu)}`);
  return {
    label: side.label,
    round,
    rows,
    loadBefore,
    service: st,
    max,
    pgbench,
    halfRate,
    explained,
    bursty: { ...burstyRun.result, cpu: burstyRun.cpu },
    smooth: { ...smoothRun.result, cpu: smoothRun.cpu },
  };
}

const COUNTED = ['sessions', 'idempotency_keys', 'audit_log', 'notifications', 'pgboss.job'];
/** pg-boss's own cron jobs (the outbox sweep, housekeeping) come and go at any time: only a booking's queues count. */
const COUNT_FROM: Record<string, string> = {
  'pgboss.job': `pgboss.job WHERE name IN ('notification.deliver', 'session.reminder', 'session.no-show-check')`,
};

async function tableCounts(admin: Client): Promise<Record<string, number>> {
  const { rows } = await admin.query(`SELECT ${COUNTED.map((t) => `(SELECT count(*) FROM ${COUNT_FROM[t] ?? t})::int AS "${t}"`).join(', ')}`);
  return rows[0];
}

/** Rows each table grew by (absolute); compare per session. */
function perBooking(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(COUNTED.map((t) => [t, after[t] - before[t]]));
}

const fmtRows = (rows: Record<string, number>) =>
  COUNTED.map((t) => `${t} ${(rows[t] / Math.max(1, rows.sessions)).toFixed(2)}`).join(', ');

/** seedHistory speaks TypeORM's `query`/`transaction`; this is the same over one pg Client. */
function assertAllBooked(phase: string, r: LoadResult): void {
  const other = Object.entries(r.statuses).filter(([status]) => status !== '201');
  if (other.length > 0 || r.ok === 0) {
    throw new Error(`${phase}: not every request booked: ${JSON.stringify(r.statuses)}, errors ${r.errors}\n${r.samples.join('\n')}`);
  }
}

async function capture(app: BenchApp, spec: RequestSpec, captureFile: string): Promise<CapturedRequest> {
  await writeFile(captureFile, '');
  const response = await fetch(app.baseUrl + spec.path, { method: 'POST', headers: { ...spec.headers, 'x-bench-capture': '1' }, body: spec.body });
  if (response.status !== 201) throw new Error(`captured booking answered ${response.status}: ${await response.text()}`);
  for (let i = 0; i < 50; i++) {
    const text = (await readFile(captureFile, 'utf8')).trim();
    if (text) return JSON.parse(text.split('\n').at(-1)!) as CapturedRequest;
    await sleep(20);
  }
  throw new Error('the probe wrote no capture');
}

async function explainMedian(admin: Client, script: PgbenchScript, next: () => number, runs: number) {
  const all: ExplainedStatement[][] = [];
  for (let i = 0; i < runs; i++) all.push(await explainBooking(admin, script, next()));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const statements = all[0].map((first, k) => ({
    ...first,
    planningMs: median(all.map((run) => run[k].planningMs)),
    executionMs: median(all.map((run) => run[k].executionMs)),
  }));
  return {
    statements,
    planning: statements.reduce((acc, x) => acc + x.planningMs, 0),
    total: statements.reduce((acc, x) => acc + x.planningMs + x.executionMs, 0),
  };
}

/** Runs a load phase with the probe's counters and CPU accounting around it. */
async function measure(app: BenchApp, monitor: Client, database: string, run: () => Promise<LoadResult>) {
  await app.stats(true);
  const stop = startCpuWindow({ app: app.process.pid, listBackends: () => backendPids(monitor, database) });
  const s0: ProbeStats = await app.stats();
  const result = await run();
  const cpu = await stop();
  const s1: ProbeStats = await app.stats(true);
  const requests = Math.max(1, s1.requests);
  const probe: ProbeDelta = {
    requests: s1.requests,
    queriesPerRequest: s1.queries / requests,
    dbMsPerRequest: s1.queryNs / 1e6 / requests,
    requestMs: s1.requestNs / 1e6 / requests,
    appCpuMsPerRequest: (s1.cpu.user + s1.cpu.system - s0.cpu.user - s0.cpu.system) / 1000 / requests,
    backgroundQueries: s1.background.queries,
  };
  return { result, cpu, probe };
}

/**
 * Notifications waiting for delivery. Not waited for: pg-boss delivers them at a fixed trickle
 * (batchSize per polling interval), whose CPU cost is negligible next to booking; the backlog is
 * reported because it grows with every booked session.
 */
async function drainJobs(admin: Client): Promise<void> {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'notification.deliver' AND state IN ('created', 'retry') AND start_after <= now()`,
  );
  if (rows[0].n > 0) log(`  (notification.deliver backlog: ${rows[0].n} jobs due)`);
}

/**
 * CPU per booking at the maximum rate, from /proc: what a booking costs the machine whatever share
 * of the cores the other users leave us (the load generator's CPU is not counted).
 */
const appCpuMs = (c: CaseFigures) => ((c.max.cpu.app + c.max.cpu.appBackends + c.max.cpu.jobBackends) * c.max.cpu.seconds * 1000) / c.max.ok;
/** The same for pgbench: its PostgreSQL backends only (its client's CPU is not counted either). */
const pgbenchCpuMs = (c: CaseFigures) => (c.pgbench.cpu.pgbenchBackends * c.pgbench.cpu.seconds * 1000) / c.pgbench.transactions;

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Every run, then the median per side and the large/small ratio of the medians. */
function report(figures: CaseFigures[], labels: string[]): void {
  const metrics: { name: string; pick: (c: CaseFigures) => number; digits: number; compare?: 'higher' | 'lower' }[] = [
    { name: 'app max throughput (bookings/s)', pick: (c) => c.max.tps, digits: 1, compare: 'higher' },
    { name: 'pgbench, same SQL (tps)', pick: (c) => c.pgbench.tps, digits: 1, compare: 'higher' },
    { name: 'ratio app / pgbench (≥ 0.5)', pick: (c) => c.max.tps / c.pgbench.tps, digits: 2 },
    { name: 'service time, 1 connection: p50 (ms)', pick: (c) => c.service.latency.p50, digits: 2, compare: 'lower' },
    { name: 'service time, 1 connection: p95 (ms)', pick: (c) => c.service.latency.p95, digits: 2, compare: 'lower' },
    { name: 'half rate (req/s)', pick: (c) => c.halfRate, digits: 0 },
    { name: 'p50 at half rate, smoothed (ms)', pick: (c) => c.smooth.latency.p50, digits: 1, compare: 'lower' },
    { name: 'p95 at half rate, smoothed (ms)', pick: (c) => c.smooth.latency.p95, digits: 1, compare: 'lower' },
    { name: 'p99 at half rate, smoothed (ms) (< 50)', pick: (c) => c.smooth.latency.p99, digits: 1, compare: 'lower' },
    { name: 'p99 at half rate, autocannon overallRate (ms)', pick: (c) => c.bursty.latency.p99, digits: 1, compare: 'lower' },
    { name: 'queries per booking', pick: (c) => c.service.queriesPerRequest, digits: 1 },
    { name: 'app CPU per booking, 1 connection (ms)', pick: (c) => c.service.appCpuMsPerRequest, digits: 2 },
    { name: 'PostgreSQL backend CPU per booking, 1 connection (ms)', pick: (c) => c.service.backendCpuMsPerRequest, digits: 2 },
    { name: 'waiting on PostgreSQL per booking, client side (ms)', pick: (c) => c.service.dbMsPerRequest, digits: 2 },
    { name: 'server time per booking, EXPLAIN ANALYZE (ms)', pick: (c) => c.explained.total, digits: 2 },
    { name: '… of which planning (literals, never cached) (ms)', pick: (c) => c.explained.planning, digits: 2 },
    { name: 'CPU per booking at max: app + its PG backends + pg-boss (ms)', pick: appCpuMs, digits: 2, compare: 'lower' },
    { name: 'CPU per pgbench transaction: its PG backends (ms)', pick: pgbenchCpuMs, digits: 2, compare: 'lower' },
    { name: 'capacity on 2 free cores, app (bookings/s) = 2000 / CPU per booking', pick: (c) => 2000 / appCpuMs(c), digits: 1, compare: 'higher' },
    { name: 'CPU-normalised ratio app / pgbench', pick: (c) => pgbenchCpuMs(c) / appCpuMs(c), digits: 2 },
    { name: 'app main thread on a core, max run (%)', pick: (c) => c.max.cpu.appThread.running * 100, digits: 0 },
    { name: 'app main thread runnable but waiting for a core, max run (%)', pick: (c) => c.max.cpu.appThread.waiting * 100, digits: 0 },
    { name: 'other CPU during max run (cores)', pick: (c) => c.max.cpu.other, digits: 2 },
  ];
  const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

  log('\nevery run:');
  log('| run | side | rows | load average (1/5/15 min) before | app max | pgbench | ratio | service p50 | p50 / p95 / p99 at half rate, smoothed | p99 overallRate | other CPU |');
  log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const c of figures) {
    log(
      `| ${c.round} | ${c.label} | ${c.rows.toLocaleString('en')} | ${c.loadBefore} | ${fmt(c.max.tps, 1)} | ${fmt(c.pgbench.tps, 1)} | ${fmt(c.max.tps / c.pgbench.tps, 2)} | ` +
        `${fmt(c.service.latency.p50, 2)} ms | ${fmt(c.smooth.latency.p50, 1)} / ${fmt(c.smooth.latency.p95, 1)} / ${fmt(c.smooth.latency.p99, 1)} ms (${c.halfRate}/s) | ` +
        `${fmt(c.bursty.latency.p99, 1)} ms | ${fmt(c.max.cpu.other, 2)} |`,
    );
  }

  const of = (label: string) => figures.filter((c) => c.label === label);
  const [small, large] = labels;
  log(`\nmedians of ${of(small).length} runs per side:`);
  log(`| booking | ${labels.join(' | ')} |${large ? ' large / small |' : ''}`);
  log(`|---|${labels.map(() => '---|').join('')}${large ? '---|' : ''}`);
  const change: Record<string, number> = {};
  for (const m of metrics) {
    const med = labels.map((label) => median(of(label).map(m.pick)));
    let tail = '';
    if (large) {
      const r = med[1] / med[0];
      change[m.name] = r;
      tail = ` ${fmt(r, 3)} |`;
    }
    log(`| ${m.name} | ${med.map((x) => fmt(x, m.digits)).join(' | ')} |${tail}`);
  }

  const ratio = median(of(small).map((c) => c.max.tps / c.pgbench.tps));
  const p99 = median(of(small).map((c) => c.smooth.latency.p99));
  log(`\ntargets (small side, medians): ratio app / pgbench ${ratio.toFixed(2)} ${ratio >= 0.5 ? 'OK' : 'MISSED'} (≥ 0.5); p99 at half rate ${p99.toFixed(1)} ms ${p99 < 50 ? 'OK' : 'MISSED'} (< 50 ms)`);
  if (large) {
    const ratioLarge = median(of(large).map((c) => c.max.tps / c.pgbench.tps));
    const p99Large = median(of(large).map((c) => c.smooth.latency.p99));
    log(`targets (1M side, medians): ratio ${ratioLarge.toFixed(2)} ${ratioLarge >= 0.5 ? 'OK' : 'MISSED'}; p99 at half rate ${p99Large.toFixed(1)} ms ${p99Large < 50 ? 'OK' : 'MISSED'}`);
    const within = (name: string) => {
      const d = (change[name] - 1) * 100;
      return `${d >= 0 ? '+' : ''}${d.toFixed(1)} % ${Math.abs(d) <= 20 ? 'OK' : 'MISSED'}`;
    };
    log(
      `1M rows vs small (medians, within 20 %): throughput ${within('app max throughput (bookings/s)')}; ` +
        `service time p50 ${within('service time, 1 connection: p50 (ms)')}; p99 at half rate ${within('p99 at half rate, smoothed (ms) (< 50)')}; ` +
        `pgbench ${within('pgbench, same SQL (tps)')}; CPU per booking ${within('CPU per booking at max: app + its PG backends + pg-boss (ms)')}`,
    );
  }
}
