// Scenario `workflows` (issue 7): start + complete two-step approval instances through the
// runtime's workflow service against the same rows written by hand (bench/lib/workflows.mjs,
// also `node bench/workflows.mjs`), on a database of its own beside the bench database, in one
// process and with one runtime per CPU side by side. 1,000 instances at scale 1, never fewer than 20.
import { withScratchDatabase } from '../lib/db.mjs';
import { WORKFLOW_TARGET, engineCeiling, measureWorkflows, workflowVerdict } from '../lib/workflows.mjs';
import { benchScale, benchUrl } from './helpers.mjs';

export default () => ({
  id: 'workflows',
  title: 'workflow start + complete (2 steps)',
  async measure(ctx) {
    const instances = Math.max(20, Math.round(1000 * benchScale(ctx)));
    const r = await withScratchDatabase(benchUrl(ctx), 'wf', (url) => measureWorkflows({ url, instances, concurrency: 8 }));
    const verdict = workflowVerdict(r);
    const perInstance = (s) => `${(s.cpuMs / instances).toFixed(1)} ms CPU + PostgreSQL ${(s.postgresMs / instances).toFixed(1)} ms per instance`;
    return {
      figures: `${verdict.best.toFixed(1)} instances/s`,
      baselineFigures: `${r.baseline.rate.toFixed(1)} instances/s`,
      ratio: verdict.best / r.baseline.rate,
      detail: `${instances} instances, 8 concurrent: one process ${r.runtime.rate.toFixed(1)} instances/s (${perInstance(r.runtime)}), ${r.cpus} side by side ${r.sideBySide.runtime.rate.toFixed(1)}/s (baseline ${perInstance(r.baseline)}); bpmn-engine alone in memory ${r.engine.rate.toFixed(0)} instances/s, ${r.sideBySide.engine.rate.toFixed(0)} on ${r.cpus} CPUs; ceiling on bpmn-engine (engine + baseline CPU) ${engineCeiling(r).toFixed(0)}/s; saved state ${r.stateBytes} bytes, its UPDATE ${r.persistMs.toFixed(2)} ms per wait state`,
      target: `≥ ${WORKFLOW_TARGET} instances/s`,
      pass: verdict.met,
      result: verdict.met ? 'pass' : `FAIL: ${verdict.why}`,
    };
  },
});
