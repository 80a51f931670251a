// Starts N instances of the built app on consecutive ports, sharing one PostgreSQL and (with
// REDIS_URL) one Redis — a local trial of the scale-out setup. `npm run start:cluster -- 3`
//   INSTANCES (or the first argument, default 2), PORT (first port, default 3000).
// Without DATABASE_URL one embedded PostgreSQL is started here and shared by every instance.
// Ctrl-C / SIGTERM stops the instances, then the embedded PostgreSQL.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const instances = Number(process.argv[2] ?? process.env.INSTANCES ?? 2);
const firstPort = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(instances) || instances < 1 || instances > 16) {
  console.error(`instances must be a whole number from 1 to 16 (got "${process.argv[2] ?? process.env.INSTANCES}")`);
  process.exit(78);
}

const env = { ...process.env };
let embedded;
if (!env.DATABASE_URL) {
  const { startEmbeddedPostgres } = await import(join(root, 'dist/src/database/embedded-postgres.js'));
  const { readOrCreateSecret } = await import(join(root, 'dist/src/config/secret-file.js'));
  const dataDir = resolve(root, env.KINBRIDGE_DATA_DIR ?? '.data');
  embedded = await startEmbeddedPostgres({ dataDir, stopOnSignals: false });
  env.DATABASE_URL = embedded.url;
  env.JWT_SECRET ??= await readOrCreateSecret(join(dataDir, 'jwt-secret'));
  log(`embedded PostgreSQL shared by ${instances} instances`);
}
if (!env.REDIS_URL) log('REDIS_URL is unset: sockets connected to one instance will not see events raised on another');

const children = [];
for (let i = 0; i < instances; i++) {
  const port = firstPort + i;
  const child = spawn(process.execPath, [join(root, 'dist/src/main.js')], { env: { ...env, PORT: String(port) }, stdio: 'inherit' });
  children.push(new Promise((done) => child.on('exit', (code) => done(code))));
  children[i].child = child;
  log(`instance ${i + 1} on port ${port} (pid ${child.pid})`);
}

let stopping = false;
const stop = async (signal, exitCode = 0) => {
  if (stopping) return;
  stopping = true;
  for (const running of children) running.child.kill(signal);
  await Promise.all(children);
  await embedded?.stop();
  process.exit(exitCode);
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop(signal));
// An instance that dies on its own takes the cluster down, loudly, rather than leaving it half up.
Promise.race(children).then((code) => {
  if (stopping) return;
  log(`an instance exited (code ${code}); stopping the others`);
  void stop('SIGTERM', 1);
});

function log(msg) {
  process.stdout.write(`${JSON.stringify({ level: 30, context: 'start-cluster', msg })}\n`);
}
