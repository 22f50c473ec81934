import { generatePassword } from '../auth/passwords.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { DEMO_LOGINS, generateDemoData } from './generate.js';
import { loadDemoData } from './load.js';

/** Demo users exist already (the seed runs once per database). */
export async function demoSeeded(db: Db): Promise<boolean> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sys_user WHERE login = ANY($1)', [[...DEMO_LOGINS]]);
  return (row?.n ?? 0) > 0;
}

/** Generates and loads the demo data; returns what to tell the person who asked for it. */
export async function seedDemo(db: Db, model: CompiledModel, config: Pick<Config, 'demoPassword'>, options: { seed?: number; now?: Date } = {}): Promise<string[]> {
  const password = config.demoPassword ?? generatePassword();
  const data = generateDemoData({ seed: options.seed ?? 1, now: options.now ?? new Date() });
  const [admin] = await db.query<{ id: string }>(`SELECT id FROM sys_user WHERE login = 'admin'`);
  const { counts } = await loadDemoData(db, model, data, { password, actorId: admin?.id ?? null });
  return [
    `demo data: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`,
    `demo users: ${['head_sales', 'sales1', 'sales2', 'sales3', 'lawyer', 'marketing', 'consultant'].join(', ')} — password "${password}"${config.demoPassword ? ' (from CARDO_DEMO_PASSWORD)' : ' (generated, shown once; set CARDO_DEMO_PASSWORD to choose it)'}`,
  ];
}
