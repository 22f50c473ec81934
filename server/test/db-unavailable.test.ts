// What the Db does when PostgreSQL goes away (issue 13, item 3; the whole outage under load
// is test/reliability/outage.test.ts): a lost database is CARDO_ERR_API_UNAVAILABLE (503),
// a read whose connection was killed under it is sent again, a write is not, and a dropped
// idle connection does not crash the process.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { isDatabaseUnavailable, isRetryableRead, openDb, type Db } from '../src/db/db.js';
import { CardoError } from '../src/errors.js';
import { freePort } from './helpers/own-postgres.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.warn('db-unavailable.test.ts: the connection-loss cases need PostgreSQL (DATABASE_URL); on PGlite only the pure checks run.');

describe('isRetryableRead', () => {
  it.each([
    ['SELECT 1', true],
    ['  select * from contact where id = $1', true],
    ['SELECT * FROM contact WHERE id = $1 FOR UPDATE', false],
    ['SELECT * FROM contact FOR NO KEY UPDATE', false],
    ['SELECT nextval($1)', false],
    ["SELECT set_config('a.b', '1', false)", false],
    ['SELECT pg_advisory_lock(1)', false],
    ['UPDATE sys_session SET last_seen_at = now()', false],
    ['INSERT INTO x VALUES (1)', false],
    ['WITH s AS (DELETE FROM x RETURNING *) SELECT * FROM s', false],
    ['SELECT updated_at, created_by FROM contact', true],
  ])('%s → %s', (sql, expected) => {
    expect(isRetryableRead(sql)).toBe(expected);
  });
});

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, true],
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: '57P03', message: 'the database system is starting up' }, true],
    [{ code: '08006' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [Object.assign(new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }]), {}), true],
    [{ code: '23505', message: 'duplicate key' }, false],
    [{ code: '22007' }, false],
    [new Error('boom'), false],
    [new CardoError('CARDO_ERR_API_UNAVAILABLE'), true],
    [new CardoError('CARDO_ERR_API_VALIDATION'), false],
  ])('%p → %p', (error, expected) => {
    expect(isDatabaseUnavailable(error)).toBe(expected);
  });
});

(onPostgres ? describe : describe.skip)('a Db whose PostgreSQL goes away', () => {
  let t: TestDatabase;
  let killer: pg.Client;
  beforeAll(async () => {
    t = await createTestDatabase();
    await t.db.query('CREATE TABLE probe (id int primary key)');
    killer = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await killer.connect();
  });
  afterAll(async () => {
    await killer.end();
    await t.close();
  });

  /** Terminates, after `afterMs`, the backend running a statement that contains `marker`. */
  const killWhenRunning = async (marker: string, afterMs: number) => {
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const { rows } = await killer.query<{ killed: boolean }>(`SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`]);
    return rows.length;
  };

  it('answers CARDO_ERR_API_UNAVAILABLE for a query and a transaction when nothing listens', async () => {
    const port = await freePort();
    const db: Db = await openDb({ url: `postgres://postgres@127.0.0.1:${port}/nothing` });
    try {
      await expect(db.query('SELECT 1')).rejects.toMatchObject({ code: 'CARDO_ERR_API_UNAVAILABLE', status: 503 });
      await expect(db.transaction(async (tx) => tx.query('SELECT 1'))).rejects.toMatchObject({ code: 'CARDO_ERR_API_UNAVAILABLE' });
    } finally {
      await db.close();
    }
  });

  it('sends a read again when its connection is killed under it', async () => {
    const marker = `retry_read_${Date.now()}`;
    const read = t.db.query<{ x: number }>(`SELECT pg_sleep(0.4) IS NULL AS slept, 1 AS x, '${marker}' AS m`);
    // Only the first attempt is killed: the second one starts after the kill has happened.
    expect(await killWhenRunning(marker, 150)).toBe(1);
    const rows = await read;
    expect(rows[0]?.x).toBe(1);
  });

  it('does not send a write again: the killed write is a 503 and wrote nothing', async () => {
    const marker = `no_retry_${Date.now()}`;
    const write = t.db.query(`INSERT INTO probe SELECT 7 FROM (SELECT pg_sleep(0.4), '${marker}') AS s`);
    const outcome = write.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(await killWhenRunning(marker, 150)).toBe(1);
    expect(await outcome).toMatchObject({ code: 'CARDO_ERR_API_UNAVAILABLE' });
    expect(await t.db.query('SELECT id FROM probe')).toEqual([]);
  });

  it('a transaction whose connection is killed is a 503, rolled back, and the pool goes on', async () => {
    const marker = `tx_kill_${Date.now()}`;
    const tx = t.db
      .transaction(async (db) => {
        await db.query('INSERT INTO probe VALUES (8)');
        await db.query(`SELECT pg_sleep(0.4), '${marker}'`);
      })
      .then(
        () => 'committed',
        (error: unknown) => error,
      );
    expect(await killWhenRunning(marker, 150)).toBe(1);
    expect(await tx).toMatchObject({ code: 'CARDO_ERR_API_UNAVAILABLE' });
    // The broken connection was discarded, not handed out again: the next ones work.
    for (let i = 0; i < 8; i++) expect(await t.db.query('SELECT count(*)::int AS n FROM probe')).toEqual([{ n: 0 }]);
  });

  it('survives its idle connections being killed (no unhandled error event) and reconnects', async () => {
    // Fill the pool with idle connections of this Db, then kill every one of them.
    await Promise.all(Array.from({ length: 4 }, () => t.db.query('SELECT pg_sleep(0.05)')));
    const { rows } = await killer.query<{ n: number }>(`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = '' AND query LIKE '%pg_sleep(0.05)%'`);
    expect(rows[0]?.n).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await t.db.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
  });
});
