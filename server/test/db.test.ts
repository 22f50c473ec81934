import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDb } from '../src/db/db.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from './helpers/test-db.js';

describe('test database harness', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives each test file its own schema', async () => {
    await t.db.query('CREATE TABLE probe (id int primary key, name text not null)');
    const [row] = await t.db.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'probe'",
    );
    expect(row?.schema).toBe(t.schema);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO probe VALUES ($1, $2)', [1, 'kept']);
    });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query('INSERT INTO probe VALUES ($1, $2)', [2, 'lost']);
        await tx.query('INSERT INTO probe VALUES ($1, $2)', [1, 'conflict']);
      }),
    ).rejects.toThrow(/duplicate key/);
    const rows = await t.db.query<{ name: string }>('SELECT name FROM probe ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(['kept']);
  });

  it('applies transaction settings for the transaction only, and adds those a nested call asks for', async () => {
    const threshold = async (db: typeof t.db) => (await db.query<{ v: string }>(`SELECT current_setting('pg_trgm.similarity_threshold', true) AS v`))[0]?.v;
    const seen = await t.db.transaction(
      async (tx) => {
        const first = await threshold(tx);
        const nested = await tx.transaction(async (inner) => threshold(inner), { settings: { 'pg_trgm.similarity_threshold': '0.7' } });
        return [first, nested];
      },
      { settings: { 'pg_trgm.similarity_threshold': '0.6' } },
    );
    expect(seen).toEqual(['0.6', '0.7']);
    // Transaction-local: a later statement on any pooled connection is back to the default.
    for (let i = 0; i < 3; i++) expect(['0.6', '0.7']).not.toContain(await threshold(t.db));
  });

  it('runs a prepared statement again with new parameters, in and out of a transaction', async () => {
    const sql = 'SELECT name FROM probe WHERE id = $1';
    expect(await t.db.query(sql, [1], { prepared: true })).toEqual([{ name: 'kept' }]);
    expect(await t.db.query(sql, [2], { prepared: true })).toEqual([]);
    const inTx = await t.db.transaction(async (tx) => {
      await tx.query('INSERT INTO probe VALUES ($1, $2)', [3, 'third']);
      return tx.query(sql, [3], { prepared: true });
    });
    expect(inTx).toEqual([{ name: 'third' }]);
  });

  it('keeps prepared statements of two pools apart, even when the server gives both one session', async () => {
    // The suite's PGlite serves every client from one session: equal names would collide there.
    const other = await openDb({ url: testDatabaseUrl(), schema: t.schema, max: 1 });
    try {
      const sql = 'SELECT count(*)::int AS n FROM probe WHERE id > $1';
      for (const db of [t.db, other, t.db, other]) expect(await db.query(sql, [0], { prepared: true })).toEqual([{ n: 2 }]);
    } finally {
      await other.close();
    }
  });
});
