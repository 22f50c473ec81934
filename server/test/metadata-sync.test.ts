/**
 * Metadata applied on one instance reaches the others (issue 12): two server instances (two
 * apps, each with its own pool and its own ModelSync listener) on one PostgreSQL schema.
 * Instance B runs from the *original* metadata directory, so it can only learn the new model
 * from the files stored with the applied version. A field added and applied on A is served by
 * B within a bounded time, with no request on B failing during the swap; an instance whose
 * listening connection was down when the NOTIFY went out catches up when it reconnects.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import type { CompiledModel } from '../src/compile/compile.js';
import { readConfig } from '../src/config.js';
import { openDb, type Db } from '../src/db/db.js';
import { buildApp } from '../src/api/app.js';
import { latestVersion } from '../src/plan/apply.js';
import { ModelHolder } from '../src/runtime/model-holder.js';
import { ModelSync, type ModelSyncOptions } from '../src/runtime/model-sync.js';
import { ROUTES } from '../src/server.js';
import { APP_METADATA_DIR } from './helpers/app-db.js';
import { createOrgUser, seedRecord } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

jest.setTimeout(120_000);
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
const ENTITY = 'contact';

let dir: string;
let t: TestApp;
let schema: string;
let dbB: Db;
let appB: FastifyInstance;
let modelsB: ModelHolder;
let syncA: ModelSync;
let syncB: ModelSync;
let token: string;
let contactId: string;
const warnings: string[] = [];
const log = { info: () => undefined, warn: (_: object, message: string) => void warnings.push(message) };
/** While set, B's listener waits on it before reconnecting (the test decides when B comes back). */
let gate: { promise: Promise<void>; open: () => void } | null = null;
const pause: ModelSyncOptions['pause'] = async () => {
  await (gate?.promise ?? new Promise((resolve) => setTimeout(resolve, 50)));
};

async function addField(name: string): Promise<void> {
  const file = path.join(dir, 'entities', `${ENTITY}.json`);
  const entity = JSON.parse(await readFile(file, 'utf8')) as { fields: unknown[] };
  entity.fields.push({ name, label: { en: `Note ${name}`, ru: `Заметка ${name}` }, type: 'string' });
  await writeFile(file, `${JSON.stringify(entity, null, 2)}\n`);
}

const hasField = (model: CompiledModel, name: string) => model.entities.get(ENTITY)?.field.has(name) === true;

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function applyOnA(): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/studio/apply', payload: {}, headers: { authorization: `Bearer ${token}` } });
  expect(`${res.statusCode} ${res.statusCode === 200 ? '' : res.body}`).toBe('200 ');
  return (res.json() as { hash: string }).hash;
}

