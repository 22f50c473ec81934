// The workflow benchmark (issue 7), shared by `node bench/workflows.mjs` and the `workflows`
// scenario of `npm run bench`: start + complete N two-step approval instances through the
// runtime's workflow service (server/dist, bpmn-engine, every step one locked transaction with
// its tasks, record writes, audit and history) against a hand-written baseline in the same run
// on the same database — the same rows written by plain SQL with no engine (an instance row,
// the two task rows, the record's status changes with audit) — and bpmn-engine alone running
// the definition in memory (no database, no-op hooks). The runtime and the engine alone run
// again with one copy per CPU side by side (worker threads, as several server processes would),
// which gives what this machine can do at all. CPU is this process's (process.cpuUsage, every
// thread) and, for the database legs, that of the database's PostgreSQL backends (/proc).
import { mkdtemp, cp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { backendPids, cpuMeter } from './cpu.mjs';
import { withClient } from './db.mjs';
import { METADATA_DIR, importDist, loadCompiledModel } from './dist.mjs';
import { TWO_STEP, engineLeg, pool, runtimeLeg } from './workflow-legs.mjs';

/** Instances per second the runtime must reach on PostgreSQL (issue 7). */
export const WORKFLOW_TARGET = 100;

/**
 * Runs a leg in `parts.length` worker threads side by side, each given its part: starts them all,
 * waits until each has prepared, then lets them go together. Wall seconds from the go to the
 * last one done, and the CPU milliseconds of the whole process (all threads) in between;
 * `around` wraps that part (to measure more of it).
 */
async function sideBySide(leg, options, parts, around = (fn) => fn()) {
  const workers = parts.map((part) => new Worker(new URL('./workflow-worker.mjs', import.meta.url), { workerData: { leg, ...options, ...part } }));
  const answer = (w, key) => new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m[key]) { w.off('message', onMessage); resolve(m); } };
    w.on('message', onMessage);
    w.once('error', reject);
  });
  let finished = false;
  try {
    await Promise.all(workers.map((w) => answer(w, 'ready')));
    const result = await around(async () => {
      const started = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(workers.map((w) => { const done = answer(w, 'done'); w.postMessage('go'); return done; }));
      const used = process.cpuUsage(cpu);
      return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
    });
    finished = true;
    return result;
  } finally {
    // Closed only now, so that what `around` measures still sees their database sessions.
    if (finished) await Promise.all(workers.map((w) => { const closed = answer(w, 'closed'); w.postMessage('close'); return closed; }));
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * Runs the benchmark on the (empty, freshly created) database at `url`: N instances, C at a time,
 * in this process; then N more and the engine's floor again on every CPU side by side (one worker
 * thread per CPU, each with C at a time). Returns the figures; prints nothing.
 */
