import { createHash, randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Config } from '../config.js';
import pg from 'pg';
import { CardoError } from '../errors.js';

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

// SQLSTATEs that mean "the database is not there right now", not "this statement is wrong":
// class 08 (connection exception), 57P01–57P03 (shut down, crashed, starting up), 53300
// (too many connections).
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300)$/;
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
// pg reports a dropped or unusable connection with these messages and no code.
const UNAVAILABLE_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable)/;

/** Whether an error says the database cannot be reached (rather than that the statement failed). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof CardoError) return error.code === 'CARDO_ERR_API_UNAVAILABLE';
  const e = error as { code?: unknown; message?: unknown; errors?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  if (typeof e.code === 'string' && (UNAVAILABLE_STATES.test(e.code) || UNAVAILABLE_ERRNOS.has(e.code))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  // Node's AggregateError (a refused connection to each address of localhost).
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((inner) => isDatabaseUnavailable(inner));
}

/** The error a caller sees: a lost database becomes CARDO_ERR_API_UNAVAILABLE (503), the rest as it was. */
function unavailable(error: unknown): unknown {
  if (error instanceof CardoError || !isDatabaseUnavailable(error)) return error;
  return new CardoError('CARDO_ERR_API_UNAVAILABLE', 'The database does not answer; try again shortly.', { cause: error });
}

/**
 * A statement that only reads, so sending it again after the connection broke under it
 * cannot do anything twice. Deliberately narrow: one SELECT with no locking clause.
 */
export function isRetryableRead(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !/\b(INSERT|UPDATE|DELETE|MERGE|FOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)|nextval|setval|set_config|pg_advisory\w*|pg_notify)\b/i.test(sql);
}

function openPostgres(url: string, options: DbOptions): Db {
  // A connection attempt that hangs (a database behind a dropped route) fails in 5 s instead
  // of holding the request forever.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000, types: pgTypes as pg.CustomTypesConfig });
  // An idle connection the database dropped (a restart, an administrator's kill): the pool
  // discards it and opens a new one on demand. Without a listener the 'error' event would
  // crash the process.
  pool.on('error', () => undefined);
  if (options.schema) {
    const setPath = `SET search_path TO ${quoteIdent(options.schema)}, public`;
    pool.on('connect', (client) => void client.query(setPath));
  }
  const statementName = statementNamer();
  const run = async <R extends object>(client: pg.Pool | pg.PoolClient, sql: string, params?: unknown[], options?: QueryOptions) =>
    (options?.prepared ? await client.query<R>({ name: statementName(sql), text: sql, values: params as unknown[] }) : await client.query<R>(sql, params as unknown[])).rows;
  return {
    kind: 'postgres',
    async query(sql, params, options) {
      try {
        return await run(pool, sql, params, options);
      } catch (error) {
        // A pooled connection that died since its last use (the database restarted): a read
        // is sent once more, on a fresh connection; a write is not (it may have committed).
        if (!isDatabaseUnavailable(error) || !isRetryableRead(sql)) throw unavailable(error);
        try {
          return await run(pool, sql, params, options);
        } catch (again) {
          throw unavailable(again);
        }
      }
    },
    async transaction(fn, options) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw unavailable(error);
      }
      // While checked out the pool does not listen to the connection: a drop would surface as
      // an unhandled 'error' event. The failing query rejects on its own.
      const ignore = () => undefined;
      client.on('error', ignore);
      let broken: Error | undefined;
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
        if (isDatabaseUnavailable(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch((rollback: unknown) => void (broken = rollback as Error));
        throw unavailable(error);
      } finally {
        client.removeListener('error', ignore);
        // A connection that failed is destroyed, not handed to the next request.
        client.release(broken);
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
