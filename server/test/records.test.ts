import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Json = Record<string, unknown>;
const admin = (options: Parameters<TestApp['as']>[1]) => t.as('admin1', options);
const json = (r: { body: string }) => JSON.parse(r.body) as Json;

async function create(entity: string, payload: Json, query = '') {
  return admin({ method: 'POST', url: `/api/data/${entity}${query}`, payload });
}

async function createOk(entity: string, payload: Json): Promise<Json> {
  const r = await create(entity, payload);
  if (r.statusCode !== 201) throw new Error(`${r.statusCode} ${r.body}`);
  return json(r);
}

describe('records: create, read, update, delete', () => {
  it('creates a record with system fields, defaults and an owner, and reads it back', async () => {
    const r = await create('counterparty', { brand: 'Альфа Трейд', phone: '+7 495 111-22-33', inn: '7707083893' });
    expect(r.statusCode).toBe(201);
    const record = json(r);
    expect(record).toMatchObject({ brand: 'Альфа Трейд', status: 'potential', version: 1 });
    expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(record.owner).toBe((await t.login('admin1')).id);
    expect(r.headers.location).toBe(`/api/data/counterparty/${String(record.id)}`);
    const read = await admin({ method: 'GET', url: `/api/data/counterparty/${String(record.id)}` });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    expect(json(read)).toEqual(record);
  });

  it('patches with optimistic locking: If-Match or version, 412 when stale, 428 when missing', async () => {
    const c = await createOk('counterparty', { brand: 'Бета Строй' });
    const url = `/api/data/counterparty/${String(c.id)}`;
    const missing = await admin({ method: 'PATCH', url, payload: { status: 'active' } });
    expect(missing.statusCode).toBe(428);
    expect(json(missing).code).toBe('CARDO_ERR_RECORD_VERSION_REQUIRED');
    const ok = await admin({ method: 'PATCH', url, payload: { status: 'active' }, headers: { 'if-match': '"1"' } });
    expect(ok.statusCode).toBe(200);
    expect(json(ok)).toMatchObject({ status: 'active', version: 2 });
    const stale = await admin({ method: 'PATCH', url, payload: { status: 'key', version: 1 } });
    expect(stale.statusCode).toBe(412);
    expect(json(stale)).toMatchObject({ code: 'CARDO_ERR_RECORD_STALE', currentVersion: 2 });
    const again = await admin({ method: 'PATCH', url, payload: { status: 'key', version: 2 } });
    expect(json(again)).toMatchObject({ status: 'key', version: 3 });
  });

  it('refuses to clear a required field', async () => {
    const c = await createOk('counterparty', { brand: 'Гамма' });
    const r = await admin({ method: 'PATCH', url: `/api/data/counterparty/${String(c.id)}`, payload: { brand: null, version: 1 } });
    expect(r.statusCode).toBe(400);
    expect((json(r).errors as Json[])[0]).toMatchObject({ path: '/brand' });
  });

  it('deletes, honouring restrict and cascade', async () => {
    const c = await createOk('counterparty', { brand: 'Дельта' });
    const contact = await createOk('contact', { counterparty: c.id, fullName: 'Иванов Иван' });
    const deal = await createOk('deal', { counterparty: c.id, title: 'Поставка' });
    const refused = await admin({ method: 'DELETE', url: `/api/data/counterparty/${String(c.id)}` });
    expect(refused.statusCode).toBe(409);
    expect(json(refused)).toMatchObject({ code: 'CARDO_ERR_RECORD_REFERENCED', referencedBy: 'deal' });
    expect((await admin({ method: 'DELETE', url: `/api/data/deal/${String(deal.id)}` })).statusCode).toBe(204);
    expect((await admin({ method: 'DELETE', url: `/api/data/counterparty/${String(c.id)}` })).statusCode).toBe(204);
    expect((await admin({ method: 'GET', url: `/api/data/contact/${String(contact.id)}` })).statusCode).toBe(404);
    expect((await admin({ method: 'GET', url: `/api/data/counterparty/${String(c.id)}` })).statusCode).toBe(404);
  });

  it('records history: who changed what, old → new', async () => {
    const c = await createOk('counterparty', { brand: 'Эпсилон' });
    await admin({ method: 'PATCH', url: `/api/data/counterparty/${String(c.id)}`, payload: { status: 'active', version: 1 } });
    const r = await admin({ method: 'GET', url: `/api/data/counterparty/${String(c.id)}/history` });
    const items = json(r).items as Json[];
    expect(items.map((i) => i.action)).toEqual(['update', 'create']);
    expect(items[0]).toMatchObject({ changes: { status: { from: 'potential', to: 'active' } }, actor: { fullName: 'Test admin1' } });
  });

  it('records creates and updates in history with the values as stored, also where they differ from the values sent', async () => {
    const c = await createOk('counterparty', { brand: 'Эта Групп' });
    const created = json(await admin({ method: 'GET', url: `/api/data/counterparty/${String(c.id)}/history` })).items as Json[];
    expect(created).toEqual([expect.objectContaining({ action: 'create', changes: { brand: { from: null, to: 'Эта Групп' }, status: { from: null, to: 'potential' }, owner: { from: null, to: c.owner } } })]);
    // The database stores a uuid in lower case: the audit entry written along with the row is corrected to it.
    const deal = await createOk('deal', { counterparty: String(c.id).toUpperCase(), title: 'Аудит' });
    expect(deal.counterparty).toBe(c.id);
    const history = json(await admin({ method: 'GET', url: `/api/data/deal/${String(deal.id)}/history` })).items as Json[];
    expect(history).toHaveLength(1);
    expect((history[0]?.changes as Json).counterparty).toEqual({ from: null, to: c.id });
    // The same for an update: the entry names the value as stored.
    const other = await createOk('counterparty', { brand: 'Тета Групп' });
    const moved = await admin({ method: 'PATCH', url: `/api/data/deal/${String(deal.id)}`, payload: { counterparty: String(other.id).toUpperCase(), version: 1 } });
    expect(moved.statusCode).toBe(200);
    const updated = json(await admin({ method: 'GET', url: `/api/data/deal/${String(deal.id)}/history` })).items as Json[];
    expect(updated.map((i) => i.action)).toEqual(['update', 'create']);
    expect(updated[0]?.changes).toEqual({ counterparty: { from: c.id, to: other.id } });
  });

  it('lists related records and links in both directions', async () => {
    const c = await createOk('counterparty', { brand: 'Зета' });
    await createOk('contact', { counterparty: c.id, fullName: 'Петров Пётр' });
    await createOk('contact', { counterparty: c.id, fullName: 'Сидоров Сидор' });
    const related = await admin({ method: 'GET', url: `/api/data/counterparty/${String(c.id)}/related/contacts?sort=fullName` });
    expect(related.statusCode).toBe(200);
    expect((json(related).items as Json[]).map((i) => i.fullName)).toEqual(['Петров Пётр', 'Сидоров Сидор']);
    const deal = await createOk('deal', { counterparty: c.id, title: 'Внедрение' });
    const link = await admin({ method: 'POST', url: '/api/links', payload: { from: { entity: 'deal', id: deal.id }, to: { entity: 'counterparty', id: c.id }, kind: 'basis' } });
    expect(link.statusCode).toBe(201);
    const fromCounterparty = json(await admin({ method: 'GET', url: `/api/data/counterparty/${String(c.id)}/links` })).items as Json[];
    expect(fromCounterparty).toEqual([expect.objectContaining({ kind: 'basis', direction: 'incoming', record: { entity: 'deal', id: deal.id, title: 'Внедрение' } })]);
    const fromDeal = json(await admin({ method: 'GET', url: `/api/data/deal/${String(deal.id)}/links` })).items as Json[];
    expect(fromDeal[0]).toMatchObject({ direction: 'outgoing', record: { entity: 'counterparty', title: 'Зета' } });
    expect((await admin({ method: 'DELETE', url: `/api/links/${String(json(link).id)}` })).statusCode).toBe(204);
    expect(json(await admin({ method: 'GET', url: `/api/data/deal/${String(deal.id)}/links` })).items).toEqual([]);
  });
});

