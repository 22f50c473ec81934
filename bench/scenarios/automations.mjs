// Scenario `automations` (issue 8): interactions created on deals through the runtime's record
// service with the CRM's automations (the deal's stage copied, the deal touched), without them,
// and the same effect by hand (bench/lib/automations.mjs, also `node bench/automations.mjs`),
// on a database of its own beside the bench database. 2,000 interactions on 200 deals at
// scale 1, never fewer than 50 on 5.
import { withScratchDatabase } from '../lib/db.mjs';
import { measureAutomations } from '../lib/automations.mjs';
import { benchScale, benchUrl } from './helpers.mjs';

export default () => ({
  id: 'automations',
  title: 'create with automations (interaction → deal)',
  async measure(ctx) {
    const scale = benchScale(ctx);
    const interactions = Math.max(50, Math.round(2000 * scale));
    const deals = Math.max(5, Math.round(200 * scale));
    const r = await withScratchDatabase(benchUrl(ctx), 'auto', (url) => measureAutomations({ url, interactions, deals, concurrency: 8 }));
    const rate = (seconds) => (interactions / seconds).toFixed(1);
    return {
      figures: `${rate(r.withAutomations)} creates/s`,
      baselineFigures: `${rate(r.baseline)} creates/s`,
      ratio: r.baseline / r.withAutomations,
      detail: `${interactions} interactions on ${deals} deals, 8 concurrent; without automations ${rate(r.withoutAutomations)} creates/s (automations cost ${(r.withAutomations / r.withoutAutomations).toFixed(2)}× the time)`,
      target: 'report',
      pass: null,
      result: 'report',
    };
  },
});
