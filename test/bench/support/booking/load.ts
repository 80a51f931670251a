import { setTimeout as sleep } from 'node:timers/promises';

// autocannon ships no types; this is the part of its API the benchmark uses.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: unknown) => AutocannonRequest | undefined;
  onResponse?: (status: number, body: string) => void;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  requests: AutocannonRequest[];
}
interface AutocannonInstance extends PromiseLike<{ duration: number; errors: number; timeouts: number }> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): this;
  stop(): void;
}
const autocannon: (options: AutocannonOptions) => AutocannonInstance = require('autocannon');

export interface RequestSpec {
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** Hands out precomputed requests, each exactly once (one booking, one Idempotency-Key per request). */
export class RequestFeed {
  private index = 0;
  private readonly ready: RequestSpec[];

  constructor(
    private readonly make: (i: number) => RequestSpec,
    precompute: number,
  ) {
    this.ready = Array.from({ length: precompute }, (_, i) => make(i));
  }

  next(): RequestSpec {
    const i = this.index++;
    return i < this.ready.length ? this.ready[i] : this.make(i);
  }

  get used(): number {
    return this.index;
  }
}

export interface LoadResult {
  seconds: number;
  sent: number;
  statuses: Record<string, number>;
  ok: number;
  /** Successful requests per second. */
  tps: number;
  latency: { p50: number; p95: number; p99: number; max: number; mean: number };
  errors: number;
  samples: string[];
  /** Requests slower than 50 ms per second of the run ("t+3s: 12"), the busiest seconds first. */
  slowSeconds: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function slowSeconds(sink: Sink): string {
  const perSecond = new Map<number, number>();
  sink.latencies.forEach((ms, i) => {
    if (ms <= 50) return;
    const second = Math.floor((sink.arrivals[i] - ms) / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
  });
  return [...perSecond]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([second, n]) => `t+${second}s: ${n}`)
    .join(', ');
}

function summarize(sink: Sink, seconds: number, errors: number): LoadResult {
  const { latencies, statuses, samples } = sink;
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = statuses['201'] ?? 0;
  return {
    seconds,
    sent: latencies.length,
    statuses,
    ok,
    tps: ok / seconds,
    latency: {
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
    },
    errors,
    samples,
    slowSeconds: slowSeconds(sink),
  };
}

function instance(baseUrl: string, feed: RequestFeed, options: Partial<AutocannonOptions>, sink: Sink) {
  const requests: AutocannonRequest[] = [
    {
      method: 'POST',
      setupRequest: (request) => ({ ...request, ...feed.next() }),
      onResponse: (status, body) => {
        if (status !== 201 && sink.samples.length < 5) sink.samples.push(`${status} ${body.slice(0, 300)}`);
      },
    },
  ];
  const run = autocannon({ url: baseUrl, connections: 1, duration: 10, timeout: 30, ...options, requests });
  run.on('response', (_client, status, _bytes, ms) => {
    sink.latencies.push(ms);
    sink.arrivals.push(performance.now() - sink.started);
    sink.statuses[status] = (sink.statuses[status] ?? 0) + 1;
  });
  return run;
}

interface Sink {
  /** When each response arrived (ms since the phase started), to see whether slow ones cluster. */
  arrivals: number[];
  started: number;
  latencies: number[];
  statuses: Record<string, number>;
  samples: string[];
}
const newSink = (): Sink => ({ arrivals: [], started: performance.now(), latencies: [], statuses: {}, samples: [] });

/** Closed loop: `connections` keep one request each in flight for `seconds`. Finds the maximum rate. */
export async function closedLoop(baseUrl: string, feed: RequestFeed, connections: number, seconds: number): Promise<LoadResult> {
  const sink = newSink();
  const started = performance.now();
  const result = await instance(baseUrl, feed, { connections, duration: seconds }, sink);
  const elapsed = (performance.now() - started) / 1000;
  return summarize(sink, Math.min(elapsed, result.duration || elapsed), result.errors + result.timeouts);
}

/**
 * A fixed rate with autocannon's own limiter (`overallRate`). Note: autocannon refills each
 * connection's quota once a second, so the connections send their quota back to back at the start
 * of every second — a burst of `connections` concurrent requests each second, not a steady stream.
 */
export async function fixedRate(baseUrl: string, feed: RequestFeed, rate: number, connections: number, seconds: number): Promise<LoadResult> {
  const sink = newSink();
  const started = performance.now();
  const result = await instance(
    baseUrl,
    feed,
    { connections: Math.min(connections, rate), duration: seconds, overallRate: rate, ignoreCoordinatedOmission: true },
    sink,
  );
  const elapsed = (performance.now() - started) / 1000;
  return summarize(sink, Math.min(elapsed, result.duration || elapsed), result.errors + result.timeouts);
}

/**
 * The same fixed rate, smoothed: `phases` autocannon instances of one connection each, started
 * 1000/phases ms apart, each with its share of the rate. The once-a-second bursts are then spread
 * over the second, which approximates requests arriving at a steady rate (as real clients do).
 */
export async function fixedRateSmoothed(baseUrl: string, feed: RequestFeed, rate: number, phases: number, seconds: number): Promise<LoadResult> {
  const sink = newSink();
  const count = Math.max(1, Math.min(phases, rate));
  const shares = Array.from({ length: count }, (_, i) => Math.floor(rate / count) + (i < rate % count ? 1 : 0));
  const started = performance.now();
  const runs: PromiseLike<{ errors: number; timeouts: number }>[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(instance(baseUrl, feed, { connections: 1, duration: seconds, overallRate: shares[i], ignoreCoordinatedOmission: true }, sink));
    await sleep(1000 / count);
  }
  const results = await Promise.all(runs);
  const elapsed = (performance.now() - started) / 1000 - 1000 / count / 1000;
  const errors = results.reduce((acc, r) => acc + r.errors + r.timeouts, 0);
  return summarize(sink, Math.min(elapsed, seconds), errors);
}

export const fmtLatency = (r: LoadResult) =>
  `p50 ${r.latency.p50.toFixed(1)} ms, p95 ${r.latency.p95.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, max ${r.latency.max.toFixed(1)} ms`;
