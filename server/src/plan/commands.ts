import path from 'node:path';
import { loadModel } from '../compile/load-model.js';
import type { CompiledModel } from '../compile/compile.js';
import { readConfig } from '../config.js';
import { openConfiguredDb, type Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { applyMigration } from './apply.js';
import { formatChange, formatPlan, planMigration } from './plan.js';

/** What the commands need from the CLI (structurally the CLI's own io). */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** `cardo plan [dir]`: the changes the metadata needs and their SQL; changes nothing. */
export async function planCommand(dir: string, io: CommandIo): Promise<number> {
  return withModelAndDb(dir, io, async (model, db, url) => {
    const plan = await planMigration({ db, url }, model);
    for (const line of formatPlan(plan)) io.out(line);
    if (plan.destructive.length > 0) io.out(`${plan.destructive.length} destructive change(s): \`cardo apply\` refuses them without --allow-destructive.`);
    return 0;
  });
}

/** `cardo apply [dir] [--allow-destructive]`: runs the plan in one transaction. */
export async function applyCommand(dir: string, io: CommandIo, options: { allowDestructive: boolean }): Promise<number> {
  return withModelAndDb(dir, io, async (model, db, url) => {
    try {
      const { plan, applied, recorded } = await applyMigration({ db, url }, model, { allowDestructive: options.allowDestructive });
      for (const change of plan.changes) io.out(formatChange(change));
      if (applied) io.out(`Applied ${plan.sql.length} statement${plan.sql.length === 1 ? '' : 's'} in one transaction.`);
      else io.out('No schema changes: the database matches the metadata.');
      io.out(recorded ? `Recorded metadata version ${model.hash.slice(0, 12)}.` : `Metadata version ${model.hash.slice(0, 12)} was already applied.`);
      return 0;
    } catch (error) {
      if (error instanceof CardoError && error.code === 'CARDO_ERR_META_DESTRUCTIVE') {
        io.err(`${error.code}: ${error.message}`);
        return 1;
      }
      io.err(`Apply failed and was rolled back, nothing changed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  });
}

/** Loads the model (exit 1 with every problem when invalid), then opens the configured database. */
async function withModelAndDb(dir: string, io: CommandIo, run: (model: CompiledModel, db: Db, url: string | undefined) => Promise<number>): Promise<number> {
  const { model, problems } = await loadModel(dir);
  if (!model) {
    for (const p of problems) io.err(`${path.relative(io.cwd, path.join(dir, p.file)) || p.file}:${p.pointer} ${p.code} ${p.message}`);
    io.err('CARDO_ERR_META_INVALID: The metadata has problems; nothing was planned or applied.');
    return 1;
  }
  const config = readConfig(io.env, io.cwd);
  const db = await openConfiguredDb(config, 1);
  try {
    return await run(model, db, config.databaseUrl);
  } finally {
    await db.close();
  }
}
