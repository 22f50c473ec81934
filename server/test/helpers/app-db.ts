import path from 'node:path';
import type { CompiledModel } from '../../src/compile/compile.js';
import { loadModel } from '../../src/compile/load-model.js';
import type { Db } from '../../src/db/db.js';
import { applyMigration } from '../../src/plan/apply.js';
import { createTestDatabase, testDatabaseUrl } from './test-db.js';

export interface AppDatabase {
  /** The test schema's Db: one connection on the shared PGlite, a small pool on PostgreSQL. */
  db: Db;
  schema: string;
  model: CompiledModel;
  /** The database URL (the schema is not part of it: pass `schema` along). */
  url: string;
  /** Drops the schema and closes the connections. */
  close(): Promise<void>;
}

/** The real application's metadata. */
export const APP_METADATA_DIR = path.resolve(import.meta.dirname, '../../../metadata');

// Jest gives every test file its own module registry, so this compiles each directory once a file.
const models = new Map<string, Promise<CompiledModel>>();

/** load → validate → compile a metadata directory once; throws with the problems when it is invalid. */
export function loadTestModel(dir: string = APP_METADATA_DIR): Promise<CompiledModel> {
  const key = path.resolve(dir);
  let model = models.get(key);
  if (!model) {
    model = loadModel(key).then(({ model: compiled, problems }) => {
      if (!compiled) throw new Error(`The metadata in ${key} is invalid:\n${problems.map((p) => `${p.file}:${p.pointer} ${p.code} ${p.message}`).join('\n')}`);
      return compiled;
    });
    models.set(key, model);
    // A failed load should not poison later calls with the same directory.
    model.catch(() => models.delete(key));
  }
  return model;
}

/**
 * A fresh test schema with the application's schema applied (tables, indexes, foreign keys,
 * the recorded metadata version): what every database test starts from. The migration runs on
 * `db` itself, so on the shared PGlite no second connection is ever opened.
 */
export async function createAppDatabase(options: { metadataDir?: string; model?: CompiledModel } = {}): Promise<AppDatabase> {
  const model = options.model ?? (await loadTestModel(options.metadataDir));
  const url = testDatabaseUrl();
  const test = await createTestDatabase();
  try {
    await applyMigration({ db: test.db, url, schema: test.schema }, model);
  } catch (error) {
    await test.close();
    throw error;
  }
  return { db: test.db, schema: test.schema, model, url, close: () => test.close() };
}
