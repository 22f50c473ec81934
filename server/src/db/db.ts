import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Config } from '../config.js';
import pg from 'pg';

/** The one database interface the runtime uses: PostgreSQL through pg, or embedded PGlite. */
export interface Db {
  readonly kind: 'postgres' | 'pglite';
  /** The embedded instance, for the schema tools that need to share it (PGlite has one session). */
  readonly pglite?: PGlite;
  query<R extends object = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<R[]>;
  /**
   * Runs fn in one transaction; commits when it resolves, rolls back when it throws. Called
   * on a transaction's Db, fn runs in that same transaction (its settings added to it).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

export interface QueryOptions {
  /**
   * Run as a named prepared statement: parsed (and, once PostgreSQL settles on a generic
   * plan, planned) once per connection. For hot statements whose text is fixed and whose
   * result columns are listed explicitly — `SELECT *` of a table the metadata can change
   * would fail with "cached plan must not change result type" after a column is added.
   */
  prepared?: boolean;
}

/**
 * Statement names by text, one per distinct prepared text (callers keep their number small).
 * Unique per pool: a server that gives several clients one session (the test suite's PGlite
 * served over a socket) must never hand a pool a statement another pool prepared.
 */
function statementNamer(): (sql: string) => string {
  const pool = randomBytes(4).toString('hex');
  const names = new Map<string, string>();
  return (sql) => {
    let name = names.get(sql);
    if (!name) names.set(sql, (name = `cardo_${pool}_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`));
    return name;
  };
}

export interface TransactionOptions {
  /**
   * Transaction-local configuration (set_config(name, value, true)), e.g. pg_trgm's
   * similarity threshold. Names and values come from the compiled model, never from a request.
   */
  settings?: Readonly<Record<string, string>>;
}

/** The settings not yet in force in a transaction, recording them as applied. */
function pendingSettings(applied: Map<string, string>, settings: Readonly<Record<string, string>> | undefined): Array<[string, string]> {
  const pending = Object.entries(settings ?? {}).filter(([name, value]) => applied.get(name) !== value);
  for (const [name, value] of pending) applied.set(name, value);
  return pending;
}

export interface DbOptions {
  /** A postgres:// URL; unset means the embedded PGlite in dataDir. */
  url?: string | undefined;
  /** Where PGlite keeps its files (CARDO_DATA_DIR/pglite). */
  dataDir?: string | undefined;
  /** For tests: the schema every connection works in. */
  schema?: string | undefined;
  max?: number | undefined;
}

export async function openDb(options: DbOptions): Promise<Db> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir);
}

/**
 * How values come back from the database, the same for pg and PGlite: dates stay
 * 'YYYY-MM-DD' (never shifted by the process time zone), timestamps become ISO strings,
 * numerics and bigint counts become numbers.
 */
const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;
const toIso = (value: string) => new Date(value.includes('T') || /[+-]\d\d(:\d\d)?$/.test(value) ? value : `${value}Z`).toISOString();
export const TYPE_PARSERS: Record<number, (value: string) => unknown> = {
  [OID.int8]: Number,
  [OID.numeric]: Number,
  [OID.date]: (value) => value,
  [OID.timestamp]: toIso,
  [OID.timestamptz]: (value) => new Date(value).toISOString(),
};
const pgTypes = {
  getTypeParser: (oid: number, format?: string) => TYPE_PARSERS[oid] ?? pg.types.getTypeParser(oid, format as 'text'),
};

/** The database the settings name: DATABASE_URL, or the embedded PGlite in <dataDir>/pglite. */
export async function openConfiguredDb(config: Pick<Config, 'databaseUrl' | 'dataDir'>, max?: number): Promise<Db> {
  if (!config.databaseUrl) await mkdir(config.dataDir, { recursive: true });
  return openDb({ url: config.databaseUrl, dataDir: path.join(config.dataDir, 'pglite'), max });
}

function openPostgres(url: string, options: DbOptions): Db {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, types: pgTypes as pg.CustomTypesConfig });
  if (options.schema) {
    const setPath = `SET search_path TO ${quoteIdent(options.schema)}, public`;
    pool.on('connect', (client) => void client.query(setPath));
  }
  const statementName = statementNamer();
  const run = async <R extends object>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[], options?: QueryOptions) =>
    (options?.prepared ? await client.query<R>({ name: statementName(sql), text: sql, values: params as unknown[] }) : await client.query<R>(sql, params as unknown[])).rows;
  return {
    kind: 'postgres',
    query: (sql, params, options) => run(pool, sql, params, options),
    async transaction(fn, options) {
      const client = await pool.connect();
      try {
        const applied = new Map<string, string>();
        const initial = pendingSettings(applied, options?.settings);
        // BEGIN and the settings travel as one simple-protocol message: one round trip, not
        // one more per setting. The simple protocol takes no parameters, hence the literals.
        await client.query(['BEGIN', ...initial.map(([name, value]) => `SELECT set_config(${client.escapeLiteral(name)}, ${client.escapeLiteral(value)}, true)`)].join('; '));
        const tx: Db = {
          kind: 'postgres',
          query: (sql, params, options) => run(client, sql, params, options),
          transaction: async (inner, innerOptions) => {
            for (const [name, value] of pendingSettings(applied, innerOptions?.settings)) await client.query('SELECT set_config($1, $2, true)', [name, value]);
            return inner(tx);
          },
          close: async () => undefined,
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const lite = await createPglite(dataDir ?? 'memory://');
  type Queryable = Pick<typeof lite, 'query'>;
  const apply = async (q: Queryable, applied: Map<string, string>, options: TransactionOptions | undefined) => {
    for (const [name, value] of pendingSettings(applied, options?.settings)) await q.query('SELECT set_config($1, $2, true)', [name, value]);
  };
  const wrap = (q: Queryable, applied: Map<string, string> | null): Db => ({
    kind: 'pglite',
    pglite: lite,
    query: async (sql, params) => (await q.query<never>(sql, params)).rows,
    transaction: async (fn, options) => {
      if (applied) {
        await apply(q, applied, options);
        return fn(wrap(q, applied));
      }
      return lite.transaction(async (tx) => {
        const inTx = new Map<string, string>();
        await apply(tx, inTx, options);
        return fn(wrap(tx, inTx));
      });
    },
    close: () => (applied ? Promise.resolve() : lite.close()),
  });
  return wrap(lite, null);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** An embedded PostgreSQL with the extensions Cardo uses (pg_trgm for fuzzy duplicates and search). */
export async function createPglite(dataDir: string): Promise<PGlite> {
  const [{ PGlite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]);
  return PGlite.create(dataDir, { extensions: { pg_trgm }, parsers: TYPE_PARSERS });
}
