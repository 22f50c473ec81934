import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CompiledModel, EntityModel } from '../src/compile/compile.js';
import { createDepartment, createOrgUser, seedRecord, setDepartment, setRoles } from './helpers/access-org.js';
import { loadTestModel } from './helpers/app-db.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Json = Record<string, unknown>;
let t: TestApp;
let counterparty: EntityModel;
const u = {} as Record<'head' | 'seller' | 'peer' | 'deep' | 'auditor', { id: string; token: string }>;
const cp = {} as Record<'seller' | 'peer' | 'deep', string>;

/** The CRM model plus a role with field rules (the CRM's roles hide no field). */
async function modelWithAuditor(): Promise<CompiledModel> {
  const model = await loadTestModel();
  const auditor = { name: 'auditor', label: { en: 'Auditor', ru: 'Аудитор' }, permissions: { counterparty: { read: 'all' as const, update: 'all' as const, fields: { inn: 'hidden' as const, phone: 'readOnly' as const } } } };
  return { ...model, roles: [...model.roles, auditor] };
}

beforeAll(async () => {
  t = await createTestApp({ model: await modelWithAuditor() });
  counterparty = t.model.entities.get('counterparty') as EntityModel;
  const { db } = t;
  // Sales (head H) has a sub-department Key accounts: H's subordinates reach down the tree.
  u.head = await createOrgUser(db, 's_head', ['head_of_sales']);
  const sales = await createDepartment(db, 'Sales', u.head.id);
  const keyAccounts = await createDepartment(db, 'Key accounts', null, sales);
  await db.query('UPDATE sys_user SET department = $1 WHERE id = $2', [sales, u.head.id]);
  u.seller = await createOrgUser(db, 's_seller', ['sales_manager'], { department: sales });
  u.peer = await createOrgUser(db, 's_peer', ['sales_manager'], { department: sales });
  u.deep = await createOrgUser(db, 's_deep', ['sales_manager'], { department: keyAccounts });
  u.auditor = await createOrgUser(db, 's_auditor', ['auditor']);
  cp.seller = await seedRecord(db, t.model, counterparty, u.seller.id, {}, { brand: 'Seller Alpha Brand', inn: '7707083893', phone: '+74951112233' });
  cp.peer = await seedRecord(db, t.model, counterparty, u.peer.id, {}, { brand: 'Peer Omega Brand' });
  cp.deep = await seedRecord(db, t.model, counterparty, u.deep.id, {}, { brand: 'Deep Sigma Brand' });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const as = (who: keyof typeof u, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, ...(payload ? { payload } : {}), headers: { ...headers, authorization: `Bearer ${u[who].token}` } });
const ids = (r: { json(): unknown }) => (r.json() as { items: Json[] }).items.map((i) => i.id);
const countOf = (r: { json(): unknown }) => (r.json() as { groups: Array<{ key: unknown; count: number }> }).groups.reduce((n, g) => n + g.count, 0);

describe('scopes over the org tree', () => {
  it('the head of sales sees subordinates down the department tree in lists, group counts and search', async () => {
    expect(ids(await as('head', 'GET', '/api/data/counterparty?limit=100')).sort()).toEqual([cp.seller, cp.peer, cp.deep].sort());
    expect(countOf(await as('head', 'GET', '/api/data/counterparty?groupBy=owner'))).toBe(3);
    expect(ids(await as('head', 'GET', '/api/data/counterparty?q=Sigma'))).toEqual([cp.deep]);
    expect((await as('head', 'GET', `/api/data/counterparty/${cp.deep}`)).statusCode).toBe(200);
  });

  it("a sales manager gets 404 for a peer's counterparty and never sees it in lists, counts, search or related lists", async () => {
    expect((await as('seller', 'GET', `/api/data/counterparty/${cp.peer}`)).statusCode).toBe(404);
    expect(ids(await as('seller', 'GET', '/api/data/counterparty?limit=100'))).toEqual([cp.seller]);
    expect(countOf(await as('seller', 'GET', '/api/data/counterparty?groupBy=owner'))).toBe(1);
    expect(ids(await as('seller', 'GET', '/api/data/counterparty?q=Omega'))).toEqual([]);
    const deal = await seedRecord(t.db, t.model, t.model.entities.get('deal') as EntityModel, u.peer.id, { counterparty: cp.seller });
    const related = await as('seller', 'GET', `/api/data/counterparty/${cp.seller}/related/deal`);
    expect(related.statusCode).toBe(200);
    expect(ids(related)).not.toContain(deal);
    expect((await as('seller', 'GET', `/api/data/counterparty/${cp.peer}/history`)).statusCode).toBe(404);
    expect((await as('seller', 'PATCH', `/api/data/counterparty/${cp.peer}`, { wishes: 'x' }, { 'if-match': '1' })).statusCode).toBe(404);
  });

  it('reports a duplicate the caller may not read as existing, without its id or title', async () => {
    const r = await as('seller', 'POST', '/api/data/counterparty/duplicates', { brand: 'Peer Omega Brand' });
    expect(r.statusCode).toBe(200);
    const duplicates = (r.json() as { duplicates: Json[] }).duplicates;
    expect(duplicates.length).toBeGreaterThan(0);
    for (const d of duplicates) {
      expect(d).toMatchObject({ exists: true });
      expect(d).not.toHaveProperty('id');
      expect(d).not.toHaveProperty('title');
    }
  });

  it('meta shows only readable entities', async () => {
    const meta = (await as('seller', 'GET', '/api/meta')).json() as { entities: Array<{ name: string }> };
    const names = meta.entities.map((e) => e.name);
    expect(names).toContain('counterparty');
    expect(names).not.toContain('kpi_plan');
    expect((await as('seller', 'GET', '/api/meta/entities/kpi_plan')).statusCode).toBe(404);
    expect((await as('seller', 'GET', '/api/data/kpi_plan')).statusCode).toBe(404);
  });
});

describe('substitution', () => {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  let admin: { id: string; token: string };
  beforeAll(async () => {
    admin = await createOrgUser(t.db, 's_admin', ['administrator']);
  });
  const asAdmin = (payload: object) => t.app.inject({ method: 'POST', url: '/api/data/sys_substitution', payload, headers: { authorization: `Bearer ${admin.token}` } });

  it('refuses self-substitution, a reversed period and an overlap, with a clear message', async () => {
    const self = await asAdmin({ absentUser: u.auditor.id, deputy: u.auditor.id, from: day(100), to: day(101) });
    expect(self.statusCode).toBe(400);
    expect(self.json()).toMatchObject({ detail: expect.stringContaining('themselves') });
    expect((await asAdmin({ absentUser: u.auditor.id, deputy: u.head.id, from: day(102), to: day(100) })).statusCode).toBe(400);
    expect((await asAdmin({ absentUser: u.auditor.id, deputy: u.head.id, from: day(100), to: day(105) })).statusCode).toBe(201);
    const overlap = await asAdmin({ absentUser: u.auditor.id, deputy: u.seller.id, from: day(104), to: day(110) });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json()).toMatchObject({ detail: expect.stringContaining('overlaps') });
  });

  it('before the period the deputy does not see the absent user’s records; during it they see and update them, audited on behalf', async () => {
    const future = await asAdmin({ absentUser: u.peer.id, deputy: u.seller.id, from: day(10), to: day(20) });
    expect(future.statusCode).toBe(201);
    expect((await as('seller', 'GET', `/api/data/counterparty/${cp.peer}`)).statusCode).toBe(404);
    await t.db.query('UPDATE sys_substitution SET "from" = $1, "to" = $2 WHERE id = $3', [day(-1), day(1), (future.json() as Json).id]);
    const read = await as('seller', 'GET', `/api/data/counterparty/${cp.peer}`);
    expect(read.statusCode).toBe(200);
    const patched = await as('seller', 'PATCH', `/api/data/counterparty/${cp.peer}`, { wishes: 'Called on behalf' }, { 'if-match': String((read.json() as Json).version) });
    expect(patched.statusCode).toBe(200);
    const history = (await as('seller', 'GET', `/api/data/counterparty/${cp.peer}/history`)).json() as { items: Array<{ actor: Json; onBehalfOf: Json | null }> };
    expect(history.items[0]).toMatchObject({ actor: { id: u.seller.id, fullName: 'User s_seller' }, onBehalfOf: { id: u.peer.id, fullName: 'User s_peer' } });
    // After the period: gone again.
    await t.db.query('UPDATE sys_substitution SET "from" = $1, "to" = $2 WHERE id = $3', [day(-10), day(-2), (future.json() as Json).id]);
    expect((await as('seller', 'GET', `/api/data/counterparty/${cp.peer}`)).statusCode).toBe(404);
  });
});