describe('records: duplicate rules', () => {
  it('treats 8 (495) 123-45-67 and +7 495 123 45 67 as the same phone (block → 409 with the match)', async () => {
    const first = await createOk('counterparty', { brand: 'Телефон Один', phone: '8 (495) 123-45-67' });
    const r = await create('counterparty', { brand: 'Телефон Два', phone: '+7 495 123 45 67' });
    expect(r.statusCode).toBe(409);
    expect(json(r)).toMatchObject({ code: 'CARDO_ERR_RECORD_DUPLICATE', confirmable: false, duplicates: [{ id: first.id, title: 'Телефон Один', rule: 'same_phone', action: 'block', fields: ['phone'] }] });
    expect((await create('counterparty', { brand: 'Телефон Два', phone: '+7 495 123 45 67' }, '?confirm=duplicates')).statusCode).toBe(409);
  });

  it('treats ООО «Ромашка» and Ромашка as the same brand', async () => {
    await createOk('counterparty', { brand: 'ООО «Ромашка»' });
    const r = await create('counterparty', { brand: 'Ромашка' });
    expect(r.statusCode).toBe(409);
    expect((json(r).duplicates as Json[]).map((d) => d.rule)).toContain('same_brand');
  });

  it('warns on a similar brand, and saves it with ?confirm=duplicates', async () => {
    await createOk('counterparty', { brand: 'Северсталь Трейдинг' });
    const r = await create('counterparty', { brand: 'Северсталь Трэйдинг' });
    expect(r.statusCode).toBe(409);
    expect(json(r)).toMatchObject({ confirmable: true, duplicates: [expect.objectContaining({ rule: 'similar_brand', action: 'warn' })] });
    expect((await create('counterparty', { brand: 'Северсталь Трэйдинг' }, '?confirm=duplicates')).statusCode).toBe(201);
  });

  it('checks duplicates on update too, and reports them without saving via POST …/duplicates', async () => {
    await createOk('counterparty', { brand: 'Омега', email: 'Info@Omega.ru' });
    const other = await createOk('counterparty', { brand: 'Сигма' });
    const check = await admin({ method: 'POST', url: '/api/data/counterparty/duplicates', payload: { email: ' info@omega.ru ' } });
    expect(check.statusCode).toBe(200);
    expect((json(check).duplicates as Json[])[0]).toMatchObject({ rule: 'same_email', title: 'Омега' });
    const r = await admin({ method: 'PATCH', url: `/api/data/counterparty/${String(other.id)}`, payload: { email: 'INFO@omega.ru', version: 1 } });
    expect(r.statusCode).toBe(409);
    const unchanged = json(await admin({ method: 'GET', url: `/api/data/counterparty/${String(other.id)}` }));
    expect(unchanged).toMatchObject({ email: null, version: 1 });
  });

  it('lets exactly one of concurrent creates with the same phone succeed', async () => {
    const attempts = await Promise.all(Array.from({ length: 6 }, (_, i) => create('counterparty', { brand: `Гонка ${i}`, phone: '+7 (812) 555-00-11' })));
    expect(attempts.map((a) => a.statusCode).sort()).toEqual([201, 409, 409, 409, 409, 409]);
  });

  it('refuses a value that is not a phone number', async () => {
    const r = await create('counterparty', { brand: 'Без телефона', phone: '12' });
    expect(r.statusCode).toBe(400);
    expect((json(r).errors as Json[])[0]).toMatchObject({ path: '/phone' });
  });
});

