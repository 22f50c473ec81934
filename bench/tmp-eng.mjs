import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { importDist } from './lib/dist.mjs';
const { Engine } = await import('bpmn-engine');
const src = (await readFile('bench/lib/workflows.mjs', 'utf8')).match(/const TWO_STEP = `([\s\S]*?)`;/)[1].replace('\\${', '${');
const { toWorkflowDefinition } = await importDist('workflows/definitions.js');
const def = await toWorkflowDefinition('bench-approval', src);
const quiet = () => ({ debug() {}, error() {}, warn() {} });
const [probe] = await new Engine({ moddleContext: def.moddleContext, Logger: quiet }).getDefinitions();
const sourceContext = probe.environment.options.source;
const scripts = { register() {}, getScript: () => ({ execute: (scope, callback) => callback(null, scope.environment.variables.outcome === 'approve') }) };
const extensions = { cardo: (activity) => { if (activity.type === 'bpmn:ServiceTask') activity.behaviour.Service = function NoOp() { return { execute: (_message, callback) => callback(null, {}) }; }; } };
const SAVE = process.env.SAVE !== '0';
const engineOnly = async () => {
  const waits = [];
  const listener = new EventEmitter();
  listener.on('wait', (api) => waits.push(api));
  listener.on('activity.end', (api) => { if (api.type === 'bpmn:UserTask') api.environment.variables.outcome = api.content.output?.outcome ?? null; });
  const engine = new Engine({ name: 'floor', sourceContext, scripts, extensions, Logger: quiet });
  const save = () => SAVE && JSON.stringify(engine.execution.definitions.map((d) => d.getState()));
  await engine.execute({ listener });
  save();
  for (let i = 0; i < 2; i++) {
    const wait = waits.pop();
    engine.execution.signal({ id: wait.id, executionId: wait.executionId, outcome: 'approve' });
    await new Promise((resolve) => setImmediate(resolve));
    save();
  }
  if (engine.state !== 'idle') throw new Error(`not finished (${engine.state})`);
};
const N = Number(process.env.N ?? 2000);
for (let i = 0; i < 200; i++) await engineOnly();
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let i = 0; i < N; i++) await engineOnly();
const u = process.cpuUsage(c0);
console.log(`${((u.user + u.system) / 1000 / N).toFixed(2)} ms CPU/instance, ${(N / ((performance.now() - t0) / 1000)).toFixed(0)}/s`);
