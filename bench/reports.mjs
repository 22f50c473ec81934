// Issue 9, "Speed": plan/fact for 200 employees over a quarter with 5,000,000 interactions
// under 2 s on PostgreSQL; a list export of 100,000 rows to xlsx at ≥ 30,000 rows/s with flat
// memory (peak RSS reported).
//
// The runtime (server/dist, in its own process, over HTTP) against a hand-written baseline in
// the same run on the same database: for plan/fact, the same aggregates written by hand as SQL
// (no report engine, no layout); for the export, the same pages of the same SELECT written to
// exceljs' streaming writer directly (no access checks, titles, formats, colors or totals).
// Data goes in with INSERT … SELECT generate_series into a dedicated database (dropped and
// recreated unless --reuse finds the same seed), secondary indexes and foreign-key triggers off
// while loading. Not part of npm test.
//
//   npm run build && node bench/reports.mjs [--interactions 5000000] [--export-rows 100000] [--runs 5] [--reuse]
//   (npm run bench runs it after the record API scenarios; --only reports runs it alone)
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { startServer } from './lib/children.mjs';
import { databaseExists, readMarker, recreateDatabase, withClient, writeMarker } from './lib/db.mjs';
import { loginHttp, openRuntime } from './lib/runtime.mjs';

const USERS = 200;
const DEPARTMENTS = 10;
const COUNTERPARTIES = 2000;
const DEALS = 100_000;
const MB = 2 ** 20;

