import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Json = Record<string, unknown>;

// Each test makes a few records through the API and reads a workbook back: seconds on a busy machine.
jest.setTimeout(60_000);

let t: TestApp;
let small: TestApp;
let adminId: string;
beforeAll(async () => {
  t = await createTestApp();
  // A second runtime whose exports are capped at two rows.
  small = await createTestApp({ env: { CARDO_EXPORT_MAX_ROWS: '2' } });
  adminId = (await t.login('admin1')).id;
}, 120_000);
afterAll(async () => {
  await t?.close();
  await small?.close();
});

async function createOk(app: TestApp, user: string, entity: string, payload: Json, roles?: string[]): Promise<Json> {
  const r = await app.as(user, { method: 'POST', url: `/api/data/${entity}`, payload }, roles);
  if (r.statusCode !== 201) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
}

async function sheetOf(r: LightMyRequestResponse): Promise<ExcelJS.Worksheet> {
  expect(r.statusCode).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(r.rawPayload as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new Error('no worksheet');
  return sheet;
}

const rowValues = (sheet: ExcelJS.Worksheet, n: number) => (sheet.getRow(n).values as unknown[]).slice(1);
const exportUrl = (entity: string, query: Record<string, string>) => `/api/data/${entity}/export.xlsx?${new URLSearchParams(query).toString()}`;
const only = (prefix: string) => JSON.stringify({ title: { $startsWith: prefix } });

describe('GET /api/data/:entity/export.xlsx', () => {
  let counterparty: Json;
  beforeAll(async () => {
    counterparty = await createOk(t, 'sm1', 'counterparty', { brand: 'Экспорт Сервис' }, ['sales_manager']);
    const deal = await createOk(t, 'sm1', 'deal', { title: 'Экспорт: поставка', counterparty: counterparty.id, stage: 'proposal', amount: 1500000.5, currency: 'rub', expectedCloseDate: '2026-12-15' }, ['sales_manager']);
    // Read-only through the API (interactions set it); written directly for the test.
    const lastAt = t.model.entities.get('deal')?.field.get('lastInteractionAt')?.column ?? 'last_interaction_at';
    await t.db.query(`UPDATE deal SET "${lastAt}" = $1 WHERE id = $2`, ['2026-11-20T09:30:00Z', deal.id]);
    await createOk(t, 'admin1', 'deal', { title: 'Экспорт: сервис', counterparty: counterparty.id, stage: 'won', amount: 10 });
    await createOk(t, 'admin1', 'deal', { title: 'Другая сделка', counterparty: counterparty.id });
  });

  it('writes the view\'s columns with labels in the asked locale, and values as Excel types', async () => {
    const r = await t.as('admin1', { method: 'GET', url: exportUrl('deal', { filter: only('Экспорт'), sort: 'title', locale: 'en' }) });
    expect(r.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(String(r.headers['content-disposition'])).toMatch(/^attachment; filename="deal-\d{4}-\d{2}-\d{2}\.xlsx"; filename\*=UTF-8''Deals-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const sheet = await sheetOf(r);
    expect(sheet.name).toBe('Deals');
    expect(rowValues(sheet, 1)).toEqual(['Title', 'Counterparty', 'Stage', 'Amount', 'Currency', 'Expected close date', 'Last interaction', 'Owner']);
    // Two deals and the total row of the money column.
    expect(sheet.rowCount).toBe(4);
    expect(rowValues(sheet, 4)[0]).toBe('Total');
    const [title, cp, stage, amount, currency, closeDate, lastAt, owner] = rowValues(sheet, 2);
    expect([title, cp, stage, amount, currency]).toEqual(['Экспорт: поставка', 'Экспорт Сервис', 'Proposal', 1500000.5, 'RUB']);
    // Dates are real dates; date-times read in the application's time zone (Europe/Moscow, UTC+3).
    expect(closeDate).toEqual(new Date(Date.UTC(2026, 11, 15)));
    expect(lastAt).toEqual(new Date(Date.UTC(2026, 10, 20, 12, 30)));
    expect(owner).toBe('Test sm1');
    expect(sheet.getRow(2).getCell(4).numFmt).toContain('₽');
    expect(sheet.getRow(2).getCell(6).numFmt).toBe('yyyy-mm-dd');
    expect(rowValues(sheet, 3).slice(0, 3)).toEqual(['Экспорт: сервис', 'Экспорт Сервис', 'Won']);
    // The view's color rule "won" (#52c41a, tinted) fills every cell of the row, the empty ones
    // too, and the row keeps its columns' number formats; a row no rule matches has no fill.
    const won = sheet.getRow(3);
    for (let c = 1; c <= 8; c++) expect([c, won.getCell(c).fill]).toEqual([c, { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC2EAAF' } }]);
    expect(won.getCell(6).value).toBeNull();
    expect(won.getCell(4).numFmt).toContain('₽');
    expect(sheet.getRow(2).getCell(1).fill).toBeUndefined();
    // The total row: bold, the money column a SUM with its value and format.
    const total = sheet.getRow(4);
    expect(total.getCell(1).font).toMatchObject({ bold: true });
    expect(total.getCell(4).value).toMatchObject({ formula: 'SUBTOTAL(109,D2:D3)', result: 1500010.5 });
    expect(total.getCell(4).numFmt).toContain('₽');
  });

  it('uses the caller\'s language by default and only the asked fields with fields=', async () => {
    const sheet = await sheetOf(await t.as('admin1', { method: 'GET', url: exportUrl('deal', { filter: only('Экспорт: пост'), fields: 'amount,stage,title' }) }));
    expect(rowValues(sheet, 1)).toEqual(['Сумма', 'Этап', 'Название']);
    expect(rowValues(sheet, 2)).toEqual([1500000.5, 'Коммерческое предложение', 'Экспорт: поставка']);
  });

  it('honours the caller\'s access scope: a sales manager gets only own deals', async () => {
    const sheet = await sheetOf(await t.as('sm1', { method: 'GET', url: exportUrl('deal', { filter: only('Экспорт'), fields: 'title,owner' }) }, ['sales_manager']));
    expect(sheet.rowCount).toBe(2);
    expect(rowValues(sheet, 2)).toEqual(['Экспорт: поставка', 'Test sm1']);
    // The administrator sees the other user's deal as well.
    const all = await sheetOf(await t.as('admin1', { method: 'GET', url: exportUrl('deal', { filter: only('Экспорт'), fields: 'title' }) }));
    expect(all.rowCount).toBe(3);
  });

  it('applies the view and its quick filter, and ignores paging parameters', async () => {
    const sheet = await sheetOf(await t.as('admin1', { method: 'GET', url: exportUrl('deal', { view: 'all', quickFilter: 'won', filter: only('Экспорт'), limit: '1', offset: '5' }) }));
    expect(sheet.rowCount).toBe(3);
    expect(rowValues(sheet, 2)[0]).toBe('Экспорт: сервис');
    expect(rowValues(sheet, 3)[0]).toBe('Итого');
  });

  it.each([
    ['a filter on an unknown field', { filter: JSON.stringify({ noSuchField: 1 }) }, 'CARDO_ERR_API_BAD_CONDITION'],
    ['a filter that is not JSON', { filter: '{title' }, 'CARDO_ERR_API_VALIDATION'],
    ['an unknown parameter', { colour: 'red' }, 'CARDO_ERR_API_VALIDATION'],
    ['an unknown locale', { locale: 'fr' }, 'CARDO_ERR_API_VALIDATION'],
    ['an unknown view', { view: 'nope' }, 'CARDO_ERR_API_VALIDATION'],
  ])('refuses %s with a 400 problem', async (_name, query, code) => {
    const r = await t.as('admin1', { method: 'GET', url: exportUrl('deal', query) });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json()).toMatchObject({ code });
  });

  it('answers 404 for an entity the caller cannot read, and 401 without a session', async () => {
    const r = await t.as('sm1', { method: 'GET', url: '/api/data/sys_audit/export.xlsx' }, ['sales_manager']);
    expect(r.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/data/deal/export.xlsx' })).statusCode).toBe(401);
  });

  it('is not taken for a record id, and unknown /api paths stay problem+json 404s next to the UI', async () => {
    const r = await t.as('admin1', { method: 'GET', url: '/api/data/deal/export.xlsx', headers: { accept: 'text/html' } });
    expect(r.headers['content-type']).toMatch(/spreadsheetml/);
    const missing = await t.as('admin1', { method: 'GET', url: '/api/no-such-thing', headers: { accept: 'text/html' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'CARDO_ERR_API_ROUTE_NOT_FOUND' });
  });

  it('pages through more rows than one batch, in order, without losing or repeating any', async () => {
    const entity = t.model.entities.get('counterparty');
    if (!entity) throw new Error('no counterparty');
    const col = (name: string) => `"${entity.field.get(name)?.column ?? name}"`;
    // Straight into the table: 2,345 records through the API would take minutes.
    await t.db.query(
      `INSERT INTO counterparty (id, ${col('brand')}, ${col('owner')}, ${col('createdBy')}, ${col('updatedBy')}, ${col('createdAt')}, ${col('updatedAt')}, ${col('version')})
       SELECT gen_random_uuid(), 'Пакет ' || lpad(n::text, 5, '0'), $1::uuid, $1::uuid, $1::uuid, now(), now(), 1 FROM generate_series(1, 2345) AS n`,
      [adminId],
    );
    const sheet = await sheetOf(await t.as('admin1', { method: 'GET', url: exportUrl('counterparty', { filter: JSON.stringify({ brand: { $startsWith: 'Пакет ' } }), sort: 'brand', fields: 'brand,owner' }) }));
    expect(sheet.rowCount).toBe(2346);
    const brands: unknown[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) brands.push((row.values as unknown[])[1]);
    });
    expect(brands).toEqual(Array.from({ length: 2345 }, (_, i) => `Пакет ${String(i + 1).padStart(5, '0')}`));
    expect(rowValues(sheet, 1500)[1]).toBe('Test admin1');
  });

  it('refuses an export over the configured maximum before sending anything, and allows one at it', async () => {
    const cp = await createOk(small, 'admin1', 'counterparty', { brand: 'Лимит' });
    for (const title of ['Лимит 1', 'Лимит 2', 'Лимит 3']) await createOk(small, 'admin1', 'deal', { title, counterparty: cp.id });
    const over = await small.as('admin1', { method: 'GET', url: exportUrl('deal', { filter: only('Лимит') }) });
    expect(over.statusCode).toBe(400);
    expect(over.json()).toMatchObject({ code: 'CARDO_ERR_EXPORT_TOO_LARGE', maxRows: 2 });
    const at = await sheetOf(await small.as('admin1', { method: 'GET', url: exportUrl('deal', { filter: JSON.stringify({ title: { $in: ['Лимит 1', 'Лимит 3'] } }) }) }));
    // Two rows (the cap) and the total row, which is not a record.
    expect(at.rowCount).toBe(4);
  });
});
