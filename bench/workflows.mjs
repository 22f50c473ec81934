// Issue 7: "start + complete 1,000 two-step approval instances; report instances/s and the
// cost of persistence per wait state; at least 100 instances/s on PostgreSQL". The benchmark
// itself is bench/lib/workflows.mjs (also the `workflows` scenario of `npm run bench`); this
// runs it alone on a database of its own. Not part of npm test.
//
//   npm run build && node bench/workflows.mjs [--instances 1000] [--concurrency 8] [--database-url URL]
import { parseArgs } from 'node:util';
import { recreateDatabase } from './lib/db.mjs';
import { measureWorkflows, printWorkflows, workflowVerdict } from './lib/workflows.mjs';

const { values: opt } = parseArgs({
  options: {
    instances: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    'database-url': { type: 'string', default: process.env.CARDO_BENCH_WF_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cardo_bench_wf' },
  },
});
const url = opt['database-url'];
await recreateDatabase(url);
const result = await measureWorkflows({ url, instances: Number(opt.instances), concurrency: Number(opt.concurrency) });
printWorkflows(result, url);
process.exitCode = workflowVerdict(result).met ? 0 : 1;