export async function measureWorkflows({ url, instances: N, concurrency: C }) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cardo-bench-wf-'));
  await cp(METADATA_DIR, dir, { recursive: true });
  await writeFile(path.join(dir, 'workflows', 'bench-approval.bpmn'), TWO_STEP);
  const model = await loadCompiledModel(dir);
  const cpus = os.cpus().length;

  const { openDb } = await importDist('db/db.js');
  const { applyMigration } = await importDist('plan/apply.js');
  const { createUser } = await importDist('auth/users.js');
  const { createRecord } = await importDist('records/records.service.js');

  const db = await openDb({ url, max: C + 2 });
  try {
    await applyMigration({ db, url }, model, {});
    const user = async (login, roles, extra = {}) => (await createUser(db, { login, fullName: login, roles, ...extra })).id;
    const boss = await user('bench.boss', ['head_of_sales']);
    const sales = await user('bench.sales', ['sales_manager'], { manager: boss });
    const lawyer = await user('bench.lawyer', ['lawyer']);
    const users = { boss, sales, lawyer };
    const cp0 = await createRecord(db, model, model.entities.get('counterparty'), { brand: 'Bench', owner: sales }, { actor: { userId: sales } });
    const docs = async (prefix) => {
      const ids = [];
      for (let i = 0; i < N; i++) ids.push((await createRecord(db, model, model.entities.get('document'), { type: 'contract', number: `${prefix}-${i}`, counterparty: cp0.id, responsible: sales, owner: sales }, { actor: { userId: sales } })).id);
      return ids;
    };
    // Every instance of the run ended and approved its document.
    const checkRun = async (prefix) => {
      const [{ n: ended }] = await db.query(`SELECT count(*)::int AS n FROM wf_instance i JOIN document d ON d.id = i.record_id WHERE d.number LIKE $1 AND i.status = 'completed'`, [`${prefix}-%`]);
      const [{ n: approved }] = await db.query(`SELECT count(*)::int AS n FROM document WHERE number LIKE $1 AND approval_status = 'approved'`, [`${prefix}-%`]);
      if (ended !== N || approved !== N) throw new Error(`runtime run ${prefix} finished ${ended} instances and approved ${approved} documents of ${N}`);
    };

    // The CPU milliseconds the database's PostgreSQL backends spent while fn ran.
    const postgresCpu = async (fn) => {
      const meter = cpuMeter({ PostgreSQL: () => withClient(url, backendPids) });
      const result = await fn();
      const { cpu } = await meter.end();
      return { ...result, postgresMs: cpu.PostgreSQL * 1000 };
    };

    // Runtime, in this process: start, complete review, complete approval — three transactions per instance.
    const runtimeDocs = await docs('R');
    const runtime = await runtimeLeg({ url, model, users, concurrency: C });
    const { seconds: runtimeSeconds, cpuMs: runtimeCpu, postgresMs: runtimePg } = await postgresCpu(() => runtime.run(runtimeDocs));
    const engines = runtime.engines();
    await runtime.close();
    await checkRun('R');
    const [{ avg: stateBytes }] = await db.query(`SELECT avg(length(state))::int AS avg FROM wf_instance WHERE process = 'bench-approval'`);

    // The same on every CPU: N more instances split between one runtime per CPU.
    const sideDocs = await docs('S');
    const share = (items) => Array.from({ length: cpus }, (_, k) => items.filter((_, i) => i % cpus === k));
    const side = await sideBySide('runtime', { url, metadataDir: dir, users, concurrency: C }, share(sideDocs).map((part) => ({ docs: part })), postgresCpu);
    await checkRun('S');

    // Baseline: the same rows by hand, no engine, no saved state.
    const baselineDocs = await docs('B');
    const audit = (tx, record, changes, actor) => tx.query(
      `INSERT INTO sys_audit (id, created_at, updated_at, created_by, updated_by, owner, version, record_entity, record_id, action, actor, changes) VALUES ($1, now(), now(), $2, $2, $2, 1, 'document', $3, 'update', $2, $4)`,
      [randomUUID(), actor, record, JSON.stringify(changes)],
    );
    const task = (tx, instance, doc, title, assignee, role) => tx.query(
      `INSERT INTO sys_task (id, created_at, updated_at, version, title, assignee, candidate_role, status, process, instance_id, record_entity, record_id) VALUES ($1, now(), now(), 1, $2, $3, $4, 'open', 'baseline', $5, 'document', $6) RETURNING id::text AS id`,
      [randomUUID(), title, assignee, role, instance, doc],
    );
    const { seconds: baselineSeconds, cpuMs: baselineCpu, postgresMs: baselinePg } = await postgresCpu(() => pool(baselineDocs, C, async (doc) => {
      const instance = randomUUID();
      const reviewId = await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO wf_instance (id, process, definition_hash, entity, record_id, status, started_by, started_at, updated_at, steps) VALUES ($1, 'baseline', '-', 'document', $2, 'running', $3, now(), now(), 1)`, [instance, doc, sales]);
        await tx.query(`UPDATE document SET approval_status = 'in_review', version = version + 1 WHERE id = $1`, [doc]);
        await audit(tx, doc, { approvalStatus: { from: 'draft', to: 'in_review' } }, sales);
        return (await task(tx, instance, doc, 'Review', null, 'lawyer'))[0].id;
      });
      const approveId = await db.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM wf_instance WHERE id = $1 FOR UPDATE', [instance]);
        await tx.query(`UPDATE sys_task SET status = 'completed', outcome = 'approve', assignee = $2, version = version + 1 WHERE id = $1`, [reviewId, lawyer]);
        const [m] = await tx.query('SELECT manager::text AS m FROM sys_user WHERE id = $1', [sales]);
        return (await task(tx, instance, doc, 'Approve', m.m, null))[0].id;
      });
      await db.transaction(async (tx) => {
        await tx.query('SELECT 1 FROM wf_instance WHERE id = $1 FOR UPDATE', [instance]);
        await tx.query(`UPDATE sys_task SET status = 'completed', outcome = 'approve', version = version + 1 WHERE id = $1`, [approveId]);
        await tx.query(`UPDATE document SET approval_status = 'approved', version = version + 1 WHERE id = $1`, [doc]);
        await audit(tx, doc, { approvalStatus: { from: 'in_review', to: 'approved' } }, boss);
        await tx.query(`UPDATE wf_instance SET status = 'completed', ended_at = now() WHERE id = $1`, [instance]);
      });
    }));

    // The engine's own floor (bench/lib/workflow-legs.mjs), in this process and on every CPU side by side.
    const engine = await (await engineLeg()).run(N);
    const engineSide = await sideBySide('engine', {}, Array.from({ length: cpus }, () => ({ instances: N })));

    // Persistence of one wait state on its own: the saved state's UPDATE, at its real size.
    const [sample] = await db.query(`SELECT id, state FROM wf_instance WHERE process = 'bench-approval' LIMIT 1`);
    const reps = Math.min(500, 10 * N);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await db.query('UPDATE wf_instance SET state = $2, updated_at = now() WHERE id = $1', [sample.id, sample.state]);
    const persistMs = (performance.now() - t0) / reps;

    return {
      instances: N,
      concurrency: C,
      cpus,
      runtime: { rate: N / runtimeSeconds, seconds: runtimeSeconds, cpuMs: runtimeCpu, postgresMs: runtimePg },
      baseline: { rate: N / baselineSeconds, seconds: baselineSeconds, cpuMs: baselineCpu, postgresMs: baselinePg },
      engine: { rate: N / engine.seconds, cpuMs: engine.cpuMs },
      sideBySide: {
        runtime: { rate: N / side.seconds, seconds: side.seconds, cpuMs: side.cpuMs, postgresMs: side.postgresMs },
        engine: { rate: (cpus * N) / engineSide.seconds, cpuMs: engineSide.cpuMs },
      },
      engines,
      stateBytes,
      persistMs,
    };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The most instances/s any runtime on bpmn-engine could reach on this machine's CPUs: each
 * instance costs at least the engine's own CPU (in memory) plus all the CPU, Node's and
 * PostgreSQL's, of the hand-written baseline writing the same rows — Cardo's own cost taken as 0.
 */
export function engineCeiling(r) {
  const perInstance = (r.engine.cpuMs + r.baseline.cpuMs + r.baseline.postgresMs) / r.instances;
  return (r.cpus * 1000) / perInstance;
}

/**
 * Issue 7's verdict: the better of the runtime in one process and on every CPU against the
 * target; short of it, `why`: whether bpmn-engine could reach it at all here (engineCeiling).
 */
export function workflowVerdict(r) {
  const best = Math.max(r.runtime.rate, r.sideBySide.runtime.rate);
  if (best >= WORKFLOW_TARGET) return { met: true, best, why: null };
  const ceiling = engineCeiling(r);
  const why = ceiling < WORKFLOW_TARGET
    ? `the engine's CPU plus the baseline's allow at most ${ceiling.toFixed(0)} instances/s on these ${r.cpus} CPUs`
    : `the engine's CPU plus the baseline's would allow ${ceiling.toFixed(0)} instances/s: the rest is the runtime's own cost`;
  return { met: false, best, why };
}

/** The standalone script's report. */
export function printWorkflows(r, url, print = console.log) {
  const { instances: N, concurrency: C, cpus } = r;
  const waitStates = 3 * N;
  const line = (label, value) => print(`${label.padEnd(50)} ${value}`);
  print(`\nWorkflows: ${N} two-step approvals (start + 2 completions), ${C} concurrent, ${cpus} CPUs, PostgreSQL ${new URL(url).host}`);
  const perInstance = (ms, n = N) => `${(ms / n).toFixed(1)} ms CPU per instance`;
  const side = (s, c = C) => `${s.rate.toFixed(1)} instances/s  (${s.seconds.toFixed(2)} s, ${((s.seconds * 1000 * c) / waitStates).toFixed(2)} ms per step, ${perInstance(s.cpuMs)} + PostgreSQL ${(s.postgresMs / N).toFixed(1)} ms)`;
  line('runtime (bpmn-engine, durable state)', side(r.runtime));
  line(`runtime, ${cpus} side by side (one per CPU)`, side(r.sideBySide.runtime, C * cpus));
  line('baseline (same rows by hand, no engine)', side(r.baseline));
  line('engine alone (in memory, no database)', `${r.engine.rate.toFixed(1)} instances/s  (${perInstance(r.engine.cpuMs)})`);
  line(`engine alone, ${cpus} side by side (one per CPU)`, `${r.sideBySide.engine.rate.toFixed(1)} instances/s  (${perInstance(r.sideBySide.engine.cpuMs, cpus * N)})`);
  line('ceiling on bpmn-engine (engine + baseline CPU)', `${engineCeiling(r).toFixed(1)} instances/s on ${cpus} CPUs`);
  line('ratio runtime / baseline time', `${(r.baseline.rate / r.runtime.rate).toFixed(2)}×`);
  line('ratio runtime / baseline CPU', `${(r.runtime.cpuMs / r.baseline.cpuMs).toFixed(2)}×`);
  line('engines kept between steps (hits / recoveries)', `${r.engines.hits} / ${r.engines.misses}`);
  line('saved engine state per instance', `${r.stateBytes} bytes`);
  line('persistence per wait state (state UPDATE alone)', `${r.persistMs.toFixed(3)} ms`);
  const verdict = workflowVerdict(r);
  line(`target ≥ ${WORKFLOW_TARGET} instances/s`, verdict.met ? 'met' : `NOT MET — ${verdict.why}`);
}
