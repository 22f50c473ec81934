/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// The CRM's own automations (metadata/automations) and manual links, against the real metadata.
let t: TestApp;
let sales: { id: string; token: string };
let other: { id: string; token: string };
let marketing: { id: string; token: string };
let administrator: { id: string; token: string };
const admin = () => administrator;

type User = { id: string; token: string };
async function call(user: User, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) {
  const r = await t.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as Record<string, any>) : {} };
}
async function create(user: User, entity: string, values: Record<string, unknown>) {
  const r = await call(user, 'POST', `/api/data/${entity}`, values);
  expect(r.status).toBe(201);
  return r.body;
}
async function read(user: User, entity: string, id: string) {
  const r = await call(user, 'GET', `/api/data/${entity}/${id}`);
  expect(r.status).toBe(200);
  return r.body;
}
async function auditOf(entity: string, id: string) {
  return t.db.query<{ action: string; actor: string | null; automation: string | null; changes: string }>('SELECT action, actor::text AS actor, automation, changes FROM sys_audit WHERE record_entity = $1 AND record_id = $2 ORDER BY created_at, id', [entity, id]);
}

beforeAll(async () => {
  t = await createTestApp();
  sales = await createOrgUser(t.db, 'crm.sales', ['sales_manager']);
  other = await createOrgUser(t.db, 'crm.other', ['sales_manager']);
  marketing = await createOrgUser(t.db, 'crm.marketing', ['marketing']);
  administrator = await createOrgUser(t.db, 'crm.admin', ['administrator']);
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('CRM automations', () => {
  it('an interaction with result "contract signed" moves its deal to Contract, registers the change and touches the deal', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Ромашка' });
    const deal = await create(sales, 'deal', { title: 'Поставка', counterparty: counterparty.id, stage: 'negotiation' });
    const interaction = await create(sales, 'interaction', { type: 'meeting', counterparty: counterparty.id, deal: deal.id, result: 'contract_signed', completedAt: new Date().toISOString() });
    // interaction-deal-stage wrote dealStage on the interaction itself: the answer shows it.
    expect(interaction.dealStage).toBeTruthy();
    const after = await read(sales, 'deal', deal.id);
    expect(after.stage).toBe('contract');
    expect(after.lastInteractionAt).toEqual(expect.any(String));
    // deal-change-interaction registered the stage change as a completed interaction, linked to the deal.
    const registered = await t.db.query<{ id: string; deal_stage: string; type: string; owner: string }>(`SELECT id::text AS id, deal_stage, type, owner::text AS owner FROM interaction WHERE deal = $1 AND id <> $2`, [deal.id, interaction.id]);
    expect(registered).toEqual([expect.objectContaining({ deal_stage: 'contract', type: 'other', owner: sales.id })]);
    const links = (await call(sales, 'GET', `/api/data/deal/${String(deal.id)}/links`)).body.items;
    expect(links).toEqual([expect.objectContaining({ automatic: true, direction: 'outgoing', record: expect.objectContaining({ entity: 'interaction', id: registered[0]?.id }) })]);
    // Audit: the deal's stage change is by the automation, for the sales manager.
    const dealAudit = await auditOf('deal', deal.id);
    const stageChange = dealAudit.find((a) => a.action === 'update' && JSON.parse(a.changes).stage);
    expect(stageChange).toMatchObject({ actor: sales.id, automation: 'interaction-contract-signed' });
    expect(JSON.parse(stageChange?.changes ?? '{}').stage).toEqual({ from: 'negotiation', to: 'contract' });
  }, 30_000);

  it('interactions registered at the same time on one deal all succeed (the deal is locked, not refused as stale)', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Одуванчик' });
    const deal = await create(sales, 'deal', { title: 'Горячая', counterparty: counterparty.id });
    const results = await Promise.all(Array.from({ length: 6 }, () => call(sales, 'POST', '/api/data/interaction', { type: 'outgoing_call', counterparty: counterparty.id, deal: deal.id, completedAt: new Date().toISOString() })));
    expect(results.map((r) => (r.status === 201 ? 201 : r.body))).toEqual([201, 201, 201, 201, 201, 201]);
    expect((await read(sales, 'deal', deal.id)).lastInteractionAt).toEqual(expect.any(String));
  }, 30_000);

  it('a deal that is already closed is not moved back by a later interaction', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Лютик' });
    const deal = await create(sales, 'deal', { title: 'Закрытая', counterparty: counterparty.id, stage: 'won' });
    // deal-close-date: created as won → the actual close date is today.
    expect(deal.actualCloseDate).toBe(new Date().toISOString().slice(0, 10));
    await create(sales, 'interaction', { type: 'meeting', counterparty: counterparty.id, deal: deal.id, result: 'contract_signed' });
    expect((await read(sales, 'deal', deal.id)).stage).toBe('won');
  });

  it('a result set later by an update moves the stage too (watched field)', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Василёк' });
    const deal = await create(sales, 'deal', { title: 'Позже', counterparty: counterparty.id, stage: 'proposal' });
    const interaction = await create(sales, 'interaction', { type: 'outgoing_call', counterparty: counterparty.id, deal: deal.id });
    expect((await read(sales, 'deal', deal.id)).stage).toBe('proposal');
    const r = await call(sales, 'PATCH', `/api/data/interaction/${String(interaction.id)}`, { result: 'contract_signed', version: interaction.version });
    expect(r.status).toBe(200);
    expect((await read(sales, 'deal', deal.id)).stage).toBe('contract');
  });

  it('a document for a deal is linked to the deal and the counterparty', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Ландыш' });
    const deal = await create(sales, 'deal', { title: 'С договором', counterparty: counterparty.id });
    const document = await create(sales, 'document', { type: 'contract', counterparty: counterparty.id, deal: deal.id, number: 'Д-1' });
    const links = (await call(sales, 'GET', `/api/data/document/${String(document.id)}/links`)).body.items as any[];
    expect(links.map((l) => [l.record.entity, l.kind, l.automatic]).sort()).toEqual([['counterparty', 'related', true], ['deal', 'basis', true]]);
    const fromCounterparty = (await call(sales, 'GET', `/api/data/counterparty/${String(counterparty.id)}/links`)).body.items;
    expect(fromCounterparty).toEqual([expect.objectContaining({ direction: 'incoming', record: expect.objectContaining({ entity: 'document', id: document.id }) })]);
  });
});

