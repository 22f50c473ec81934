#!/usr/bin/env node
// Every list path the metadata declares must be served by an index at the seeded size.
// For each entity's list views — alone, with each quick filter, and as the related lists of
// form tabs — the runtime's own query builder (server/dist/query/list-query.js) produces the
// page and count SQL; EXPLAIN (FORMAT JSON) must show no sequential scan over a table of more
// than 10,000 rows. A scan bounded by a LIMIT that stops early is reported, not failed: without
// a filter (the count of an unfiltered list stops at 10,001 rows), or with a filter most rows
// pass, so that the planner expects to read at most BOUNDED_READ rows before the LIMIT is
// reached (the count of "stalled deals", half the table, stops after ~18,000 rows of 300,000) —
// there a sequential read is cheaper than any index and the work does not grow with the table.
//
//   node bench/explain.mjs [--database-url postgres://…/cardo_bench] [--verbose]
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { importDist, loadCompiledModel } from './lib/dist.mjs';
import { DEFAULT_DATABASE_URL } from './lib/db.mjs';

export const SEQ_SCAN_ROWS = 10_000;
/** Rows a sequential scan under a LIMIT may be expected to read (about five times the capped count's 10,001). */
export const BOUNDED_READ = 50_000;

/** The list paths of the model: [{entity, label, query}] where query is a list querystring. */
function listPaths(model, sampleIds) {
  const paths = [];
  for (const entity of model.entities.values()) {
    if (entity.system) continue;
    for (const view of entity.lists) {
      paths.push({ entity, label: `${entity.name} view ${view.name}${view.sort ? ` (sort ${view.sort})` : ''}`, query: { view: view.name } });
      for (const quick of view.quickFilters ?? []) {
        paths.push({ entity, label: `${entity.name} view ${view.name} + quick filter ${quick.name} ${JSON.stringify(quick.filter)}`, query: { view: view.name, quickFilter: quick.name } });
      }
    }
    // Related lists on the form: the other entity's records pointing at one of these.
    for (const tab of entity.def.form?.tabs ?? []) {
      if (!tab.entity || !tab.via) continue;
      const other = model.entities.get(tab.entity);
      if (!other) continue;
      const query = { filter: JSON.stringify({ [tab.via]: sampleIds.get(entity.name) ?? '00000000-0000-7000-8000-000000000000' }) };
      if (tab.view) query.view = tab.view;
      paths.push({ entity: other, label: `${entity.name} form tab ${tab.name}: ${other.name} by ${tab.via}${tab.view ? ` (view ${tab.view})` : ''}`, query });
    }
  }
  return paths;
}

/** Flattens a plan into lines and finds sequential scans. */
function walk(node, depth, out) {
  const parts = [node['Node Type']];
  if (node['Relation Name']) parts.push(`on ${node['Relation Name']}`);
  if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
  if (node.Filter) parts.push(`filter ${node.Filter}`);
  if (node['Index Cond']) parts.push(`cond ${node['Index Cond']}`);
  parts.push(`(rows ${node['Plan Rows']})`);
  out.lines.push(`${'  '.repeat(depth)}${parts.join(' ')}`);
  if (node['Node Type'] === 'Seq Scan') out.seqScans.push({ relation: node['Relation Name'], filtered: Boolean(node.Filter), matches: node['Plan Rows'], limit: out.limits.at(-1) });
  const isLimit = node['Node Type'] === 'Limit';
  if (isLimit) out.limits.push(node['Plan Rows']);
  for (const child of node.Plans ?? []) walk(child, depth + 1, out);
  if (isLimit) out.limits.pop();
  return out;
}

/**
 * Explains every path; returns {results, failures}. `client` is a connected pg client on the
 * seeded database; `me` the user standing in for $me.
 */
