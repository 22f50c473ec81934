// Scenario `total` (issue 4): see bench/README.md, "Scenarios and targets".
import { json, auth } from './helpers.mjs';

export default () => ({
  id: 'total',
  title: 'list over > 10,000 matches (total estimated)',
  mode: 'load',
  compare: 'exact',
  async prepare(ctx) {
    // The biggest status gives the most matches; without a filter if even that is too few.
    const { rows } = await ctx.pool.query('SELECT status, count(*)::int AS n FROM counterparty GROUP BY status ORDER BY n DESC LIMIT 1');
    const top = rows[0];
    if (top && top.n > 10_000) this.path = `/api/data/counterparty?filter=${encodeURIComponent(json({ status: top.status }))}&sort=brand&limit=50`;
    else if (ctx.rows > 10_000) this.path = '/api/data/counterparty?sort=brand&limit=50';
    else return `needs more than 10,000 counterparties (the database has ${ctx.rows})`;
    const res = await fetch(`${ctx.runtimeUrl}${this.path}`, { headers: auth(ctx) });
    const body = await res.json();
    this.flag = body.totalEstimated === true;
    this.detail = `total ${body.total}${body.totalEstimated ? ' (estimated)' : ' (exact)'}`;
    return undefined;
  },
  next(side, ctx) {
    return () => ({ method: 'GET', path: this.path, headers: auth(ctx) });
  },
  // The issue asks for the flag and a latency report, not a latency target.
  target: {
    text: 'totalEstimated: true',
    judge() {
      return this.flag === true;
    },
  },
});
