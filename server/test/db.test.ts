import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

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
});
