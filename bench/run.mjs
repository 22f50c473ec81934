#!/usr/bin/env node
// `npm run bench`: seeds (or reuses) the bench database, starts the runtime and the
// hand-written baseline as separate processes on the same database, drives every scenario
// against both with autocannon over loopback, checks the list SQL with EXPLAIN, and prints
// one table: scenario, runtime and baseline figures, ratio, target, pass/fail.
// Exit code 1 when a target fails (everything is printed first).
//
//   npm run build && npm run bench -- --scale 0.01
//   options: --scale 1 --duration 10 --connections 10 --warmup 2 --rounds 2 --reuse
//            --only get,list --database-url URL --cpu-prof --json results.json --no-explain
import os from 'node:os';
import path from 'node:path';
import { writeFile, mkdir } from 'node:fs/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import pg from 'pg';
import { startServer } from './lib/children.mjs';
import { BENCH_DIR, distDir, loadCompiledModel } from './lib/dist.mjs';
import { DEFAULT_DATABASE_URL, writeMarker } from './lib/db.mjs';
import { createGenerators } from './lib/generate.mjs';
import { mergeRuns, percentile, runLoad, runSequential } from './lib/load.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD, loginHttp } from './lib/runtime.mjs';
import { defineScenarios } from './scenarios/index.mjs';
import { explainAll, printExplainSummary, sampleUser } from './explain.mjs';
import { seed } from './seed.mjs';

const { values: opt } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string' },
    'database-url': { type: 'string', default: process.env.CARDO_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL },
    'cpu-prof': { type: 'boolean', default: false },
    json: { type: 'string' },
    'no-explain': { type: 'boolean', default: false },
    long: { type: 'boolean', default: false },
    'memory-requests': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (opt.help) {
  console.log('npm run bench -- [--scale 1] [--duration 10] [--connections 10] [--warmup 2] [--rounds 2] [--reuse] [--only get,list,…] [--database-url URL] [--cpu-prof] [--json FILE] [--no-explain] [--long] [--memory-requests N]');
  process.exit(0);
}

const url = opt['database-url'];
const duration = Number(opt.duration);
const connections = Number(opt.connections);
const warmup = Number(opt.warmup);
const rounds = Math.max(1, Number(opt.rounds));
// The memory scenario's request count: 100,000 by default, 1,000,000 with --long.
const memoryRequests = Number(opt['memory-requests'] ?? (opt.long ? 1_000_000 : 100_000));
const log = (line = '') => process.stderr.write(`${line}\n`);
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const ms = (n) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : '–');

/** Whitespace-insensitive SQL, without the once-a-minute session touch (it lands on whichever server comes first). */
function normalizeTrace(statements) {
  return statements.map((s) => s.replace(/\s+/g, ' ').trim()).filter((s) => !s.startsWith('UPDATE sys_session'));
}

function compareTraces(runtime, baseline) {
  const r = normalizeTrace(runtime);
  const b = normalizeTrace(baseline);
  if (isDeepStrictEqual(r, b)) return { same: true, statements: r.length };
  const runtimeOnly = without(r, b);
  const baselineOnly = without(b, r);
  return { same: false, statements: r.length, runtimeOnly, baselineOnly, order: runtimeOnly.length === 0 && baselineOnly.length === 0 };
}

/** The statements of `list` left after taking out those of `other`, one for one (a statement sent twice on one side and once on the other is a difference). */
function without(list, other) {
  const left = [...other];
  return list.filter((s) => {
    const i = left.indexOf(s);
    if (i >= 0) left.splice(i, 1);
    return i < 0;
  });
}

/** Where two JSON values first differ, as a path; null when equal. */
function firstDifference(a, b, at = '') {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(a[key], b[key], `${at}/${key}`);
      if (d) return d;
    }
  }
  return `${at || '/'}: runtime ${JSON.stringify(a)?.slice(0, 120)} vs baseline ${JSON.stringify(b)?.slice(0, 120)}`;
}

