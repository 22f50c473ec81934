// Scenario `scaleOut` (issue 12, "Scale-out"): read throughput of two runtime processes on
// one PostgreSQL against one process — get by id, the same total connections, split evenly
// over the two ports by the load generator (two autocannon instances, one per port). Both
// processes are real `createRuntime` servers with their own pools and pg-boss workers. The
// CPU time of the servers, the PostgreSQL backends and the load generator is reported, so the
// table says what limited the second process (on 2 cores everything shares them).
import { auth, cycler, samplePercent, shuffle } from './helpers.mjs';
import { backendPids, cpuMeter, describeCpu } from './helpers-cpu.mjs';
import { mergeRuns, runLoad } from '../lib/load.mjs';

export default () => ({
  id: 'scaleOut',
  title: 'scale-out: get by id, 2 processes vs 1',
  async measure(ctx) {
    const { rows } = await ctx.pool.query(`SELECT id FROM counterparty TABLESAMPLE SYSTEM (${samplePercent(ctx.rows, 20_000)}) LIMIT 20000`);
    const ids = shuffle(rows.map((r) => r.id));
    const second = await ctx.startRuntime({}, 'runtime-2');
    try {
      const connections = Math.max(2, ctx.opt.connections);
      const load = (server, conns, seconds, warmup) => {
        const pick = cycler(ids);
        return runLoad({ url: server.url, connections: conns, duration: seconds, warmup, next: () => ({ method: 'GET', path: `/api/data/counterparty/${pick('runtime')}`, headers: auth(ctx) }) });
      };
      const servers = [ctx.runtime, second];
      const one = [];
      const two = [];
      const cpu = { one: [], two: [] };
      const seconds = ctx.opt.duration / ctx.opt.rounds;
      const meter = (pids) => cpuMeter({ servers: pids, PostgreSQL: () => backendPids(ctx.pool) });
      for (let round = 0; round < ctx.opt.rounds; round++) {
        const warm = round === 0 ? ctx.opt.warmup : 0;
        const order = round % 2 === 0 ? ['one', 'two'] : ['two', 'one'];
        for (const which of order) {
          if (which === 'one') {
            const m = meter([ctx.runtime.pid]);
            one.push(await load(ctx.runtime, connections, seconds, warm));
            cpu.one.push(await m.end());
          } else {
            const m = meter(servers.map((s) => s.pid));
            // Two measurements at once, one per port: together one round of the pair.
            const both = await Promise.all(servers.map((s) => load(s, Math.ceil(connections / 2), seconds, warm)));
            cpu.two.push(await m.end());
            two.push({ ...mergeRuns(both), seconds: Math.max(...both.map((b) => b.seconds)) });
          }
        }
      }
      const a = mergeRuns(one);
      const bRuns = mergeRuns(two);
      // Two concurrent runs of `seconds` each are `seconds` of wall time, not twice that.
      const b = { ...bRuns, rps: bRuns.ok / two.reduce((sum, r) => sum + r.seconds, 0) };
      const ratio = b.rps / a.rps;
      const failed = a.failed + b.failed;
      const lastOne = cpu.one.at(-1);
      const lastTwo = cpu.two.at(-1);
      return {
        runtime: b,
        baseline: a,
        ratio,
        figures: `${Math.round(b.rps)} req/s (2 proc.)`,
        baselineFigures: `${Math.round(a.rps)} req/s (1 proc.)`,
        detail: `1 process — ${describeCpu(lastOne)}; 2 processes — ${describeCpu(lastTwo)}`,
        target: '2 processes ≥ 1.6× one',
        pass: failed === 0 && ratio >= 1.6,
        result: failed > 0 ? `FAIL (${failed} errors)` : ratio >= 1.6 ? 'pass' : 'FAIL',
      };
    } finally {
      await second.stop();
    }
  },
});
