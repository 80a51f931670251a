import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { TokenService } from '../../src/common/auth/token.service';
import { FixedClock } from '../../src/common/clock';
import { BOOKING_CONTEXT_SQL, bookingContextParams, type BookingContextRequest } from '../../src/slots/booking-context.loader';
import { startTestApp, TestApp } from '../support/test-app';
import { formatSummary, type LatencySummary, measureSequential } from './support/latency';
import { type BusyHub, seedBusyHub, seedHistory } from './support/seed';

// `npm run bench:slots` — GET /api/v1/slots over HTTP against the real app (issue #3, PRODUCT.md):
// a hub with 20 stations and 2,000 booked sessions, p95 < 20 ms; then again with the sessions
// table grown to 1,000,000 rows (other hubs' history and bookings): p95 within 20 % of the first.
// KINBRIDGE_BENCH_HISTORY=<rows> changes the second size (e.g. 100000 for a quick try).

const NOW = DateTime.fromISO('2026-06-01T00:00:00Z');
const HISTORY_ROWS = Number(process.env.KINBRIDGE_BENCH_HISTORY ?? 1_000_000);
const WARMUP = 100;
const RUNS = 600;
const P95_TARGET_MS = 20;
const MAX_RATIO = 1.2;

describe('slot search benchmark', () => {
  let t: TestApp;
  let hub: BusyHub;
  let baseUrl: string;
  let token: string;
  const results: Record<string, { http: LatencySummary; sql: LatencySummary; slots: number; rows: number }> = {};

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(NOW) });
    const seeded = performance.now();
    hub = await seedBusyHub(t.db, { now: NOW.toJSDate(), stations: 20, sessions: 2000, days: 28 });
    console.log(`busy hub: ${hub.stationIds.length} stations, ${hub.sessions} booked sessions over 28 days (${(performance.now() - seeded).toFixed(0)} ms to seed)`);
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    token = t.app.get(TokenService).signAccessToken(hub.staffIds[0], 'user', 'hub_staff').accessToken;
  }, 120_000);
  afterAll(() => t?.close());

  /** Request i: one of 20 children (each with their own guardian), one of 4 week-long ranges starting on days 1–4. */
  function requestFor(i: number): { url: string; loader: BookingContextRequest } {
    const k = i % 20;
    const from = NOW.setZone(hub.hubTimeZone).startOf('day').plus({ days: 1 + (i % 4) });
    const to = from.plus({ days: 7 });
    const query = new URLSearchParams({
      childId: hub.childIds[k],
      guardianId: hub.guardianIds[k],
      from: from.toISO() as string,
      to: to.toISO() as string,
      durationMinutes: '30',
    });
    return {
      url: `${baseUrl}/api/v1/slots?${query}`,
      loader: {
        childId: hub.childIds[k],
        guardianId: hub.guardianIds[k],
        kind: 'supervised',
        from: from.toMillis(),
        to: to.toMillis() + 30 * 60_000,
        supervisorId: hub.staffIds[0],
      },
    };
  }

  async function measure(label: string): Promise<void> {
    const [{ rows }] = await t.db.query(`SELECT count(*)::int AS rows FROM sessions`);
    let slots = 0;
    const http = await measureSequential(
      async (i) => {
        const response = await fetch(requestFor(i).url, { headers: { Authorization: `Bearer ${token}` } });
        const body = (await response.json()) as { items: unknown[] };
        if (response.status !== 200) throw new Error(`GET /slots answered ${response.status}: ${JSON.stringify(body)}`);
        slots = body.items.length;
      },
      { warmup: WARMUP, runs: RUNS },
    );
    // The loader's one statement alone, on the same pool, for the breakdown.
    const sql = await measureSequential(
      async (i) => {
        await t.db.query(BOOKING_CONTEXT_SQL, bookingContextParams(requestFor(i).loader));
      },
      { warmup: 50, runs: 300 },
    );
    const [plan] = await t.db.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${BOOKING_CONTEXT_SQL}`, bookingContextParams(requestFor(0).loader));
    const indexes = new Set<string>();
    const seqScans = new Set<string>();
    const walk = (node: Record<string, unknown>) => {
      if (typeof node['Index Name'] === 'string') indexes.add(node['Index Name']);
      if (node['Node Type'] === 'Seq Scan') seqScans.add(String(node['Relation Name']));
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    const explained = plan['QUERY PLAN'][0];
    walk(explained.Plan);
    results[label] = { http, sql, slots, rows };
    console.log(
      [
        `── ${label}: ${rows.toLocaleString('en')} rows in sessions`,
        formatSummary('  GET /api/v1/slots (HTTP, sequential)', http),
        formatSummary('  loader SQL alone', sql),
        `  slots per answer (last request): ${slots}`,
        `  EXPLAIN ANALYZE: execution ${explained['Execution Time'].toFixed(2)} ms, planning ${explained['Planning Time'].toFixed(2)} ms; ` +
          `indexes ${[...indexes].sort().join(', ')}; seq scans ${[...seqScans].sort().join(', ') || 'none'}`,
      ].join('\n'),
    );
  }

  it(
    'answers a week of slots for a 20-station hub with 2,000 sessions in p95 < 20 ms, and stays within 20 % at 1M rows',
    async () => {
      await measure('small');
      const history = await seedHistory(t.db, { sessions: HISTORY_ROWS, now: NOW.toJSDate() });
      console.log(
        `history: ${history.inserted ? 'inserted' : 'already present:'} ${history.sessions.toLocaleString('en')} sessions over ${history.hubs} hubs ` +
          `in ${(history.elapsedMs / 1000).toFixed(1)} s (incl. ANALYZE)`,
      );
      await measure('large');

      const small = results.small;
      const large = results.large;
      const ratio = large.http.p95 / small.http.p95;
      console.log(
        [
          '── slot search summary',
          `  p95 small ${small.http.p95.toFixed(2)} ms (target < ${P95_TARGET_MS} ms) · p95 large ${large.http.p95.toFixed(2)} ms`,
          `  ratio large/small: p95 ${ratio.toFixed(3)} (target ≤ ${MAX_RATIO}), p50 ${(large.http.p50 / small.http.p50).toFixed(3)}, ` +
            `SQL p50 ${(large.sql.p50 / small.sql.p50).toFixed(3)}`,
        ].join('\n'),
      );
      expect(small.slots).toBeGreaterThan(0);
      expect(small.http.p95).toBeLessThan(P95_TARGET_MS);
      expect(large.http.p95).toBeLessThan(P95_TARGET_MS);
      expect(ratio).toBeLessThanOrEqual(MAX_RATIO);
    },
    30 * 60_000,
  );
});
