import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildApp } from '../src/api/app.js';
import { readConfig } from '../src/config.js';
import type { FastifyInstance } from 'fastify';
import { ModelHolder } from '../src/runtime/model-holder.js';
import { ROUTES } from '../src/server.js';
import { createAppDatabase, type AppDatabase } from './helpers/app-db.js';
import { createUser } from '../src/auth/users.js';

/** Publishing metadata at runtime: plan, apply, and the model swapped in without a restart. */
const source = fileURLToPath(new URL('../../metadata/', import.meta.url));
let dir: string;
let appDb: AppDatabase;
let app: FastifyInstance;
let models: ModelHolder;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cardo-studio-'));
  await cp(source, dir, { recursive: true });
  appDb = await createAppDatabase({ metadataDir: dir });
  models = new ModelHolder(appDb.model);
  app = await buildApp({ db: appDb.db, models, config: readConfig({ CARDO_METADATA_DIR: dir }, process.cwd()), target: { db: appDb.db, url: appDb.url, schema: appDb.schema } }, ROUTES, { logger: false });
  for (const [login, role] of [['consult', 'consultant'], ['seller', 'sales_manager'], ['admin', 'administrator']] as const) {
    await createUser(appDb.db, { login, fullName: login, roles: [role], password: 'studio-password' });
    tokens[login] = ((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login, password: 'studio-password' } })).json() as { token: string }).token;
  }
}, 120_000);
afterAll(async () => {
  await app?.close();
  await appDb?.close();
  await rm(dir, { recursive: true, force: true });
});

const as = (login: string, method: 'GET' | 'POST', url: string, payload?: object) => app.inject({ method, url, payload, headers: { authorization: `Bearer ${tokens[login] ?? ''}` } });

async function editCounterparty(edit: (entity: { fields: Array<Record<string, unknown>> }) => void): Promise<void> {
  const file = path.join(dir, 'entities/counterparty.json');
  const entity = JSON.parse(await readFile(file, 'utf8')) as { fields: Array<Record<string, unknown>> };
  edit(entity);
  await writeFile(file, `${JSON.stringify(entity, null, 2)}\n`);
}

describe('studio plan and apply', () => {
  it('is for consultants and administrators only', async () => {
    expect((await as('seller', 'POST', '/api/studio/plan')).statusCode).toBe(403);
    const plan = await as('consult', 'POST', '/api/studio/plan');
    expect(plan.statusCode).toBe(200);
    expect(plan.json()).toMatchObject({ empty: true, changes: [] });
  });

  it('adds a field under load: no request fails, and the new field works right after', async () => {
    await editCounterparty((e) => e.fields.push({ name: 'loyaltyCard', label: { en: 'Loyalty card', ru: 'Карта лояльности' }, type: 'string', maxLength: 40 }));
    const plan = (await as('consult', 'POST', '/api/studio/plan')).json() as { changes: Array<{ kind: string; column?: string }>; destructive: unknown[] };
    expect(plan.changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'addColumn', column: 'loyalty_card' })]));
    expect(plan.destructive).toEqual([]);
    const before = models.current.hash;
    // Record writes need a role that may create counterparties (roles.json: consultants only read).
    const load = Array.from({ length: 30 }, (_, i) => as('admin', i % 2 ? 'GET' : 'POST', i % 2 ? '/api/data/counterparty?limit=5' : '/api/data/counterparty?confirm=duplicates', i % 2 ? undefined : { brand: `Нагрузка ${i}` }));
    const apply = as('consult', 'POST', '/api/studio/apply', {});
    const results = await Promise.all([...load, apply]);
    expect(results.map((r) => r.statusCode).filter((s) => s >= 400)).toEqual([]);
    expect(models.current.hash).not.toBe(before);
    const created = await as('admin', 'POST', '/api/data/counterparty', { brand: 'После публикации', loyaltyCard: 'LC-001' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ loyaltyCard: 'LC-001' });
  }, 60_000);

  it('refuses a destructive change without consent and changes nothing', async () => {
    await editCounterparty((e) => (e.fields = e.fields.filter((f) => f.name !== 'loyaltyCard')));
    const refused = await as('consult', 'POST', '/api/studio/apply', {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'CARDO_ERR_META_DESTRUCTIVE', changes: [expect.objectContaining({ kind: 'dropColumn', column: 'loyalty_card' })] });
    const still = await appDb.db.query(`SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'counterparty' AND column_name = 'loyalty_card'`, [appDb.schema]);
    expect(still).toHaveLength(1);
    expect(models.current.entities.get('counterparty')?.field.has('loyaltyCard')).toBe(true);
    // Dropped under load: the lists read the column until the model without it is in, and
    // none of them meets the column gone (the apply holds requests until they are done).
    const load = Array.from({ length: 40 }, () => as('admin', 'GET', '/api/data/counterparty?limit=5'));
    const [allowed, ...results] = await Promise.all([as('consult', 'POST', '/api/studio/apply', { allowDestructive: true }), ...load]);
    expect(results.map((r) => r.statusCode).filter((s) => s >= 400)).toEqual([]);
    expect(allowed.statusCode).toBe(200);
    expect(models.current.entities.get('counterparty')?.field.has('loyaltyCard')).toBe(false);
  }, 60_000);

  it('refuses invalid metadata with its problems and keeps serving the old model', async () => {
    await editCounterparty((e) => e.fields.push({ name: 'broken', label: { en: 'Broken', ru: 'Сломано' }, type: 'varchar' }));
    const hash = models.current.hash;
    const r = await as('consult', 'POST', '/api/studio/apply', {});
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_META_INVALID', problems: [expect.objectContaining({ code: 'CARDO_ERR_META_SCHEMA' })] });
    expect(models.current.hash).toBe(hash);
    expect((await as('consult', 'GET', '/api/data/counterparty?limit=1')).statusCode).toBe(200);
  });
});
