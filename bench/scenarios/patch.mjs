// Scenario `patch` (issue 4): see bench/README.md, "Scenarios and targets".
import { json, shuffle, auth } from './helpers.mjs';

export default () => ({
  id: 'patch',
  title: 'patch with If-Match (optimistic locking)',
  mode: 'load',
  compare: 'keys',
  async prepare(ctx) {
    const { rows } = await ctx.pool.query(`SELECT id, version FROM counterparty TABLESAMPLE SYSTEM (${Math.min(100, Math.max(0.5, 2_000_000 / ctx.rows)).toFixed(2)}) LIMIT 10000`);
    const half = Math.floor(rows.length / 2);
    // Each side edits its own records; an id goes back in the queue once its answer (and
    // so its new version) is known, so no two connections ever edit the same record.
    this.queues = { runtime: shuffle(rows.slice(0, half)), baseline: shuffle(rows.slice(half)) };
  },
  next(side, ctx) {
    const queue = this.queues[side];
    let n = 0;
    return (context) => {
      const item = queue.shift();
      context.item = item;
      n++;
      return {
        method: 'PATCH',
        // Confirmed: the edited record may have look-alikes (the similar_brand warn rule).
        path: `/api/data/counterparty/${item.id}?confirm=duplicates`,
        headers: auth(ctx, { 'content-type': 'application/json', 'if-match': `"${item.version}"` }),
        body: json({ address: `г. Москва, ул. Тверская, д. ${1 + (n % 200)}`, status: n % 2 ? 'active' : 'key' }),
      };
    };
  },
  onResponse(side) {
    const queue = this.queues[side];
    return (status, body, context) => {
      const item = context.item;
      if (!item) return;
      if (status === 200) item.version = JSON.parse(body).version;
      if (status === 200 || status === 412) {
        if (status === 412) item.version = JSON.parse(body).currentVersion ?? item.version;
        queue.push(item);
      }
    };
  },
  target: { text: 'report only', judge: () => null },
});
