// Scenario `search` (issue 12): the quick search `q` — ILIKE '%word%' over every searchable
// field of counterparty (brand, legal name, INN, phones, e-mail), a page of 50 by brand.
import { auth, cycler, samplePercent, shuffle } from './helpers.mjs';

export default () => ({
  id: 'search',
  title: 'quick search q, 50 rows',
  mode: 'load',
  single: true,
  compare: 'exact',
  async prepare(ctx) {
    // Words that occur in real brands (the syllable-coded names and the shared suffixes).
    const { rows } = await ctx.pool.query(`SELECT brand FROM counterparty TABLESAMPLE SYSTEM (${samplePercent(ctx.rows, 400)}) LIMIT 200`);
    const words = new Set();
    for (const { brand } of rows) for (const word of String(brand).split(/[^\p{L}\d]+/u)) if (word.length >= 4) words.add(word.slice(0, 6).toLowerCase());
    if (words.size === 0) return 'no brand words to search for';
    this.paths = shuffle([...words]).slice(0, 100).map((q) => `/api/data/counterparty?q=${encodeURIComponent(q)}&sort=brand&limit=50`);
    this.pick = cycler(this.paths);
    return undefined;
  },
  next(side, ctx) {
    return () => ({ method: 'GET', path: this.pick(side), headers: auth(ctx) });
  },
  target: {
    text: '≥ 0.67× req/s (time ≤ 1.5×)',
    judge: (r, b) => r.rps >= 0.67 * b.rps,
  },
});
