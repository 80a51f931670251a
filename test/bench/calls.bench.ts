import { ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DateTime } from 'luxon';
import { Server } from 'socket.io';
import { FixedClock } from '../../src/common/clock';
import { connectSocket, socketUrl } from '../support/sockets';
import { bearer, startTestApp, TestApp } from '../support/test-app';
import { formatSummary, summarize } from './support/latency';

// `npm run bench:calls` — issue #4's numbers:
// 1. signaling relay latency (p50/p95/p99 over 1,000 messages) between two admitted participants
//    of a real call (real app, real database, /calls namespace with its admission rules), beside a
//    plain socket.io server in the same process doing an echo round trip and the same relay;
// 2. memory per idle connected socket: 2,000 sockets on /hubs (access-token handshake).
// The clients run in a forked process (support/calls/clients.cjs): the app's event loop serves only
// the server side, and the memory delta is the server's alone.

const START = DateTime.fromISO('2034-01-02T03:00:00Z', { zone: 'utc' });
const WARMUP = Number(process.env.BENCH_WARMUP ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 2000);

describe('calls benchmark', () => {
  let t: TestApp;
  let raw: Server;
  let rawUrl: string;
  let clients: ChildProcess;

  const ask = <T>(message: object): Promise<T> =>
    new Promise((resolve, reject) => {
      clients.once('message', (reply: { ok: boolean; result?: T; error?: string }) => (reply.ok ? resolve(reply.result as T) : reject(new Error(reply.error))));
      clients.send(message);
    });

  beforeAll(async () => {
    t = await startTestApp({ clock: new FixedClock(START), env: { LOG_LEVEL: 'warn' } });
    // A plain socket.io server: echo with an ack, and relay to another client's room.
    const http = createServer();
    raw = new Server(http);
    raw.on('connection', (socket) => {
      void socket.join(String(socket.handshake.query.id));
      socket.on('echo', (payload: unknown, ack: (payload: unknown) => void) => ack(payload));
      socket.on('relay', (payload: { to: string }) => void socket.to(payload.to).emit('relay', payload));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    rawUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    clients = fork(join(__dirname, 'support/calls/clients.cjs'), { stdio: 'inherit' });
  });
  afterAll(async () => {
    clients?.kill();
    raw?.close();
    await t?.close();
  });

  it('relays signals between admitted participants: latency beside raw socket.io', async () => {
    const w = await t.factories.newHubWorld();
    const session = await t.factories.sessionOf(w, {
      startsAt: START.toJSDate(),
      durationMinutes: 60,
    });
    const post = (path: string, token: string, body?: object) => t.http().post(`/api/v1/sessions/${session.id}/${path}`).set(...bearer(token)).send(body);
    await post('check-in', w.staff.token).expect(200);
    await post('assent', w.staff.token, { response: 'yes' }).expect(200);
    const supervisorToken = (await post('join-token', w.staff.token).expect(200)).body.token;
    const guardianToken = (await post('join-token', w.guardian.token).expect(200)).body.token;
    // Admit the guardian from here, then hand both tokens' holders' places to the client process:
    // a rejoin returns admitted, so the clients connect straight into the running call.
    const supervisor = await connectSocket(t, '/calls', { token: supervisorToken });
    const guardian = await connectSocket(t, '/calls', { token: guardianToken });
    await guardian.next('welcome');
    expect(await supervisor.ask('admit', { participantId: w.guardian.id })).toEqual({ ok: true });
    supervisor.close();
    guardian.close();
    await sleep(200);

    const result = await ask<{ samples: Record<'relay' | 'rawEcho' | 'rawRelay', number[]>; lastAck: unknown }>({
      mode: 'latency',
      callsUrl: socketUrl(t, '/calls'),
      rawUrl,
      supervisorToken,
      guardianToken,
      guardianId: w.guardian.id,
      warmup: WARMUP,
      runs: RUNS,
    });
    expect(result.lastAck).toEqual({ ok: true });
    const relay = summarize(result.samples.relay);
    const rawEcho = summarize(result.samples.rawEcho);
    const rawRelay = summarize(result.samples.rawRelay);
    console.log(
      [
        `signaling, ${RUNS} messages each after ${WARMUP} warm-up, interleaved (ms):`,
        `  ${formatSummary('app /calls relay (supervisor → guardian, admitted)', relay)}`,
        `  ${formatSummary('raw socket.io relay (client → room → client)     ', rawRelay)}`,
        `  ${formatSummary('raw socket.io echo round trip (emit → ack)        ', rawEcho)}`,
        `  app relay p99 / raw relay p99 = ${(relay.p99 / rawRelay.p99).toFixed(2)}; app relay p50 − raw relay p50 = ${(relay.p50 - rawRelay.p50).toFixed(3)} ms`,
      ].join('\n'),
    );
    expect(relay.runs).toBe(RUNS);
  }, 300_000);

  it('holds idle sockets: memory per connection', async () => {
    const staff = await t.factories.newUser('hub_staff', [(await t.factories.newHub()).id]);
    const gc = (globalThis as { gc?: () => void }).gc;
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc?.();
        await sleep(100);
      }
      return process.memoryUsage();
    };
    const before = await settle();
    const opened = await ask<{ connected: number; failed: number; ms: number }>({ mode: 'idle', url: socketUrl(t, '/hubs'), token: staff.token, count: IDLE_SOCKETS });
    await sleep(1000);
    const after = await settle();
    const sockets = opened.connected;
    const per = (key: 'rss' | 'heapUsed' | 'external') => (after[key] - before[key]) / sockets / 1024;
    console.log(
      [
        `idle /hubs sockets: ${opened.connected} connected (${opened.failed} failed) in ${(opened.ms / 1000).toFixed(1)} s; ${gc ? 'after forced GC' : 'no --expose-gc: heap not collected first'}`,
        `  per socket: RSS ${per('rss').toFixed(1)} KiB, heap used ${per('heapUsed').toFixed(1)} KiB, external ${per('external').toFixed(1)} KiB`,
        `  process: RSS ${(before.rss / 2 ** 20).toFixed(0)} → ${(after.rss / 2 ** 20).toFixed(0)} MiB, heap ${(before.heapUsed / 2 ** 20).toFixed(0)} → ${(after.heapUsed / 2 ** 20).toFixed(0)} MiB`,
      ].join('\n'),
    );
    expect(opened.connected).toBe(IDLE_SOCKETS);
    await ask({ mode: 'close' });
  }, 300_000);
});
