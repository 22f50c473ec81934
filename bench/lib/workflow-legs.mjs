// The two measured loops of the workflow benchmark (bench/lib/workflows.mjs), run either in the
// benchmark's own process or, side by side, in worker threads (bench/lib/workflow-worker.mjs):
// the runtime's workflow service advancing instances, and bpmn-engine alone in memory.
import { EventEmitter } from 'node:events';
import { importDist } from './dist.mjs';

// The two-step approval: lawyer review, then the head's approval, each a wait state.
export const TWO_STEP = `<?xml version="1.0" encoding="UTF-8"?>
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

/** Wall seconds and this process's CPU milliseconds (every thread) of running fn over items, C at a time. */
export async function pool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = process.cpuUsage(cpu);
  return { seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * The runtime's side, prepared on the compiled `model` (which has the bench process) and the
 * database at `url`: `run(docs)` starts an instance on each document, completes the review
 * as the lawyer and the approval as the head — three transactions per instance, C at a time.
 */
export async function runtimeLeg({ url, model, users, concurrency }) {
  const { openDb } = await importDist('db/db.js');
  const { Workflows } = await importDist('workflows/workflows.service.js');
  const { ModelHolder } = await importDist('runtime/model-holder.js');
  const { Access } = await importDist('access/access.js');
  const { loadOrg } = await importDist('access/org.js');
  const db = await openDb({ url, max: concurrency + 2 });
  const accessOf = async (id) => new Access(model, await loadOrg(db, id, new Date()));
  const [salesAccess, lawyerAccess, bossAccess] = [await accessOf(users.sales), await accessOf(users.lawyer), await accessOf(users.boss)];
  const workflows = new Workflows(db, new ModelHolder(model));
  const taskOf = async (instance, element) =>
    (await db.query('SELECT task_id::text AS id FROM wf_task WHERE instance_id = $1 AND element_id = $2', [instance, element]))[0].id;
  return {
    run: (docs) => pool(docs, concurrency, async (doc) => {
      const instance = await workflows.start(model, 'bench-approval', 'document', doc, salesAccess);
      await workflows.completeTask(model, await taskOf(instance, 'review'), { outcome: 'approve' }, lawyerAccess);
      await workflows.completeTask(model, await taskOf(instance, 'approve'), { outcome: 'approve' }, bossAccess);
    }),
    engines: () => ({ hits: workflows.engines.hits, misses: workflows.engines.misses }),
    close: () => db.close(),
  };
}

/**
 * The engine's own floor: the bench definition in bpmn-engine, in memory, with no-op hooks
 * (conditions read the outcome, services do nothing), start + two signals + the state saved
 * (serialized) at each of the three wait states, like a step does. Warmed up with 50 instances;
 * `run(n)` runs n one after the other and returns wall seconds and CPU milliseconds.
 */
export async function engineLeg() {
  // bpmn-engine is the server's dependency; imported here so that listing the scenarios needs no engine.
  const { Engine } = await import('bpmn-engine');
  const { toWorkflowDefinition } = await importDist('workflows/definitions.js');
  const def = await toWorkflowDefinition('bench-approval', TWO_STEP);
  const quiet = () => ({ debug() {}, error() {}, warn() {} });
  const [probe] = await new Engine({ moddleContext: def.moddleContext, Logger: quiet }).getDefinitions();
  const sourceContext = probe.environment.options.source;
  const scripts = { register() {}, getScript: () => ({ execute: (scope, callback) => callback(null, scope.environment.variables.outcome === 'approve') }) };
  const extensions = { cardo: (activity) => { if (activity.type === 'bpmn:ServiceTask') activity.behaviour.Service = function NoOp() { return { execute: (_message, callback) => callback(null, {}) }; }; } };
  const instance = async () => {
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
  for (let i = 0; i < 50; i++) await instance();
  return { run: (n) => pool(Array.from({ length: n }), 1, instance) };
}