export async function explainAll(client, { model, me, verbose = false, log = console.log } = {}) {
  const { parseListParams } = await importDist('query/list-params.js');
  const { buildListQuery } = await importDist('query/list-query.js');
  model ??= await loadCompiledModel();
  const { rows: sizes } = await client.query(`SELECT relname, reltuples::bigint AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`);
  const rowsOf = new Map(sizes.map((r) => [r.relname, Number(r.n)]));
  const sampleIds = new Map();
  for (const entity of model.entities.values()) {
    if (entity.system || (rowsOf.get(entity.table) ?? 0) <= 0) continue;
    const { rows } = await client.query(`SELECT id FROM "${entity.table}" LIMIT 1`);
    if (rows[0]) sampleIds.set(entity.name, rows[0].id);
  }
  const ctx = { me, now: new Date() };
  const results = [];
  for (const path of listPaths(model, sampleIds)) {
    let query;
    try {
      query = buildListQuery(model, path.entity, parseListParams(path.query, path.entity), ctx);
    } catch (error) {
      results.push({ label: path.label, kind: 'build', ok: false, lines: [`the runtime refused the path: ${error.message}`] });
      continue;
    }
    for (const [kind, sql, params] of [['page', query.sql, query.params], ['count', query.countSql, query.countParams]]) {
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const plan = rows[0]['QUERY PLAN'][0].Plan;
      const found = walk(plan, 0, { lines: [], seqScans: [], limits: [] });
      const big = found.seqScans.filter((s) => (rowsOf.get(s.relation) ?? 0) > SEQ_SCAN_ROWS);
      // Rows a scan under a LIMIT reads before it stops: the limit over the share of rows that pass its filter.
      const reads = (s) => (s.filtered ? (s.limit * (rowsOf.get(s.relation) ?? 0)) / Math.max(1, s.matches) : s.limit);
      const failing = big.filter((s) => s.limit === undefined || reads(s) > BOUNDED_READ);
      const result = {
        label: path.label,
        kind,
        ok: failing.length === 0,
        note: big.length > failing.length ? 'bounded seq scan (stops at its LIMIT)' : undefined,
        table: path.entity.table,
        rows: rowsOf.get(path.entity.table) ?? 0,
        top: found.lines.filter((l) => /Scan/.test(l)).map((l) => l.trim().replace(/ \(rows.*$/, '').replace(/ filter .*$/, ' (filtered)').replace(/ cond .*$/, '')),
        sql,
        lines: found.lines,
      };
      results.push(result);
      if (!result.ok || verbose) {
        log(`${result.ok ? 'ok  ' : 'FAIL'} ${path.label} [${kind}]${result.ok ? '' : ` — Seq Scan on ${failing.map((s) => `${s.relation} (${rowsOf.get(s.relation)} rows)`).join(', ')}`}`);
        if (!result.ok) {
          log(`     SQL: ${sql}`);
          for (const line of found.lines) log(`     ${line}`);
        }
      }
    }
  }
  return { results, failures: results.filter((r) => !r.ok) };
}

/** A user who owns records (for $me), else any. */
export async function sampleUser(client) {
  const { rows } = await client.query(`SELECT owner AS id FROM counterparty WHERE owner IS NOT NULL LIMIT 1`);
  if (rows[0]) return rows[0].id;
  const { rows: users } = await client.query('SELECT id FROM sys_user LIMIT 1');
  return users[0]?.id ?? null;
}

/** Prints the summary table of the check. */
export function printExplainSummary(results, log = console.log) {
  const checked = results.filter((r) => r.kind !== 'build');
  const bigOnes = checked.filter((r) => r.rows > SEQ_SCAN_ROWS);
  log(`EXPLAIN check: ${checked.length} queries (${bigOnes.length} on tables over ${SEQ_SCAN_ROWS.toLocaleString('en-US')} rows), ${results.filter((r) => !r.ok).length} failing`);
  for (const r of bigOnes) log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.label} [${r.kind}]: ${r.top.join('; ')}${r.note ? ` — ${r.note}` : ''}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string', default: process.env.CARDO_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL },
      verbose: { type: 'boolean', default: false },
    },
  });
  const client = new pg.Client({ connectionString: values['database-url'] });
  await client.connect();
  try {
    const { results, failures } = await explainAll(client, { me: await sampleUser(client), verbose: values.verbose });
    printExplainSummary(results);
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
