import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { v7 as uuidv7 } from 'uuid';
import type { CompiledModel, MetadataSource } from '../compile/compile.js';
import { quoteIdent, type Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { openOrm } from '../orm/orm.js';
import { formatPlan, planWithOrm, type Plan, type PlanTarget } from './plan.js';

export interface ApplyOptions {
  /** Consent to drop or narrow data (`cardo apply --allow-destructive`). */
  allowDestructive?: boolean;
  /** The user applying, recorded as the version's creator; null or unset for the CLI or the system. */
  actor?: string | null;
  /**
   * Called, inside the apply's transaction, before a destructive plan's statements run: a
   * running server holds its requests there until no request reads the old model
   * (ModelHolder.pause), so none of them meets a dropped column.
   */
  beforeDestructive?: () => Promise<void>;
}

export interface ApplyResult {
  plan: Plan;
  /** The schema was changed (the plan had statements). */
  applied: boolean;
  /** A new sys_metadata_version row was written (the model's hash was not the last applied). */
  recorded: boolean;
}

/** Serializes applies to one database (several servers starting at once, parallel test files). */
const APPLY_LOCK = 0x43415244; // "CARD"

/**
 * A DDL statement waiting for a lock held by a long query blocks every query queued behind
 * it; better to fail and retry than to stall the running application.
 */
const LOCK_TIMEOUT = '10s';

const VERSION_TABLE = 'sys_metadata_version';
const CONTENT_TABLE = 'sys_metadata_content';

/**
 * The PostgreSQL NOTIFY channel a recorded version is announced on (payload: its hash), sent in
 * the applying transaction so it goes out only when the version is committed.
 */
export const METADATA_CHANNEL = 'cardo_metadata';

/**
 * Plans and applies in one transaction (PostgreSQL DDL is transactional): either the whole
 * schema change and its version row are committed, or nothing is. The plan is made inside the
 * transaction, under a lock, so two appliers cannot both run the same change.
 */
export async function applyMigration(target: PlanTarget, model: CompiledModel, options: ApplyOptions = {}): Promise<ApplyResult> {
  const orm = await openOrm(target, model);
  try {
    return await target.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [APPLY_LOCK]);
      await tx.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
      const plan = await planWithOrm(orm, { ...target, db: tx });
      if (plan.destructive.length > 0 && !options.allowDestructive) throw destructiveError(plan);
      if (plan.destructive.length > 0) await options.beforeDestructive?.();
      await runStatements(tx, plan.sql);
      const recorded = (await currentVersion(tx, target.schema)) !== model.hash;
      if (recorded) await recordVersion(tx, target.schema, model, plan, options.actor ?? null);
      return { plan, applied: !plan.empty, recorded };
    });
  } finally {
    await orm.close();
  }
}

/**
 * Over the PostgreSQL protocol, a parameterless multi-statement query is one round trip
 * instead of hundreds (the whole CRM schema is ~250 statements); PGlite in-process runs each
 * as its own (cheap) call, since its query() takes one statement. Either way the transaction
 * makes the batch all-or-nothing, and PostgreSQL's error names the offending object.
 */
async function runStatements(tx: Db, statements: readonly string[]): Promise<void> {
  if (tx.kind === 'postgres' && statements.length > 1) {
    await tx.query(statements.join(';\n'));
    return;
  }
  for (const statement of statements) await tx.query(statement);
}

function destructiveError(plan: Plan): CardoError {
  const list = plan.destructive.map((c) => `  ! ${c.detail}`).join('\n');
  return new CardoError(
    'CARDO_ERR_META_DESTRUCTIVE',
    `The metadata change drops or narrows data, so nothing was applied:\n${list}\nApply it only if this is intended: cardo apply --allow-destructive.`,
    { extra: { changes: plan.destructive } },
  );
}

function qualified(schema: string | undefined, table: string): string {
  return schema ? `${quoteIdent(schema)}.${quoteIdent(table)}` : quoteIdent(table);
}

/** The hash of the last applied metadata, or null when none was applied (or no table yet). */
export async function currentVersion(db: Db, schema?: string): Promise<string | null> {
  return (await latestVersion(db, schema))?.hash ?? null;
}

/** The last applied metadata version (its row id and hash), or null when none was applied (or no table yet). */
export async function latestVersion(db: Db, schema?: string): Promise<{ id: string; hash: string } | null> {
  // to_regclass instead of catching "relation does not exist": inside a transaction an error
  // would abort it.
  const [exists] = await db.query<{ found: boolean }>('select to_regclass($1) is not null as found', [qualified(schema, VERSION_TABLE)]);
  if (!exists?.found) return null;
  const [row] = await db.query<{ id: string; hash: string }>(`select id::text as id, hash from ${qualified(schema, VERSION_TABLE)} order by created_at desc, id desc limit 1`);
  return row ?? null;
}

/** The metadata files recorded with a version, or null when none were (a version recorded before they were kept). */
export async function versionSources(db: Db, versionId: string, schema?: string): Promise<MetadataSource[] | null> {
  const [exists] = await db.query<{ found: boolean }>('select to_regclass($1) is not null as found', [qualified(schema, CONTENT_TABLE)]);
  if (!exists?.found) return null;
  const [row] = await db.query<{ content: Buffer }>(`select content from ${qualified(schema, CONTENT_TABLE)} where version_id = $1`, [versionId]);
  if (!row) return null;
  const files = JSON.parse((await gunzipAsync(row.content)).toString('utf8')) as Array<{ path: string; data: string }>;
  return files.map((f) => ({ path: f.path, bytes: Buffer.from(f.data, 'base64') }));
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

async function recordVersion(db: Db, schema: string | undefined, model: CompiledModel, plan: Plan, actor: string | null): Promise<void> {
  const now = new Date();
  const id = uuidv7();
  await db.query(
    `insert into ${qualified(schema, VERSION_TABLE)} (id, created_at, updated_at, created_by, updated_by, owner, version, hash, plan)
     values ($1, $2, $2, $3, $3, $3, 1, $4, $5)`,
    [id, now, actor, model.hash, formatPlan(plan).join('\n')],
  );
  // The files as applied, so every instance loads this very version (the CRM's 37 files: 64 kB gzipped).
  const content = await gzipAsync(Buffer.from(JSON.stringify(model.sources.map((f) => ({ path: f.path, data: f.bytes.toString('base64') })))));
  await db.query(`insert into ${qualified(schema, CONTENT_TABLE)} (version_id, content) values ($1, $2)`, [id, content]);
  await db.query('select pg_notify($1, $2)', [METADATA_CHANNEL, model.hash]);
}
