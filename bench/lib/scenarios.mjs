// The benchmark scenarios (issue 4, "Speed"). Each one describes its requests once; run.mjs
// sends them to the runtime and to the baseline alike and judges the figures against the
// target. Issue 12 grows this list (scoped lists, q, reports, exports…) with the same shape:
//
//   { id, title, mode: 'load' | 'sequential',
//     prepare(ctx)            — one-off setup (sample ids, pick filters); may return a skip reason
//     next(side) → (context) => {method, path, headers, body}   — the request generator
//     onResponse(side)?       — sees each response (e.g. to learn new versions)
//     check?(body)            — sequential mode: is the answer right
//     compare: 'exact' | 'keys' — how the runtime's and the baseline's JSON must agree
//     target: { text, judge(runtime, baseline, single) → boolean | null }   — null: report only
//     single?: true           — also measure at 1 connection (latency without queueing);
//                               judge gets { runtime, baseline } of that run }
//
// Latency targets (list p50 < 20 ms, create p50 < 15 ms) are judged at 1 connection: with
// 10 connections on 2 cores shared by the load generator, both servers and PostgreSQL, a
// request mostly waits for the 9 others (p50 ≈ connections / throughput, Little's law), so
// that p50 measures throughput, which the req/s ratio already judges — the hand-written
// baseline misses those numbers at 10 connections too. Both p50s are printed.
const json = (value) => JSON.stringify(value);

function shuffle(list, seed = 7) {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

const auth = (ctx, extra = {}) => ({ authorization: `Bearer ${ctx.token}`, ...extra });

/** Cycles through a list; a separate cursor per side keeps the two runs alike. */
function cycler(list) {
  const cursors = { runtime: 0, baseline: 0 };
  return (side) => list[cursors[side]++ % list.length];
}

export function defineScenarios() {
  return [
    {
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
    },
    {
      id: 'list',
      title: 'list: 2-field filter + sort, 50 rows',
      mode: 'load',
      single: true,
      compare: 'exact',
      async prepare(ctx) {
        // "My active clients by brand": owner (one of 200) and status, the view's sort.
        this.paths = shuffle(ctx.owners.map((owner) => `/api/data/counterparty?filter=${encodeURIComponent(json({ owner, status: 'active' }))}&sort=brand&limit=50`));
        this.pick = cycler(this.paths);
      },
      next(side, ctx) {
        return () => ({ method: 'GET', path: this.pick(side), headers: auth(ctx) });
      },
      target: {
        text: '≥ 0.5× req/s, p50 @1 < 20 ms',
        judge: (r, b, single) => r.rps >= 0.5 * b.rps && single.runtime.p50 < 20,
      },
    },
    {
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
    },
    {
      id: 'create',
      title: 'create, all duplicate rules checked',
      mode: 'load',
      single: true,
      compare: 'keys',
      async prepare(ctx) {
        this.owners = ctx.owners;
      },
      next(side, ctx) {
        // Fresh generator indexes for every request (shared by both sides): unique brand,
        // phone, e-mail and INN, so the block rules pass and every rule still runs its query.
        return () => {
          const index = ctx.takeIndex();
          const body = ctx.gen.counterpartyBody(index, this.owners[index % this.owners.length]);
          return { method: 'POST', path: '/api/data/counterparty?confirm=duplicates', headers: auth(ctx, { 'content-type': 'application/json' }), body: json(body) };
        };
      },
      target: { text: 'p50 @1 < 15 ms', judge: (r, b, single) => single.runtime.p50 < 15 },
    },
    {
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
    },
    {
      id: 'groupBy',
      title: 'groupBy=status over all rows (sequential)',
      mode: 'sequential',
      compare: 'exact',
      next(side, ctx) {
        return () => ({ method: 'GET', path: '/api/data/counterparty?groupBy=status', headers: auth(ctx) });
      },
      check: (body) => Array.isArray(JSON.parse(body).groups),
      target: { text: 'p50 < 300 ms', judge: (r) => r.p50 < 300 },
    },
  ];
}
