import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { Instance, logDir, withClient } from '../bench/support/cluster';
import { summarize } from '../bench/support/latency';
import { bookingRequest, Network, seedNetwork } from '../bench/support/network';
import { sendWithRetry } from './flaky-client';
import { OwnPostgres } from './own-postgres';

// `npm run test:faults` — issue #6: PostgreSQL restarted under load. The app runs on a cluster of
// this test's own (stopped with `pg_ctl stop -m fast` right after a burst of bookings, started again 4 s later) while 8 clients
// keep reading and booking: during the outage every request answers 503 problem+json at once (no
// 500, no hang, the process stays up); afterwards the same process serves 2xx again by itself, and a
// booking refused with 503 and sent again with its Idempotency-Key is stored exactly once.

type Sample = { phase: 'before' | 'down' | 'after'; route: string; status: number | 'network'; code?: string; contentType: string | null; ms: number; at: number };

describe('faults: PostgreSQL restarted under load', () => {
  let pg: OwnPostgres;
  let app: Instance;
  let net: Network;

  beforeAll(async () => {
    const dir = logDir();
    mkdirSync(dir, { recursive: true });
    pg = await OwnPostgres.create();
    await withClient(pg.url(), (c) => c.query('CREATE DATABASE kinbridge'));
    app = await Instance.start({ name: 'app', databaseUrl: pg.url('kinbridge'), logFile: join(dir, `faults-pg-restart-${Date.now()}.log`), env: { JOBS_POLL_INTERVAL_SECONDS: '0.5' } });
    const admin = new Client({ connectionString: pg.url('kinbridge') });
    await admin.connect();
    net = await seedNetwork(admin, { hubs: 2, stations: 3, children: 20, pastPerHub: 5, checkInPerStation: 1 });
    await admin.end();
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await pg?.dispose();
  }, 60_000);

  it('answers 503 problem+json while it is down and recovers by itself', async () => {
    const pid = app.pid;
    let phase: Sample['phase'] = 'before';
    let stop = false;
    const samples: Sample[] = [];
    const bookings: { k: number; key: string; body: unknown; token: string; status: number | 'network'; id?: string }[] = [];
    let nextBooking = 0;
    const runTag = Date.now().toString(36);

    const newBooking = () => {
      const k = nextBooking++;
      const r = bookingRequest(net, k);
      const booking: (typeof bookings)[number] = { k, key: `pg-${runTag}-${k}`, body: r.body, token: net.staffToken(r.hub, r.station), status: 'network' };
      bookings.push(booking);
      const request = { method: 'POST', path: '/api/v1/sessions', headers: { authorization: `Bearer ${booking.token}`, 'idempotency-key': booking.key }, body: r.body };
      return { booking, request };
    };
    const worker = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const kind = (w + n) % 4;
        let request: { method: string; path: string; headers: Record<string, string>; body?: unknown };
        let route: string;
        let booking: (typeof bookings)[number] | undefined;
        if (kind === 0) {
          ({ booking, request } = newBooking());
          route = 'POST /sessions';
        } else if (kind === 1) {
          route = 'GET /alerts';
          request = { method: 'GET', path: '/api/v1/alerts', headers: { authorization: `Bearer ${net.counselorToken(w % 2)}` } };
        } else if (kind === 2) {
          route = 'GET /health';
          request = { method: 'GET', path: '/health', headers: {} };
        } else {
          const child = `d2000000-0000-4000-8000-${((w % 2) * 20 + (n % 20)).toString(16).padStart(12, '0')}`;
          const q = new URLSearchParams({ childId: child, guardianId: child.replace(/^d2/, 'd3'), from: new Date(net.bookingBase).toISOString(), to: new Date(net.bookingBase + 86_400_000).toISOString(), durationMinutes: '30' });
          route = 'GET /slots';
          request = { method: 'GET', path: `/api/v1/slots?${q}`, headers: { authorization: `Bearer ${net.staffToken(w % 2, 0)}` } };
        }
        const at = Date.now();
        const { final } = await sendWithRetry([app.baseUrl], 0, request, { deadlineMs: 0, retryOn503: false });
        samples.push({ phase, route, status: final.status, code: final.status === 'network' ? String(final.body) : final.body?.code, contentType: final.body?.contentType ?? null, ms: final.ms, at });
        if (booking) {
          booking.status = final.status;
          booking.id = final.status === 201 ? final.body.id : undefined;
        }
        await sleep(20);
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));

    await sleep(1000);
    // A burst of bookings just before the stop: their notification jobs (2 each) are being delivered
    // by the job workers when the database goes, so a failing job meets a failing pg-boss too.
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        const { booking, request } = newBooking();
        const { final } = await sendWithRetry([app.baseUrl], 0, request, { deadlineMs: 0, retryOn503: false });
        booking.status = final.status;
        booking.id = final.status === 201 ? final.body.id : undefined;
      }),
    );
    await sleep(700);
    phase = 'down';
    const downAt = Date.now();
    await pg.stop('fast');
    await sleep(4000);
    await pg.start();
    const upAt = Date.now();
    phase = 'after';
    // Recovered: every route answered 2xx in the last second, by the same process.
    const deadline = Date.now() + 30_000;
    let recoveredAt = 0;
    for (;;) {
      const recent = samples.filter((s) => s.at > Date.now() - 1000 && s.at > upAt);
      const routes = new Set(recent.map((s) => s.route));
      if (routes.size === 4 && recent.every((s) => typeof s.status === 'number' && s.status < 300)) {
        recoveredAt = Math.min(...samples.filter((s) => s.at > upAt && typeof s.status === 'number' && s.status < 300).map((s) => s.at));
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    await sleep(1000);
    stop = true;
    await Promise.all(workers);

    const refused = samples.filter((s) => s.status === 503);
    const latency = summarize(refused.map((s) => s.ms));
    const count = (p: Sample['phase']) => samples.filter((s) => s.phase === p).length;
    process.stdout.write(
      `PostgreSQL stopped (fast) for ${((upAt - downAt) / 1000).toFixed(1)} s under 8 clients: ${count('before')} requests before, ${count('down')} during, ${count('after')} after; ` +
        `${refused.length} answered 503 (p50 ${latency.p50} ms, max ${latency.max} ms); ` +
        `every route 2xx again ${recoveredAt ? ((recoveredAt - upAt) / 1000).toFixed(1) + ' s after the restart' : 'NEVER'}\n`,
    );

    // The process never went away (an unhandled rejection while the database is down would end it) …
    if (!app.running) throw new Error(`the app exited during the outage (${app.process.exitCode ?? app.process.signalCode}):\n${app.logTail(2500)}`);
    // … and answered nothing but 2xx and 503 problem+json SERVICE_UNAVAILABLE.
    const bad = samples.filter((s) => !(typeof s.status === 'number' && (s.status < 300 || (s.status === 503 && s.code === 'SERVICE_UNAVAILABLE' && s.contentType?.startsWith('application/problem+json')))));
    expect(bad).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(samples.filter((s) => s.phase === 'down' && s.status === 503).length).toBeGreaterThan(0);
    expect(recoveredAt).toBeGreaterThan(0);
    expect(app.running && app.pid === pid).toBe(true);

    // Bookings refused with 503 go again with the same Idempotency-Key: each is stored once.
    for (const b of bookings.filter((x) => x.status !== 201)) {
      const { final } = await sendWithRetry([app.baseUrl], 0, { method: 'POST', path: '/api/v1/sessions', headers: { authorization: `Bearer ${b.token}`, 'idempotency-key': b.key }, body: b.body });
      expect(final.status).toBe(201);
      b.id = final.body.id;
    }
    const rows = await withClient(pg.url('kinbridge'), (c) => c.query(`SELECT id FROM sessions WHERE starts_at >= $1`, [new Date(net.bookingBase)]));
    expect(rows.rows.map((r: { id: string }) => r.id).sort()).toEqual(bookings.map((b) => b.id).sort());
  }, 120_000);
});
