// Issue 11, first slice: a consultant designs a field in the studio, plans and publishes it,
// and the running application shows it without a restart; git shows exactly that change.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { serializeMetadata } from '../../src/metadata/serialize.js';
import { chooseOption, screenshot, studioSignIn, type UiServer } from '../helpers/browser.js';
import { startStudio, type StudioFixture } from '../helpers/studio-fixture.js';

jest.setTimeout(120_000);

const FILE = 'entities/counterparty.json';
let studio: StudioFixture;
let dir: string;
let original: string;
let server: UiServer;
let page: Page;

const gitIn = (...args: string[]) => studio.git(...args);

// The screenshots of this test were taken at 1440 × 900.
const signIn = (login: string) => studioSignIn(studio.browser, server, login, { width: 1440, height: 900 });
const choose = (select: Locator, text: string, option?: string | RegExp) => chooseOption(page, select, text, option);

beforeAll(async () => {
  studio = await startStudio('ui', { consult: ['consultant'], seller: ['sales_manager'], admin: ['administrator'] });
  ({ dir, server } = studio);
  original = await readFile(path.join(dir, FILE), 'utf8');
}, 180_000);

afterAll(async () => {
  await studio?.close();
});

describe('studio', () => {
  it('tells a user without studio access so', async () => {
    const p = await signIn('seller');
    await p.getByTestId('studio-forbidden').waitFor();
    expect(await p.getByTestId('studio-forbidden').textContent()).toContain('consultants and administrators');
    await p.context().close();
  });

  it('adds an enum field with colors to the form and the list with a color rule, plans, publishes, and the runtime shows it', async () => {
    page = await signIn('consult');
    await page.getByTestId(`explorer-${FILE}`).click();
    await page.getByTestId('entity-designer').waitFor();
    await page.waitForURL(/\/studio\/entities\/counterparty$/);

    // The field: an enum with three colored options.
    await page.getByTestId('field-add').click();
    await page.getByTestId('field-name').fill('loyaltyLevel');
    await choose(page.getByTestId('field-type'), 'enum');
    await page.getByTestId('option-add').waitFor();
    await page.getByTestId('field-label-en').fill('Loyalty level');
    await page.getByTestId('field-label-ru').fill('Уровень лояльности');
    const options = [['gold', 'Gold', 'Золото', '#faad14'], ['silver', 'Silver', 'Серебро', '#8c8c8c'], ['bronze', 'Bronze', 'Бронза', '#ad6800']] as const;
    for (const [i, [value, en, ru, color]] of options.entries()) {
      await page.getByTestId('option-add').click();
      await page.getByTestId(`option-value-${i}`).fill(value);
      await page.getByTestId(`option-label-${i}-en`).fill(en);
      await page.getByTestId(`option-label-${i}-ru`).fill(ru);
      await page.getByTestId(`option-color-${i}`).fill(color);
    }
    await page.getByTestId('field-save').click();
    await page.getByTestId('field-editor').waitFor({ state: 'detached' });
    expect(await page.getByTestId('fields-table').textContent()).toContain('Loyalty level');

    // On the form's first section.
    await page.getByTestId('tab-form').click();
    await choose(page.getByTestId('section-add-main-general'), 'loyaltyLevel', /\(loyaltyLevel\)$/);
    await page.locator('[data-testid="section-main-general"] [data-testid="section-field-loyaltyLevel"]').waitFor();

    // In the first list's columns, with a color rule moved to the top (the first match wins).
    await page.getByTestId('tab-lists').click();
    await choose(page.getByTestId('list-add-column'), 'loyaltyLevel', /\(loyaltyLevel\)$/);
    await page.getByTestId('list-column-loyaltyLevel').waitFor();
    const rulesBefore = await page.locator('[data-testid^="color-rule-"]').count();
    await page.getByTestId('list-add-rule').click();
    for (let i = rulesBefore; i > 0; i--) await page.getByTestId(`rule-up-${i}`).click();
    await page.getByTestId('rule-label-0-en').fill('Gold clients');
    await page.getByTestId('rule-label-0-ru').fill('Золотые клиенты');
    await page.getByTestId('rule-color-0').fill('#d4b106');
    const condition = page.getByTestId('rule-condition-0');
    await condition.getByTestId('condition-add-rule').click();
    await choose(condition.getByTestId('condition-field'), 'loyaltyLevel', /\(loyaltyLevel\)$/);
    await choose(condition.getByTestId('condition-value'), 'Gold');
    await screenshot(page, 'studio-entity-designer-lists');

    await page.getByTestId('entity-save').click();
    await page.getByTestId('designer-valid').waitFor();
    await page.getByTestId('tab-fields').click();
    await screenshot(page, 'studio-entity-designer');

    // The file is exactly the original plus this change, written canonically.
    const expected = JSON.parse(original) as { fields: object[]; form: { tabs: Array<{ sections: Array<{ fields: string[] }> }> }; lists: Array<{ columns: string[]; colorRules: object[] }> };
    expected.fields.push({ name: 'loyaltyLevel', label: { en: 'Loyalty level', ru: 'Уровень лояльности' }, type: 'enum', options: options.map(([value, en, ru, color]) => ({ value, label: { en, ru }, color })) });
    expected.form.tabs[0]?.sections[0]?.fields.push('loyaltyLevel');
    expected.lists[0]?.columns.push('loyaltyLevel');
    expected.lists[0]?.colorRules.unshift({ when: { loyaltyLevel: 'gold' }, color: '#d4b106', label: { en: 'Gold clients', ru: 'Золотые клиенты' } });
    expect(await readFile(path.join(dir, FILE), 'utf8')).toBe(serializeMetadata('entity', expected));

    // Plan: exactly one added column; then publish.
    await page.getByTestId('nav-publish').click();
    await page.getByTestId('plan').click();
    await page.getByTestId('plan-result').waitFor();
    const changes = page.getByTestId('plan-change');
    expect(await changes.count()).toBe(1);
    expect(await changes.first().getAttribute('data-kind')).toBe('addColumn');
    expect(await changes.first().textContent()).toContain('loyalty_level');
    await screenshot(page, 'studio-plan');
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-done').waitFor();
    expect(server.models.current.entities.get('counterparty')?.field.has('loyaltyLevel')).toBe(true);

    // The running application, same server, no restart: a record with the new value, its color.
    const created = await server.as('admin', { method: 'POST', url: '/api/data/counterparty', payload: { brand: 'Золотой клиент', loyaltyLevel: 'gold' } });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    const listed = (await server.as('admin', { method: 'GET', url: '/api/data/counterparty?q=Золотой' })).json() as { items: Array<{ $color: string }> };
    expect(listed.items[0]?.$color).toBe('#d4b106');
    await page.goto(`${server.url}/data/counterparty`);
    await page.locator('[data-testid="list-table"] th', { hasText: 'Loyalty level' }).waitFor();
    const row = page.locator('tr[data-testid="list-row"]', { hasText: 'Золотой клиент' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Gold');
    await page.goto(`${server.url}/data/counterparty/${id}`);
    await page.locator('label[for="root_loyaltyLevel"]', { hasText: 'Loyalty level' }).waitFor();

    // Git: the diff shows this change, in this file only; commit it.
    await page.goto(`${server.url}/studio/git`);
    await page.getByTestId('git-status').waitFor();
    const diff = await page.getByTestId('git-diff').textContent();
    expect(diff).toContain('+++ b/entities/counterparty.json');
    expect(diff).toContain('"name": "loyaltyLevel"');
    expect(diff).toContain('"loyaltyLevel": "gold"');
    expect(diff?.match(/\+\+\+ b\//g)).toHaveLength(1);
    expect(await page.getByTestId('git-status').textContent()).toContain('entities/counterparty.json');
    await page.getByTestId('git-message').fill('Counterparty: loyalty level');
    await page.getByTestId('git-commit').click();
    await page.getByTestId('git-committed').waitFor();
    await page.getByTestId('git-clean').waitFor();
    expect(gitIn('log', '-1', '--format=%s')).toBe('Counterparty: loyalty level\n');
    expect(gitIn('show', '--name-only', '--format=', 'HEAD').trim()).toBe(`metadata/${FILE}`);
  });

  it('flags deleting a field with data as destructive and refuses to publish it without confirmation', async () => {
    await page.goto(`${server.url}/studio/entities/counterparty`);
    await page.getByTestId('field-remove-loyaltyLevel').click();
    // The confirmation names what else goes with the field: its form place, column and color rule.
    expect(await page.getByTestId('field-uses').textContent()).toBe('Also removed from: form:main/general, list:all/columns, list:all/colorRules/1');
    await page.getByTestId('field-remove-confirm').click();
    await page.getByTestId('entity-save').click();
    await page.getByTestId('designer-valid').waitFor();
    // Taken out of the form and the list too, so the metadata stays valid.
    const saved = JSON.parse(await readFile(path.join(dir, FILE), 'utf8')) as { lists: Array<{ columns: string[]; colorRules: unknown[] }> };
    expect(saved.lists[0]?.columns).not.toContain('loyaltyLevel');
    expect(JSON.stringify(saved)).not.toContain('loyaltyLevel');

    await page.getByTestId('nav-publish').click();
    await page.getByTestId('plan').click();
    await page.getByTestId('plan-destructive').waitFor();
    const drop = page.locator('[data-testid="plan-change"][data-kind="dropColumn"]');
    expect(await drop.count()).toBe(1);
    expect(await drop.getAttribute('data-destructive')).toBe('true');
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-error').waitFor();
    expect(await page.getByTestId('publish-error').textContent()).toContain('not confirmed');
    expect(server.models.current.entities.get('counterparty')?.field.has('loyaltyLevel')).toBe(true);
    const stillThere = await server.as('admin', { method: 'GET', url: '/api/data/counterparty?q=Золотой' });
    expect((stillThere.json() as { items: Array<{ loyaltyLevel: string }> }).items[0]?.loyaltyLevel).toBe('gold');

    // With consent it goes through.
    await page.getByTestId('plan').click();
    await page.getByTestId('confirm-destructive').click();
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-done').waitFor();
    expect(server.models.current.entities.get('counterparty')?.field.has('loyaltyLevel')).toBe(false);
  });
});
