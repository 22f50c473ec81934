// Scenarios `planFact`, `forecast` and `export` (issue 9, "Speed"): plan/fact for 200 employees
// over a quarter with 5,000,000 interactions under 2 s on PostgreSQL; a list export of 100,000
// rows to xlsx at ≥ 30,000 rows/s with flat memory (peak RSS reported). The forecast has no
// target in the issue: its time is reported.
//
// They run on a database of their own (`<bench database>_reports`, or
// CARDO_BENCH_REPORTS_DATABASE_URL): 5,000,000 × scale interactions (at least 20,000) in one
// year, 100,000 deals, 2,000 counterparties, a year of KPI plans for 200 users, put in with
// INSERT … SELECT generate_series (secondary indexes of interaction and foreign-key triggers off
// while loading). The runtime (server/dist) runs in its own process on that database; the
// baselines are written by hand: the plan/fact aggregates as SQL, the export as a cursor over a
// JOIN into exceljs' streaming writer, served by a baseline process (`baseline.mjs`, the
// endpoint below) so both exports cross HTTP alike.
import ExcelJS from 'exceljs';
import pg from 'pg';
import { startServer } from '../lib/children.mjs';
import { databaseExists, readMarker, recreateDatabase, withClient, writeMarker } from '../lib/db.mjs';
import { loginHttp, openRuntime } from '../lib/runtime.mjs';

const USERS = 200;
const DEPARTMENTS = 10;
const COUNTERPARTIES = 2000;
const DEALS = 100_000;
const MB = 2 ** 20;
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

