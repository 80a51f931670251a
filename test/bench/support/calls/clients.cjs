// Socket clients for the calls benchmark, in their own process (forked by calls.bench.ts), so
// the measured server does not share its event loop with the clients that load it.
// Modes (first message from the parent over IPC):
//   { mode: 'latency', ... } → signaling relay through the app vs raw socket.io, interleaved;
//   { mode: 'idle', url, token, count } → `count` idle connections, held until { mode: 'close' }.
const { performance } = require('node:perf_hooks');
const { io } = require('socket.io-client');

const CANDIDATE = { candidate: 'candidate:842163049 1 udp 1677729535 198.51.100.7 61764 typ srflx raddr 0.0.0.0 rport 0 generation 0', sdpMid: '0', sdpMLineIndex: 0 };

function connect(url, options) {
  return new Promise((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, ...options });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`${url}: ${error.message} ${JSON.stringify(error.data ?? {})}`)));
  });
}

function once(socket, event) {
  return new Promise((resolve) => socket.once(event, resolve));
}

async function latency(input) {
  const supervisor = await connect(input.callsUrl, { auth: { token: input.supervisorToken } });
  const guardian = await connect(input.callsUrl, { auth: { token: input.guardianToken } });
  const rawA = await connect(input.rawUrl, { query: { id: 'a' } });
  const rawB = await connect(input.rawUrl, { query: { id: 'b' } });
  const samples = { relay: [], rawEcho: [], rawRelay: [] };
  const one = {
    relay: async () => {
      const received = once(guardian, 'signal');
      supervisor.emit('signal', { to: input.guardianId, candidate: CANDIDATE });
      await received;
    },
    rawEcho: () => rawA.emitWithAck('echo', { to: 'a', candidate: CANDIDATE }),
    rawRelay: async () => {
      const received = once(rawB, 'relay');
      rawA.emit('relay', { to: 'b', candidate: CANDIDATE });
      await received;
    },
  };
  for (let i = 0; i < input.warmup + input.runs; i++) {
    // Interleaved, so all three see the same machine load.
    for (const kind of Object.keys(one)) {
      const t0 = performance.now();
      await one[kind]();
      if (i >= input.warmup) samples[kind].push(performance.now() - t0);
    }
  }
  // Every relayed signal was acked as accepted?
  const ack = await supervisor.timeout(5000).emitWithAck('signal', { to: input.guardianId, candidate: CANDIDATE });
  for (const socket of [supervisor, guardian, rawA, rawB]) socket.disconnect();
  return { samples, lastAck: ack };
}

const idle = [];
async function openIdle(input) {
  const started = performance.now();
  let failed = 0;
  for (let i = 0; i < input.count; i += 50) {
    const batch = await Promise.allSettled(Array.from({ length: Math.min(50, input.count - i) }, () => connect(input.url, { auth: { token: input.token } })));
    for (const result of batch) {
      if (result.status === 'fulfilled') idle.push(result.value);
      else failed++;
    }
  }
  return { connected: idle.length, failed, ms: performance.now() - started };
}

process.on('message', (input) => {
  const run = input.mode === 'latency' ? latency(input) : input.mode === 'idle' ? openIdle(input) : Promise.resolve(idle.splice(0).forEach((s) => s.disconnect()));
  run.then(
    (result) => process.send({ ok: true, result }),
    (error) => process.send({ ok: false, error: String(error && error.stack ? error.stack : error) }),
  );
});
