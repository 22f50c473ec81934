import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Json = Record<string, unknown>;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const admin = (options: Parameters<TestApp['as']>[1]) => t.as('admin1', options);
const manager = (options: Parameters<TestApp['as']>[1]) => t.as('sm1', options, ['sales_manager']);
const items = (r: LightMyRequestResponse) => (r.json() as { items: Json[] }).items;

function expectProblem(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(r.json()).toMatchObject({ status, code });
}

const STATE = { view: 'all', filter: { status: 'key' }, sort: '-createdAt', columns: ['brand', 'phone'], groupBy: 'status', quickFilter: 'mine', pageSize: 50 };

describe('saved personal list views', () => {
  it('saves a view and gives it back, state intact', async () => {
    const r = await admin({ method: 'POST', url: '/api/views', payload: { entity: 'counterparty', name: '  Ключевые  ', state: STATE } });
    expect(r.statusCode).toBe(201);
    const view = r.json() as Json;
    expect(view).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), entity: 'counterparty', name: 'Ключевые', state: STATE, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(r.headers.location).toBe(`/api/views/${String(view.id)}`);
    const list = await admin({ method: 'GET', url: '/api/views?entity=counterparty' });
    expect(list.statusCode).toBe(200);
    expect(items(list)).toEqual([view]);
  });

  it('replaces the state when the same name is saved again, keeping the id', async () => {
    const first = (await admin({ method: 'POST', url: '/api/views', payload: { entity: 'deal', name: 'Open', state: { view: 'open' } } })).json() as Json;
    const again = await admin({ method: 'POST', url: '/api/views', payload: { entity: 'deal', name: 'Open', state: { view: 'open', pageSize: 100 } } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.id, name: 'Open', state: { view: 'open', pageSize: 100 } });
    expect(items(await admin({ method: 'GET', url: '/api/views?entity=deal' })).map((v) => v.state)).toEqual([{ view: 'open', pageSize: 100 }]);
    // The same name on another entity is another view.
    expect((await admin({ method: 'POST', url: '/api/views', payload: { entity: 'contact', name: 'Open', state: {} } })).statusCode).toBe(201);
  });

  it('lists every own view without entity=, by entity then name', async () => {
    const all = items(await admin({ method: 'GET', url: '/api/views' }));
    expect(all.map((v) => `${String(v.entity)}/${String(v.name)}`)).toEqual(['contact/Open', 'counterparty/Ключевые', 'deal/Open']);
  });

  it('keeps views personal: another user neither sees nor deletes them', async () => {
    const mine = (await admin({ method: 'POST', url: '/api/views', payload: { entity: 'counterparty', name: 'Private', state: { q: 'x' } } })).json() as Json;
    expect(items(await manager({ method: 'GET', url: '/api/views?entity=counterparty' }))).toEqual([]);
    expect(items(await manager({ method: 'GET', url: '/api/views' }))).toEqual([]);
    expectProblem(await manager({ method: 'DELETE', url: `/api/views/${String(mine.id)}` }), 404, 'CARDO_ERR_API_NOT_FOUND');
    expect(items(await admin({ method: 'GET', url: '/api/views?entity=counterparty' })).map((v) => v.name)).toContain('Private');
    // Saving the same name as someone else creates the caller's own view.
    const theirs = await manager({ method: 'POST', url: '/api/views', payload: { entity: 'counterparty', name: 'Private', state: {} } });
    expect(theirs.statusCode).toBe(201);
    expect((theirs.json() as Json).id).not.toBe(mine.id);
  });

  it('deletes an own view: 204, then it is gone and a second delete is a 404', async () => {
    const view = (await admin({ method: 'POST', url: '/api/views', payload: { entity: 'counterparty', name: 'Temporary', state: {} } })).json() as Json;
    const r = await admin({ method: 'DELETE', url: `/api/views/${String(view.id)}` });
    expect(r.statusCode).toBe(204);
    expect(items(await admin({ method: 'GET', url: '/api/views?entity=counterparty' })).map((v) => v.id)).not.toContain(view.id);
    expectProblem(await admin({ method: 'DELETE', url: `/api/views/${String(view.id)}` }), 404, 'CARDO_ERR_API_NOT_FOUND');
    expectProblem(await admin({ method: 'DELETE', url: '/api/views/not-a-uuid' }), 400, 'CARDO_ERR_API_VALIDATION');
  });

  it.each([
    ['an empty name', { entity: 'counterparty', name: '   ', state: {} }, '/name'],
    ['a name over 100 characters', { entity: 'counterparty', name: 'x'.repeat(101), state: {} }, '/name'],
    ['a state that is not an object', { entity: 'counterparty', name: 'A', state: [1, 2] }, '/state'],
    ['a state over 32 KB', { entity: 'counterparty', name: 'A', state: { filter: { brand: 'x'.repeat(33 * 1024) } } }, '/state'],
    ['an unknown entity', { entity: 'nope', name: 'A', state: {} }, '/entity'],
    ['an unknown property', { entity: 'counterparty', name: 'A', state: {}, shared: true }, '/shared'],
    ['no entity', { name: 'A', state: {} }, '/entity'],
  ])('refuses %s with a 400 naming the field, saving nothing', async (_name, payload, path) => {
    const before = items(await admin({ method: 'GET', url: '/api/views' })).length;
    const r = await admin({ method: 'POST', url: '/api/views', payload });
    expectProblem(r, 400, 'CARDO_ERR_API_VALIDATION');
    expect((r.json() as { errors: Json[] }).errors.map((e) => e.path)).toContain(path);
    expect(items(await admin({ method: 'GET', url: '/api/views' }))).toHaveLength(before);
  });

  it('refuses views of entities the caller may not read', async () => {
    expectProblem(await manager({ method: 'POST', url: '/api/views', payload: { entity: 'sys_audit', name: 'Audit', state: {} } }), 400, 'CARDO_ERR_API_VALIDATION');
    expectProblem(await manager({ method: 'GET', url: '/api/views?entity=sys_audit' }), 404, 'CARDO_ERR_API_UNKNOWN_ENTITY');
    expectProblem(await admin({ method: 'GET', url: '/api/views?entity=counterparty&colour=red' }), 400, 'CARDO_ERR_API_VALIDATION');
  });

  it('caps the number of views per user and entity; replacing one still works at the cap', async () => {
    const { id } = await t.login('many1');
    await t.db.query(
      `INSERT INTO sys_saved_view (id, user_id, entity, name, state, created_at, updated_at)
       SELECT gen_random_uuid(), $1, 'deal', 'View ' || n, '{}', now(), now() FROM generate_series(1, 100) AS n`,
      [id],
    );
    expectProblem(await t.as('many1', { method: 'POST', url: '/api/views', payload: { entity: 'deal', name: 'One more', state: {} } }), 400, 'CARDO_ERR_VIEW_LIMIT');
    expect((await t.as('many1', { method: 'POST', url: '/api/views', payload: { entity: 'deal', name: 'View 7', state: { pageSize: 20 } } })).statusCode).toBe(200);
    expect((await t.as('many1', { method: 'POST', url: '/api/views', payload: { entity: 'counterparty', name: 'One more', state: {} } })).statusCode).toBe(201);
  });

  it('needs a session', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/views' }), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/views', payload: { entity: 'deal', name: 'A', state: {} } }), 401, 'CARDO_ERR_AUTH_REQUIRED');
  });
});
