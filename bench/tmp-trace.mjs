import pg from 'pg';
import { recreateDatabase } from './lib/db.mjs';
import { measureWorkflows } from './lib/workflows.mjs';
const log = [];
let on = false;
const orig = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, cb) {
  if (on) log.push(typeof config === 'string' ? config : config.text ?? config.name);
  return orig.call(this, config, values, cb);
};
globalThis.__traceOn = (v) => { on = v; };
const url = 'postgres://postgres@127.0.0.1:5432/cardo_bench_wft';
await recreateDatabase(url);
on = false;
const r = await measureWorkflows({ url, instances: 1, concurrency: 1, trace: (v) => { on = v; } });
console.log(log.map((s) => s.replace(/\s+/g, ' ').slice(0, 230)).join('\n'));
