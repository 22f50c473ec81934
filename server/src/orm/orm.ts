import type { MikroORM } from '@mikro-orm/core';
import { MikroORM as PgliteMikroORM } from '@mikro-orm/pglite';
import { MikroORM as PostgreSqlMikroORM } from '@mikro-orm/postgresql';
import type { AbstractSqlDriver } from '@mikro-orm/sql';
import type { CompiledModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { toEntitySchemas } from './entity-schemas.js';

/** Where the ORM works: the runtime's database, and for PostgreSQL its URL and schema. */
export interface OrmTarget {
  db: Db;
  /** postgres:// URL; required for a PostgreSQL Db when the ORM is to connect. */
  url?: string | undefined;
  /** The schema the tables live in (tests use one per file); default public. */
  schema?: string | undefined;
}

export type CardoOrm = MikroORM<AbstractSqlDriver>;

/**
 * A MikroORM instance whose entities are the model's EntitySchemas. It connects lazily, on
 * its first query: the schema tools only use its metadata, platform and schema generator
 * and run their SQL through the Db, so opening one costs no connection.
 *
 * Embedded: the Db's own PGlite instance is handed over, because PGlite has a single
 * session and a second instance on the same files would corrupt them.
 */
export async function openOrm(target: OrmTarget, model: CompiledModel): Promise<CardoOrm> {
  const common = {
    entities: toEntitySchemas(model),
    discovery: { warnWhenNoEntities: false },
    debug: false,
    // The metadata is not read from files or decorators, so no cache and no TS detection.
    metadataCache: { enabled: false },
    preferTs: false,
    allowGlobalContext: true,
    ...(target.schema ? { schema: target.schema } : {}),
  };
  if (target.db.kind === 'pglite') {
    if (!target.db.pglite) throw new Error('An embedded Db must expose its PGlite instance.');
    const orm = await PgliteMikroORM.init({ ...common, dbName: 'cardo', driverOptions: { pglite: target.db.pglite } });
    return orm as unknown as CardoOrm;
  }
  const orm = await PostgreSqlMikroORM.init({
    ...common,
    // Without a URL the instance is only used offline (metadata and DDL rendering).
    ...(target.url ? { clientUrl: target.url } : { dbName: 'postgres' }),
    pool: { min: 0, max: 1 },
  });
  return orm as unknown as CardoOrm;
}
