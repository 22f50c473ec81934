/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadTestModel } from './helpers/app-db.js';
import { minimalMetadata, writeFixture, type FixtureFiles } from './helpers/metadata-fixture.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

const l = (en: string, ru: string) => ({ en, ru });
const automation = (def: Record<string, unknown>) => ({ $schema: '../../server/schema/automation.schema.json', label: l('Test', 'Тест'), ...def });

/** The fixture's automations (order-won: setField on a reference, link, createRecord, startWorkflow) and these. */
function files(): FixtureFiles {
  const f = minimalMetadata();
  const roles = f['roles.json'] as { roles: unknown[] };
  roles.roles.push({ name: 'administrator', label: l('Administrator', 'Администратор'), permissions: { '*': { read: 'all', create: 'all', update: 'all', delete: 'all' } } });
  // A VIP client's owner hears about it, in their language, with a dot path in the template.
  f['automations/client-vip.json'] = automation({
    entity: 'client',
    on: ['create', 'update'],
    fields: ['vip'],
    when: { vip: true },
    do: [{ action: 'notify', recipients: ['owner'], subject: { en: 'VIP: {{name}}', ru: 'VIP-клиент: {{name}}' }, body: { en: 'Status {{status}}' } }],
  });
  // Without a watched-fields list: every update; it changes the record itself (self re-trigger is skipped).
  f['automations/order-bump.json'] = automation({
    entity: 'order',
    on: ['update'],
    when: { title: { $startsWith: 'Bump' } },
    do: [{ action: 'setField', values: { amount: { $expr: 'coalesce(record.amount, 0) + 1' } } }],
  });
  // Each new "Loop" order creates another: a chain over ever new records, stopped by the depth limit.
  f['automations/order-loop.json'] = automation({
    entity: 'order',
    on: ['create'],
    when: { title: { $startsWith: 'Loop' } },
    do: [{ action: 'createRecord', entity: 'order', values: { title: { $expr: "concat(record.title, '+')" } } }],
  });
  // The first action succeeds, the second is invalid (no title): the whole write must be rolled back.
  f['automations/client-fail.json'] = automation({
    entity: 'client',
    on: ['update'],
    when: { name: { $startsWith: 'Fail' } },
    do: [
      { action: 'setField', values: { status: 'active' } },
      { action: 'createRecord', entity: 'order', values: { amount: 5 } },
    ],
  });
  // On delete, with a condition through a reference (the order is gone, its client is not).
  f['automations/order-deleted.json'] = automation({
    entity: 'order',
    on: ['delete'],
    when: { 'client.vip': true },
    do: [{ action: 'createRecord', entity: 'client', values: { name: { $expr: "concat('Lost order of ', record.client.name)" }, status: 'new' } }],
  });
  return f;
}