describe('the org is read with the session on every request (nothing cached)', () => {
  it('a role granted or taken away applies to the next request of the same session', async () => {
    const late = await createOrgUser(t.db, 's_late', ['sales_manager']);
    const get = () => t.app.inject({ method: 'GET', url: `/api/data/counterparty/${cp.peer}`, headers: { authorization: `Bearer ${late.token}` } });
    expect((await get()).statusCode).toBe(404);
    await setRoles(t.db, late.id, ['sales_manager', 'lawyer']);
    expect((await get()).statusCode).toBe(200);
    await setRoles(t.db, late.id, ['sales_manager']);
    expect((await get()).statusCode).toBe(404);
  });

  it('heading a department, or becoming a manager, applies to the next request of the same session', async () => {
    const boss = await createOrgUser(t.db, 's_boss', ['head_of_sales']);
    const list = async () => ids(await t.app.inject({ method: 'GET', url: '/api/data/counterparty?limit=100', headers: { authorization: `Bearer ${boss.token}` } })).sort();
    expect(await list()).toEqual([]);
    const team = await createDepartment(t.db, 'Boss team', boss.id);
    const [deepUser] = await t.db.query<{ department: string }>('SELECT department FROM sys_user WHERE id = $1', [u.deep.id]);
    await setDepartment(t.db, u.deep.id, team);
    expect(await list()).toEqual([cp.deep]);
    await setDepartment(t.db, u.deep.id, deepUser!.department);
    expect(await list()).toEqual([]);
    await setDepartment(t.db, u.peer.id, (await t.db.query<{ department: string }>('SELECT department FROM sys_user WHERE id = $1', [u.peer.id]))[0]!.department, boss.id);
    expect(await list()).toEqual([cp.peer]);
  });

  it('a deactivated user’s session ends with the next request', async () => {
    const gone = await createOrgUser(t.db, 's_gone', ['lawyer']);
    const get = () => t.app.inject({ method: 'GET', url: `/api/data/counterparty/${cp.peer}`, headers: { authorization: `Bearer ${gone.token}` } });
    expect((await get()).statusCode).toBe(200);
    await t.db.query('UPDATE sys_user SET active = false WHERE id = $1', [gone.id]);
    expect((await get()).statusCode).toBe(401);
  });
});

