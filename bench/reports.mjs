// The issue 9 scenarios (plan/fact, forecast, xlsx export; bench/scenarios/reports.mjs) alone,
// without the record API ones: `npm run bench -- --only planFact,forecast,export` does the same
// inside the one table. Not part of npm test.
//
//   npm run build && node bench/reports.mjs [--interactions 5000000] [--export-rows 100000] [--runs 3] [--reuse]
//                                           [--only planFact,forecast,export] [--database-url URL]
import { parseArgs } from 'node:util';
import { exportXlsx, forecast, planFact } from './scenarios/reports.mjs';

const { values: opt } = parseArgs({
  options: {
    interactions: { type: 'string', default: '5000000' },
    'export-rows': { type: 'string' },
    runs: { type: 'string', default: '3' },
    reuse: { type: 'boolean', default: false },
    only: { type: 'string' },
    'database-url': { type: 'string', default: process.env.CARDO_BENCH_REPORTS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cardo_bench_reports' },
  },
});
process.env.CARDO_BENCH_REPORTS_DATABASE_URL = opt['database-url'];
const log = (line) => process.stderr.write(`${line}\n`);
const ctx = {
  log,
  benchUrl: opt['database-url'],
  opt: { interactions: Number(opt.interactions), ...(opt['export-rows'] ? { exportRows: Number(opt['export-rows']) } : {}), reportRuns: Number(opt.runs), reuse: opt.reuse },
};
let failed = false;
for (const scenario of [planFact(), forecast(), exportXlsx()].filter((s) => !opt.only || opt.only.split(',').includes(s.id))) {
  log(`\n▶ ${scenario.title}`);
  const row = await scenario.measure(ctx);
  console.log(`${scenario.title}\n  runtime:  ${row.figures}\n  baseline: ${row.baselineFigures}${row.ratio === undefined ? '' : `\n  ratio:    ${row.ratio.toFixed(2)}×`}\n  ${row.detail}\n  target: ${row.target} → ${row.result}`);
  if (row.pass === false) failed = true;
}
process.exit(failed ? 1 : 0);
