// Shared by test/reliability/*: the scale (small in `npm test`, larger with CARDO_RELIABILITY=long),
// the checks every refused request must pass, a checksum of the database, and the figures each
// file reports to the summary printed by test/reliability/summary-reporter.mjs.
import type { ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { Db } from '../../src/db/db.js';
import { quoteIdent } from '../../src/db/db.js';
import { ERRORS } from '../../src/errors.js';

export const LONG = process.env.CARDO_RELIABILITY === 'long';

/** `small` in the default suite, `long` with CARDO_RELIABILITY=long. */
export function scale(small: number, long: number): number {
  return LONG ? long : small;
}

/** The fast-check seed: fixed so a failure reproduces; CARDO_RELIABILITY_SEED picks another. */
export const SEED = Number(process.env.CARDO_RELIABILITY_SEED ?? 20261127);

export interface ReliabilityFigures {
  inputsTried: number;
  faultsInjected: number;
  /** PostgreSQL stopped (pg_ctl stop -m immediate) under load and started again; also counted in faultsInjected. */
  databaseOutages: number;
  writesAcknowledged: number;
  writesFound: number;
  duplicatesFound: number;
  /** E-mails the SMTP server accepted twice under one Message-ID: "250 OK", then kill -9 before the delivery's commit. */
  emailResends: number;
  responses5xx: number;
}

/** Adds this file's figures to the run's summary (a JSON line per call; the reporter sums them). */
export function report(file: string, figures: Partial<ReliabilityFigures>): void {
  const out = process.env.CARDO_RELIABILITY_STATS;
  if (!out) return;
  appendFileSync(out, `${JSON.stringify({ file: path.basename(file), ...figures })}\n`);
}

// What an error body must never show: a stack frame, a source path, or SQL / PostgreSQL wording.
const LEAKS: ReadonlyArray<[string, RegExp]> = [
  ['stack frame', /\n\s+at\s|\bat [\w.<>]+ \(|node:internal|node_modules/],
  ['source path', /\/(src|dist|test)\/[\w/-]+\.(ts|js|mjs)\b|\.ts:\d+/],
  // The server's own SQL (quoted identifiers, placeholders), not SQL-like text a request sent and a message echoes.
  ['SQL', /\b(FROM|INTO|UPDATE|JOIN)\s+"?[a-z_]+"?\s+(AS|WHERE|SET|ON)\b|RETURNING \*|[=<>]\s*\$\d+\b/],
  ['PostgreSQL error', /syntax error at or near|violates (foreign key|unique|check|not-null) constraint|relation "[^"]+" does not exist|invalid input syntax for type|operator does not exist|column "[^"]+" (of relation|does not exist)|current transaction is aborted|out of range for type/i],
];

/** Why a response is not a proper refusal; [] when it is a 4xx problem+json with a registered code. */
export function problemFaults(response: LightMyRequestResponse): string[] {
  const faults: string[] = [];
  const status = response.statusCode;
  if (status < 400 || status >= 500) faults.push(`status ${status}`);
  if (!/^application\/problem\+json/.test(String(response.headers['content-type'] ?? ''))) faults.push(`content-type ${String(response.headers['content-type'])}`);
  faults.push(...leaks(response.body));
  let body: { code?: unknown; status?: unknown; type?: unknown; title?: unknown } = {};
  try {
    body = JSON.parse(response.body) as typeof body;
  } catch {
    faults.push('body is not JSON');
    return faults;
  }
  const code = typeof body.code === 'string' ? body.code : '';
  const registered = (ERRORS as Record<string, { status: number } | undefined>)[code];
  if (!registered) faults.push(`unregistered code ${String(body.code)}`);
  else if (registered.status !== status || body.status !== status) faults.push(`code ${code} is ${registered.status}, answered ${status} (body.status ${String(body.status)})`);
  if (typeof body.type !== 'string' || typeof body.title !== 'string') faults.push('type or title missing');
  return faults;
}

/** The leaks found in a body (any status: a 200 must not carry a stack either). */
export function leaks(body: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(body)).map(([name]) => `leaks ${name}: ${body.slice(0, 300)}`);
}

/**
 * Row count and md5 of every table of the test schema: equal before and after means no row
 * changed. Sessions contribute their count only (their expiry slides on use).
 */
export async function dbChecksum(db: Db): Promise<Record<string, string>> {
  const tables = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`);
  const parts = tables.map(({ name }) =>
    name === 'sys_session'
      ? `SELECT '${name}' AS name, count(*)::text AS sum FROM ${quoteIdent(name)}`
      : `SELECT '${name}' AS name, count(*)::text || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS sum FROM ${quoteIdent(name)} AS x`,
  );
  const rows = await db.query<{ name: string; sum: string }>(parts.join(' UNION ALL '));
  return Object.fromEntries(rows.map((r) => [r.name, r.sum]));
}

/** The tables whose checksum differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]);
}

/**
 * Follows a `cardo start` child process: its output so far, and a promise that resolves once
 * it listens ("Cardo is running at") or rejects with the output if it exits first.
 */
export function watchStart(proc: ChildProcess): { output: () => string; started: Promise<void> } {
  let output = '';
  proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Cardo is running at')) {
        clearInterval(timer);
        resolve();
      } else if (proc.exitCode !== null || proc.signalCode !== null) {
        clearInterval(timer);
        reject(new Error(`cardo start exited: ${output}`));
      }
    }, 100);
  });
  return { output: () => output, started };
}
