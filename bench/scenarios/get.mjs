// Scenario `get` (issue 4): see bench/README.md, "Scenarios and targets".
import { shuffle, auth, cycler } from './helpers.mjs';

export default () => ({
  id: 'get',
  title: 'get by id',
  mode: 'load',
  // Issue 12: get p50 < 5 ms at 1M rows, judged at one connection (see "Which p50").
  single: true,
  compare: 'exact',
  async prepare(ctx) {
    const { rows } = await ctx.pool.query(`SELECT id FROM counterparty TABLESAMPLE SYSTEM (${Math.min(100, Math.max(0.5, (2_000_000 / ctx.rows) * 1)).toFixed(2)}) LIMIT 20000`);
    this.ids = shuffle(rows.map((r) => r.id));
    this.pick = cycler(this.ids);
  },
  next(side, ctx) {
    return () => ({ method: 'GET', path: `/api/data/counterparty/${this.pick(side)}`, headers: auth(ctx) });
  },
  target: {
    // Issue 4 asked ≥ 0.6×; issue 12's "runtime/baseline ≤ 1.5" is the stricter ≥ 1/1.5 = 0.67×.
    text: '≥ 0.67× req/s, p50 ≤ 1.3×; p50 @1 < 5 ms',
    judge: (r, b, single) => r.rps >= b.rps / 1.5 && r.p50 <= 1.3 * b.p50 && (!single || single.runtime.p50 < 5),
  },
});
