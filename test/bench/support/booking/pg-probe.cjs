'use strict';
// Preloaded into the spawned app by the booking benchmark (`node -r <this file> dist/src/main.js`).
// It changes nothing the app does; it only watches:
//  - every pg query (pg.Client#query, used by TypeORM and pg-boss alike): count and client-side
//    wall time, attributed to the HTTP request whose async context issued it (AsyncLocalStorage),
//    or to "background" (pg-boss polling, outbox delivery, timers);
//  - each HTTP request: wall time from the 'request' event to 'finish';
//  - a request sent with the header `x-bench-capture: 1`: every statement with its exact text,
//    parameters as pg serialises them, and its result rows, written as one JSON line to
//    BENCH_PG_CAPTURE_FILE (the source of the pgbench script).
// GET /__bench/stats answers the counters (and resets them with ?reset=1) without reaching the app.
const { AsyncLocalStorage } = require('node:async_hooks');
const fs = require('node:fs');
const http = require('node:http');

const appRequire = require('node:module').createRequire(`${process.cwd()}/package.json`);
const pg = appRequire('pg');
const { prepareValue } = appRequire('pg/lib/utils');

const als = new AsyncLocalStorage();
const captureFile = process.env.BENCH_PG_CAPTURE_FILE;
const routePrefix = process.env.BENCH_ROUTE_PREFIX || '/api/v1/sessions';

const fresh = () => ({
  requests: 0,
  statuses: {},
  requestNs: 0,
  queries: 0,
  queryNs: 0,
  otherRequests: 0,
  background: { queries: 0, queryNs: 0 },
  queriesPerRequest: {},
});
let stats = fresh();
let profiler;

const now = () => process.hrtime.bigint();

function recordQuery(store, text, values, started, error, result) {
  const ns = Number(now() - started);
  if (!store) {
    stats.background.queries++;
    stats.background.queryNs += ns;
    return;
  }
  store.queries++;
  store.queryNs += ns;
  if (store.capture) {
    store.statements.push({
      text,
      values: (values || []).map((v) => {
        const prepared = prepareValue(v);
        return Buffer.isBuffer(prepared) ? { buffer: prepared.toString('hex') } : prepared;
      }),
      ms: ns / 1e6,
      error: error ? { code: error.code, message: error.message } : undefined,
      rowCount: result ? result.rowCount : undefined,
      rows: result && Array.isArray(result.rows) ? result.rows.slice(0, 3) : undefined,
    });
  }
}

const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function probedQuery(config, values, callback) {
  if (config == null || typeof config.submit === 'function') return originalQuery.apply(this, arguments);
  const store = als.getStore();
  const started = now();
  const text = typeof config === 'string' ? config : config.text;
  const params = Array.isArray(values) ? values : config.values;
  const args = Array.from(arguments);
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const cb = args[last];
    args[last] = function probedCallback(error, result) {
      recordQuery(store, text, params, started, error, result);
      return cb.apply(this, arguments);
    };
    return originalQuery.apply(this, args);
  }
  const result = originalQuery.apply(this, args);
  if (result && typeof result.then === 'function') {
    result.then(
      (res) => recordQuery(store, text, params, started, undefined, res),
      (error) => recordQuery(store, text, params, started, error, undefined),
    );
  }
  return result;
};

const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function probedEmit(event, request, response) {
  if (event !== 'request') return originalEmit.apply(this, arguments);
  if (request.url.startsWith('/__bench/profile')) {
    // CPU profile of a window (node:inspector in this process): ?start, then ?stop=<file>.
    const url = new URL(request.url, 'http://probe');
    const done = (error, body) => response.writeHead(error ? 500 : 200).end(error ? String(error) : body || 'ok');
    if (url.searchParams.has('start')) {
      profiler = profiler || new (require('node:inspector').Session)();
      profiler.connect();
      profiler.post('Profiler.enable', () => profiler.post('Profiler.setSamplingInterval', { interval: 500 }, () => profiler.post('Profiler.start', (e) => done(e))));
    } else {
      profiler.post('Profiler.stop', (error, result) => {
        if (error) return done(error);
        fs.writeFileSync(url.searchParams.get('stop'), JSON.stringify(result.profile));
        profiler.disconnect();
        done();
      });
    }
    return true;
  }
  if (request.url.startsWith('/__bench/stats')) {
    const body = JSON.stringify({ ...stats, pid: process.pid, cpu: process.cpuUsage(), memory: process.memoryUsage().rss });
    if (request.url.includes('reset=1')) stats = fresh();
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return true;
  }
  const counted = request.method === 'POST' && request.url.startsWith(routePrefix);
  const store = {
    started: now(),
    queries: 0,
    queryNs: 0,
    capture: counted && request.headers['x-bench-capture'] === '1',
    statements: [],
  };
  response.on('finish', () => {
    if (!counted) {
      stats.otherRequests++;
      return;
    }
    stats.requests++;
    stats.statuses[response.statusCode] = (stats.statuses[response.statusCode] || 0) + 1;
    stats.requestNs += Number(now() - store.started);
    stats.queries += store.queries;
    stats.queryNs += store.queryNs;
    stats.queriesPerRequest[store.queries] = (stats.queriesPerRequest[store.queries] || 0) + 1;
    if (store.capture && captureFile) {
      // Queries still in flight after 'finish' (none expected) would be missed; wait a tick for late callbacks.
      setImmediate(() =>
        fs.appendFileSync(
          captureFile,
          `${JSON.stringify({ status: response.statusCode, ms: Number(now() - store.started) / 1e6, statements: store.statements })}\n`,
        ),
      );
    }
  });
  return als.run(store, () => originalEmit.apply(this, arguments));
};
