import { parseArgs } from 'node:util';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { readConfig } from './config.js';
import { openDb } from './db/db.js';
import type { Problem } from './errors.js';
import { formatMetadataDir } from './metadata/format.js';
import { summarize } from './metadata/summary.js';
import { validateMetadataDir } from './metadata/validate.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const USAGE = `Usage: cardo <command> [options]

Commands:
  validate [dir]          check metadata (default: $CARDO_METADATA_DIR or ./metadata);
                          prints file:pointer code message per problem, exits 1 if any
  format [dir] [--check]  rewrite metadata files canonically; --check only lists them
  start                   validate metadata and open the database (the HTTP runtime is
                          not part of this build yet, so nothing is served)
  help                    this text`;

/** Runs one CLI command and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { check: { type: 'boolean', default: false } }, strict: false });
  const config = readConfig(io.env, io.cwd);
  const dir = positionals[0] ? path.resolve(io.cwd, String(positionals[0])) : config.metadataDir;
  const shown = (file: string) => path.relative(io.cwd, path.join(dir, file)) || file;
  switch (command) {
    case 'validate': {
      const { set, problems } = await validateMetadataDir(dir);
      if (problems.length > 0) {
        for (const problem of problems) io.err(formatProblem(problem, shown));
        io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${path.relative(io.cwd, dir) || '.'}`);
        return 1;
      }
      io.out(`${path.relative(io.cwd, dir) || '.'}: valid — ${summarize(set)}`);
      return 0;
    }
    case 'format': {
      const { changed, problems } = await formatMetadataDir(dir, { check: values.check === true });
      for (const problem of problems) io.err(formatProblem(problem, shown));
      for (const file of changed) io.out(`${values.check ? 'not canonical' : 'formatted'}: ${shown(file)}`);
      if (changed.length === 0) io.out('all files are canonical');
      return problems.length > 0 || (values.check && changed.length > 0) ? 1 : 0;
    }
    case 'start':
      return start(io);
    case undefined:
    case 'help':
    case '--help':
      io.out(USAGE);
      return 0;
    default:
      io.err(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

export function formatProblem(problem: Problem, shown: (file: string) => string = (f) => f): string {
  return `${shown(problem.file)}:${problem.pointer} ${problem.code} ${problem.message}`;
}

async function start(io: CliIo): Promise<number> {
  const config = readConfig(io.env, io.cwd);
  const { set, problems } = await validateMetadataDir(config.metadataDir);
  if (problems.length > 0) {
    for (const problem of problems) io.err(formatProblem(problem, (f) => path.relative(io.cwd, path.join(config.metadataDir, f))));
    io.err('The metadata is not valid; fix it and start again.');
    return 1;
  }
  io.out(`metadata: ${path.relative(io.cwd, config.metadataDir) || '.'} — ${summarize(set)}`);
  let where: string;
  if (config.databaseUrl) {
    where = `PostgreSQL at ${new URL(config.databaseUrl).host}`;
  } else {
    await mkdir(config.dataDir, { recursive: true });
    where = `embedded PGlite in ${path.relative(io.cwd, path.join(config.dataDir, 'pglite')) || '.'}`;
  }
  const db = await openDb({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), max: 1 });
  try {
    const [row] = await db.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    io.out(`database: ${where} (PostgreSQL ${row?.version ?? '?'}) — reachable`);
  } finally {
    await db.close();
  }
  io.out('The HTTP runtime (record API, runtime UI, studio) is not part of this build yet: nothing is served. See README.md.');
  return 0;
}
