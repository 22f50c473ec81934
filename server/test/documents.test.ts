/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import PizZip from 'pizzip';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/**
 * Document generation from the CRM's own templates (metadata/templates/contract.docx…).
 * The generated .docx is read back here without the generator's code: unzipped with pizzip and
 * the text of each paragraph joined from its w:t runs.
 */

interface User {
  id: string;
  token: string;
}

let t: TestApp;
let sales: User;
let otherSales: User;
let lawyer: User;
let ids: { counterparty: string; contact: string; deal: string; contract: string; invoice: string; bare: string };

async function call(user: User, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
  const response = await t.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, headers: response.headers, raw: response.rawPayload, body: response.headers['content-type']?.toString().includes('json') ? (response.json() as Record<string, any>) : {} };
}

async function create(user: User, entity: string, values: Record<string, unknown>): Promise<string> {
  const r = await call(user, 'POST', `/api/data/${entity}`, values);
  if (r.status !== 201) throw new Error(`create ${entity}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** The text of every paragraph of word/document.xml, runs joined, entities decoded. */
function paragraphsOf(bytes: Buffer): string[] {
  const xml = new PizZip(bytes).file('word/document.xml')?.asText() ?? '';
  const decode = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e] as string);
  return (xml.match(/<w:p[\s>][\s\S]*?<\/w:p>/g) ?? []).map((p) => [...p.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decode(m[1] ?? '')).join(''));
}

/** The rows of the tables of word/document.xml, each as its cells' text. */
function tableRowsOf(bytes: Buffer): string[][] {
  const xml = new PizZip(bytes).file('word/document.xml')?.asText() ?? '';
  return (xml.match(/<w:tr[\s>][\s\S]*?<\/w:tr>/g) ?? []).map((row) => (row.match(/<w:tc[\s>][\s\S]*?<\/w:tc>/g) ?? []).map((c) => [...c.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')));
}

beforeAll(async () => {
  t = await createTestApp();
  sales = await createOrgUser(t.db, 'doc.sales', ['sales_manager']);
  otherSales = await createOrgUser(t.db, 'doc.other', ['sales_manager']);
  lawyer = await createOrgUser(t.db, 'doc.lawyer', ['lawyer']);
  await t.db.query(`UPDATE sys_user SET full_name = 'Анна Петрова', position = 'Менеджер по продажам' WHERE id = $1`, [sales.id]);
  const counterparty = await create(sales, 'counterparty', { brand: 'Ромашка', legalName: 'ООО «Ромашка Трейд»', inn: '7707083893', address: 'Москва, ул. Цветочная, 1' });
  const contact = await create(sales, 'contact', { counterparty, fullName: 'Иван Сидоров', position: 'Генеральный директор' });
  const deal = await create(sales, 'deal', { title: 'Поставка оборудования', counterparty, contact, amount: 1234567.89 });
  const contract = await create(sales, 'document', { type: 'contract', number: 'Д-2026/017', date: '2026-03-15', counterparty, contact, deal, amount: 1234567.89, validFrom: '2026-04-01', validTo: '2027-03-31' });
  const invoice = await create(sales, 'document', { type: 'invoice', number: 'СЧ-5', date: '2026-04-02', counterparty, contact, deal, baseDocument: contract, amount: 50000, validTo: '2026-04-12' });
  // A contract without its contact person, deal and term: the template cannot be filled.
  const bare = await create(sales, 'document', { type: 'contract', number: 'Д-0', counterparty });
  ids = { counterparty, contact, deal, contract, invoice, bare };
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('POST /api/documents/generate', () => {
  it('fills the contract in Russian: party, number, dates and money in the locale, the deal\'s documents as table rows; attaches and records it', async () => {
    const r = await call(sales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.contract, locale: 'ru' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ template: 'contract', locale: 'ru', attachedTo: 'file', record: { entity: 'document', id: ids.contract, version: 2 } });
    expect(r.body.file).toMatchObject({ name: 'Договор Д-2026/017 — Ромашка.docx'.replace('/', ' '), mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
    expect(r.headers.location).toBe(`/api/files/${r.body.file.id}`);

    const download = await call(sales, 'GET', r.body.file.url);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(String(download.headers['content-disposition'])).toContain(`filename*=UTF-8''${encodeURIComponent('Договор Д-2026 017 — Ромашка.docx')}`);
    expect(download.raw.length).toBe(r.body.file.size);

    const text = paragraphsOf(download.raw).join('\n');
    expect(text).toContain('ДОГОВОР № Д-2026/017');
    expect(text).toContain('ООО «Ромашка Трейд» (ИНН 7707083893), именуемое в дальнейшем «Заказчик», в лице Генеральный директор Иван Сидоров');
    expect(text).toContain('15 марта 2026 г.');
    expect(text).toContain('Договор вступает в силу 1 апреля 2026 г. и действует по 31 марта 2027 г.');
    expect(text).toContain('Цена договора составляет 1\u00a0234\u00a0567,89 руб.');
    expect(text).toContain('«Поставка оборудования»');
    expect(text).toContain('Анна Петрова');
    expect(text).not.toMatch(/undefined|null|\{\{|\}\}/);
    // Optional requisites the counterparty lacks (phone, e-mail) are empty, not errors.
    const rows = tableRowsOf(download.raw);
    expect(rows).toContainEqual(['Телефон', '']);
    // One row per document of the deal, in creation order, with the option label of its type.
    const docRows = rows.filter((row) => row.length === 4);
    expect(docRows).toEqual([
      ['Вид документа', 'Номер', 'Дата', 'Сумма, руб.'],
      ['Договор', 'Д-2026/017', '15 марта 2026 г.', '1\u00a0234\u00a0567,89'],
      ['Счёт', 'СЧ-5', '2 апреля 2026 г.', '50\u00a0000,00'],
    ]);

    // Attached to the record's file field, listed among its files, and in its history.
    const record = await call(sales, 'GET', `/api/data/document/${ids.contract}`);
    expect(record.body.file).toBe(r.body.file.id);
    const files = await t.db.query<{ record_entity: string; record_id: string; size: number }>('SELECT record_entity, record_id, size FROM sys_file WHERE id = $1', [r.body.file.id]);
    expect(files).toEqual([{ record_entity: 'document', record_id: ids.contract, size: r.body.file.size }]);
    const history = await call(sales, 'GET', `/api/data/document/${ids.contract}/history`);
    const generated = history.body.items.find((e: any) => e.action === 'generate');
    expect(generated).toMatchObject({ actor: { id: sales.id }, changes: { document: { from: null, to: { template: 'contract', file: r.body.file.id, locale: 'ru' } } } });
    expect(history.body.items.find((e: any) => e.action === 'update')).toMatchObject({ changes: { file: { from: null, to: r.body.file.id } } });
  });

  it('formats dates and money in English when asked', async () => {
    const r = await call(lawyer, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.contract, locale: 'en' });
    expect(r.status).toBe(201);
    const text = paragraphsOf((await call(lawyer, 'GET', r.body.file.url)).raw).join('\n');
    expect(text).toContain('March 15, 2026');
    expect(text).toContain('Цена договора составляет 1,234,567.89 руб.');
    expect(text).toContain('ООО «Ромашка Трейд»');
    expect(tableRowsOf((await call(lawyer, 'GET', r.body.file.url)).raw)).toContainEqual(['Invoice', 'СЧ-5', 'April 2, 2026', '50,000.00']);
  });

  it('fills references of references: the invoice names its base contract', async () => {
    const r = await call(sales, 'POST', '/api/documents/generate', { template: 'invoice', entity: 'document', id: ids.invoice, locale: 'ru' });
    expect([r.status, r.body.missing]).toEqual([201, undefined]);
    const text = paragraphsOf((await call(sales, 'GET', r.body.file.url)).raw).join('\n');
    expect(text).toContain('Основание: договор № Д-2026/017 от 15 марта 2026 г.');
    expect(text).toContain('Итого к оплате: 50\u00a0000,00 руб.');
    expect(text).toContain('Счёт действителен к оплате до 12 апреля 2026 г.');
  });

  it('refuses a record that lacks required values, listing every one, and changes nothing', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM sys_file');
    const r = await call(sales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.bare });
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body.code).toBe('CARDO_ERR_DOCUMENT_MISSING_VALUES');
    const paths = (r.body.missing as Array<{ path: string }>).map((m) => m.path).sort();
    expect(paths).toEqual(['amount', 'contact.fullName', 'deal.title', 'validFrom', 'validTo'].sort());
    expect(r.body.detail).toContain('contact.fullName');
    expect(r.body.errors).toContainEqual({ path: '/contact/fullName', message: 'The document has no contact.' });
    expect(r.body.detail).not.toContain('undefined');
    expect(await t.db.query('SELECT count(*)::int AS n FROM sys_file')).toEqual(before);
    expect((await call(sales, 'GET', `/api/data/document/${ids.bare}`)).body.version).toBe(1);
  });

  it('refuses a template that does not apply to the record, one of another entity, and an unknown one', async () => {
    const invoiceForContract = await call(sales, 'POST', '/api/documents/generate', { template: 'invoice', entity: 'document', id: ids.contract });
    expect([invoiceForContract.status, invoiceForContract.body.code]).toEqual([409, 'CARDO_ERR_DOCUMENT_NOT_APPLICABLE']);
    const wrongEntity = await call(sales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'deal', id: ids.deal });
    expect([wrongEntity.status, wrongEntity.body.code]).toEqual([400, 'CARDO_ERR_DOCUMENT_TEMPLATE_ENTITY']);
    const unknown = await call(sales, 'POST', '/api/documents/generate', { template: 'nda', entity: 'document', id: ids.contract });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CARDO_ERR_DOCUMENT_TEMPLATE_UNKNOWN']);
    const badBody = await call(sales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document' });
    expect([badBody.status, badBody.body.code]).toEqual([400, 'CARDO_ERR_API_VALIDATION']);
    const badLocale = await call(sales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.contract, locale: 'de' });
    expect([badLocale.status, badLocale.body.code]).toEqual([400, 'CARDO_ERR_API_VALIDATION']);
  });

  it('refuses a user who cannot read the record (404) and one who can read but not update it (403); neither downloads its file', async () => {
    const generated = await call(sales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.contract, locale: 'ru' });
    const notMine = await call(otherSales, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.contract });
    expect([notMine.status, notMine.body.code]).toEqual([404, 'CARDO_ERR_API_NOT_FOUND']);
    expect((await call(otherSales, 'GET', generated.body.file.url)).status).toBe(404);
    const marketing = await createOrgUser(t.db, 'doc.marketing', ['marketing']);
    const readOnly = await call(marketing, 'POST', '/api/documents/generate', { template: 'contract', entity: 'document', id: ids.contract });
    expect([readOnly.status, readOnly.body.code]).toEqual([403, 'CARDO_ERR_AUTH_FORBIDDEN']);
    // The lawyer reads every document, so downloads the file sales made.
    expect((await call(lawyer, 'GET', generated.body.file.url)).status).toBe(200);
  });
});

describe('GET /api/documents/templates', () => {
  it('lists the entity\'s templates with whether each applies to the record', async () => {
    const r = await call(sales, 'GET', `/api/documents/templates?entity=document&id=${ids.invoice}&locale=en`);
    expect(r.status).toBe(200);
    const byName = Object.fromEntries((r.body.items as Array<{ name: string; applies: boolean; label: string }>).map((i) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['act', 'additional_agreement', 'commercial_proposal', 'contract', 'invoice']);
    expect(byName.invoice).toMatchObject({ applies: true, label: 'Invoice', attachTo: 'file' });
    expect(byName.contract).toMatchObject({ applies: false });
    expect((await call(otherSales, 'GET', `/api/documents/templates?entity=document&id=${ids.invoice}`)).status).toBe(404);
  });
});
