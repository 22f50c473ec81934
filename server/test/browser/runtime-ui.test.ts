// The runtime UI end to end in Chromium against the real server and database (issue 6).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { chooseOption, launchBrowser, screenshot, signIn, startUiServer, type UiServer } from '../helpers/browser.js';

jest.setTimeout(60_000);

let server: UiServer;
let browser: Browser;
let page: Page;

type Json = Record<string, unknown>;

async function create(entity: string, payload: Json): Promise<Json> {
  const r = await server.as('ui_admin', { method: 'POST', url: `/api/data/${entity}`, payload });
  if (r.statusCode !== 201) throw new Error(`${r.statusCode} ${r.body}`);
  return r.json();
}

/**
 * Picks an option (its text contains `option`) of the antd Select carrying the test id; long
 * lists are virtual, so where the select searches the option is typed to bring it into view.
 */
const choose = (testId: string, option: string, search = false): Promise<void> => chooseOption(page, page.getByTestId(testId), search ? option : '', new RegExp(option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));

/** Polls until the value equals the expected one (the UI answers asynchronously); returns the last value. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeout = 10_000): Promise<T> {
  const until = Date.now() + timeout;
  let value = await read();
  while (JSON.stringify(value) !== JSON.stringify(expected) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

const text = (testId: string) => () => page.getByTestId(testId).first().textContent();

const rows = () => page.locator('[data-testid="list-table"] tbody tr[data-testid="list-row"]');

beforeAll(async () => {
  // Five counterparties are seeded: an unfiltered export goes over this cap.
  server = await startUiServer({ env: { CARDO_EXPORT_MAX_ROWS: '4' } });
  await server.login('ui_admin', ['administrator']);
  const brands: Array<[string, string]> = [
    ['Аврора Строй', 'active'],
    ['Бета Логистик', 'key'],
    ['Вега Трейд', 'potential'],
    ['Гамма Групп', 'key'],
    ['Дельта Плюс', 'inactive'],
  ];
  let n = 0;
  for (const [brand, status] of brands) await create('counterparty', { brand, status, phone: `+7 495 700-20-${String(10 + n++)}` });
  browser = await launchBrowser();
  page = await signIn(browser, server, 'ui_admin');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('runtime UI: what a restricted user sees', () => {
  it('shows only permitted entities in the menu, and an empty list outside the own scope', async () => {
    await server.login('ui_sales', ['sales_manager']);
    const sales = await signIn(browser, server, 'ui_sales');
    try {
      const menu = sales.getByTestId('main-menu');
      await menu.getByText('Counterparties', { exact: true }).waitFor();
      expect(await menu.getByText('KPI plans', { exact: true }).count()).toBe(0);
      await menu.getByText('Counterparties', { exact: true }).click();
      // Every counterparty belongs to ui_admin: a sales manager sees own records only.
      await sales.getByTestId('list-table').getByText('No records', { exact: true }).waitFor();
      await sales.goto(`${server.url}/data/kpi_plan`);
      await sales.getByText('This page does not exist.').waitFor();
      await sales.getByTestId('logout').click();
      await sales.getByTestId('login-submit').waitFor();
      // The session is over on the server too, not just forgotten by the page.
      expect((await sales.request.get(`${server.url}/api/auth/me`)).status()).toBe(401);
    } finally {
      await sales.context().close();
    }
  });
});

describe('runtime UI: lists', () => {
  it('shows the signed-in user and the menu, and opens the counterparties from it', async () => {
    const user = await page.getByTestId('current-user').textContent();
    expect(user).toContain('Test ui_admin');
    expect(user).toContain('Administrator');
    await page.getByTestId('main-menu').getByText('Counterparties', { exact: true }).click();
    expect(await eventually(async () => /\/data\/counterparty$/.test(page.url()), true)).toBe(true);
    await expect(page.getByTestId('list-title').textContent()).resolves.toBe('Counterparties');
    await rows().first().waitFor();
    expect(await rows().count()).toBe(5);
    await expect(page.getByTestId('list-total').textContent()).resolves.toBe('5 records');
  });

  it('colors the rows by the color rules and shows the legend', async () => {
    const legend = await page.getByTestId('list-legend').textContent();
    expect(legend).toContain('Key');
    const keyRow = rows().filter({ hasText: 'Бета Логистик' });
    const potentialRow = rows().filter({ hasText: 'Вега Трейд' });
    const keyColor = await keyRow.getAttribute('data-color');
    expect(keyColor).toMatch(/^#[0-9a-f]{6}$/i);
    expect(await potentialRow.getAttribute('data-color')).not.toBe(keyColor);
    // The color reaches the pixels: the row background is a tint of the rule's color.
    expect(await keyRow.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');
  });

  it('sorts by a column header, server-side', async () => {
    // The view sorts by brand; a click on its header turns the order round, another restores it.
    const firstRow = async () => (await rows().first().textContent()) ?? '';
    expect(await firstRow()).toContain('Аврора Строй');
    await page.locator('[data-testid="list-table"] th', { hasText: /^Brand$/ }).click();
    expect(await eventually(async () => /sort=-brand/.test(page.url()), true)).toBe(true);
    expect(await eventually(async () => (await firstRow()).includes('Дельта Плюс'), true)).toBe(true);
    await page.locator('[data-testid="list-table"] th', { hasText: /^Brand$/ }).click();
    expect(await eventually(async () => (await firstRow()).includes('Аврора Строй'), true)).toBe(true);
  });

  it('filters with the filter builder and with quick search', async () => {
    await page.waitForLoadState('networkidle');
    await page.getByTestId('list-filter').click();
    await page.getByTestId('filter-add-rule').click();
    await choose('filter-field', 'Status', true);
    await choose('filter-value', 'Key');
    await page.getByTestId('filter-apply').click();
    // The dialog is gone (not just closing) before the page is used again.
    await page.getByTestId('filter-group').waitFor({ state: 'detached' });
    expect(await eventually(async () => /filter=/.test(page.url()), true)).toBe(true);
    expect(await eventually(() => rows().count(), 2)).toBe(2);
    expect(decodeURIComponent(page.url())).toContain('{"status":{"$eq":"key"}}');
    await page.getByTestId('list-search').locator('input').fill('Гамма');
    await page.getByTestId('list-search').locator('button.ant-input-search-btn').click();
    expect(await eventually(() => rows().count(), 1)).toBe(1);
    expect(await rows().first().textContent()).toContain('Гамма Групп');
    await page.getByText('Reset', { exact: true }).click();
    expect(await eventually(() => rows().count(), 5)).toBe(5);
  });

  it('groups by a field with group counts, and expands a group', async () => {
    await choose('list-group-by', 'Status');
    const groups = page.getByTestId('list-group');
    await groups.first().waitFor();
    const texts = await groups.allTextContents();
    expect(texts.find((text) => text.startsWith('Key'))).toMatch(/Key\s*2/);
    await groups.filter({ hasText: 'Key' }).first().click();
    expect(await eventually(() => page.locator('[data-testid="list-groups"] tr[data-testid="list-row"]').count(), 2)).toBe(2);
    await screenshot(page, 'list-grouped');
    await choose('list-group-by', 'No grouping');
    expect(await eventually(() => rows().count(), 5)).toBe(5);
  });

  it('applies a quick filter of the view', async () => {
    await choose('list-quick-filter', 'Key');
    expect(await eventually(async () => /quickFilter=key/.test(page.url()), true)).toBe(true);
    expect(await eventually(() => rows().count(), 2)).toBe(2);
    await choose('list-quick-filter', 'All');
    expect(await eventually(() => rows().count(), 5)).toBe(5);
  });

  it('chooses the columns', async () => {
    const headers = () => page.locator('[data-testid="list-table"] thead th').allTextContents();
    expect(await headers()).toContain('INN');
    await page.getByTestId('list-columns').click();
    await page.getByTestId('column-chooser').getByText('INN', { exact: true }).click();
    expect(await eventually(async () => (await headers()).includes('INN'), false)).toBe(false);
    expect(await headers()).toContain('Brand');
    await page.keyboard.press('Escape');
  });

  it('saves the current view and opens it again later', async () => {
    await choose('list-quick-filter', 'Key');
    expect(await eventually(() => rows().count(), 2)).toBe(2);
    await page.getByTestId('saved-views').click();
    await page.getByText('Save view…').click();
    await page.getByTestId('saved-view-name').fill('Key, no INN');
    await page.getByTestId('saved-view-save').click();
    await page.getByText('View saved').waitFor();
    await page.getByText('Reset', { exact: true }).click();
    expect(await eventually(() => rows().count(), 5)).toBe(5);
    // Stored on the server: another browser session of the same user gets it.
    const stored = await server.as('ui_admin', { method: 'GET', url: '/api/views?entity=counterparty' });
    expect((stored.json() as { items: Array<{ name: string }> }).items.map((v) => v.name)).toEqual(['Key, no INN']);
    await page.getByTestId('saved-views').click();
    await page.getByTestId('saved-view').filter({ hasText: 'Key, no INN' }).click();
    expect(await eventually(() => rows().count(), 2)).toBe(2);
    expect(await page.locator('[data-testid="list-table"] thead th').allTextContents()).not.toContain('INN');
  });

  it('exports the current view to Excel', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('list-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^Counterparties-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const file = await readFile(await download.path());
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet?.getRow(1).values as unknown[]).filter(Boolean);
    expect(header).toContain('Brand');
    expect(header).not.toContain('INN');
    // The view's quick filter holds in the file: the two key clients.
    expect(sheet?.rowCount).toBe(3);
    await page.getByText('Reset', { exact: true }).click();
    expect(await eventually(() => rows().count(), 5)).toBe(5);
    // Over the export cap: the server's refusal is a message on the page, no file.
    await page.getByTestId('list-export').click();
    await page.locator('.ant-message-notice', { hasText: /4/ }).waitFor();
  });

  it('switches the language: labels from metadata, strings from the catalog', async () => {
    await page.getByTestId('locale-switch').getByText('ru', { exact: true }).click();
    expect(await eventually(text('list-title'), 'Контрагенты')).toBe('Контрагенты');
    expect(await eventually(text('list-total'), 'Записей: 5')).toBe('Записей: 5');
    await screenshot(page, 'list');
    await page.getByTestId('locale-switch').getByText('en', { exact: true }).click();
    expect(await eventually(text('list-title'), 'Counterparties')).toBe('Counterparties');
  });
});