describe('links', () => {
  it('links two records manually, both directions, with audit entries on the link and on both records', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Мак' });
    const contact = await create(sales, 'contact', { counterparty: counterparty.id, fullName: 'Иванов Иван' });
    const r = await call(sales, 'POST', '/api/links', { from: { entity: 'contact', id: contact.id }, to: { entity: 'counterparty', id: counterparty.id }, kind: 'partner' });
    expect(r.status).toBe(201);
    const linkId = String(r.body.id);
    // The same pair again, in either direction: the same link, 200.
    const again = await call(sales, 'POST', '/api/links', { from: { entity: 'counterparty', id: counterparty.id }, to: { entity: 'contact', id: contact.id }, kind: 'partner' });
    expect(again).toEqual({ status: 200, body: { id: linkId } });
    expect((await call(sales, 'GET', `/api/data/contact/${String(contact.id)}/links`)).body.items).toEqual([expect.objectContaining({ id: linkId, kind: 'partner', automatic: false, direction: 'outgoing' })]);
    expect((await call(sales, 'GET', `/api/data/counterparty/${String(counterparty.id)}/links`)).body.items).toEqual([expect.objectContaining({ id: linkId, direction: 'incoming', record: { entity: 'contact', id: contact.id, title: 'Иванов Иван' } })]);
    expect(await auditOf('sys_link', linkId)).toEqual([expect.objectContaining({ action: 'create', actor: sales.id, automation: null })]);
    const history = (await call(sales, 'GET', `/api/data/counterparty/${String(counterparty.id)}/history`)).body.items;
    expect(history[0]).toMatchObject({ action: 'link', actor: { id: sales.id }, changes: { link: { from: null, to: { link: linkId, entity: 'contact', id: contact.id, kind: 'partner' } } } });

    expect((await call(sales, 'DELETE', `/api/links/${linkId}`)).status).toBe(204);
    expect((await call(sales, 'GET', `/api/data/contact/${String(contact.id)}/links`)).body.items).toEqual([]);
    expect((await auditOf('sys_link', linkId)).map((a) => a.action)).toEqual(['create', 'delete']);
    expect((await auditOf('contact', contact.id)).map((a) => a.action)).toEqual(['create', 'link', 'unlink']);
    expect((await call(sales, 'DELETE', `/api/links/${linkId}`)).status).toBe(404);
  });

  it('refuses links to records the caller cannot read, by callers without the right, and bad input — changing nothing', async () => {
    const mine = await create(sales, 'counterparty', { brand: 'Моя' });
    const theirs = await create(other, 'counterparty', { brand: 'Чужая' });
    const links = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sys_link'))[0]?.n;
    const before = await links();
    // Another manager's record (read scope own) is as missing as one that does not exist.
    const hidden = await call(sales, 'POST', '/api/links', { from: { entity: 'counterparty', id: mine.id }, to: { entity: 'counterparty', id: theirs.id } });
    expect(hidden.status).toBe(400);
    expect(hidden.body).toMatchObject({ code: 'CARDO_ERR_API_VALIDATION', errors: [{ path: '/to/id' }] });
    // marketing may read both but not link.
    expect((await call(marketing, 'POST', '/api/links', { from: { entity: 'counterparty', id: mine.id }, to: { entity: 'counterparty', id: theirs.id } })).body.code).toBe('CARDO_ERR_AUTH_FORBIDDEN');
    expect((await call(sales, 'POST', '/api/links', { from: { entity: 'counterparty', id: mine.id }, to: { entity: 'counterparty', id: mine.id } })).status).toBe(400);
    expect((await call(sales, 'POST', '/api/links', { from: { entity: 'nope', id: mine.id }, to: { entity: 'counterparty', id: mine.id } })).body.errors).toEqual([expect.objectContaining({ path: '/from/entity' })]);
    expect((await call(sales, 'POST', '/api/links', { from: { entity: 'counterparty', id: mine.id }, to: { entity: 'counterparty', id: theirs.id }, kind: 'Bad Kind' })).status).toBe(400);
    expect(await links()).toBe(before);
    // A link someone else made is not theirs to delete (sys_link delete scope: own).
    const made = await call(other, 'POST', '/api/links', { from: { entity: 'counterparty', id: theirs.id }, to: { entity: 'counterparty', id: (await create(other, 'counterparty', { brand: 'Орион' })).id } });
    expect(made.status).toBe(201);
    expect((await call(sales, 'DELETE', `/api/links/${String(made.body.id)}`)).body.code).toBe('CARDO_ERR_AUTH_FORBIDDEN');
    // …and a record's links leave out those to records the caller cannot read.
    const mixed = await call(other, 'POST', '/api/links', { from: { entity: 'counterparty', id: theirs.id }, to: { entity: 'deal', id: (await create(other, 'deal', { title: 'Их сделка', counterparty: theirs.id })).id } });
    expect(mixed.status).toBe(201);
    expect((await call(marketing, 'GET', `/api/data/counterparty/${String(theirs.id)}/links`)).body.items).toHaveLength(2);
    // The history of a readable record names a linked record only to those who may read it.
    const across = await call(admin(), 'POST', '/api/links', { from: { entity: 'counterparty', id: mine.id }, to: { entity: 'counterparty', id: theirs.id }, kind: 'partner' });
    expect(across.status).toBe(201);
    const linkEntry = async (user: User) => (await call(user, 'GET', `/api/data/counterparty/${String(mine.id)}/history`)).body.items.find((x: any) => x.action === 'link');
    expect((await linkEntry(admin())).changes.link.to).toEqual({ link: across.body.id, entity: 'counterparty', id: theirs.id, kind: 'partner' });
    expect((await linkEntry(sales)).changes.link.to).toEqual({ link: across.body.id, entity: 'counterparty', id: null, kind: 'partner' });
  });

  it('the generic record API of sys_link goes through the same checks and audit; a link is never patched', async () => {
    const a = await create(sales, 'counterparty', { brand: 'Альфа' });
    const b = await create(sales, 'counterparty', { brand: 'Бета' });
    const r = await call(sales, 'POST', '/api/data/sys_link', { fromEntity: 'counterparty', fromId: a.id, toEntity: 'counterparty', toId: b.id, kind: 'partner' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ fromEntity: 'counterparty', fromId: a.id, toId: b.id, kind: 'partner', automatic: false });
    expect(await auditOf('counterparty', b.id)).toEqual([expect.objectContaining({ action: 'create' }), expect.objectContaining({ action: 'link' })]);
    const bogus = await call(sales, 'POST', '/api/data/sys_link', { fromEntity: 'counterparty', fromId: a.id, toEntity: 'counterparty', toId: '01890000-0000-7000-8000-000000000000' });
    expect(bogus.status).toBe(400);
    const patched = await call(sales, 'PATCH', `/api/data/sys_link/${String(r.body.id)}`, { kind: 'other', version: 1 });
    expect(patched).toMatchObject({ status: 405, body: { code: 'CARDO_ERR_LINK_IMMUTABLE' } });
    expect((await call(sales, 'DELETE', `/api/data/sys_link/${String(r.body.id)}`)).status).toBe(204);
    expect((await auditOf('counterparty', a.id)).map((x) => x.action)).toEqual(['create', 'link', 'unlink']);
    expect((await call(sales, 'POST', '/api/data/sys_link', { fromEntity: 'counterparty', fromId: a.id, toEntity: 'counterparty', toId: b.id, kind: 'Not A Kind' })).body.errors).toEqual([expect.objectContaining({ path: '/kind' })]);
  });

  it('deleting a record removes its links, and the history of the other record shows the unlink', async () => {
    const counterparty = await create(sales, 'counterparty', { brand: 'Гамма' });
    const deal = await create(sales, 'deal', { title: 'Удаляемая', counterparty: counterparty.id });
    const link = await call(sales, 'POST', '/api/links', { from: { entity: 'deal', id: deal.id }, to: { entity: 'counterparty', id: counterparty.id } });
    expect(link.status).toBe(201);
    expect((await call(admin(), 'DELETE', `/api/data/deal/${String(deal.id)}`)).status).toBe(204);
    expect((await call(sales, 'GET', `/api/data/counterparty/${String(counterparty.id)}/links`)).body.items).toEqual([]);
    expect((await auditOf('counterparty', counterparty.id)).map((x) => x.action)).toEqual(['create', 'link', 'unlink']);
    expect((await auditOf('sys_link', String(link.body.id))).map((x) => x.action)).toEqual(['create', 'delete']);
    expect((await auditOf('deal', deal.id)).map((x) => x.action)).toEqual(['create', 'link', 'delete']);
  });
});
