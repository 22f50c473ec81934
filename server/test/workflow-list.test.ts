// GET /api/workflows: the processes the runtime UI may offer on a card.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
let sales: { id: string; token: string };
let marketing: { id: string; token: string };

async function get(user: { token: string }, url: string) {
  const response = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${user.token}` } });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

beforeAll(async () => {
  t = await createTestApp();
  sales = await createOrgUser(t.db, 'wl.sales', ['sales_manager']);
  marketing = await createOrgUser(t.db, 'wl.marketing', ['marketing']);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('GET /api/workflows', () => {
  it('lists the processes of an entity with how they start and whether the caller may start them', async () => {
    const r = await get(sales, '/api/workflows?entity=document');
    expect(r.status).toBe(200);
    expect(r.body.items).toEqual([{ process: 'document-approval', label: 'Согласование документа', entity: 'document', startOn: 'manual', canStart: true }]);
    // Marketing reads documents but may not change them, so may not start their processes.
    const m = await get(marketing, '/api/workflows?entity=document');
    expect(m.body.items).toEqual([expect.objectContaining({ process: 'document-approval', canStart: false })]);
  });

  it('lists every process without a filter, and none for an entity without processes', async () => {
    const all = await get(sales, '/api/workflows');
    expect((all.body.items as Array<{ process: string }>).map((i) => i.process).sort()).toEqual(['assignment', 'document-approval']);
    expect((await get(sales, '/api/workflows?entity=counterparty')).body.items).toEqual([]);
  });

  it('refuses unknown parameters', async () => {
    const r = await get(sales, '/api/workflows?entity=document&foo=1');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'CARDO_ERR_API_VALIDATION', errors: [{ path: '/query/foo' }] });
  });
});
