// Embedded default: built app + fresh data directory → healthy /health (cold), then restarts
// on the same data (warm). Usage: npm run bench:startup [-- runs]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const runs = Number(process.argv[2] ?? 3);
const main = new URL('../../dist/src/main.js', import.meta.url).pathname;

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

async function startToHealthy(dataDir) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', KINBRIDGE_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).status === 200) break;
    } catch {
      // not yet listening
    }
    await sleep(20);
  }
  const elapsed = performance.now() - started;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
  return elapsed;
}

const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const dataDir = await mkdtemp(join(tmpdir(), 'kinbridge-bench-'));
  await chmod(dataDir, 0o755);
  try {
    cold.push(await startToHealthy(dataDir));
    warm.push(await startToHealthy(dataDir));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
const stats = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1) };
};
const fmt = (ms) => `${(ms / 1000).toFixed(2)} s`;
const c = stats(cold);
const w = stats(warm);
console.log(`embedded start → healthy /health over ${runs} runs`);
console.log(`cold (fresh data dir, initdb + migrations): median ${fmt(c.median)}, max ${fmt(c.max)}  target < 10 s  ${c.max < 10_000 ? 'OK' : 'MISSED'}`);
console.log(`warm (same data dir):                      median ${fmt(w.median)}, max ${fmt(w.max)}  target < 3 s   ${w.max < 3_000 ? 'OK' : 'MISSED'}`);
if (c.max >= 10_000 || w.max >= 3_000) process.exitCode = 1;
