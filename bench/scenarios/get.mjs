// Scenario `get` (issue 4): see bench/README.md, "Scenarios and targets".
import { shuffle, auth, cycler } from './helpers.mjs';

export default () => ({
  id: 'get',
  title: 'get by id',
  mode: 'load',
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
    text: '≥ 0.6× req/s, p50 ≤ 1.3×',
    judge: (r, b) => r.rps >= 0.6 * b.rps && r.p50 <= 1.3 * b.p50,
  },
});
