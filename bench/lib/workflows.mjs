// The workflow benchmark (issue 7), shared by `node bench/workflows.mjs` and the `workflows`
// scenario of `npm run bench`: start + complete N two-step approval instances through the
// runtime's workflow service (server/dist, bpmn-engine, every step one locked transaction with
// its tasks, record writes, audit and history) against a hand-written baseline in the same run
// on the same database — the same rows written by plain SQL with no engine (an instance row,
// the two task rows, the record's status changes with audit) — and bpmn-engine alone running
// the definition in memory (no database, no-op hooks). CPU is this process's
// (process.cpuUsage), so it excludes PostgreSQL's.
import { mkdtemp, cp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { METADATA_DIR, importDist, loadCompiledModel } from './dist.mjs';

/** Instances per second the runtime must reach on PostgreSQL (issue 7). */
export const WORKFLOW_TARGET = 100;

// The two-step approval: lawyer review, then the head's approval, each a wait state.
const TWO_STEP = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cardo="https://cardo.dev/schema/bpmn" id="bench" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="bench_approval" isExecutable="true" cardo:entity="document" cardo:startOn="manual">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="in_review" />
    <bpmn:serviceTask id="in_review" cardo:action="setField" cardo:field="approvalStatus" cardo:value="'in_review'" />
    <bpmn:sequenceFlow id="f2" sourceRef="in_review" targetRef="review" />
    <bpmn:userTask id="review" name="Review" cardo:candidateRole="lawyer" cardo:outcomes="approve,rework,reject" cardo:title="Review {{number}}" />
    <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="decision" />
    <bpmn:exclusiveGateway id="decision" />
    <bpmn:sequenceFlow id="f4" sourceRef="decision" targetRef="approve"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">outcome == 'approve'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="decision" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">outcome != 'approve'</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:userTask id="approve" name="Approve" cardo:assignee="\${manager(record.responsible)}" cardo:outcomes="approve" cardo:title="Approve {{number}}" />
    <bpmn:sequenceFlow id="f6" sourceRef="approve" targetRef="approved" />
    <bpmn:serviceTask id="approved" cardo:action="setField" cardo:field="approvalStatus" cardo:value="'approved'" />
    <bpmn:sequenceFlow id="f7" sourceRef="approved" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

/**
 * Runs the benchmark on the (empty, freshly created) database at `url`: N instances, C at a time.
 * Returns the figures; prints nothing.
 */
export async function measureWorkflows({ url, instances: N, concurrency: C }) {
  // bpmn-engine is the server's dependency; imported here so that listing the scenarios needs no engine.
  const { Engine } = await import('bpmn-engine');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cardo-bench-wf-'));
  await cp(METADATA_DIR, dir, { recursive: true });
  await writeFile(path.join(dir, 'workflows', 'bench-approval.bpmn'), TWO_STEP);
  const model = await loadCompiledModel(dir);

  const { openDb } = await importDist('db/db.js');
  const { applyMigration } = await importDist('plan/apply.js');
  const { createUser } = await importDist('auth/users.js');
  const { createRecord } = await importDist('records/records.service.js');
  const { Workflows } = await importDist('workflows/workflows.service.js');
  const { ModelHolder } = await importDist('runtime/model-holder.js');
  const { Access } = await importDist('access/access.js');
  const { loadOrg } = await importDist('access/org.js');

  const db = await openDb({ url, max: C + 2 });
  try {
    await applyMigration({ db, url }, model, {});
    const user = async (login, roles, extra = {}) => (await createUser(db, { login, fullName: login, roles, ...extra })).id;
    const boss = await user('bench.boss', ['head_of_sales']);
    const sales = await user('bench.sales', ['sales_manager'], { manager: boss });
    const lawyer = await user('bench.lawyer', ['lawyer']);
    const cp0 = await createRecord(db, model, model.entities.get('counterparty'), { brand: 'Bench', owner: sales }, { actor: { userId: sales } });
    const docs = async (prefix) => {
      const ids = [];
      for (let i = 0; i < N; i++) ids.push((await createRecord(db, model, model.entities.get('document'), { type: 'contract', number: `${prefix}-${i}`, counterparty: cp0.id, responsible: sales, owner: sales }, { actor: { userId: sales } })).id);
      return ids;
    };
    const accessOf = async (id) => new Access(model, await loadOrg(db, id, new Date()));
    const [salesAccess, lawyerAccess, bossAccess] = [await accessOf(sales), await accessOf(lawyer), await accessOf(boss)];

    // Wall seconds and this process's CPU milliseconds of running fn over items, C at a time.
    const pool = async (items, fn) => {
      let next = 0;
      const worker = async () => {
        while (next < items.length) await fn(items[next++]);
      };
      const started = performance.now();
      const cpu = process.cpuUsage();
      await Promise.all(Array.from({ length: C }, worker));
      const used = process.cpuUsage(cpu);
      return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
    };

    // Runtime: start, complete review, complete approval — three transactions per instance.
    const workflows = new Workflows(db, new ModelHolder(model));
    const runtimeDocs = await docs('R');
    const { seconds: runtimeSeconds, cpuMs: runtimeCpu } = await pool(runtimeDocs, async (doc) => {
      const instance = await workflows.start(model, 'bench-approval', 'document', doc, salesAccess);
      const [review] = await db.query(`SELECT task_id::text AS id FROM wf_task WHERE instance_id = $1 AND element_id = 'review'`, [instance]);
      await workflows.completeTask(model, review.id, { outcome: 'approve' }, lawyerAccess);
      const [approve] = await db.query(`SELECT task_id::text AS id FROM wf_task WHERE instance_id = $1 AND element_id = 'approve'`, [instance]);
      await workflows.completeTask(model, approve.id, { outcome: 'approve' }, bossAccess);
    });
    const [check] = await db.query(`SELECT count(*)::int AS n FROM wf_instance WHERE process = 'bench-approval' AND status = 'completed'`);
    const [approved] = await db.query(`SELECT count(*)::int AS n FROM document WHERE number LIKE 'R-%' AND approval_status = 'approved'`);
    if (check.n !== N || approved.n !== N) throw new Error(`runtime finished ${check.n} instances and approved ${approved.n} documents of ${N}`);
    const [{ avg: stateBytes }] = await db.query(`SELECT avg(length(state))::int AS avg FROM wf_instance WHERE process = 'bench-approval'`);

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
    const { seconds: baselineSeconds, cpuMs: baselineCpu } = await pool(baselineDocs, async (doc) => {
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
    });

    // The engine's own floor: the same definition in bpmn-engine, in memory, with no-op hooks
    // (conditions read the outcome, services do nothing), start + two signals + the state saved
    // (serialized) at each of the three wait states, like a step does.
    const { toWorkflowDefinition } = await importDist('workflows/definitions.js');
    const def = await toWorkflowDefinition('bench-approval', TWO_STEP);
    const quiet = () => ({ debug() {}, error() {}, warn() {} });
    const [probe] = await new Engine({ moddleContext: def.moddleContext, Logger: quiet }).getDefinitions();
    const sourceContext = probe.environment.options.source;
    const scripts = { register() {}, getScript: () => ({ execute: (scope, callback) => callback(null, scope.environment.variables.outcome === 'approve') }) };
    const extensions = { cardo: (activity) => { if (activity.type === 'bpmn:ServiceTask') activity.behaviour.Service = function NoOp() { return { execute: (_message, callback) => callback(null, {}) }; }; } };
    const engineOnly = async () => {
      const waits = [];
      const listener = new EventEmitter();
      listener.on('wait', (api) => waits.push(api));
      listener.on('activity.end', (api) => { if (api.type === 'bpmn:UserTask') api.environment.variables.outcome = api.content.output?.outcome ?? null; });
      const engine = new Engine({ name: 'floor', sourceContext, scripts, extensions, Logger: quiet });
      const save = () => JSON.stringify(engine.execution.definitions.map((d) => d.getState()));
      await engine.execute({ listener });
      save();
      for (let i = 0; i < 2; i++) {
        const wait = waits.pop();
        engine.execution.signal({ id: wait.id, executionId: wait.executionId, outcome: 'approve' });
        await new Promise((resolve) => setImmediate(resolve));
        save();
      }
      if (engine.state !== 'idle') throw new Error(`the in-memory engine did not finish (${engine.state})`);
    };
    for (let i = 0; i < Math.min(50, N); i++) await engineOnly();
    const floorCpu0 = process.cpuUsage();
    const floorT0 = performance.now();
    for (let i = 0; i < N; i++) await engineOnly();
    const floorUsed = process.cpuUsage(floorCpu0);
    const floorSeconds = (performance.now() - floorT0) / 1000;
    const floorCpu = (floorUsed.user + floorUsed.system) / 1000;

    // Persistence of one wait state on its own: the saved state's UPDATE, at its real size.
    const [sample] = await db.query(`SELECT id, state FROM wf_instance WHERE process = 'bench-approval' LIMIT 1`);
    const reps = Math.min(500, 10 * N);
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) await db.query('UPDATE wf_instance SET state = $2, updated_at = now() WHERE id = $1', [sample.id, sample.state]);
    const persistMs = (performance.now() - t0) / reps;

    return {
      instances: N,
      concurrency: C,
      runtime: { rate: N / runtimeSeconds, seconds: runtimeSeconds, cpuMs: runtimeCpu },
      baseline: { rate: N / baselineSeconds, seconds: baselineSeconds, cpuMs: baselineCpu },
      engine: { rate: N / floorSeconds, cpuMs: floorCpu },
      engines: { hits: workflows.engines.hits, misses: workflows.engines.misses },
      stateBytes,
      persistMs,
    };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The standalone script's report. */
export function printWorkflows(r, url, print = console.log) {
  const { instances: N, concurrency: C } = r;
  const waitStates = 3 * N;
  const line = (label, value) => print(`${label.padEnd(46)} ${value}`);
  print(`\nWorkflows: ${N} two-step approvals (start + 2 completions), ${C} concurrent, ${os.cpus().length} CPUs, PostgreSQL ${new URL(url).host}`);
  const perInstance = (ms) => `${(ms / N).toFixed(1)} ms CPU per instance`;
  const side = (s) => `${s.rate.toFixed(1)} instances/s  (${s.seconds.toFixed(2)} s, ${((s.seconds * 1000 * C) / waitStates).toFixed(2)} ms per step, ${perInstance(s.cpuMs)})`;
  line('runtime (bpmn-engine, durable state)', side(r.runtime));
  line('baseline (same rows by hand, no engine)', side(r.baseline));
  line('engine alone (in memory, no database)', `${r.engine.rate.toFixed(1)} instances/s  (${perInstance(r.engine.cpuMs)})`);
  line('ratio runtime / baseline time', `${(r.baseline.rate / r.runtime.rate).toFixed(2)}×`);
  line('ratio runtime / baseline CPU', `${(r.runtime.cpuMs / r.baseline.cpuMs).toFixed(2)}×`);
  line('engines kept between steps (hits / recoveries)', `${r.engines.hits} / ${r.engines.misses}`);
  line('saved engine state per instance', `${r.stateBytes} bytes`);
  line('persistence per wait state (state UPDATE alone)', `${r.persistMs.toFixed(3)} ms`);
  line(`target ≥ ${WORKFLOW_TARGET} instances/s`, r.runtime.rate >= WORKFLOW_TARGET ? 'met' : 'NOT MET');
}
