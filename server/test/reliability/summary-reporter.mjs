// A Jest reporter: prints the reliability figures (DESIGN.md §6, issue 13) after the run. The test
// files append JSON lines to the file named by CARDO_RELIABILITY_STATS, set here before workers start.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FIGURES = [
  ['inputsTried', 'inputs tried (fuzzing, all refused or answered)'],
  ['faultsInjected', 'faults injected (kill -9, DB outages, hot swaps, role/substitution changes, deactivations, 412s)'],
  ['databaseOutages', '  of which PostgreSQL stopped under load and restarted'],
  ['writesAcknowledged', 'writes acknowledged'],
  ['writesFound', 'writes found afterwards'],
  ['duplicatesFound', 'duplicates found (must be 0)'],
  ['emailResends', 'e-mails sent again after a kill -9, same Message-ID (SMTP window; at most 1 per kill)'],
  ['responses5xx', '5xx responses (must be 0; a DB outage\'s 503s are expected, not counted)'],
];

export default class ReliabilitySummaryReporter {
  #dir;
  #file;
  constructor() {
    this.#dir = mkdtempSync(path.join(os.tmpdir(), 'cardo-reliability-'));
    this.#file = path.join(this.#dir, 'figures.jsonl');
    process.env.CARDO_RELIABILITY_STATS = this.#file;
  }

  onRunComplete() {
    let lines = [];
    try {
      lines = readFileSync(this.#file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    } catch {
      // No reliability test ran in this run.
    }
    rmSync(this.#dir, { recursive: true, force: true });
    if (lines.length === 0) return;
    const total = Object.fromEntries(FIGURES.map(([key]) => [key, 0]));
    for (const line of lines) for (const [key] of FIGURES) total[key] += Number(line[key] ?? 0);
    const files = [...new Set(lines.map((l) => l.file))].sort().join(', ');
    const mode = process.env.CARDO_RELIABILITY === 'long' ? 'long' : 'small';
    const out = [`\nReliability summary (${mode} scale; ${files})`];
    for (const [key, label] of FIGURES) out.push(`  ${label.padEnd(96)} ${total[key]}`);
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
