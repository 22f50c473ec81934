import { randomBytes } from 'node:crypto';
import { openDb, quoteIdent, type Db } from '../../src/db/db.js';

export interface TestDatabase {
  db: Db;
  schema: string;
  /** Drops the schema and closes the connections. */
  close(): Promise<void>;
}

/** The database the suite runs against: DATABASE_URL, or the shared PGlite of global-setup. */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL ?? process.env.CARDO_TEST_DATABASE_URL;
  if (!url) throw new Error('No test database: run the suite through `npm test`.');
  return url;
}

/** An isolated database for one test file: a fresh schema that is dropped afterwards. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  // The shared PGlite is one session: one connection per file keeps its search_path ours.
  const max = process.env.DATABASE_URL ? 5 : 1;
  const admin = await openDb({ url, max: 1 });
  await admin.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await admin.close();
  const db = await openDb({ url, schema, max });
  return {
    db,
    schema,
    async close() {
      await db.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
      await db.close();
    },
  };
}