onPostgres('metadata applied on one instance reaches the others', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cardo-sync-'));
    await cp(APP_METADATA_DIR, dir, { recursive: true });
    t = await createTestApp({ env: { CARDO_METADATA_DIR: dir } });
    [{ schema } = { schema: '' }] = await t.db.query<{ schema: string }>('SELECT current_schema() AS schema');
    const url = String(process.env.DATABASE_URL);
    dbB = await openDb({ url, schema, max: 5 });
    modelsB = new ModelHolder(t.model);
    const configB = readConfig({ CARDO_METADATA_DIR: APP_METADATA_DIR }, process.cwd());
    appB = await buildApp({ db: dbB, models: modelsB, config: configB, target: { db: dbB, url, schema } }, ROUTES, { logger: false });
    syncA = new ModelSync({ db: t.db, url, schema, metadataDir: dir, models: t.models, log });
    syncB = new ModelSync({ db: dbB, url, schema, metadataDir: APP_METADATA_DIR, models: modelsB, log, pause });
    await Promise.all([syncA.start(), syncB.start()]);
    const consultant = await createOrgUser(t.db, 'sync.consultant', ['consultant', 'administrator']);
    token = consultant.token;
    const counterparty = await seedRecord(t.db, t.model, t.model.entities.get('counterparty')!, consultant.id, {});
    contactId = await seedRecord(t.db, t.model, t.model.entities.get(ENTITY)!, consultant.id, { counterparty });
  }, 120_000);

  afterAll(async () => {
    gate?.open();
    await syncB?.stop();
    await syncA?.stop();
    await appB?.close();
    await dbB?.close();
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('B serves a field applied on A within a bounded time, failing no request meanwhile', async () => {
    expect(syncB.listenerPid).toBeDefined();
    const headers = { authorization: `Bearer ${token}` };
    const failures: string[] = [];
    let requests = 0;
    let stop = false;
    let seenInRecord = false;
    // Reads on B all through the apply and the swap: a record, the entity's schema, a list.
    const load = (async () => {
      while (!stop) {
        for (const url of [`/api/data/${ENTITY}/${contactId}`, `/api/meta/entities/${ENTITY}`, `/api/data/${ENTITY}?limit=5`]) {
          const res = await appB.inject({ method: 'GET', url, headers });
          requests += 1;
          if (res.statusCode !== 200) failures.push(`${res.statusCode} ${url} ${res.body.slice(0, 200)}`);
          else if (url.endsWith(contactId) && 'syncNote' in (res.json() as object)) seenInRecord = true;
        }
      }
    })();
    try {
      await until(() => requests >= 6, 'the load on B to run');
      await addField('syncNote');
      const hash = await applyOnA();
      expect(hasField(t.models.current, 'syncNote')).toBe(true);
      await until(() => modelsB.current.hash === hash, 'B to swap to the applied version');
      expect(hasField(modelsB.current, 'syncNote')).toBe(true);
      // B answers with the new field (its column is null until written).
      await until(() => seenInRecord, 'B to answer with the new field');
      const schemaB = await appB.inject({ method: 'GET', url: `/api/meta/entities/${ENTITY}`, headers });
      expect(Object.keys((schemaB.json() as { schema: { properties: object } }).schema.properties)).toContain('syncNote');
      const patched = await appB.inject({ method: 'PATCH', url: `/api/data/${ENTITY}/${contactId}`, headers: { ...headers, 'if-match': String((await appB.inject({ method: 'GET', url: `/api/data/${ENTITY}/${contactId}`, headers })).json<{ version: number }>().version) }, payload: { syncNote: 'written on B' } });
      expect(patched.statusCode).toBe(200);
      expect((patched.json() as Record<string, unknown>).syncNote).toBe('written on B');
    } finally {
      stop = true;
      await load;
    }
    expect(failures).toEqual([]);
    // A's own listener heard its apply too and left A on the same version.
    expect(t.models.current.hash).toBe(modelsB.current.hash);
  });

  it('an instance disconnected when the NOTIFY went out picks the version up when it reconnects', async () => {
    const connections = syncB.stats.connections;
    let open!: () => void;
    gate = { promise: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    await t.db.query('SELECT pg_terminate_backend($1)', [syncB.listenerPid]);
    await until(() => syncB.listenerPid === undefined, 'B to notice its listener is gone');
    await addField('syncLate');
    const hash = await applyOnA();
    // B heard nothing: it is still on the previous version.
    await new Promise((resolve) => setImmediate(resolve));
    expect(hasField(modelsB.current, 'syncLate')).toBe(false);
    gate.open();
    gate = null;
    await until(() => modelsB.current.hash === hash, 'B to catch up after reconnecting');
    expect(hasField(modelsB.current, 'syncLate')).toBe(true);
    expect(syncB.stats.connections).toBe(connections + 1);
    const res = await appB.inject({ method: 'GET', url: `/api/data/${ENTITY}/${contactId}`, headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toHaveProperty('syncLate');
  });

  it('a swap to a model that is not the latest applied (a slow apply overtaken by another) is corrected', async () => {
    const latest = t.models.current.hash;
    // What A's studio route would do had its apply committed before another instance's newer one.
    t.models.swap(t.model);
    await until(() => t.models.current.hash === latest, 'A to return to the latest applied version');
  });

  it('without stored files, a version loads from the metadata directory only when its hash matches', async () => {
    const latest = await latestVersion(t.db, schema);
    await t.db.query('DELETE FROM sys_metadata_content WHERE version_id = $1', [latest?.id]);
    // C runs from A's directory (the applied files): it loads the version from there.
    const modelsC = new ModelHolder(t.model);
    await new ModelSync({ db: t.db, url: String(process.env.DATABASE_URL), schema, metadataDir: dir, models: modelsC, log }).check();
    expect(modelsC.current.hash).toBe(latest?.hash);
    // D runs from other files: it keeps serving its model and says why, once.
    const modelsD = new ModelHolder(t.model);
    const syncD = new ModelSync({ db: t.db, url: String(process.env.DATABASE_URL), schema, metadataDir: APP_METADATA_DIR, models: modelsD, log });
    warnings.length = 0;
    await syncD.check();
    await syncD.check();
    expect(modelsD.current).toBe(t.model);
    expect(warnings).toEqual([expect.stringMatching(/cannot load the applied version: .* holds another version/)]);
  });
});
