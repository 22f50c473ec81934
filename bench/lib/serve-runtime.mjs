// Child process: the Cardo runtime as `cardo start` runs it (createRuntime + listen), with
// CARDO_DEMO=false and LOG_LEVEL=warn, plus an IPC hook to trace the SQL it issues.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { openRuntime } from './runtime.mjs';

/** The process's peak resident set (VmHWM, bytes), or NaN off Linux. */
function peakRss() {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const databaseUrl = process.env.CARDO_BENCH_DATABASE_URL;
// CARDO_BENCH_METADATA_DIR: a copy of metadata/ (the apply scenario edits and applies it).
const env = process.env.CARDO_BENCH_METADATA_DIR ? { CARDO_METADATA_DIR: process.env.CARDO_BENCH_METADATA_DIR } : {};
const { runtime } = await openRuntime(databaseUrl, { logger: { level: 'warn' }, env });

// Tracing wraps the runtime's Db (and the Db of each transaction); off, it costs nothing.
// It records only statements issued on behalf of an HTTP request: the runtime's background
// loops (the notification outbox every 2 s, the date-rule sweep every minute) share the Db,
// and one of their statements landing in a traced request's window made the cross-check flaky.
let trace = null;
const inRequest = new AsyncLocalStorage();
const wrapped = new WeakSet();
// A transaction's settings go out with its BEGIN (untraced, like BEGIN itself): the trace
// records them once, for the outermost transaction, as the baseline does; a nested call
// asking for the same settings sends nothing.
const wrap = (db, nested) => {
  if (wrapped.has(db)) return db;
  wrapped.add(db);
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  db.query = (sql, params, options) => {
    if (trace && inRequest.getStore()) trace.push(options?.prepared ? `prepared: ${sql}` : sql);
    return query(sql, params, options);
  };
  db.transaction = (fn, options) => {
    if (trace && inRequest.getStore() && !nested && options?.settings && Object.keys(options.settings).length > 0) trace.push(`transaction settings ${JSON.stringify(options.settings)}`);
    return transaction((tx) => fn(wrap(tx, true)), options);
  };
  return db;
};
wrap(runtime.db, false);

// Every request handler Fastify registered runs inside the request scope the trace checks.
const server = runtime.app.server;
const handlers = server.listeners('request');
server.removeAllListeners('request');
server.on('request', (req, res) => inRequest.run(true, () => handlers.forEach((handler) => handler.call(server, req, res))));

await runtime.app.listen({ port: 0, host: '127.0.0.1' });
process.on('message', (message) => {
  if (message?.type === 'trace-start') {
    trace = [];
    process.send({ type: 'trace-started', id: message.id });
  }
  if (message?.type === 'trace-stop') {
    process.send({ type: 'trace', id: message.id, statements: trace ?? [] });
    trace = null;
  }
  if (message?.type === 'memory') {
    // After a full collection when the process runs with --expose-gc: what stays reachable.
    if (message.gc && typeof globalThis.gc === 'function') globalThis.gc();
    process.send({ type: 'memory', id: message.id, usage: { ...process.memoryUsage(), peakRss: peakRss() } });
  }
  if (message?.type === 'stop') runtime.close().then(() => process.exit(0));
});
process.send({ type: 'ready', port: runtime.app.server.address().port, pid: process.pid, notes: runtime.notes });
