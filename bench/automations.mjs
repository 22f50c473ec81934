// Issue 8 (automations): what the CRM's automations cost a write. The benchmark itself is
// bench/lib/automations.mjs (also the `automations` scenario of `npm run bench`); this runs it
// alone on a database of its own. Not part of npm test.
//
//   npm run build --workspace server && node bench/automations.mjs [--interactions 2000] [--deals 200] [--concurrency 8] [--database-url URL]
import { parseArgs } from 'node:util';
import { recreateDatabase } from './lib/db.mjs';
import { measureAutomations, printAutomations } from './lib/automations.mjs';

const { values: opt } = parseArgs({
  options: {
    interactions: { type: 'string', default: '2000' },
    deals: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
    'database-url': { type: 'string', default: process.env.CARDO_BENCH_AUTO_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cardo_bench_auto' },
  },
});
const url = opt['database-url'];
await recreateDatabase(url);
printAutomations(await measureAutomations({ url, interactions: Number(opt.interactions), deals: Number(opt.deals), concurrency: Number(opt.concurrency) }), url);
