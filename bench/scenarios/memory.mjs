// Scenario `memory` (issue 12): a fresh runtime process under a mix of reads (get by id,
// lists, quick search) for 100,000 requests (1,000,000 with --long): its peak RSS, and whether
// memory grows — the heap after a full GC and the RSS after each tenth of the requests,
// against the first tenth (the warm-up: caches, prepared statements, JIT).
import { auth, json, samplePercent, shuffle } from './helpers.mjs';
import { runLoad } from '../lib/load.mjs';

const MB = 2 ** 20;

export default () => ({
  id: 'memory',
  title: 'memory: peak RSS, growth over many requests',
  async measure(ctx) {
    const total = ctx.opt.memoryRequests;
    const { rows } = await ctx.pool.query(`SELECT id, owner, brand FROM counterparty TABLESAMPLE SYSTEM (${samplePercent(ctx.rows, 5000)}) LIMIT 5000`);
    const sample = shuffle(rows);
    let i = 0;
    // 7 gets, 2 lists (by owner and status, sorted), 1 quick search in every 10 requests.
    const next = () => {
      const row = sample[i++ % sample.length];
      const k = i % 10;
      if (k < 7) return { method: 'GET', path: `/api/data/counterparty/${row.id}`, headers: auth(ctx) };
      if (k < 9) return { method: 'GET', path: `/api/data/counterparty?filter=${encodeURIComponent(json({ owner: row.owner, status: k === 7 ? 'active' : 'potential' }))}&sort=brand&limit=50`, headers: auth(ctx) };
      const word = String(row.brand).split(/\s+/)[0].slice(0, 5);
      return { method: 'GET', path: `/api/data/counterparty?q=${encodeURIComponent(word)}&limit=20`, headers: auth(ctx) };
    };
    const server = await ctx.startRuntime({}, 'runtime-memory', ['--expose-gc']);
    try {
      const chunk = Math.max(100, Math.round(total / 10));
      const samples = [];
      let failed = 0;
      let done = 0;
      const errors = new Set();
      const started = performance.now();
      while (done < total) {
        const r = await runLoad({ url: server.url, connections: ctx.opt.connections, duration: 3600, amount: Math.min(chunk, total - done), next });
        done += r.requests;
        failed += r.failed;
        for (const e of r.errors) errors.add(e);
        const m = await server.memory({ gc: true });
        samples.push({ done, rss: m.rss, heap: m.heapUsed, peak: m.peakRss });
        ctx.log(`  memory: ${done.toLocaleString('en-US')} requests, RSS ${(m.rss / MB).toFixed(0)} MB, heap after GC ${(m.heapUsed / MB).toFixed(1)} MB, peak RSS ${(m.peakRss / MB).toFixed(0)} MB`);
        if (r.requests === 0) break;
      }
      const seconds = (performance.now() - started) / 1000;
      const first = samples[0];
      const last = samples.at(-1);
      const heapGrowth = last.heap - first.heap;
      const rssGrowth = last.rss - first.rss;
      // Growth allowed: 10% of the warmed-up heap plus 5 MB (lazily compiled code, pool slots).
      const heapOk = heapGrowth <= 0.1 * first.heap + 5 * MB;
      const pass = failed === 0 && heapOk;
      return {
        figures: `peak RSS ${(last.peak / MB).toFixed(0)} MB`,
        baselineFigures: '–',
        detail: `${done.toLocaleString('en-US')} requests in ${seconds.toFixed(0)} s (${Math.round(done / seconds)} req/s); after the first ${first.done.toLocaleString('en-US')}: RSS ${(first.rss / MB).toFixed(0)} MB, heap after GC ${(first.heap / MB).toFixed(1)} MB; at the end: RSS ${(last.rss / MB).toFixed(0)} MB (${rssGrowth >= 0 ? '+' : ''}${(rssGrowth / MB).toFixed(1)}), heap after GC ${(last.heap / MB).toFixed(1)} MB (${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / MB).toFixed(1)})${failed ? `; ${failed} failed: ${[...errors].slice(0, 3).join(' | ')}` : ''}`,
        target: 'heap after GC grows ≤ 10% + 5 MB',
        pass,
        result: failed > 0 ? `FAIL (${failed} errors)` : heapOk ? 'pass' : 'FAIL (growth)',
        samples,
      };
    } finally {
      await server.stop();
    }
  },
});
