import { parseArgs } from 'node:util';
import path from 'node:path';
import { readConfig } from './config.js';
import { openConfiguredDb } from './db/db.js';
import type { Problem } from './errors.js';
import { formatMetadataDir } from './metadata/format.js';
import { summarize } from './metadata/summary.js';
import { validateMetadataDir } from './metadata/validate.js';
import { applyCommand, planCommand } from './plan/commands.js';
import { applyMigration } from './plan/apply.js';
import { writeClientTypes } from './api/client-types.js';
import { ensureAdministrator } from './auth/bootstrap.js';
import { loadModel } from './compile/load-model.js';
import { demoSeeded, seedDemo } from './demo/seed.js';
import { startServer, StartupError } from './server.js';

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
  plan [dir]              print the schema changes the metadata needs and their SQL
  apply [dir] [--allow-destructive]
                          apply them in one transaction and record the metadata
                          version; changes that drop or narrow data are refused
                          unless --allow-destructive is given
  start                   serve: validate metadata, apply safe schema changes, create the
                          administrator and (embedded database) the demo data, listen
  seed [--seed N]         load the demo data into the configured database
  types [file]            write TypeScript types of the record API for integrators
                          (default: cardo-types.ts)
  help                    this text`;

/** Runs one CLI command and returns the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { check: { type: 'boolean', default: false }, seed: { type: 'string' } }, strict: false });
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
    case 'plan':
      return planCommand(dir, io);
    case 'apply':
      return applyCommand(dir, io, { allowDestructive: values['allow-destructive'] === true });
    case 'start':
      return start(io);
    case 'seed':
      return seed(io, Number(values.seed ?? 1));
    case 'types': {
      const { model, problems } = await loadModel(config.metadataDir);
      if (!model) {
        for (const problem of problems) io.err(formatProblem(problem));
        return 1;
      }
      const file = path.resolve(io.cwd, String(positionals[0] ?? 'cardo-types.ts'));
      await writeClientTypes(model, file);
      io.out(`wrote ${path.relative(io.cwd, file)}`);
      return 0;
    }
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
  try {
    await startServer(readConfig(io.env, io.cwd), io.out);
    return 0;
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    io.err(error.message);
    return 1;
  }
}

/** `cardo seed`: the demo data, once, into the configured database (schema applied first). */
async function seed(io: CliIo, seedNumber: number): Promise<number> {
  const config = readConfig(io.env, io.cwd);
  const { model, problems } = await loadModel(config.metadataDir);
  if (!model) {
    for (const problem of problems) io.err(formatProblem(problem));
    return 1;
  }
  if (!Number.isInteger(seedNumber)) {
    io.err('--seed takes an integer.');
    return 2;
  }
  const db = await openConfiguredDb(config, 1);
  try {
    await applyMigration({ db, url: config.databaseUrl }, model, { allowDestructive: false });
    const admin = await ensureAdministrator(db, model, { password: config.adminPassword });
    if (admin.password) io.out(`administrator: login "admin", password "${admin.password}" (generated, shown once)`);
    if (await demoSeeded(db)) {
      io.err('The database already has the demo users; nothing was loaded.');
      return 1;
    }
    for (const line of await seedDemo(db, model, config, { seed: seedNumber })) io.out(line);
    return 0;
  } finally {
    await db.close();
  }
}
