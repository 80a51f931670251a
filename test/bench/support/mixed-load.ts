import { performance } from 'node:perf_hooks';
import { type LatencySummary, summarize } from './latency';
import { bookingRequest, type Network } from './network';

/** One HTTP call of the mixed day. */
export interface Call {
  route: string;
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
  idempotencyKey?: string;
  expect: number;
}

/** A task is one or more calls made one after another (a visit: check-in, then the child's assent). */
export type Task = Call[];

export const MIX = { slots: 0.25, booking: 0.15, visit: 0.1, wellbeing: 0.1, alerts: 0.25, timeline: 0.15 } as const;

/** Hands out the fixtures each task consumes, so no session is checked in or checked twice across phases. */
export class MixedDay {
  private booking = 0;
  private visit = 0;
  private check = 0;
  private n = 0;

  constructor(
    private readonly net: Network,
    private readonly runTag: string,
  ) {}

  /** `count` tasks in the proportions of MIX, interleaved (a fixed pattern, not random: runs compare). */
  tasks(count: number): Task[] {
    const pattern = weightedPattern(MIX, 20);
    return Array.from({ length: count }, () => this.task(pattern[this.n++ % pattern.length]));
  }

  private task(kind: keyof typeof MIX): Task {
    const net = this.net;
    const i = this.n;
    const H = net.plan.hubs;
    const hub = i % H;
    const child = `d2000000-0000-4000-8000-${(hub * net.plan.children + ((i * 7) % net.plan.children)).toString(16).padStart(12, '0')}`;
    const guardian = child.replace(/^d2/, 'd3');
    switch (kind) {
      case 'slots': {
        const from = new Date(net.bookingBase + (i % 5) * 86_400_000);
        const to = new Date(from.getTime() + 3 * 86_400_000);
        const q = new URLSearchParams({ childId: child, guardianId: guardian, from: from.toISOString(), to: to.toISOString(), durationMinutes: '30' });
        return [{ route: 'GET /slots', method: 'GET', path: `/api/v1/slots?${q}`, token: net.staffToken(hub, i % net.plan.stations), expect: 200 }];
      }
      case 'booking': {
        const b = bookingRequest(net, this.booking++);
        return [
          {
            route: 'POST /sessions',
            method: 'POST',
            path: '/api/v1/sessions',
            token: net.staffToken(b.hub, b.station),
            body: b.body,
            idempotencyKey: `load-${this.runTag}-${this.booking}`,
            expect: 201,
          },
        ];
      }
      case 'visit': {
        const s = net.checkIns[this.visit++];
        if (!s) throw new Error('out of check-in sessions: raise checkInPerStation');
        const token = net.staffToken(s.hub, s.station);
        return [
          { route: 'POST /sessions/:id/check-in', method: 'POST', path: `/api/v1/sessions/${s.id}/check-in`, token, expect: 200 },
          { route: 'POST /sessions/:id/assent', method: 'POST', path: `/api/v1/sessions/${s.id}/assent`, token, body: { response: 'yes' }, expect: 200 },
        ];
      }
      case 'wellbeing': {
        const s = net.past[this.check++];
        if (!s) throw new Error('out of past sessions: raise pastPerHub');
        const k = this.check;
        const answers = { feelingNow: 1 + (k % 5), callFeeling: 1 + ((k >> 1) % 5), thermometer: k % 11, wantsToTalk: k % 4 === 0 };
        return [
          { route: 'POST /sessions/:id/wellbeing-check', method: 'POST', path: `/api/v1/sessions/${s.id}/wellbeing-check`, token: net.staffToken(s.hub, 0), body: { answers }, expect: 201 },
        ];
      }
      case 'alerts':
        return [{ route: 'GET /alerts', method: 'GET', path: '/api/v1/alerts?pageSize=20', token: net.counselorToken(hub), expect: 200 }];
      case 'timeline':
        return [{ route: 'GET /children/:id/timeline', method: 'GET', path: `/api/v1/children/${child}/timeline`, token: net.counselorToken(hub), expect: 200 }];
    }
  }
}

function weightedPattern<K extends string>(weights: Record<K, number>, length: number): K[] {
  // Largest-remainder spread of `length` slots, then interleaved so the kinds alternate.
  const keys = Object.keys(weights) as K[];
  const counts = new Map(keys.map((k) => [k, Math.round(weights[k] * length)]));
  const out: K[] = [];
  while (out.length < length && [...counts.values()].some((c) => c > 0)) {
    for (const k of keys) {
      const c = counts.get(k)!;
      if (c > 0) {
        out.push(k);
        counts.set(k, c - 1);
      }
    }
  }
  return out;
}

export interface RunResult {
  seconds: number;
  requests: number;
  perRoute: Map<string, number[]>;
  errors: { route: string; status: number | string; body: string }[];
}

/**
 * Closed loop: `concurrency` workers take tasks in order; call number c goes to `bases[c % n]`
 * (round-robin across instances). Every unexpected status or network error is kept.
 */
export async function runTasks(bases: string[], tasks: Task[], concurrency: number): Promise<RunResult> {
  const perRoute = new Map<string, number[]>();
  const errors: RunResult['errors'] = [];
  let next = 0;
  let calls = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const task = tasks[next++];
      if (!task) return;
      for (const call of task) {
        const base = bases[calls++ % bases.length];
        const headers: Record<string, string> = { authorization: `Bearer ${call.token}` };
        if (call.body !== undefined) headers['content-type'] = 'application/json';
        if (call.idempotencyKey) headers['idempotency-key'] = call.idempotencyKey;
        const started = performance.now();
        try {
          const response = await fetch(base + call.path, { method: call.method, headers, body: call.body === undefined ? undefined : JSON.stringify(call.body) });
          const text = await response.text();
          const ms = performance.now() - started;
          if (response.status !== call.expect) {
            errors.push({ route: call.route, status: response.status, body: text.slice(0, 300) });
            break; // the rest of the task depends on this call
          }
          const list = perRoute.get(call.route) ?? [];
          list.push(ms);
          perRoute.set(call.route, list);
        } catch (error) {
          errors.push({ route: call.route, status: 'network', body: String((error as Error).cause ?? error).slice(0, 300) });
          break;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, requests: [...perRoute.values()].reduce((a, l) => a + l.length, 0) + errors.length, perRoute, errors };
}

export function routeTable(result: RunResult): string[] {
  const rows: [string, LatencySummary][] = [...result.perRoute].sort(([a], [b]) => a.localeCompare(b)).map(([route, ms]) => [route, summarize(ms)]);
  return rows.map(
    ([route, s]) =>
      `  ${route.padEnd(36)} ${String(s.runs).padStart(5)} ok  ${(s.runs / result.seconds).toFixed(1).padStart(6)}/s  ` +
      `p50 ${s.p50.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  p99 ${s.p99.toFixed(1).padStart(6)} ms`,
  );
}