/** What the three scenarios share: the database, how large, how many timed runs. */
export function reportsOptions(opt, benchUrl) {
  const interactions = opt.interactions ?? Math.max(20_000, Math.round(5_000_000 * (opt.scale ?? 1)));
  const url = process.env.CARDO_BENCH_REPORTS_DATABASE_URL ?? Object.assign(new URL(benchUrl), { pathname: `${new URL(benchUrl).pathname}_reports` }).toString();
  return { url, interactions, exportRows: opt.exportRows ?? Math.min(100_000, Math.round(interactions / 10)), runs: opt.reportRuns ?? 3, reuse: Boolean(opt.reuse) };
}

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
    log(`  seeding ${fmtInt(interactions)} interactions…`);
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
      log(`    ${fmtInt(to)}`);
    }
    await c.query('SET session_replication_role = DEFAULT');
    for (const ix of indexes) await c.query(ix.indexdef);
    await c.query('VACUUM (ANALYZE) interaction, deal, kpi_plan, sys_user, counterparty');
  });
  log(`  seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  await writeMarker(url, { bench: 'reports', interactions });
}

// One seeding per database and run, whichever of the three scenarios comes first.
const seeded = new Map();
function ensureSeeded(r, log) {
  if (!seeded.has(r.url)) {
    seeded.set(r.url, (async () => {
      const marker = r.reuse && (await databaseExists(r.url)) ? await readMarker(r.url) : null;
      if (marker?.bench === 'reports' && marker.interactions === r.interactions) log(`  reusing ${r.url}`);
      else await seed(r.url, r.interactions, log);
    })());
  }
  return seeded.get(r.url);
}

/** The runtime on the reports database, logged in as the administrator; `fn(server, auth, pool)`. */
async function withRuntime(r, log, fn, execArgv = []) {
  await ensureSeeded(r, log);
  const server = await startServer('runtime-reports', 'lib/serve-runtime.mjs', { env: { CARDO_BENCH_DATABASE_URL: r.url, CARDO_EXPORT_MAX_ROWS: String(r.exportRows + 100) }, execArgv });
  const pool = new pg.Pool({ connectionString: r.url, max: 4 });
  try {
    return await fn(server, { authorization: `Bearer ${await loginHttp(server.url)}` }, pool);
  } finally {
    await pool.end();
    await server.stop();
  }
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

async function fetchOk(url, headers) {
  const res = await fetch(url, { headers });
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res;
}

// ---- plan/fact ------------------------------------------------------------------------------

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

export const planFact = () => ({
  id: 'planFact',
  title: 'plan/fact report, a quarter',
  async measure(ctx) {
    const r = reportsOptions(ctx.opt, ctx.benchUrl);
    return withRuntime(r, ctx.log, async (server, auth, pool) => {
      const reportUrl = `${server.url}/api/reports/kpi-plan-fact?period=2026-Q2&locale=ru`;
      const check = await (await fetchOk(reportUrl, auth)).json();
      const employees = new Set(check.rows.filter((row) => row.kind === 'data').map((row) => row.keys.employee)).size;
      const quarterRows = (await pool.query(`SELECT count(*)::int AS n FROM interaction WHERE completed_at >= '2026-04-01T00:00:00+03' AND completed_at < '2026-07-01T00:00:00+03'`)).rows[0].n;
      const runtimeMs = await timeIt(r.runs, async () => (await fetchOk(reportUrl, auth)).arrayBuffer());
      const baselineMs = await timeIt(r.runs, () => baselinePlanFact(pool));
      const pass = runtimeMs < 2000;
      return {
        figures: `${runtimeMs.toFixed(0)} ms`,
        baselineFigures: `${baselineMs.toFixed(0)} ms (SQL only)`,
        ratio: baselineMs / runtimeMs,
        detail: `${employees} employees, ${fmtInt(quarterRows)} interactions in Q2 of ${fmtInt(r.interactions)}; median of ${r.runs} over HTTP (JSON) against the same aggregates as bare SQL`,
        target: 'plan/fact < 2 s',
        pass,
        result: pass ? 'pass' : 'FAIL',
      };
    });
  },
});

// ---- forecast -------------------------------------------------------------------------------

export const forecast = () => ({
  id: 'forecast',
  title: 'forecast: pipeline of 100,000 deals',
  async measure(ctx) {
    const r = reportsOptions(ctx.opt, ctx.benchUrl);
    return withRuntime(r, ctx.log, async (server, auth) => {
      const forecastUrl = `${server.url}/api/forecast/deal?from=2026-01-01&to=2026-12-31`;
      const body = await (await fetchOk(forecastUrl, auth)).json();
      const ms = await timeIt(r.runs, async () => (await fetchOk(forecastUrl, auth)).arrayBuffer());
      return {
        figures: `${ms.toFixed(0)} ms`,
        baselineFigures: '–',
        detail: `${fmtInt(body.totals.count)} open deals by stage, month and owner, predicted close dates and 12 months of forecast against won; median of ${r.runs}`,
        target: 'report only',
        pass: null,
        result: 'report',
      };
    });
  },
});

// ---- xlsx export ----------------------------------------------------------------------------

const FIELDS = 'type,counterparty,completedAt,result,owner';

/** The interactions completed in a window holding `rows` of them (they are evenly spaced in time). */
function windowOf(r, rows) {
  const step = (365 * 86400 * 1000) / r.interactions;
  const start = Date.parse('2026-03-01T00:00:00+03:00');
  return { from: new Date(start).toISOString(), until: new Date(start + rows * step).toISOString() };
}

/** Peak and current RSS of a process (Linux /proc). */
async function rssOf(pid) {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const bytes = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  return { peak: bytes('VmHWM'), rss: bytes('VmRSS') };
}

/** Downloads an export; the body as a Buffer when `keep`, else only counted. */
async function download(url, headers, keep = false) {
  const t0 = performance.now();
  const res = await fetchOk(url, headers);
  const chunks = [];
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += chunk.length;
    if (keep) chunks.push(chunk);
  }
  return { ms: performance.now() - t0, bytes, body: keep ? Buffer.concat(chunks) : null };
}

/** Every row of the first sheet as [values, fill] (for comparing the two files). */
async function sheetRows(buffer) {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(buffer);
  const rows = [];
  workbook.worksheets[0].eachRow((row) => rows.push(JSON.stringify([row.values, row.getCell(1).fill?.fgColor?.argb ?? null, row.getCell(3).numFmt ?? null])));
  return rows;
}

// The baseline's table, written by hand: the interaction labels (ru), the list's color rules
// (every completed interaction is green, a refusal grey; tinted as the list tints them) and the
// Moscow offset (no daylight saving since 2014).
const TYPE_LABELS = { outgoing_call: 'Исходящий звонок', incoming_call: 'Входящий звонок', meeting: 'Встреча', outgoing_letter: 'Исходящее письмо', incoming_letter: 'Входящее письмо', showing: 'Показ (демонстрация)', email: 'Электронное письмо', other: 'Другое' };
const RESULT_LABELS = { meeting_scheduled: 'Назначена встреча', meeting_confirmed: 'Встреча подтверждена', meeting_held: 'Встреча проведена', showing_scheduled: 'Назначен показ', showing_held: 'Показ проведён', proposal_sent: 'Отправлено КП', contract_signed: 'Подписан договор', refused: 'Отказ', continue: 'Продолжение работы на текущем этапе' };
const GREEN = 'FFC2EAAF';
const GREY = 'FFD7D7D7';
const MOSCOW_MS = 3 * 3600 * 1000;
const HEADERS = ['Тип', 'Контрагент', 'Фактически состоялось', 'Результат', 'Ответственный'];
const DATE_FORMAT = 'yyyy-mm-dd hh:mm';

/** The hand-written export endpoint, registered in baseline.mjs: a cursor over one JOIN into the streaming writer. */
async function baselineExportRoute(app, { pool, HttpError }) {
  const { PassThrough } = await import('node:stream');
  const { once } = await import('node:events');
  // One style object per column and color: exceljs resolves a style once per object.
  const styles = Object.fromEntries([GREEN, GREY].map((argb) => [argb, HEADERS.map((_, i) => ({ ...(i === 2 ? { numFmt: DATE_FORMAT } : {}), fill: { type: 'pattern', pattern: 'solid', fgColor: { argb } } }))]));
  app.get('/api/bench/interaction/export.xlsx', async (request, reply) => {
    const { from, until } = request.query;
    if (typeof from !== 'string' || typeof until !== 'string') throw new HttpError(400, 'from and until are required.');
    const stream = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
    const sheet = workbook.addWorksheet('Взаимодействия', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = HEADERS.map((_, i) => ({ width: i === 2 ? 17 : 20, ...(i === 2 ? { style: { numFmt: DATE_FORMAT } } : {}) }));
    const header = sheet.addRow(HEADERS);
    header.font = { bold: true };
    header.commit();
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: HEADERS.length } };
    const client = await pool.connect();
    const produce = async () => {
      try {
        await client.query('BEGIN');
        await client.query(
          `DECLARE bench_export NO SCROLL CURSOR FOR
             SELECT t.type, c.brand, t.completed_at, t.result, u.full_name FROM interaction t
               LEFT JOIN counterparty c ON c.id = t.counterparty LEFT JOIN sys_user u ON u.id = t.owner
              WHERE t.completed_at >= $1 AND t.completed_at < $2 ORDER BY t.completed_at, t.id`,
          [from, until],
        );
        for (;;) {
          const { rows } = await client.query('FETCH 1000 FROM bench_export');
          for (const r of rows) {
            const row = sheet.addRow([TYPE_LABELS[r.type] ?? r.type, r.brand, r.completed_at && new Date(Date.parse(r.completed_at) + MOSCOW_MS), r.result === null ? null : (RESULT_LABELS[r.result] ?? r.result), r.full_name]);
            const style = styles[r.result === 'refused' ? GREY : GREEN];
            for (let c = 1; c <= HEADERS.length; c++) row.getCell(c).style = style[c - 1];
            row.commit();
          }
          if (stream.writableNeedDrain) await once(stream, 'drain');
          if (rows.length < 1000) break;
        }
        await client.query('COMMIT');
        sheet.commit();
        await workbook.commit();
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        stream.destroy(error);
      } finally {
        client.release();
      }
    };
    void produce();
    reply.header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    return reply.send(stream);
  });
}

export const exportXlsx = () => ({
  id: 'export',
  title: 'xlsx export of a list',
  baselineRoutes: baselineExportRoute,
  async measure(ctx) {
    const r = reportsOptions(ctx.opt, ctx.benchUrl);
    await ensureSeeded(r, ctx.log);
    const baseline = await startServer('baseline-reports', 'baseline.mjs', { args: ['--database-url', r.url] });
    try {
      // --expose-gc: the heap after a full collection, between exports, shows what stays behind.
      return await withRuntime(r, ctx.log, async (server, auth, pool) => {
        const urls = (rows) => {
          const w = windowOf(r, rows);
          const filter = { completedAt: { $gte: w.from, $lt: w.until } };
          return {
            runtime: `${server.url}/api/data/interaction/export.xlsx?filter=${encodeURIComponent(JSON.stringify(filter))}&sort=completedAt&fields=${FIELDS}&locale=ru`,
            baseline: `${baseline.url}/api/bench/interaction/export.xlsx?from=${encodeURIComponent(w.from)}&until=${encodeURIComponent(w.until)}`,
            count: async () => (await pool.query('SELECT count(*)::int AS n FROM interaction WHERE completed_at >= $1 AND completed_at < $2', [w.from, w.until])).rows[0].n,
          };
        };
        // Warm-up and cross-check on a tenth of the rows: the two files must hold the same cells.
        const small = urls(Math.max(1, Math.round(r.exportRows / 10)));
        const [a, b] = [await download(small.runtime, auth, true), await download(small.baseline, auth, true)];
        const [ra, rb] = [await sheetRows(a.body), await sheetRows(b.body)];
        const differs = ra.length !== rb.length ? `${ra.length} rows vs ${rb.length}` : ra.findIndex((row, i) => row !== rb[i]);
        const drift = typeof differs === 'string' ? differs : differs >= 0 ? `row ${differs + 1}: ${ra[differs]} vs ${rb[differs]}` : null;
        ctx.log(`  export cross-check (${fmtInt(ra.length - 1)} rows): ${drift ? `the files DIFFER — ${drift.slice(0, 400)}` : 'the runtime and the baseline wrote the same cells, fills and formats'}`);

        const big = urls(r.exportRows);
        const rows = await big.count();
        // The peak before any full export: the runtime's start (metadata, schemas) sets it.
        const before = await server.memory({ gc: true });
        const times = { runtime: [], baseline: [] };
        const memory = [];
        let sampledPeak = 0;
        for (let round = 0; round < r.runs; round++) {
          // Alternating order (baseline first, then runtime first…), so a change of load evens out.
          for (const side of round % 2 === 0 ? ['baseline', 'runtime'] : ['runtime', 'baseline']) {
            const sampler = side === 'runtime' ? setInterval(() => rssOf(server.pid).then((m) => (sampledPeak = Math.max(sampledPeak, m.rss)), () => undefined), 50) : null;
            times[side].push((await download(big[side], auth)).ms);
            if (sampler) clearInterval(sampler);
            if (side === 'runtime') memory.push(await server.memory({ gc: true }));
          }
          ctx.log(`  export round ${round + 1}: runtime ${(times.runtime.at(-1) / 1000).toFixed(2)} s, baseline ${(times.baseline.at(-1) / 1000).toFixed(2)} s; runtime RSS ${(memory.at(-1).rss / MB).toFixed(0)} MB, heap after GC ${(memory.at(-1).heapUsed / MB).toFixed(1)} MB, peak RSS ${(memory.at(-1).peakRss / MB).toFixed(0)} MB`);
        }
        const rate = rows / (median(times.runtime) / 1000);
        const baseRate = rows / (median(times.baseline) / 1000);
        const [first, last] = [memory[0], memory.at(-1)];
        const heapGrowth = last.heapUsed - first.heapUsed;
        const peakGrowth = last.peakRss - first.peakRss;
        // Flat: later exports raise neither the peak beyond the allocator's noise (10% of the
        // first export's peak: 16.5 MB was seen on 277 MB with the heap flat) nor what the heap
        // keeps (10% + 5 MB, as the memory scenario).
        const flat = peakGrowth <= 0.1 * first.peakRss && heapGrowth <= 0.1 * first.heapUsed + 5 * MB;
        const fast = rate >= 30_000;
        const pass = fast && flat && !drift;
        const sign = (n) => `${n >= 0 ? '+' : ''}${(n / MB).toFixed(1)}`;
        return {
          figures: `${fmtInt(rate)} rows/s, peak RSS ${(last.peakRss / MB).toFixed(0)} MB`,
          baselineFigures: `${fmtInt(baseRate)} rows/s`,
          ratio: rate / baseRate,
          detail: `${fmtInt(rows)} rows × 5 columns, median of ${r.runs} exports each side; runtime ${(median(times.runtime) / 1000).toFixed(2)} s, baseline ${(median(times.baseline) / 1000).toFixed(2)} s; server RSS during the exports up to ${(sampledPeak / MB).toFixed(0)} MB; peak RSS before them ${(before.peakRss / MB).toFixed(0)} MB (the start), after the first ${(first.peakRss / MB).toFixed(0)} MB and after the last ${(last.peakRss / MB).toFixed(0)} MB (${sign(peakGrowth)}), heap after GC ${(first.heapUsed / MB).toFixed(1)} → ${(last.heapUsed / MB).toFixed(1)} MB (${sign(heapGrowth)})${drift ? '; the files differ (see the log)' : ''}`,
          target: '≥ 30,000 rows/s, flat memory',
          pass,
          result: pass ? 'pass' : `FAIL: ${[!fast && 'rate', !flat && 'memory grows', drift && 'files differ'].filter(Boolean).join(', ')}`,
          figuresRaw: { rows, rowsPerSecond: rate, baselineRowsPerSecond: baseRate, times, memory },
        };
      }, ['--expose-gc']);
    } finally {
      await baseline.stop();
    }
  },
});