async function send(server, request) {
  const res = await fetch(server.url + request.path, { method: request.method, headers: request.headers, body: request.body });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

/** One traced request on each side: same SQL? same JSON (or at least the same keys)? */
async function crossCheck(scenario, ctx, runtime, baseline) {
  const reqR = scenario.next('runtime', ctx)({});
  let reqB = reqR;
  if (scenario.compare !== 'exact') {
    // Another record for the baseline, with the same fields sent (the SQL lists the columns).
    const keysOf = (req) => Object.keys(JSON.parse(req.body ?? '{}')).sort().join();
    const nextB = scenario.next('baseline', ctx);
    for (let i = 0; i < 100; i++) if (keysOf((reqB = nextB({}))) === keysOf(reqR)) break;
  }
  let r;
  let b;
  const traceR = await runtime.trace(async () => (r = await send(runtime, reqR)));
  const traceB = await baseline.trace(async () => (b = await send(baseline, reqB)));
  const sql = compareTraces(traceR, traceB);
  let shape;
  if (r.status !== b.status) shape = `status ${r.status} vs ${b.status}: ${JSON.stringify(r.body).slice(0, 200)} / ${JSON.stringify(b.body).slice(0, 200)}`;
  else if (scenario.compare === 'exact') shape = firstDifference(r.body, b.body);
  else {
    const keys = (x) => Object.keys(x ?? {}).join(',');
    shape = keys(r.body) === keys(b.body) ? null : `keys differ: ${keys(r.body)} vs ${keys(b.body)}`;
  }
  return { sql, shape, traceR: normalizeTrace(traceR), traceB: normalizeTrace(traceB) };
}

/** The physical limit for get by id: the same SELECT straight through pg, `connections` at a time. */
async function rawPg(pool, ids, seconds) {
  const latencies = [];
  let n = 0;
  let i = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await pool.query('SELECT * FROM "counterparty" WHERE id = $1', [ids[i++ % ids.length]]);
      latencies.push(performance.now() - t);
      n++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, worker));
  const sorted = Float64Array.from(latencies).sort();
  return { rps: n / ((performance.now() - started) / 1000), p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function printTable(rows) {
  const header = ['scenario', 'runtime req/s', 'p50 ms', 'p99 ms', 'p50 @1', 'baseline req/s', 'p50 ms', 'p99 ms', 'p50 @1', 'ratio', 'target', 'result'];
  const cells = rows.map((row) => [
    row.title,
    row.figures ?? fmt(row.runtime?.rps, 0),
    ms(row.runtime?.p50),
    ms(row.runtime?.p99),
    row.single ? ms(row.single.runtime.p50) : '–',
    row.baselineFigures ?? fmt(row.baseline?.rps, 0),
    ms(row.baseline?.p50),
    ms(row.baseline?.p99),
    row.single ? ms(row.single.baseline.p50) : '–',
    row.ratio === undefined ? '–' : `${fmt(row.ratio, 2)}×`,
    row.target,
    row.result,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) => `| ${c.map((x, i) => String(x).padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const c of cells) console.log(line(c));
}

async function main() {
  const started = Date.now();
  const loadBefore = os.loadavg();
  log(`cardo bench — scale ${opt.scale}, ${duration} s per scenario (+${warmup} s warm-up), ${connections} connections, ${url}`);
  log(`runtime build: ${distDir()}`);
  const marker = await seed({ url, scale: Number(opt.scale), reuse: opt.reuse });

  const pool = new pg.Pool({ connectionString: url, max: Math.max(connections, 4) });
  const profDir = path.join(BENCH_DIR, 'profiles');
  if (opt['cpu-prof']) await mkdir(profDir, { recursive: true });
  const execArgv = (name) => (opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `${name}-${Date.now()}.cpuprofile`] : []);
  const childEnv = { CARDO_BENCH_DATABASE_URL: url, ...(process.env.CARDO_BENCH_DIST ? { CARDO_BENCH_DIST: process.env.CARDO_BENCH_DIST } : {}) };
  const runtime = await startServer('runtime', 'lib/serve-runtime.mjs', { env: childEnv, execArgv: execArgv('runtime') });
  const baseline = await startServer('baseline', 'baseline.mjs', { env: childEnv, args: ['--database-url', url], execArgv: execArgv('baseline') });
  log(`runtime at ${runtime.url} (pid ${runtime.pid}), baseline at ${baseline.url} (pid ${baseline.pid})`);
  for (const note of runtime.notes.filter((n) => n.startsWith('database:'))) log(`warning: the runtime changed the seeded schema on start (${note}); re-seed without --reuse`);

  const rows = [];
  const checks = [];
  let explain;
  let raw;
  let nextIndex = marker.nextIndex;
  // Interrupted, the run still records the generator indexes its creates used (a later --reuse
  // run creating them again would meet its own duplicates).
  const interrupted = async () => {
    await Promise.all([runtime.stop(), baseline.stop()]).catch(() => undefined);
    await writeMarker(url, { ...marker, nextIndex }).catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const token = await loginHttp(runtime.url);
    const model = await loadCompiledModel();
    const gen = await createGenerators(model, { now: marker.now, count: marker.counterparties, seed: marker.seed });
    const { rows: countRows } = await pool.query('SELECT count(*)::int AS n FROM counterparty');
    const { rows: owners } = await pool.query(`SELECT id FROM sys_user WHERE login LIKE 'bench%' ORDER BY login`);
    let extraServers = 0;
    const ctx = {
      token,
      runtime,
      baseline,
      results: new Map(),
      opt: { duration, connections, warmup, rounds, long: opt.long, memoryRequests, scale: Number(opt.scale), reuse: opt.reuse },
      benchUrl: url,
      log,
      /** Logs a user in on the runtime (sessions are rows: the baseline accepts the token too). */
      login: async (login = ADMIN_LOGIN, password = ADMIN_PASSWORD) => {
        const res = await fetch(`${runtime.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password }) });
        if (res.status !== 200) throw new Error(`login of ${login} failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
        return (await res.json()).token;
      },
      /** One more runtime process on the same database (scale-out, memory, apply); the caller stops it. */
      startRuntime: (env = {}, name = `runtime-${++extraServers + 1}`, nodeArgs = []) => startServer(name, 'lib/serve-runtime.mjs', { env: { ...childEnv, ...env }, execArgv: [...nodeArgs, ...execArgv(name)] }),
      pool,
      gen,
      rows: countRows[0].n,
      owners: owners.map((o) => o.id),
      runtimeUrl: runtime.url,
      takeIndex: () => nextIndex++,
    };
    const only = opt.only ? new Set(opt.only.split(',')) : null;
    const scenarios = defineScenarios().filter((s) => !only || only.has(s.id));
    // First every scenario's setup and its cross-check (a traced request on each side) while
    // the servers are idle — a trace records every statement the process issues.
    const ready = [];
    for (const scenario of scenarios) {
      if (scenario.measure) {
        ready.push(scenario);
        continue;
      }
      const skip = scenario.prepare ? await scenario.prepare(ctx) : undefined;
      if (skip) {
        rows.push({ id: scenario.id, title: scenario.title, target: scenario.target.text, result: `n/a: ${skip}` });
        continue;
      }
      const check = await crossCheck(scenario, ctx, runtime, baseline);
      checks.push({ id: scenario.id, ...check });
      log(`${scenario.id}: SQL ${check.sql.same ? `same ${check.sql.statements} statement(s) as the baseline` : 'DIFFERS from the baseline'}; JSON ${check.shape ? `differs — ${check.shape}` : scenario.compare === 'exact' ? 'identical' : 'same keys'}`);
      if (!check.sql.same) {
        for (const s of check.sql.runtimeOnly ?? []) log(`    runtime only:  ${s.slice(0, 400)}`);
        for (const s of check.sql.baselineOnly ?? []) log(`    baseline only: ${s.slice(0, 400)}`);
        if (check.sql.order) log('    (the same statements in another order)');
      }
      ready.push(scenario);
    }
    for (const scenario of ready) {
      log(`\n▶ ${scenario.title}${scenario.detail ? ` — ${scenario.detail}` : ''}`);
      if (scenario.measure) {
        // A measurement of its own (scale-out, memory, apply under load): it returns its row.
        let row;
        try {
          row = await scenario.measure(ctx);
        } catch (error) {
          row = { target: '–', result: `FAIL (${String(error?.message ?? error).slice(0, 200)})`, pass: false };
        }
        const { samples: _samples, ...kept } = row;
        const strip = (x) => (x ? (({ latencies: _l, ...rest }) => rest)(x) : x);
        const full = { id: scenario.id, title: scenario.title, ...kept, runtime: strip(row.runtime), baseline: strip(row.baseline), samples: row.samples };
        rows.push(full);
        ctx.results.set(scenario.id, full);
        log(`  ${row.figures ?? ''}${row.baselineFigures ? ` vs ${row.baselineFigures}` : ''} — ${row.result}${row.detail ? `\n  ${row.detail}` : ''}`);
        continue;
      }
      // The measured time is split into rounds in alternating order (baseline, runtime, runtime,
      // baseline…), so a change in background load between the two measurements evens out.
      const once = (server, side, seconds, warm) =>
        scenario.mode === 'sequential'
          ? runSequential({ url: server.url, duration: seconds, next: scenario.next(side, ctx), check: scenario.check })
          : runLoad({ url: server.url, connections, duration: seconds, warmup: warm, next: scenario.next(side, ctx), onResponse: scenario.onResponse?.(side) });
      const runs = { baseline: [], runtime: [] };
      const servers = { baseline, runtime };
      for (let round = 0; round < rounds; round++) {
        for (const side of round % 2 === 0 ? ['baseline', 'runtime'] : ['runtime', 'baseline']) {
          runs[side].push(await once(servers[side], side, duration / rounds, round === 0 ? warmup : 0));
        }
      }
      const b = mergeRuns(runs.baseline);
      log(`  baseline: ${fmt(b.rps, 0)} req/s, p50 ${ms(b.p50)} ms, p99 ${ms(b.p99)} ms${b.failed ? `, ${b.failed} failed: ${b.errors.join(' | ')}` : ''}`);
      const r = mergeRuns(runs.runtime);
      log(`  runtime:  ${fmt(r.rps, 0)} req/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms${r.failed ? `, ${r.failed} failed: ${r.errors.join(' | ')}` : ''}`);
      let single;
      if (scenario.single) {
        // The same requests one at a time: the latency of the work itself, without queueing.
        const oneAtATime = (server, side) => runLoad({ url: server.url, connections: 1, duration: Math.max(Math.min(3, duration), duration / 2), warmup: Math.min(warmup, 1), next: scenario.next(side, ctx), onResponse: scenario.onResponse?.(side) });
        single = { baseline: await oneAtATime(baseline, 'baseline'), runtime: await oneAtATime(runtime, 'runtime') };
        log(`  1 connection: baseline p50 ${ms(single.baseline.p50)} ms, runtime p50 ${ms(single.runtime.p50)} ms (${fmt(single.runtime.rps, 0)} req/s)`);
      }
      const extra = scenario.extra ? await scenario.extra(ctx) : undefined;
      const verdict = scenario.target.judge.call(scenario, r, b, single, extra);
      const errorsFail = r.failed > 0 || r.ok === 0;
      const figures = ({ latencies: _latencies, ...rest }) => rest;
      if (single) single = { baseline: figures(single.baseline), runtime: figures(single.runtime) };
      const row = {
        id: scenario.id,
        title: scenario.title,
        runtime: figures(r),
        baseline: figures(b),
        ratio: r.rps / b.rps,
        target: scenario.target.text,
        detail: scenario.detail,
        single,
        result: errorsFail ? `FAIL (${r.failed} errors)` : verdict === null ? 'report' : verdict ? 'pass' : 'FAIL',
        pass: errorsFail ? false : verdict,
      };
      rows.push(row);
      ctx.results.set(scenario.id, row);
    }

    const getScenario = defineScenarios().find((s) => s.id === 'get');
    if (!only || only.has('get')) {
      await getScenario.prepare(ctx);
      raw = await rawPg(pool, getScenario.ids, Math.min(duration, 5));
      log(`\nraw pg (the get-by-id SELECT, ${connections} at a time, no HTTP): ${fmt(raw.rps, 0)} queries/s, p50 ${ms(raw.p50)} ms`);
    }

    if (!opt['no-explain']) {
      log('\n▶ EXPLAIN of every list path the metadata declares');
      const client = await pool.connect();
      try {
        explain = await explainAll(client, { model, me: await sampleUser(client), log });
      } finally {
        client.release();
      }
    }
  } finally {
    await Promise.all([runtime.stop(), baseline.stop()]);
    // Generator indexes used by creates stay used: a later --reuse run continues after them.
    await writeMarker(url, { ...marker, nextIndex }).catch(() => undefined);
    await pool.end();
  }

  const cpu = os.cpus();
  console.log(`\nCardo bench, ${new Date().toISOString().slice(0, 10)} — ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, node ${process.version}`);
  console.log(`${marker.counterparties.toLocaleString('en-US')} counterparties, ${marker.contacts.toLocaleString('en-US')} contacts, ${(marker.deals ?? 0).toLocaleString('en-US')} deals, ${(marker.interactions ?? 0).toLocaleString('en-US')} interactions, ${marker.users} users (scale ${marker.scale}; seeded in ${marker.seedSeconds} s); ${duration} s per scenario, ${connections} connections; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} at start\n`);
  const order = defineScenarios().map((s) => s.id);
  printTable([...rows].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id)));
  for (const row of rows.filter((r) => r.detail && (r.figures || r.id === 'scoped'))) console.log(`\n${row.title}: ${row.detail}`);
  const singles = rows.filter((r) => r.single);
  if (singles.length > 0) {
    console.log('\nat 1 connection (no queueing): ' + singles.map((r) => `${r.id} runtime p50 ${ms(r.single.runtime.p50)} ms / baseline ${ms(r.single.baseline.p50)} ms`).join('; '));
  }
  if (raw) console.log(`\nraw pg, the get-by-id SELECT without HTTP: ${fmt(raw.rps, 0)} queries/s, p50 ${ms(raw.p50)} ms (the physical limit of the get scenario)`);
  const drift = checks.filter((c) => !c.sql.same || c.shape);
  if (drift.length > 0) console.log(`\nbaseline drift: ${drift.map((c) => `${c.id} (${!c.sql.same ? 'SQL' : ''}${!c.sql.same && c.shape ? ', ' : ''}${c.shape ? 'JSON' : ''})`).join(', ')} — see the log above`);
  else if (checks.length > 0) console.log('\nthe baseline issued the same SQL and answered the same JSON in every scenario');
  if (explain) {
    console.log('');
    printExplainSummary(explain.results, (l) => console.log(l));
  }
  console.log(`\ntotal wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);

  const failed = rows.filter((r) => r.pass === false).length + (explain?.failures.length ?? 0);
  if (opt.json) {
    await writeFile(
      opt.json,
      `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpu.length, model: cpu[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadBefore }, options: { duration, connections, warmup, scale: marker.scale }, seed: marker, rows, raw, checks, explain: explain && { failures: explain.failures, results: explain.results.map(({ lines: _lines, ...r }) => r) } }, null, 2)}\n`,
    );
  }
  if (failed > 0) {
    console.log(`${failed} target(s) failed`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
