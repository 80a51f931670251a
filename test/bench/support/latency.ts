import { performance } from 'node:perf_hooks';

export interface LatencySummary {
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function summarize(timings: readonly number[]): LatencySummary {
  const sorted = [...timings].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}

/** Runs `work` sequentially: `warmup` untimed calls, then `runs` timed ones (ms). `work(i)` may vary its input. */
export async function measureSequential(work: (i: number) => Promise<void>, options: { warmup: number; runs: number }): Promise<LatencySummary> {
  for (let i = 0; i < options.warmup; i++) await work(i);
  const timings: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const t0 = performance.now();
    await work(i);
    timings.push(performance.now() - t0);
  }
  return summarize(timings);
}

export const fmt = (ms: number): string => `${ms.toFixed(2)} ms`;

export function formatSummary(label: string, s: LatencySummary): string {
  return `${label}: n=${s.runs} p50 ${fmt(s.p50)}  p95 ${fmt(s.p95)}  p99 ${fmt(s.p99)}  max ${fmt(s.max)}  mean ${fmt(s.mean)}`;
}
