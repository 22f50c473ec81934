// The record card end to end in Chromium: create, the duplicate dialog, related tabs (add a
// contact, register an interaction), the stale-version conflict, history (issue 6).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot, signIn, startUiServer, type UiServer } from '../helpers/browser.js';

jest.setTimeout(60_000);

let server: UiServer;
let browser: Browser;
let page: Page;
let cardUrl = '';

type Json = Record<string, unknown>;
const UUID_PATH = /\/data\/counterparty\/([0-9a-f-]{36})(\?.*)?$/;

async function getRecord(entity: string, id: string): Promise<Json> {
  const r = await server.as('card_admin', { method: 'GET', url: `/api/data/${entity}/${id}` });
  return r.json();
}

async function until(check: () => Promise<boolean>, timeout = 15_000): Promise<boolean> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** Picks an option of the antd Select at the locator, typing to search where it can. */
async function choose(selector: string, option: string): Promise<void> {
  await page.locator(selector).first().click();
  await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: option }).first().click();
}

beforeAll(async () => {
  server = await startUiServer();
  await server.login('card_admin', ['administrator']);
  browser = await launchBrowser();
  page = await signIn(browser, server, 'card_admin');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('runtime UI: the record card', () => {
  it('creates a counterparty from the list and opens its card', async () => {
    await page.goto(`${server.url}/data/counterparty`);
    await page.getByTestId('list-new').click();
    await page.locator('#root_brand').fill('Карточка Тест');
    await page.locator('#root_phone').fill('+7 495 700-50-60');
    await page.getByTestId('card-save').click();
    expect(await until(async () => UUID_PATH.test(page.url()))).toBe(true);
    cardUrl = page.url().replace(/\?.*$/, '');
    // The new record's card replaces the empty form: its title is the brand.
    await page.getByTestId('card-title').filter({ hasText: 'Карточка Тест' }).waitFor();
    const id = UUID_PATH.exec(cardUrl)?.[1] as string;
    expect(await getRecord('counterparty', id)).toMatchObject({ brand: 'Карточка Тест', phone: expect.stringMatching(/^\+7 495 700.50.60$/), version: 1 });
    await screenshot(page, 'card');
  });

  it('shows the duplicate dialog for the same phone written differently, with a link to the match', async () => {
    await page.goto(`${server.url}/data/counterparty/new`);
    await page.locator('#root_brand').fill('Совсем Другое Имя');
    await page.locator('#root_phone').fill('8 (495) 700 50 60');
    await page.getByTestId('card-save').click();
    const dialog = page.getByTestId('duplicates-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Карточка Тест');
    expect(await dialog.textContent()).toContain('Same phone number');
    expect(await dialog.locator(`a[href="${new URL(cardUrl).pathname}"]`).count()).toBe(1);
    // A blocking rule offers no way past it.
    expect(await page.getByTestId('duplicates-save-anyway').count()).toBe(0);
    await screenshot(page, 'card-duplicates');
    await page.getByTestId('duplicates-back').click();
    const found = await server.as('card_admin', { method: 'GET', url: '/api/data/counterparty?q=Совсем' });
    expect((found.json() as { total: number }).total).toBe(0);
  });

  it('adds a contact on the contacts tab, prefilled with the counterparty', async () => {
    await page.goto(cardUrl);
    await page.getByTestId('card-tab-contacts').click();
    await page.getByTestId('related-add-contact').click();
    await page.locator('#root_fullName').waitFor();
    // The prefilled reference is named by its title once it has loaded.
    expect(await until(async () => ((await page.getByTestId('ref-counterparty').textContent()) ?? '').includes('Карточка Тест'))).toBe(true);
    await page.locator('#root_fullName').fill('Иванова Мария');
    await page.getByTestId('card-save').click();
    // Back on the counterparty's card, on the same tab, with the new contact listed.
    expect(await until(async () => page.url().startsWith(cardUrl) && page.url().includes('tab=contacts'))).toBe(true);
    await page.getByTestId('related-contacts').getByText('Иванова Мария').waitFor();
  });

  it('registers an interaction from the timeline', async () => {
    await page.getByTestId('card-tab-interactions').click();
    await page.getByTestId('timeline-register').click();
    const form = page.getByTestId('timeline-form');
    await form.waitFor();
    await choose('[data-testid="timeline-form"] #root_type', 'Meeting');
    await page.getByTestId('timeline-submit').click();
    await page.getByTestId('timeline-item').first().waitFor();
    expect(await page.getByTestId('timeline-item').count()).toBe(1);
    const id = UUID_PATH.exec(cardUrl)?.[1] as string;
    const stored = await server.as('card_admin', { method: 'GET', url: `/api/data/interaction?filter=${encodeURIComponent(JSON.stringify({ counterparty: id }))}` });
    expect((stored.json() as { items: Json[] }).items).toMatchObject([{ type: 'meeting', counterparty: id }]);
  });

  it('explains an edit made against a stale version and reloads the record', async () => {
    await page.goto(cardUrl);
    const id = UUID_PATH.exec(cardUrl)?.[1] as string;
    await page.locator('#root_legalName').waitFor();
    // Someone else saves first.
    const other = await server.as('card_admin', { method: 'PATCH', url: `/api/data/counterparty/${id}`, payload: { legalName: 'ООО «Чужая правка»' }, headers: { 'if-match': '1' } });
    expect(other.statusCode).toBe(200);
    await page.locator('#root_legalName').fill('ООО «Моя правка»');
    await page.getByTestId('card-save').click();
    const dialog = page.getByTestId('conflict-dialog');
    await dialog.waitFor();
    expect(await dialog.textContent()).toMatch(/1.*2/s);
    await page.getByTestId('conflict-reload').click();
    expect(await until(async () => (await page.locator('#root_legalName').inputValue()) === 'ООО «Чужая правка»')).toBe(true);
    expect(await getRecord('counterparty', id)).toMatchObject({ legalName: 'ООО «Чужая правка»', version: 2 });
  });

  it('lists the changes on the history tab', async () => {
    await page.getByTestId('card-tab-history').click();
    const history = page.getByTestId('history-list');
    await history.getByText('ООО «Чужая правка»').waitFor();
    expect(await page.getByTestId('history-entry').count()).toBe(2);
  });

  it('adds a manual link to another record and removes it', async () => {
    const r = await server.as('card_admin', { method: 'POST', url: '/api/data/counterparty', payload: { brand: 'Партнёр Линк', phone: '+7 495 700-50-61' } });
    expect(r.statusCode).toBe(201);
    await page.getByTestId('card-tab-links').click();
    await page.getByTestId('links-add').click();
    await choose('[data-testid="links-entity"]', 'Counterparty');
    await page.getByTestId('links-record').click();
    await page.keyboard.type('Партнёр');
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: 'Партнёр Линк' }).first().click();
    await page.getByTestId('links-submit').click();
    const item = page.getByTestId('link-item').filter({ hasText: 'Партнёр Линк' });
    await item.waitFor();
    const id = UUID_PATH.exec(cardUrl)?.[1] as string;
    const links = async () => ((await server.as('card_admin', { method: 'GET', url: `/api/data/counterparty/${id}/links` })).json() as { items: Array<{ automatic: boolean; record: { title: string } }> }).items.filter((l) => !l.automatic);
    expect((await links()).map((l) => l.record.title)).toEqual(['Партнёр Линк']);
    await page.locator('tr', { has: item }).getByTestId('link-remove').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    expect(await until(async () => (await item.count()) === 0)).toBe(true);
    expect(await links()).toEqual([]);
  });

  it("shows the server's field error on the field and saves nothing", async () => {
    await page.goto(`${server.url}/data/counterparty/new`);
    await page.locator('#root_brand').fill('Неверный Телефон');
    await page.locator('#root_phone').fill('12');
    await page.getByTestId('card-save').click();
    const error = page.locator('.ant-form-item', { has: page.locator('#root_phone') }).locator('.ant-form-item-explain-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/phone/i);
    const found = await server.as('card_admin', { method: 'GET', url: '/api/data/counterparty?q=Неверный' });
    expect((found.json() as { total: number }).total).toBe(0);
    await page.goto(cardUrl);
  });

  it('shows the card in Russian after the language switch', async () => {
    await page.getByTestId('locale-switch').getByText('ru', { exact: true }).click();
    await page.getByTestId('card-tab-history').getByText('История').waitFor();
    await screenshot(page, 'card-ru');
  });

  it("shows an automation's changes in the history: by the automation, for the user (issue 8)", async () => {
    const cp = (await server.as('card_admin', { method: 'POST', url: '/api/data/counterparty', payload: { brand: 'Автоматика', phone: '+7 495 700-50-62' } })).json() as Json;
    const deal = (await server.as('card_admin', { method: 'POST', url: '/api/data/deal', payload: { title: 'Сделка с автоматикой', counterparty: cp.id, stage: 'negotiation' } })).json() as Json;
    const interaction = await server.as('card_admin', { method: 'POST', url: '/api/data/interaction', payload: { type: 'meeting', counterparty: cp.id, deal: deal.id, result: 'contract_signed' } });
    expect(interaction.statusCode).toBe(201);
    await page.goto(`${server.url}/data/deal/${String(deal.id)}`);
    await page.getByTestId('card-tab-history').click();
    const tag = page.getByTestId('history-automation').filter({ hasText: 'interaction-contract-signed' });
    await tag.first().waitFor();
    expect(await tag.first().textContent()).toBe('автоматизация: interaction-contract-signed');
    // The automatic link to the registered interaction is an entry of its own ("связал(а)").
    await page.getByTestId('history-entry').filter({ hasText: 'связал(а)' }).first().waitFor();
    await screenshot(page, 'card-history-automation');
  });
});
