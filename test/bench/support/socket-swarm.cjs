// A child process holding many idle socket.io clients (the idle-socket capacity part of
// `npm run bench:load`): node socket-swarm.cjs <url with namespace> <count> <batch>; the access
// token comes in SWARM_TOKEN. Reports { connected, failed, errors } over IPC once every socket has
// connected or failed; on the message 'close' disconnects them all and exits.
const { io } = require('socket.io-client');

const [url, countArg, batchArg] = process.argv.slice(2);
const count = Number(countArg);
const batch = Number(batchArg || 200);
const sockets = [];
let connected = 0;
let failed = 0;
const errors = new Map();

function open() {
  return new Promise((resolve) => {
    const socket = io(url, { auth: { token: process.env.SWARM_TOKEN }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 60000 });
    sockets.push(socket);
    socket.once('connect', () => {
      connected++;
      resolve();
    });
    socket.once('connect_error', (error) => {
      failed++;
      const key = String(error && (error.data?.code || error.message));
      errors.set(key, (errors.get(key) || 0) + 1);
      resolve();
    });
  });
}

(async () => {
  for (let i = 0; i < count; i += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - i) }, open));
  }
  let dropped = 0;
  for (const socket of sockets) socket.on('disconnect', () => dropped++);
  process.send({ connected, failed, errors: Object.fromEntries(errors) });
  process.on('message', (message) => {
    if (message === 'count') process.send({ stillConnected: sockets.filter((s) => s.connected).length, dropped });
    if (message === 'close') {
      for (const socket of sockets) socket.disconnect();
      setTimeout(() => process.exit(0), 200);
    }
  });
})();
