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
import { seedHistory } from './support/seed';
import { buildPgbenchScript, CapturedRequest, ExplainedStatement, explainBooking, PgbenchResult, PgbenchScript, runPgbench } from './support/booking/pgbench';

// `npm run bench:booking` — POST /api/v1/sessions under autocannon against the built app in its own
// process, divided by pgbench's TPS for the same SQL transaction on the same database in the same
// run; p50/p95/p99 at half the app's maximum rate; the same again with 1,000,000 rows in `sessions`.
// Settings (environment): BENCH_CONNECTIONS (16), BENCH_SECONDS (20), BENCH_ENTITIES (2000),
// BENCH_HISTORY_ROWS (1000000; 0 skips the large case), BENCH_LOG_LEVEL (info, the app's default),
// BENCH_CPU_PROF=1 (writes a .cpuprofile of the app to the work directory).
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const CONNECTIONS = num('BENCH_CONNECTIONS', 16);
const SECONDS = num('BENCH_SECONDS', 20);
const ENTITIES = num('BENCH_ENTITIES', 2000);
const HISTORY_ROWS = num('BENCH_HISTORY_ROWS', 1_000_000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const ROUTE = '/api/v1/sessions';

const log = (line: string) => process.stdout.write(`${line}\n`);

interface CaseFigures {
  label: string;
  rows: number;
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

describe('booking benchmark (POST /api/v1/sessions)', () => {
  it(
    'reaches half of pgbench on the same SQL, p99 < 50 ms at half rate, and stays flat with 1M sessions',
    async () => {
      const databaseUrl = process.env.TEST_DATABASE_URL!;
      const database = new URL(databaseUrl).pathname.slice(1);
      const work = await mkdtemp(join(tmpdir(), 'kinbridge-bench-booking-'));
      chmodSync(work, 0o755);
      log(`booking benchmark: ${cores()} cores, load average ${load()}, database ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
      log(`settings: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ENTITIES} stations/children/guardians/staff, LOG_LEVEL=${LOG_LEVEL}; work dir ${work}`);

      const admin = new Client({ connectionString: databaseUrl, application_name: 'bench-admin' });
      await admin.connect();
      // A second connection samples backend pids while `admin` is busy (e.g. counting rows).
      const monitor = new Client({ connectionString: databaseUrl, application_name: 'bench-monitor' });
      await monitor.connect();
      const world: BookingWorld = planWorld(ENTITIES);
      let t = performance.now();
      await createWorld(admin, world);
      log(`fixtures: ${world.hubs} hubs × ${world.stationsPerHub} stations, ${ENTITIES} children/guardians/links/consents/staff in ${((performance.now() - t) / 1000).toFixed(1)} s`);

      const tokens = new TokenService(new JwtService({ secret: TEST_JWT_SECRET }));
      const bearer = Array.from({ length: ENTITIES }, (_, e) => `Bearer ${tokens.signAccessToken(booking(world, e).userId, 'user', 'hub_staff').accessToken}`);
      const runTag = Date.now().toString(36);
      const request = (n: number): RequestSpec => {
        const b = booking(world, n);
        return {
          path: ROUTE,
          headers: { 'content-type': 'application/json', authorization: bearer[b.entity], 'idempotency-key': `bench-${runTag}-${n}` },
          body: JSON.stringify(bookingBody(b)),
        };
      };
      // Booking numbers are handed out once: every request and every pgbench transaction books its own slot.
      let nextN = 0;
      const feed = (precompute: number) => {
        const start = nextN;
        const f = new RequestFeed((i) => request(start + i), precompute);
        return { feed: f, done: () => (nextN = start + f.used) };
      };

      const captureFile = join(work, 'capture.jsonl');
      const app = await startBenchApp({
        main: BENCH_MAIN,
        databaseUrl,
        jwtSecret: TEST_JWT_SECRET,
        captureFile,
        logDir: work,
        logLevel: LOG_LEVEL,
      });
      try {
        // One booking by hand: it must work before anything is measured.
        const first = request(nextN++);
        const response = await fetch(app.baseUrl + first.path, { method: 'POST', headers: first.headers, body: first.body });
        if (response.status !== 201) throw new Error(`POST ${ROUTE} answered ${response.status}: ${await response.text()}`);

        // Warm-up (JIT, pool): not measured.
        {
          const { feed: f, done } = feed(2000);
          const warm = await closedLoop(app.baseUrl, f, CONNECTIONS, 5);
          done();
          assertAllBooked('warm-up', warm);
          log(`warm-up: ${warm.ok} bookings, ${warm.tps.toFixed(0)}/s`);
        }

        // Capture the SQL of ONE booking, as the app runs it.
        const capturedN = nextN++;
        const captured = await capture(app, request(capturedN), captureFile);
        const capturedAt = Date.now();
        log(`captured one booking: ${captured.statements.length} statements (round trips), ${captured.ms.toFixed(1)} ms in the app:`);
        captured.statements.forEach((s, i) => log(`  ${String(i).padStart(2)} ${s.ms.toFixed(2).padStart(6)} ms  ${s.text.replace(/\s+/g, ' ').slice(0, 110)}`));
        const pgScript = await buildPgbenchScript(admin, captured, world, booking(world, capturedN), request(capturedN).headers['idempotency-key'], capturedAt);
        const scriptFile = join(work, 'booking.pgbench.sql');
        await writeFile(scriptFile, pgScript.script);
        log(`pgbench script: ${scriptFile} (${pgScript.statements} statements)`);

        const runCase = async (label: string): Promise<CaseFigures> => {
          const rows = Number((await admin.query('SELECT count(*) FROM sessions')).rows[0].count);
          log(`\n== ${label}: ${rows.toLocaleString('en')} rows in sessions; load average ${load()} ==`);
          await drainJobs(admin);

          // 1. Service time: one connection, no queueing.
          const service = await measure(app, monitor, database, async () => {
            const { feed: f, done } = feed(3000);
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
            const { feed: f, done } = feed(Math.ceil(SECONDS * 2000));
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
          const offset = nextN;
          const pg = await runPgbench({ databaseUrl, scriptFile, script: pgScript.script, clients: CONNECTIONS, threads: 2, seconds: SECONDS, offset });
          const pgCpu = await stopCpu();
          nextN = offset + CONNECTIONS * (pg.transactions + 2);
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
               FROM sessions s WHERE s.hub_id::text LIKE 'b0000000-%' AND s.status = 'booked'`,
          );
          log(`  check: ${consistency[0].reminded} of ${consistency[0].sessions} benchmark bookings (app and pgbench) have their 24 h reminder at the right time`);
          const pgbench = { ...pg, cpu: pgCpu };
          log(`pgbench: ${pg.tps.toFixed(1)} tps (${pg.transactions} bookings, ${pg.failed} failed, latency average ${pg.latencyMs} ms; -c ${CONNECTIONS} -j 2 -M extended)`);
          log(`  ${fmtCpu(pgCpu).replace('other', 'other (incl. the pgbench client)')}`);
          log(`ratio app / pgbench = ${(max.tps / pg.tps).toFixed(2)}  (target ≥ 0.5)`);
          await drainJobs(admin);

          // Where the database time goes: each statement under EXPLAIN ANALYZE (median of 15 bookings, rolled back).
          const explained = await explainMedian(admin, pgScript, () => nextN++, 15);
          log(`  server time per statement (EXPLAIN ANALYZE, median of 15): total ${explained.total.toFixed(2)} ms (planning ${explained.planning.toFixed(2)} ms)`);
          for (const e of explained.statements.filter((x) => x.planningMs + x.executionMs >= 0.1)) {
            log(`    #${String(e.index - 0).padStart(2)} plan ${e.planningMs.toFixed(2).padStart(6)} ms  exec ${e.executionMs.toFixed(2).padStart(6)} ms  ${e.sql.slice(0, 90)}`);
          }

          // 4. Half the app's maximum rate.
          const halfRate = Math.max(1, Math.round(max.tps / 2));
          const burstyRun = await measure(app, monitor, database, async () => {
            const { feed: f, done } = feed(Math.ceil(halfRate * SECONDS * 1.2));
            const r = await fixedRate(app.baseUrl, f, halfRate, CONNECTIONS, SECONDS);
            done();
            return r;
          });
          assertAllBooked('half rate', burstyRun.result);
          log(`half rate ${halfRate}/s, autocannon overallRate (${CONNECTIONS} connections, refilled each second): ${burstyRun.result.tps.toFixed(1)}/s, ${fmtLatency(burstyRun.result)}`);
          await drainJobs(admin);
          const smoothRun = await measure(app, monitor, database, async () => {
            const { feed: f, done } = feed(Math.ceil(halfRate * SECONDS * 1.2));
            const r = await fixedRateSmoothed(app.baseUrl, f, halfRate, 20, SECONDS);
            done();
            return r;
          });
          assertAllBooked('half rate (smoothed)', smoothRun.result);
          log(`half rate ${halfRate}/s, smoothed (20 autocannon instances 50 ms apart): ${smoothRun.result.tps.toFixed(1)}/s, ${fmtLatency(smoothRun.result)}`);
          log(`  requests over 50 ms by second of the run: ${smoothRun.result.slowSeconds || 'none'}`);
          log(`  ${fmtCpu(smoothRun.cpu)}`);
          await drainJobs(admin);
          return {
            label,
            rows,
            service: st,
            max,
            pgbench,
            halfRate,
            explained,
            bursty: { ...burstyRun.result, cpu: burstyRun.cpu },
            smooth: { ...smoothRun.result, cpu: smoothRun.cpu },
          };
        };

        const small = await runCase('small table');
        if (process.env.BENCH_CPU_PROF) {
          // A separate run under the sampling profiler (it slows the app, so its rate is not a figure).
          const file = join(work, 'app-small.cpuprofile');
          await fetch(`${app.baseUrl}/__bench/profile?start`);
          const { feed: f, done } = feed(SECONDS * 2000);
          const profiled = await closedLoop(app.baseUrl, f, CONNECTIONS, Math.min(10, SECONDS));
          done();
          await fetch(`${app.baseUrl}/__bench/profile?stop=${encodeURIComponent(file)}`);
          log(`\nprofiled run: ${profiled.tps.toFixed(1)} bookings/s under the profiler`);
          for (const line of await summarizeProfile(file)) log(line);
        }
        let large: CaseFigures | undefined;
        if (HISTORY_ROWS > 0) {
          const have = Number((await admin.query('SELECT count(*) FROM sessions')).rows[0].count);
          const missing = Math.max(0, HISTORY_ROWS - have);
          t = performance.now();
          if (process.env.BENCH_HISTORY === 'same-entities') {
            // History on the benchmark's own stations, children, guardians and supervisors.
            await insertHistory(admin, world, missing);
          } else {
            // The slots benchmark's generator: other hubs' history (and a little future), 10,000 sessions per hub.
            const seedDb = new DataSource({ type: 'postgres', url: databaseUrl, applicationName: 'bench-seed' });
            await seedDb.initialize();
            try {
              await seedHistory(seedDb, { sessions: missing });
            } finally {
              await seedDb.destroy();
            }
          }
          await admin.query('VACUUM ANALYZE sessions');
          log(`\nhistory: +${missing.toLocaleString('en')} sessions (${process.env.BENCH_HISTORY ?? 'seedHistory'}) in ${((performance.now() - t) / 1000).toFixed(0)} s, then VACUUM ANALYZE`);
          large = await runCase('1M sessions');
        }
        report(small, large);
      } finally {
        await app.stop();
        await admin.end();
        await monitor.end();
        log(`\nwork dir (capture, pgbench script, app log${process.env.BENCH_CPU_PROF ? ', cpu profile' : ''}): ${work}`);
      }
    },
    3 * 3600_000,
  );
});

