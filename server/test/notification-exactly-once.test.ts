/**
 * Issue 8, "Exactly-once": two server instances (two apps, each with its own connection pool
 * and its own pg-boss workers) against one PostgreSQL; 10,000 date-triggered notifications due
 * in the same minute, every one of them scheduled twice (both instances sweep at once, then a
 * second job is queued for each) → 10,000 deliveries, no duplicates, asserted in the database.
 * Also: a moved date cancels the pg-boss job in the write's transaction.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { buildApp } from '../src/api/app.js';
import { readConfig } from '../src/config.js';
import { openDb, type Db } from '../src/db/db.js';
import { DUE_QUEUE, PgBossNotificationJobs } from '../src/notifications/jobs.js';
import { ModelHolder } from '../src/runtime/model-holder.js';
import { ROUTES } from '../src/server.js';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

jest.setTimeout(60_000);
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
const N = Number(process.env.CARDO_EXACTLY_ONCE_N ?? 10_000);

let t: TestApp;
let dbB: Db;
let appB: FastifyInstance;
let schema: string;
const boss = `boss_${Math.random().toString(36).slice(2, 10)}`;
const jobs: PgBossNotificationJobs[] = [];

onPostgres('exactly-once delivery with two server instances', () => {
  beforeAll(async () => {
    t = await createTestApp();
    [{ schema } = { schema: '' }] = await t.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    const url = String(process.env.DATABASE_URL);
    dbB = await openDb({ url, schema, max: 5 });
    const config = readConfig({ CARDO_METADATA_DIR: '../metadata' }, process.cwd());
    appB = await buildApp({ db: dbB, models: new ModelHolder(t.model), config, target: { db: dbB, url, schema } }, ROUTES, { logger: false });
  }, 120_000);

  afterAll(async () => {
    for (const j of jobs) await j.stop();
    await appB?.close();
    await dbB?.close();
    await t?.db.query(`DROP SCHEMA IF EXISTS ${boss} CASCADE`);
    await t?.close();
  });

  it(`${N.toLocaleString('en')} notifications due in the same minute are delivered once each`, async () => {
    const owner = await createOrgUser(t.db, 'eo.owner', ['sales_manager']);
    const [cp] = await t.db.query<{ id: string }>(
      `INSERT INTO counterparty (id, created_at, updated_at, version, owner, brand, status) VALUES ($1, now(), now(), 1, $2, 'Exactly Once', 'active') RETURNING id::text AS id`,
      [uuidv7(), owner.id],
    );
    // Due within one minute that starts 20 seconds from now: the reminder is 30 minutes before plannedAt.
    const minute = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
    await t.db.query(
      `INSERT INTO interaction (id, created_at, updated_at, version, owner, type, counterparty, planned_at)
       SELECT gen_random_uuid(), now(), now(), 1, $1, 'meeting', $2, $3::timestamptz + interval '30 minutes' + (i % 60) * interval '1 second'
         FROM generate_series(1, $4::int) AS i`,
      [owner.id, cp?.id, minute.toISOString(), N],
    );

    const fired = [0, 0];
    const url = String(process.env.DATABASE_URL);
    const apps = [t.app, appB];
    // Both instances start at once: both sweep the 10,000 new records and schedule them.
    await Promise.all(apps.map(async (app, i) => {
      const worker = new PgBossNotificationJobs(url, { schema: boss, pollingIntervalSeconds: 0.5, batchSize: 25, sweepMs: 3_600_000, emailMs: 3_600_000 });
      jobs.push(worker);
      const fireMany = app.notifications.fireMany.bind(app.notifications);
      app.notifications.fireMany = async (ids) => {
        const sent = await fireMany(ids);
        fired[i]! += sent;
        return sent;
      };
      app.notifications.scheduler = worker;
      await worker.start(app.notifications);
    }));
    const [{ n: scheduled } = { n: 0 }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ntf_schedule WHERE rule = 'interaction-reminder'`);
    expect(scheduled).toBe(N);
    // And a duplicate job for every occurrence, queued by the other instance.
    const rows = await t.db.query<{ id: string; due_at: string }>(`SELECT id::text AS id, due_at FROM ntf_schedule WHERE rule = 'interaction-reminder'`);
    await dbB.transaction((tx) => jobs[1]!.schedule(tx, rows.map((r) => ({ id: uuidv7(), scheduleId: r.id, dueAt: new Date(r.due_at) }))));
    const [{ n: queued } = { n: 0 }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${boss}.job WHERE name = $1`, [DUE_QUEUE]);
    expect(queued).toBe(2 * N);

    const count = async () => (await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ntf_delivery WHERE rule = 'interaction-reminder'`))[0]?.n ?? 0;
    const deadline = Date.now() + 480_000;
    while ((await count()) < N && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1000));
    // Let the duplicate jobs run out too.
    for (let i = 0; i < 120; i++) {
      const [{ n } = { n: 1 }] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${boss}.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [DUE_QUEUE]);
      if (n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const [stats] = await t.db.query<{ deliveries: number; keys: number; notices: number; records: number; first: string }>(
      `SELECT (SELECT count(*)::int FROM ntf_delivery WHERE rule = 'interaction-reminder') AS deliveries,
              (SELECT count(DISTINCT key)::int FROM ntf_delivery WHERE rule = 'interaction-reminder') AS keys,
              (SELECT count(*)::int FROM sys_notification WHERE record_entity = 'interaction') AS notices,
              (SELECT count(DISTINCT record_id)::int FROM sys_notification WHERE record_entity = 'interaction') AS records,
              (SELECT min(created_at) FROM ntf_delivery WHERE rule = 'interaction-reminder') AS first`,
    );
    expect(stats).toMatchObject({ deliveries: N, keys: N, notices: N, records: N });
    // Nobody was told before the minute began.
    expect(Date.parse(String(stats?.first))).toBeGreaterThanOrEqual(minute.getTime());
    const duplicates = await t.db.query(`SELECT record_id FROM sys_notification WHERE record_entity = 'interaction' GROUP BY record_id, recipient HAVING count(*) > 1`);
    expect(duplicates).toEqual([]);
    const states = await t.db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM ntf_schedule GROUP BY status`);
    expect(states).toEqual([{ status: 'sent', n: N }]);
    const failed = await t.db.query(`SELECT 1 FROM ${boss}.job WHERE name = $1 AND state = 'failed'`, [DUE_QUEUE]);
    expect(failed).toEqual([]);
    // Both instances did part of the work; together exactly N sends.
    expect(fired[0]! + fired[1]!).toBe(N);
    expect(Math.min(fired[0]!, fired[1]!)).toBeGreaterThan(0);
  }, 600_000);

  it('moving the date cancels the queued job in the write\'s transaction and queues a new one', async () => {
    const sales = await createOrgUser(t.db, 'eo.sales', ['sales_manager']);
    const call = (method: 'POST' | 'PATCH', url: string, payload: object) => t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${sales.token}` } });
    const cp = (await call('POST', '/api/data/counterparty', { brand: 'Job Moves' })).json() as { id: string };
    const planned = new Date(Date.now() + 5 * 3600_000);
    const created = (await call('POST', '/api/data/interaction', { type: 'meeting', counterparty: cp.id, plannedAt: planned.toISOString() })).json() as { id: string; version: number };
    const jobOf = async () => (await t.db.query<{ id: string; job_id: string }>('SELECT id::text AS id, job_id::text AS job_id FROM ntf_schedule WHERE record_id = $1', [created.id]))[0];
    const first = await jobOf();
    const state = async (id: string | undefined) => (await t.db.query<{ state: string; start_after: string }>(`SELECT state, start_after FROM ${boss}.job WHERE id = $1`, [id]))[0];
    expect(await state(first?.job_id)).toEqual({ state: 'created', start_after: new Date(planned.getTime() - 30 * 60_000).toISOString() });
    const moved = new Date(planned.getTime() + 86_400_000);
    expect((await call('PATCH', `/api/data/interaction/${created.id}`, { plannedAt: moved.toISOString(), version: created.version })).statusCode).toBe(200);
    const second = await jobOf();
    expect(second?.id).toBe(first?.id);
    expect(await state(first?.job_id)).toMatchObject({ state: 'cancelled' });
    expect(await state(second?.job_id)).toEqual({ state: 'created', start_after: new Date(moved.getTime() - 30 * 60_000).toISOString() });
  });
});
