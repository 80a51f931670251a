import { setTimeout as sleep } from 'node:timers/promises';

export interface Attempt {
  base: string;
  status: number | 'network';
  body: any;
  ms: number;
}

export interface Outcome {
  attempts: Attempt[];
  /** The last answer (a status, or 'network' when every attempt failed to connect). */
  final: Attempt;
}

/**
 * A phone on a flaky line: sends the request to `bases[first]` and, when the connection fails
 * (refused, reset, cut mid-response) or the server answers 503, sends the SAME request — same body,
 * same Idempotency-Key — again, to the next instance, until an answer other than those comes or
 * `deadlineMs` passes. Each attempt gives up after `attemptTimeoutMs` (a hung server counts as a
 * network failure).
 */
export async function sendWithRetry(
  bases: string[],
  first: number,
  request: { method: string; path: string; headers: Record<string, string>; body?: unknown },
  options: { deadlineMs?: number; attemptTimeoutMs?: number; retryOn503?: boolean } = {},
): Promise<Outcome> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  const attempts: Attempt[] = [];
  for (let i = first; ; i++) {
    const base = bases[i % bases.length];
    const started = Date.now();
    let attempt: Attempt;
    try {
      const response = await fetch(base + request.path, {
        method: request.method,
        headers: request.body === undefined ? request.headers : { 'content-type': 'application/json', ...request.headers },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 15_000),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text, the caller's assertion shows it
      }
      attempt = { base, status: response.status, body: { ...(typeof body === 'object' ? body : { text: body }), contentType: response.headers.get('content-type') }, ms: Date.now() - started };
    } catch (error) {
      attempt = { base, status: 'network', body: String((error as Error).cause ?? error), ms: Date.now() - started };
    }
    attempts.push(attempt);
    const retry = attempt.status === 'network' || (attempt.status === 503 && options.retryOn503 !== false);
    if (!retry || Date.now() > deadline) return { attempts, final: attempt };
    await sleep(100 + Math.random() * 200);
  }
}

/** Runs `jobs` with at most `concurrency` in flight. */
export async function pool<T>(jobs: (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= jobs.length) return;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}