/** The seed: every row a function of its index (generate_series), owners spread evenly. */
async function seed(url, interactions, log) {
  await recreateDatabase(url);
  // The runtime creates the schema (and the administrator) on its first start, then stops.
  const { runtime } = await openRuntime(url);
  await runtime.close();
  const started = performance.now();
  await withClient(url, async (c) => {
    await c.query('SET session_replication_role = replica'); // no FK triggers while loading
    await c.query(`INSERT INTO sys_department (id, created_at, updated_at, version, name)
      SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(d), 12, '0'))::uuid, now(), now(), 1, 'Отдел продаж ' || d FROM generate_series(1, ${DEPARTMENTS}) d`);
    await c.query(`INSERT INTO sys_user (id, created_at, updated_at, version, login, full_name, active, department)
      SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(u), 12, '0'))::uuid, now(), now(), 1, 'bench.sales' || u, 'Менеджер ' || u, true,
             ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (u - 1) % ${DEPARTMENTS}), 12, '0'))::uuid
        FROM generate_series(1, ${USERS}) u`);
    await c.query(`UPDATE sys_department d SET head = ('00000000-0000-4000-9000-' || lpad(to_hex(n), 12, '0'))::uuid
      FROM generate_series(1, ${DEPARTMENTS}) n WHERE d.id = ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid`);
    const user = (expr) => `('00000000-0000-4000-9000-' || lpad(to_hex(1 + (${expr}) % ${USERS}), 12, '0'))::uuid`;
    const cp = (expr) => `('00000000-0000-4000-a000-' || lpad(to_hex(1 + (${expr}) % ${COUNTERPARTIES}), 12, '0'))::uuid`;
    await c.query(`INSERT INTO counterparty (id, created_at, updated_at, version, owner, brand, status)
      SELECT ('00000000-0000-4000-a000-' || lpad(to_hex(i), 12, '0'))::uuid, now(), now(), 1, ${user('i')}, 'Клиент ' || i, 'active' FROM generate_series(1, ${COUNTERPARTIES}) i`);
    await c.query(`INSERT INTO deal (id, created_at, updated_at, version, owner, title, counterparty, stage, amount, currency, expected_close_date, actual_close_date)
      SELECT gen_random_uuid(), now(), now(), 1, ${user('i')}, 'Сделка ' || i, ${cp('i')},
             (ARRAY['first_contact','needs_identified','proposal','negotiation','contract','won','won','lost'])[1 + i % 8],
             (10000 + (i * 7919) % 990000)::numeric, 'rub', date '2026-01-01' + (i % 365),
             CASE WHEN i % 8 IN (5, 6, 7) THEN date '2026-01-01' + (i * 13 % 365) END
        FROM generate_series(1, ${DEALS}) i`);
    await c.query(`INSERT INTO kpi_plan (id, created_at, updated_at, version, owner, employee, period, metric, target)
      SELECT gen_random_uuid(), now(), now(), 1, ${user('u')}, ${user('u')}, (date '2026-01-01' + make_interval(months => m))::date, metric,
             CASE metric WHEN 'revenue_won' THEN 1000000 WHEN 'calls' THEN 400 ELSE 60 END
        FROM generate_series(0, ${USERS - 1}) u, generate_series(0, 11) m,
             unnest(ARRAY['calls','meetings_held','proposals_sent','contracts_signed','revenue_won']) metric`);
    // Interactions: indexes off while loading, rebuilt verbatim afterwards.
    const { rows: indexes } = await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'interaction' AND indexname <> 'interaction_pkey'`);
    for (const ix of indexes) await c.query(`DROP INDEX "${ix.indexname}"`);
    log(`  seeding ${interactions.toLocaleString('en-US')} interactions…`);
    const chunk = 1_000_000;
    for (let from = 1; from <= interactions; from += chunk) {
      const to = Math.min(interactions, from + chunk - 1);
      // A year of completed interactions (2026, evenly spaced), every owner every 200th row.
      await c.query(`INSERT INTO interaction (id, created_at, updated_at, version, owner, type, counterparty, completed_at, result)
        SELECT gen_random_uuid(), ts, ts, 1, ${user('i')},
               (ARRAY['outgoing_call','outgoing_call','outgoing_call','incoming_call','meeting','email','outgoing_letter','showing'])[1 + (i / ${USERS}) % 8],
               ${cp('i')}, ts,
               (ARRAY[NULL,NULL,'meeting_held','proposal_sent','contract_signed','continue',NULL,'refused'])[1 + (i * 7 / ${USERS}) % 8]
          FROM generate_series(${from}, ${to}) i, LATERAL (SELECT timestamptz '2026-01-01 00:00:00+03' + make_interval(secs => i * ${(365 * 86400) / interactions})) AS t(ts)`);
      log(`    ${to.toLocaleString('en-US')}`);
    }
    await c.query('SET session_replication_role = DEFAULT');
    for (const ix of indexes) await c.query(ix.indexdef);
    await c.query('VACUUM (ANALYZE) interaction, deal, kpi_plan, sys_user, counterparty');
  });
  log(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await writeMarker(url, { kind: 'cardo-bench', bench: 'reports', interactions });
}

/** Peak and current RSS of a process (Linux /proc). */
async function memoryOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kb('VmHWM'), rss: kb('VmRSS') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Times `fn` `runs` times after one warm-up; the median in ms. */
async function timeIt(runs, fn) {
  await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** The baseline plan/fact: the same aggregates by hand (targets; facts of the five metrics). */
async function baselinePlanFact(pool) {
  const from = '2026-04-01';
  const until = '2026-07-01';
  const [plans, facts, revenue] = await Promise.all([
    pool.query(`SELECT employee, date_trunc('quarter', period)::date AS q, metric, sum(target) FROM kpi_plan WHERE period >= $1 AND period < $2 AND employee IS NOT NULL GROUP BY 1, 2, 3`, [from, until]),
    pool.query(`SELECT owner, date_trunc('quarter', completed_at AT TIME ZONE 'Europe/Moscow')::date AS q,
        count(*) FILTER (WHERE type = 'outgoing_call') AS calls,
        count(*) FILTER (WHERE type = 'meeting' OR result = 'meeting_held') AS meetings,
        count(*) FILTER (WHERE result = 'proposal_sent') AS proposals,
        count(*) FILTER (WHERE result = 'contract_signed') AS contracts
      FROM interaction WHERE completed_at >= '2026-04-01T00:00:00+03' AND completed_at < '2026-07-01T00:00:00+03' AND owner IS NOT NULL
        AND (type = 'outgoing_call' OR type = 'meeting' OR result IN ('meeting_held', 'proposal_sent', 'contract_signed'))
      GROUP BY 1, 2`),
    pool.query(`SELECT owner, date_trunc('quarter', actual_close_date)::date, sum(amount) FROM deal WHERE actual_close_date >= $1 AND actual_close_date < $2 AND stage = 'won' AND owner IS NOT NULL GROUP BY 1, 2`, [from, until]),
  ]);
  return plans.rowCount + facts.rowCount + revenue.rowCount;
}

/** Downloads a URL, counting bytes; the server's RSS is sampled meanwhile. */
async function download(url, token, pid) {
  let peakRss = 0;
  const sampler = setInterval(() => memoryOf(pid).then((m) => (peakRss = Math.max(peakRss, m.rss)), () => undefined), 50);
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  const ms = performance.now() - t0;
  clearInterval(sampler);
  return { ms, bytes, peakRss };
}

/** The baseline export: the same SELECT, page by page, into exceljs' streaming writer, nothing else. */
async function baselineExport(pool, window) {
  let bytes = 0;
  const sink = new Writable({ write(chunk, _enc, done) { bytes += chunk.length; done(); } });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet('Interactions', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(['Type', 'Counterparty', 'Completed', 'Result', 'Owner']).commit();
  const t0 = performance.now();
  let last = null;
  let written = 0;
  for (;;) {
    // Keyset pages over (completed_at, id): each page one index range, no OFFSET.
    const { rows: page } = await pool.query(
      `SELECT t.id, t.type, c.brand, t.completed_at, t.result, u.full_name FROM interaction t JOIN counterparty c ON c.id = t.counterparty JOIN sys_user u ON u.id = t.owner
        WHERE t.completed_at >= $1 AND t.completed_at < $2 ${last ? 'AND (t.completed_at, t.id) > ($3, $4)' : ''} ORDER BY t.completed_at, t.id LIMIT 1000`,
      last ? [window.$gte, window.$lt, last.completed_at, last.id] : [window.$gte, window.$lt],
    );
    if (page.length === 0) break;
    for (const r of page) sheet.addRow([r.type, r.brand, r.completed_at, r.result, r.full_name]).commit();
    written += page.length;
    last = page.at(-1);
  }
  sheet.commit();
  await workbook.commit();
  await new Promise((r) => (sink.writableFinished ? r() : sink.on('finish', r)));
  return { ms: performance.now() - t0, bytes, rows: written };
}

/**
 * The measurement as a bench scenario of its own: { id, title, measure(ctx) }. `ctx.opt` may
 * carry interactions, exportRows, runs, reuse; ctx.log prints progress.
 */
const reportsScenario = () => ({
  id: 'reports',
  title: 'reports: plan/fact over a quarter; xlsx list export',
  async measure(ctx) {
    const log = ctx.log ?? ((line) => process.stderr.write(`${line}\n`));
    const url = ctx.opt.reportsDatabaseUrl;
    const interactions = ctx.opt.interactions;
    const exportRows = ctx.opt.exportRows;
    const marker = ctx.opt.reuse && (await databaseExists(url)) ? await readMarker(url) : null;
    if (marker?.bench === 'reports' && marker.interactions === interactions) log(`  reusing ${url}`);
    else await seed(url, interactions, log);

    const server = await startServer('runtime-reports', 'lib/serve-runtime.mjs', { env: { CARDO_BENCH_DATABASE_URL: url, CARDO_EXPORT_MAX_ROWS: String(exportRows + 100) } });
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    try {
      const token = await loginHttp(server.url);
      const auth = { authorization: `Bearer ${token}` };
      const reportUrl = `${server.url}/api/reports/kpi-plan-fact?period=2026-Q2&locale=ru`;
      const check = await (await fetch(reportUrl, { headers: auth })).json();
      const employees = new Set(check.rows.filter((r) => r.kind === 'data').map((r) => r.keys.employee)).size;
      const quarterRows = (await pool.query(`SELECT count(*)::int AS n FROM interaction WHERE completed_at >= '2026-04-01T00:00:00+03' AND completed_at < '2026-07-01T00:00:00+03'`)).rows[0].n;
      const runtimeMs = await timeIt(ctx.opt.runs, async () => {
        const res = await fetch(reportUrl, { headers: auth });
        if (res.status !== 200) throw new Error(`plan/fact: ${res.status}`);
        await res.arrayBuffer();
      });
      const baselineMs = await timeIt(ctx.opt.runs, () => baselinePlanFact(pool));
      log(`  plan/fact, Q2 2026, ${employees} employees, ${quarterRows.toLocaleString('en-US')} interactions in the quarter: runtime ${runtimeMs.toFixed(0)} ms (HTTP, JSON), baseline ${baselineMs.toFixed(0)} ms (SQL only)`);

      // Export: the interactions completed in a window holding exportRows of them (they are evenly
      // spaced in time), and a tenth of that window first.
      const step = (365 * 86400) / interactions;
      const windowStart = Date.parse('2026-03-01T00:00:00+03:00');
      const windowOf = (rows) => ({ completedAt: { $gte: new Date(windowStart).toISOString(), $lt: new Date(windowStart + rows * step * 1000).toISOString() } });
      const countOf = async (rows) => {
        const w = windowOf(rows).completedAt;
        return (await pool.query('SELECT count(*)::int AS n FROM interaction WHERE completed_at >= $1 AND completed_at < $2', [w.$gte, w.$lt])).rows[0].n;
      };
      const exportUrl = (rows) => `${server.url}/api/data/interaction/export.xlsx?filter=${encodeURIComponent(JSON.stringify(windowOf(rows)))}&sort=completedAt&fields=type,counterparty,completedAt,result,owner`;
      const smallRows = await countOf(exportRows / 10);
      const bigRows = await countOf(exportRows);
      const before = await memoryOf(server.pid);
      const small = await download(exportUrl(exportRows / 10), token, server.pid);
      const afterSmall = await memoryOf(server.pid);
      const big = await download(exportUrl(exportRows), token, server.pid);
      const afterBig = await memoryOf(server.pid);
      const rate = bigRows / (big.ms / 1000);
      const base = await baselineExport(pool, windowOf(exportRows).completedAt);
      const baseRate = base.rows / (base.ms / 1000);
      const perOwner = smallRows;
      log(`  export: ${smallRows.toLocaleString('en-US')} rows in ${(small.ms / 1000).toFixed(1)} s, then ${bigRows.toLocaleString('en-US')} rows in ${(big.ms / 1000).toFixed(1)} s = ${Math.round(rate).toLocaleString('en-US')} rows/s (${(big.bytes / MB).toFixed(1)} MB); baseline ${Math.round(baseRate).toLocaleString('en-US')} rows/s`);
      log(`  server RSS: ${(before.rss / MB).toFixed(0)} MB before, peak ${(afterSmall.peak / MB).toFixed(0)} MB after ${perOwner.toLocaleString('en-US')} rows, peak ${(afterBig.peak / MB).toFixed(0)} MB after ${bigRows.toLocaleString('en-US')} rows (sampled during: ${(small.peakRss / MB).toFixed(0)} / ${(big.peakRss / MB).toFixed(0)} MB)`);
      const planPass = runtimeMs < 2000;
      const exportPass = rate >= 30_000;
      // Flat: the peak over the 100,000-row export within 64 MB of the peak over the small one.
      const flat = afterBig.peak - afterSmall.peak <= 64 * MB;
      return {
        figures: `plan/fact ${runtimeMs.toFixed(0)} ms; export ${Math.round(rate).toLocaleString('en-US')} rows/s, peak RSS ${(afterBig.peak / MB).toFixed(0)} MB`,
        baselineFigures: `${baselineMs.toFixed(0)} ms; ${Math.round(baseRate).toLocaleString('en-US')} rows/s`,
        ratio: runtimeMs / baselineMs,
        detail: `plan/fact: ${employees} employees, ${quarterRows.toLocaleString('en-US')} interactions in Q2 (of ${interactions.toLocaleString('en-US')}), ${(runtimeMs / baselineMs).toFixed(2)}× the SQL alone; export: ${(rate / baseRate).toFixed(2)}× the bare writer's rate; peak RSS ${(afterSmall.peak / MB).toFixed(0)} → ${(afterBig.peak / MB).toFixed(0)} MB from ${smallRows.toLocaleString('en-US')} to ${bigRows.toLocaleString('en-US')} rows`,
        target: 'plan/fact < 2 s; export ≥ 30,000 rows/s, flat memory',
        pass: planPass && exportPass && flat,
        result: planPass && exportPass && flat ? 'pass' : `FAIL (${[!planPass && 'plan/fact', !exportPass && 'export rate', !flat && 'memory'].filter(Boolean).join(', ')})`,
        figuresRaw: { planFactMs: runtimeMs, planFactBaselineMs: baselineMs, exportRowsPerSecond: rate, exportBaselineRowsPerSecond: baseRate, rss: { before: before.rss, peakSmall: afterSmall.peak, peakBig: afterBig.peak } },
      };
    } finally {
      await pool.end();
      await server.stop();
    }
  },
});
export default reportsScenario;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values: opt } = parseArgs({
    options: {
      interactions: { type: 'string', default: '5000000' },
      'export-rows': { type: 'string', default: '100000' },
      runs: { type: 'string', default: '5' },
      reuse: { type: 'boolean', default: false },
      'database-url': { type: 'string', default: process.env.CARDO_BENCH_REPORTS_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/cardo_bench_reports' },
    },
  });
  const scenario = reportsScenario();
  const result = await scenario.measure({
    opt: { interactions: Number(opt.interactions), exportRows: Number(opt['export-rows']), runs: Number(opt.runs), reuse: opt.reuse, reportsDatabaseUrl: opt['database-url'] },
  });
  console.log(`${scenario.title}\n  runtime:  ${result.figures}\n  baseline: ${result.baselineFigures}\n  ${result.detail}\n  target: ${result.target} → ${result.result}`);
  process.exit(result.pass ? 0 : 1);
}