let t: TestApp;
const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => t.as('admin', { method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, any>;

async function create(entity: string, values: Record<string, unknown>) {
  const r = await admin('POST', `/api/data/${entity}`, values);
  expect(r.statusCode).toBe(201);
  return json(r);
}
async function patch(entity: string, record: Record<string, any>, values: Record<string, unknown>) {
  return admin('PATCH', `/api/data/${entity}/${String(record.id)}`, { ...values, version: record.version });
}
async function get(entity: string, id: string) {
  return json(await admin('GET', `/api/data/${entity}/${id}`));
}
async function count(table: string, where = 'TRUE', params: unknown[] = []) {
  const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return row?.n ?? 0;
}
async function auditOf(entity: string, id: string) {
  return t.db.query<{ action: string; actor: string | null; automation: string | null; changes: string }>('SELECT action, actor::text AS actor, automation, changes FROM sys_audit WHERE record_entity = $1 AND record_id = $2 ORDER BY created_at, id', [entity, id]);
}

beforeAll(async () => {
  const model = await loadTestModel(await writeFixture(files()));
  t = await createTestApp({ model });
  await t.login('admin');
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('automation actions', () => {
  it('setField on a reference, link, createRecord and startWorkflow run in the write, audited as the automation for the user', async () => {
    const { id: adminId } = await t.login('admin');
    const client = await create('client', { name: 'Acme Trading' });
    const order = await create('order', { title: 'Big order', client: client.id, amount: 100 });
    const r = await patch('order', order, { stage: 'won' });
    expect(r.statusCode).toBe(200);
    expect((await get('client', client.id)).status).toBe('active');
    const links = json(await admin('GET', `/api/data/order/${String(order.id)}/links`)).items;
    expect(links).toEqual([expect.objectContaining({ kind: 'related', automatic: true, direction: 'outgoing', record: expect.objectContaining({ entity: 'client', id: client.id, title: 'Acme Trading' }) })]);
    // …and from the other side, incoming.
    const back = json(await admin('GET', `/api/data/client/${String(client.id)}/links`)).items;
    expect(back).toEqual([expect.objectContaining({ direction: 'incoming', record: expect.objectContaining({ entity: 'order', id: order.id }) })]);
    const followUps = await t.db.query<{ id: string }>(`SELECT id::text AS id FROM "order" WHERE title = 'Follow-up: Big order' AND client = $1`, [client.id]);
    expect(followUps).toHaveLength(1);
    expect(await count('wf_instance', 'process = $1 AND record_id = $2', ['approval', order.id])).toBe(1);

    const clientAudit = await auditOf('client', client.id);
    expect(clientAudit.at(-2)).toMatchObject({ action: 'update', actor: adminId, automation: 'order-won' });
    expect(JSON.parse(clientAudit.at(-2)?.changes ?? '{}')).toEqual({ status: { from: 'new', to: 'active' } });
    expect(clientAudit.at(-1)).toMatchObject({ action: 'link', automation: 'order-won' });
    expect(await auditOf('order', String(followUps[0]?.id))).toEqual([expect.objectContaining({ action: 'create', actor: adminId, automation: 'order-won' })]);
    const orderAudit = await auditOf('order', order.id);
    expect(orderAudit.map((a) => [a.action, a.automation])).toEqual([['create', null], ['update', null], ['link', 'order-won'], ['workflow', 'order-won']]);
    // The history API shows who and which automation.
    const history = json(await admin('GET', `/api/data/client/${String(client.id)}/history`)).items;
    expect(history[0]).toMatchObject({ action: 'link', automation: 'order-won', actor: { id: adminId } });
    // The first write of a model also parses its workflows (startWorkflow): slow on a busy machine.
  }, 30_000);

  it('fires on a change of a watched field only', async () => {
    const order = await create('order', { title: 'Watched', amount: 1 });
    const won = json(await patch('order', order, { stage: 'won' }));
    const before = await count('"order"', `title = 'Follow-up: Watched'`);
    expect(before).toBe(1);
    // stage stays won; only the amount changes: order-won does not fire again.
    expect((await patch('order', won, { amount: 2 })).statusCode).toBe(200);
    expect(await count('"order"', `title = 'Follow-up: Watched'`)).toBe(1);
  });

  it('evaluates the condition: no action when it does not hold', async () => {
    const order = await create('order', { title: 'Lost one' });
    expect((await patch('order', order, { stage: 'lost' })).statusCode).toBe(200);
    expect(await count('"order"', `title = 'Follow-up: Lost one'`)).toBe(0);
    expect(await count('wf_instance', 'process = $1 AND record_id = $2', ['approval', order.id])).toBe(0);
  });

  it('notify creates an in-app notification for the recipient in their language, options by their labels', async () => {
    const { id: adminId } = await t.login('admin');
    await t.db.query(`UPDATE sys_user SET locale = 'en' WHERE id = $1`, [adminId]);
    const client = await create('client', { name: 'Very Important', vip: true });
    const rows = await t.db.query<{ subject: string; body: string; recipient: string }>('SELECT subject, body, recipient::text AS recipient FROM sys_notification WHERE record_id = $1', [client.id]);
    expect(rows).toEqual([{ subject: 'VIP: Very Important', body: 'Status New', recipient: adminId }]);
    const inbox = json(await admin('GET', '/api/notifications?unread=true'));
    expect(inbox.items.some((n: any) => n.subject === 'VIP: Very Important')).toBe(true);
    // vip unchanged on a later update: the watched field did not change, no second notice.
    expect((await patch('client', client, { name: 'Very Important Ltd' })).statusCode).toBe(200);
    expect(await count('sys_notification', 'record_id = $1', [client.id])).toBe(1);
  });

  it('a delete triggers, with a condition through a reference of the deleted record', async () => {
    const vip = await create('client', { name: 'Gold Client', vip: true });
    const order = await create('order', { title: 'To delete', client: vip.id });
    expect((await admin('DELETE', `/api/data/order/${String(order.id)}`)).statusCode).toBe(204);
    const rows = await t.db.query<{ id: string }>(`SELECT id::text AS id FROM client WHERE name = 'Lost order of Gold Client'`);
    expect(rows).toHaveLength(1);
    expect(await auditOf('client', String(rows[0]?.id))).toEqual([expect.objectContaining({ action: 'create', automation: 'order-deleted' })]);
    const plain = await create('order', { title: 'Plain delete' });
    expect((await admin('DELETE', `/api/data/order/${String(plain.id)}`)).statusCode).toBe(204);
    expect(await count('client', `name LIKE 'Lost order of%'`)).toBe(1);
  });
});

describe('loop protection', () => {
  it('an automation changing its own record does not re-trigger itself, and the answer shows the change', async () => {
    const order = await create('order', { title: 'Bump me', amount: 10 });
    const r = await patch('order', order, { title: 'Bump me now' });
    expect(r.statusCode).toBe(200);
    // The response is the record after the automation: amount 11, version 3 (user + automation).
    expect(json(r)).toMatchObject({ amount: 11, version: 3 });
    expect(r.headers.etag).toBe('"3"');
    expect((await get('order', order.id)).amount).toBe(11);
  });

  it('a chain deeper than the limit refuses the whole write with a clear problem', async () => {
    const before = await count('"order"');
    const r = await admin('POST', '/api/data/order', { title: 'Loop' });
    expect(r.statusCode).toBe(409);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const problem = json(r);
    expect(problem.code).toBe('CARDO_ERR_AUTOMATION_LOOP');
    expect(problem.chain).toHaveLength(9);
    expect(problem.chain.every((s: any) => s.automation === 'order-loop')).toBe(true);
    expect(await count('"order"')).toBe(before);
    expect(await count('"order"', `title LIKE 'Loop%'`)).toBe(0);
  });
});

describe('failures', () => {
  it('an action that fails rolls back the write and every earlier action', async () => {
    const client = await create('client', { name: 'Normal client' });
    const orders = await count('"order"');
    const audits = await count('sys_audit');
    const r = await patch('client', client, { name: 'Fail on purpose' });
    expect(r.statusCode).toBe(409);
    const problem = json(r);
    expect(problem).toMatchObject({ code: 'CARDO_ERR_AUTOMATION_FAILED', automation: 'client-fail', action: 1, cause: { code: 'CARDO_ERR_API_VALIDATION' } });
    expect(problem.detail).toContain('client-fail');
    expect(problem.errors).toEqual([expect.objectContaining({ path: '/automations/client-fail/do/1/title' })]);
    const after = await get('client', client.id);
    expect(after).toMatchObject({ name: 'Normal client', status: 'new', version: client.version });
    expect(await count('"order"')).toBe(orders);
    expect(await count('sys_audit')).toBe(audits);
  });
});

describe('hot swap', () => {
  it('a newly published model runs its automations without a restart; the old one stops', async () => {
    const f = files();
    delete f['automations/order-won.json'];
    f['automations/client-tag.json'] = automation({ entity: 'client', on: ['create'], do: [{ action: 'setField', values: { status: 'active' } }] });
    const previous = t.models.current;
    t.models.swap(await loadTestModel(await writeFixture(f)));
    try {
      const client = await create('client', { name: 'Swapped In' });
      expect(client.status).toBe('active');
      const order = await create('order', { title: 'After swap' });
      expect((await patch('order', order, { stage: 'won' })).statusCode).toBe(200);
      expect(await count('"order"', `title = 'Follow-up: After swap'`)).toBe(0);
    } finally {
      t.models.swap(previous);
    }
    expect((await create('client', { name: 'Swapped Out' })).status).toBe('new');
  });
});