describe('records: bad input is a 4xx problem and changes nothing', () => {
  const cases: Array<[string, () => Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>, number, string]> = [
    ['malformed JSON', () => admin({ method: 'POST', url: '/api/data/counterparty', payload: '{"brand": "x",', headers: { 'content-type': 'application/json' } }), 400, 'CARDO_ERR_API_BAD_JSON'],
    ['a number where text is expected', () => create('counterparty', { brand: 42 }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['an unknown field', () => create('counterparty', { brand: 'X', colour: 'red' }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['a system field', () => create('counterparty', { brand: 'X', version: 7 }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['a 1 MB string', () => create('counterparty', { brand: 'x'.repeat(1024 * 1024) }), 413, 'CARDO_ERR_API_PAYLOAD_TOO_LARGE'],
    ['a 300 KB string', () => create('counterparty', { brand: 'x'.repeat(300_000) }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['__proto__ in the body', () => admin({ method: 'POST', url: '/api/data/counterparty', payload: '{"brand": "x", "__proto__": {"admin": true}}', headers: { 'content-type': 'application/json' } }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['an unknown entity', () => admin({ method: 'GET', url: '/api/data/no_such_thing' }), 404, 'CARDO_ERR_API_UNKNOWN_ENTITY'],
    ['an invalid UUID', () => admin({ method: 'GET', url: '/api/data/counterparty/not-a-uuid' }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['a missing record', () => admin({ method: 'GET', url: '/api/data/counterparty/0190a8a8-0000-7000-8000-000000000000' }), 404, 'CARDO_ERR_API_NOT_FOUND'],
    ['a negative limit', () => admin({ method: 'GET', url: '/api/data/counterparty?limit=-1' }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['a limit over 1000', () => admin({ method: 'GET', url: '/api/data/counterparty?limit=1001' }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['SQL in a filter value', () => admin({ method: 'GET', url: `/api/data/counterparty?filter=${encodeURIComponent(JSON.stringify({ brand: "x'; DROP TABLE counterparty; --" }))}` }), 200, ''],
    ['SQL as a field name', () => admin({ method: 'GET', url: `/api/data/counterparty?filter=${encodeURIComponent(JSON.stringify({ 'brand; DROP TABLE counterparty': 'x' }))}` }), 400, 'CARDO_ERR_API_BAD_CONDITION'],
    ['__proto__ in a condition', () => admin({ method: 'GET', url: `/api/data/counterparty?filter=${encodeURIComponent('{"__proto__": {"x": 1}}')}` }), 400, 'CARDO_ERR_API_BAD_CONDITION'],
    ['an unknown operator', () => admin({ method: 'GET', url: `/api/data/counterparty?filter=${encodeURIComponent(JSON.stringify({ brand: { $regex: '.*' } }))}` }), 400, 'CARDO_ERR_API_BAD_CONDITION'],
    ['a reference to a missing record', () => create('contact', { counterparty: '0190a8a8-0000-7000-8000-000000000000', fullName: 'Никто' }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['a body that is an array', () => admin({ method: 'POST', url: '/api/data/counterparty', payload: [] as unknown as Json }), 400, 'CARDO_ERR_API_VALIDATION'],
    ['a text/plain body', () => admin({ method: 'POST', url: '/api/data/counterparty', payload: 'brand=x', headers: { 'content-type': 'text/plain' } }), 415, 'CARDO_ERR_API_UNSUPPORTED_MEDIA_TYPE'],
    ['no session', () => t.app.inject({ method: 'GET', url: '/api/data/counterparty' }), 401, 'CARDO_ERR_AUTH_REQUIRED'],
  ];

  it.each(cases)('%s', async (_name, request, status, code) => {
    const [{ n: before }] = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM counterparty')) as [{ n: number }];
    const r = await request();
    expect(r.statusCode).toBe(status);
    if (code) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(json(r)).toMatchObject({ status, code, type: expect.stringContaining(code), title: expect.any(String) });
      expect(r.body).not.toMatch(/at .*\.(ts|js):\d+|SELECT|INSERT/);
    }
    const [{ n: after }] = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM counterparty')) as [{ n: number }];
    expect(after).toBe(before);
  });
});
