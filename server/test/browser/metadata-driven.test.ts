// Issue 6: a field added to an entity in metadata/ appears in the list and the form with no
// UI code change — the same built UI, a copy of the CRM metadata with one more field.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signIn, startUiServer, type UiServer } from '../helpers/browser.js';
import { APP_METADATA_DIR, loadTestModel } from '../helpers/app-db.js';

jest.setTimeout(60_000);

let dir: string;
let server: UiServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cardo-ui-meta-'));
  await cp(APP_METADATA_DIR, dir, { recursive: true });
  const file = path.join(dir, 'entities/counterparty.json');
  const entity = JSON.parse(await readFile(file, 'utf8')) as { fields: object[]; lists: Array<{ columns: string[] }>; form: { tabs: Array<{ sections?: Array<{ fields: string[] }> }> } };
  entity.fields.push({ name: 'loyaltyTier', label: { en: 'Loyalty tier', ru: 'Уровень лояльности' }, type: 'string', maxLength: 50 });
  entity.lists[0]?.columns.splice(1, 0, 'loyaltyTier');
  entity.form.tabs[0]?.sections?.[0]?.fields.splice(1, 0, 'loyaltyTier');
  await writeFile(file, JSON.stringify(entity, null, 2));
  server = await startUiServer({ model: await loadTestModel(dir) });
  await server.login('meta_admin', ['administrator']);
  browser = await launchBrowser();
  page = await signIn(browser, server, 'meta_admin');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a field added in metadata', () => {
  it('is a field of the form: typed in, saved, and a column of the list', async () => {
    await page.goto(`${server.url}/data/counterparty/new`);
    const input = page.locator('#root_loyaltyTier');
    await input.waitFor();
    expect(await page.locator('label[for="root_loyaltyTier"]').textContent()).toContain('Loyalty tier');
    await page.locator('#root_brand').fill('Лояльный Клиент');
    await page.locator('#root_phone').fill('+7 495 700-30-40');
    await input.fill('Gold');
    await page.getByTestId('card-save').click();
    // A new record's card opens at its id.
    await page.waitForURL(/\/data\/counterparty\/[0-9a-f-]{36}$/, { waitUntil: 'commit' });

    await page.goto(`${server.url}/data/counterparty`);
    const header = page.locator('[data-testid="list-table"] th', { hasText: 'Loyalty tier' });
    await header.waitFor();
    const row = page.locator('tr[data-testid="list-row"]', { hasText: 'Лояльный Клиент' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Gold');
    const stored = await server.as('meta_admin', { method: 'GET', url: '/api/data/counterparty?q=Лояльный' });
    expect((stored.json() as { items: Array<Record<string, unknown>> }).items[0]?.loyaltyTier).toBe('Gold');
  });
});