const COUNTED = ['sessions', 'idempotency_keys', 'audit_log', 'notifications', 'pgboss.job'];

async function tableCounts(admin: Client): Promise<Record<string, number>> {
  const { rows } = await admin.query(`SELECT ${COUNTED.map((t) => `(SELECT count(*) FROM ${t})::int AS "${t}"`).join(', ')}`);
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

function report(small: CaseFigures, large?: CaseFigures): void {
  const rows: [string, (c: CaseFigures) => string][] = [
    ['rows in sessions', (c) => c.rows.toLocaleString('en')],
    ['app max throughput (bookings/s)', (c) => c.max.tps.toFixed(1)],
    ['pgbench, same SQL (tps)', (c) => c.pgbench.tps.toFixed(1)],
    ['ratio app / pgbench (≥ 0.5)', (c) => (c.max.tps / c.pgbench.tps).toFixed(2)],
    ['half rate (req/s)', (c) => String(c.halfRate)],
    ['p50 / p95 / p99 at half rate, smoothed (ms)', (c) => `${c.smooth.latency.p50.toFixed(1)} / ${c.smooth.latency.p95.toFixed(1)} / ${c.smooth.latency.p99.toFixed(1)}`],
    ['p50 / p95 / p99 at half rate, autocannon overallRate (ms)', (c) => `${c.bursty.latency.p50.toFixed(1)} / ${c.bursty.latency.p95.toFixed(1)} / ${c.bursty.latency.p99.toFixed(1)}`],
    ['service time, 1 connection: p50 (ms)', (c) => c.service.latency.p50.toFixed(1)],
    ['queries per booking', (c) => c.service.queriesPerRequest.toFixed(1)],
    ['app CPU per booking (ms)', (c) => c.service.appCpuMsPerRequest.toFixed(2)],
    ['PostgreSQL backend CPU per booking (ms)', (c) => c.service.backendCpuMsPerRequest.toFixed(2)],
    ['waiting on PostgreSQL per booking, client side (ms)', (c) => c.service.dbMsPerRequest.toFixed(2)],
    ['server time per booking, EXPLAIN ANALYZE (ms)', (c) => `${c.explained.total.toFixed(2)} (planning ${c.explained.planning.toFixed(2)})`],
    ['load average before max run', (c) => c.max.cpu.loadBefore],
  ];
  const cases = large ? [small, large] : [small];
  log('\n| booking | ' + cases.map((c) => c.label).join(' | ') + (large ? ' | change |' : ' |'));
  log('|---|' + cases.map(() => '---|').join('') + (large ? '---|' : ''));
  for (const [name, value] of rows) {
    let change = '';
    if (large && /throughput|tps|p50 \/|service time/.test(name)) {
      const pick = (c: CaseFigures) =>
        name.includes('throughput') ? c.max.tps : name.includes('pgbench') ? c.pgbench.tps : name.includes('smoothed') ? c.smooth.latency.p99 : name.includes('overallRate') ? c.bursty.latency.p99 : c.service.latency.p50;
      const d = (pick(large) / pick(small) - 1) * 100;
      change = ` ${d >= 0 ? '+' : ''}${d.toFixed(0)} %${name.includes('p50 /') ? ' (p99)' : ''} |`;
    } else if (large) change = ' |';
    log(`| ${name} | ${cases.map(value).join(' | ')} |${change}`);
  }
  const ratio = small.max.tps / small.pgbench.tps;
  log(`\ntargets: ratio ${ratio.toFixed(2)} ${ratio >= 0.5 ? 'OK' : 'MISSED'} (≥ 0.5); p99 at half rate ${small.smooth.latency.p99.toFixed(1)} ms ${small.smooth.latency.p99 < 50 ? 'OK' : 'MISSED'} (< 50 ms)`);
  if (large) {
    const dt = Math.abs(large.max.tps / small.max.tps - 1) * 100;
    const dl = Math.abs(large.smooth.latency.p99 / small.smooth.latency.p99 - 1) * 100;
    log(`1M rows: throughput ${dt.toFixed(0)} % ${dt <= 20 ? 'OK' : 'MISSED'}, p99 ${dl.toFixed(0)} % ${dl <= 20 ? 'OK' : 'MISSED'} (within 20 %)`);
  }
}