describe('field rules', () => {
  it('hidden fields are absent from list, get and history, and unknown to filter, sort and fields', async () => {
    const list = await as('auditor', 'GET', '/api/data/counterparty?limit=100');
    expect(list.statusCode).toBe(200);
    for (const item of (list.json() as { items: Json[] }).items) expect(item).not.toHaveProperty('inn');
    const get = await as('auditor', 'GET', `/api/data/counterparty/${cp.seller}`);
    expect(get.json()).not.toHaveProperty('inn');
    expect(get.json()).toHaveProperty('brand');
    const history = (await as('auditor', 'GET', `/api/data/counterparty/${cp.seller}/history`)).json() as { items: Array<{ changes: Json }> };
    expect(history.items.length).toBeGreaterThan(0);
    for (const item of history.items) expect(item.changes).not.toHaveProperty('inn');
    for (const query of ['filter={"inn":"7707083893"}', 'sort=inn', 'fields=inn', 'groupBy=inn']) {
      const r = await as('auditor', 'GET', `/api/data/counterparty?${encodeURI(query)}`);
      expect(r.statusCode).toBe(400);
      expect(r.body).toMatch(/no field .{0,4}inn/);
    }
    const meta = (await as('auditor', 'GET', '/api/meta')).json() as { entities: Array<{ name: string; fields: Array<{ name: string; readOnly: boolean }> }> };
    const fields = meta.entities.find((e) => e.name === 'counterparty')?.fields ?? [];
    expect(fields.map((f) => f.name)).not.toContain('inn');
    expect(fields.find((f) => f.name === 'phone')?.readOnly).toBe(true);
    // The OpenAPI document is the caller's: no hidden field, no entity they cannot read.
    const doc = (await as('auditor', 'GET', '/api/openapi.json')).json() as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> }; paths: Record<string, unknown> };
    expect(Object.keys(doc.components.schemas.Counterparty?.properties ?? {})).toEqual(expect.arrayContaining(['brand', 'phone']));
    expect(Object.keys(doc.components.schemas.Counterparty?.properties ?? {})).not.toContain('inn');
    expect(Object.keys(doc.paths).some((p) => p.includes('/deal'))).toBe(false);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('a write of a readOnly field is a 403 naming it', async () => {
    const r = await as('auditor', 'PATCH', `/api/data/counterparty/${cp.seller}`, { phone: '+74951112234' }, { 'if-match': '1' });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_AUTH_FORBIDDEN', detail: expect.stringContaining('phone') });
  });
});
