// Scenario `workflows` (issue 7): start + complete two-step approval instances through the
// runtime's workflow service against the same rows written by hand (bench/lib/workflows.mjs,
// also `node bench/workflows.mjs`), on a database of its own beside the bench database.
// 1,000 instances at scale 1, never fewer than 20.
import { withScratchDatabase } from '../lib/db.mjs';
import { WORKFLOW_TARGET, measureWorkflows } from '../lib/workflows.mjs';
import { benchScale, benchUrl } from './helpers.mjs';

export default () => ({
  id: 'workflows',
  title: 'workflow start + complete (2 steps)',
  async measure(ctx) {
    const instances = Math.max(20, Math.round(1000 * benchScale(ctx)));
    const r = await withScratchDatabase(benchUrl(ctx), 'wf', (url) => measureWorkflows({ url, instances, concurrency: 8 }));
    const met = r.runtime.rate >= WORKFLOW_TARGET;
    return {
      figures: `${r.runtime.rate.toFixed(1)} instances/s`,
      baselineFigures: `${r.baseline.rate.toFixed(1)} instances/s`,
      ratio: r.runtime.rate / r.baseline.rate,
      detail: `${instances} instances, 8 concurrent; ${(r.runtime.cpuMs / instances).toFixed(1)} ms CPU per instance (baseline ${(r.baseline.cpuMs / instances).toFixed(1)}); bpmn-engine alone in memory ${r.engine.rate.toFixed(0)} instances/s; saved state ${r.stateBytes} bytes, its UPDATE ${r.persistMs.toFixed(2)} ms per wait state`,
      target: `≥ ${WORKFLOW_TARGET} instances/s`,
      pass: met,
      result: met ? 'pass' : 'FAIL',
    };
  },
});
