// The benchmark harness at a tiny scale (`npm run bench -- --scale 0.001 --duration 1 …`), so
// bench/ cannot rot: it seeds through COPY, starts the runtime and the baseline, runs every
// registered scenario and prints its table. Figures are not judged here (CONVENTIONS rule 10:
// speed is never a test) — only that every scenario ran, answered without errors, and that
// the baseline still issues the runtime's SQL. Needs PostgreSQL (DATABASE_URL) and psql.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import pg from 'pg';

// The whole bench (every scenario, the reports, workflows, notifications, automations): a few minutes
// on a quiet machine, up to ten on a busy one (each scenario that measures on its own starts a runtime).
jest.setTimeout(900_000);

const root = fileURLToPath(new URL('../../', import.meta.url));
const hasPsql = spawnSync('psql', ['--version']).status === 0;
const url = process.env.DATABASE_URL;
const runnable = Boolean(url) && hasPsql;
if (!runnable) console.warn(`bench-smoke.test.ts SKIPPED: ${!url ? 'needs PostgreSQL (DATABASE_URL)' : 'needs psql on the PATH'}.`);

const database = `cardo_bench_smoke_${randomBytes(4).toString('hex')}`;
const benchUrl = url ? Object.assign(new URL(url), { pathname: `/${database}` }).toString() : '';
let dir: string | undefined;

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  if (!runnable) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // The reports scenarios seed a database of their own next to the bench's: `<database>_reports`.
  for (const name of [database, `${database}_reports`]) {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  }
  await admin.end();
});

interface Row {
  id: string;
  result: string;
  runtime?: { ok: number; failed: number };
}

interface Check {
  id: string;
  sql: { same: boolean; runtimeOnly?: string[]; baselineOnly?: string[]; order?: boolean };
  traceR: string[];
  traceB: string[];
}

/** A check whose SQL differs, as the failure message prints it. */
function drift(c: Check) {
  const { runtimeOnly = [], baselineOnly = [], order = false } = c.sql;
  return order ? { id: c.id, sameStatementsInAnotherOrder: { runtime: c.traceR, baseline: c.traceB } } : { id: c.id, runtimeOnly, baselineOnly };
}

describe('npm run bench at scale 0.001', () => {
  (runnable ? it : it.skip)('runs every registered scenario and prints the table', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cardo-bench-smoke-'));
    const json = path.join(dir, 'bench.json');
    const args = ['bench/run.mjs', '--scale', '0.001', '--duration', '1', '--warmup', '0', '--rounds', '1', '--connections', '4', '--memory-requests', '500', '--database-url', benchUrl, '--json', json];
    // CARDO_BENCH_REPORTS_DATABASE_URL unset: the reports scenarios use `<database>_reports`, never a shared database.
    const { CARDO_BENCH_REPORTS_DATABASE_URL: _shared, ...env } = process.env;
    const child = spawn(process.execPath, args, { cwd: root, env: { ...env, CARDO_BENCH_DATABASE_URL: benchUrl } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    // Exit 1 means a target failed — figures on a busy test machine; 0 or 1 are both a completed run.
    expect({ code, tail: code === 0 || code === 1 ? '' : `${stdout.slice(-2000)}\n${stderr.slice(-4000)}` }).toEqual({ code: expect.any(Number), tail: '' });

    const { SCENARIOS } = (await import(path.join(root, 'bench/scenarios/index.mjs'))) as { SCENARIOS: Array<() => { id: string }> };
    const report = JSON.parse(await readFile(json, 'utf8')) as { rows: Row[]; checks: Check[]; seed: { counterparties: number; contacts: number; deals: number; interactions: number; users: number } };
    // Every registered scenario has its row, and none of them broke (an error, not a missed target).
    expect(report.rows.map((r) => r.id).sort()).toEqual(SCENARIOS.map((f) => f().id).sort());
    const broken = report.rows.filter((r) => /^FAIL \(/.test(r.result) && !/growth/.test(r.result));
    expect(broken.map((r) => `${r.id}: ${r.result}`)).toEqual([]);
    for (const r of report.rows) if (r.runtime) expect(r.runtime.ok).toBeGreaterThan(0);
    // The baseline drifted from the runtime's SQL: baseline.mjs must follow the runtime. The
    // failure shows the differing statements (both whole traces when only the order differs).
    expect(report.checks.filter((c) => !c.sql.same).map(drift)).toEqual([]);
    // The generator wrote every table at its ratio.
    expect(report.seed).toMatchObject({ counterparties: 1000, users: 200 });
    expect(report.seed.contacts).toBeGreaterThan(2000);
    expect(report.seed.deals).toBeGreaterThan(200);
    expect(report.seed.interactions).toBeGreaterThan(3000);
    // The one table: a header with the columns the issue asks for, a line per scenario.
    expect(stdout).toMatch(/\| scenario +\| runtime req\/s .*\| ratio +\| target +\| result +\|/);
  });
});
