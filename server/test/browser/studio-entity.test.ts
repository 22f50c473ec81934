// Issue 11, entity designer: stages, duplicate rules, form tabs with a live preview, and the
// meta-schema checked in the browser as the consultant types; published, the runtime card
// shows the new tab.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { Entity } from '../../src/generated/metadata.js';
import { chooseOption, screenshot, studioSignIn, type UiServer } from '../helpers/browser.js';
import { startStudio, type StudioFixture } from '../helpers/studio-fixture.js';

jest.setTimeout(180_000);

const FILE = 'entities/deal.json';
let studio: StudioFixture;
let dir: string;
let server: UiServer;
let page: Page;


/** The text box of an antd InputNumber, whether the test id sits on it or on its wrapper. */
const numberInput = (testId: string) => page.getByTestId(testId).locator('xpath=self::input | .//input').first();

const readDeal = async () => JSON.parse(await readFile(path.join(dir, FILE), 'utf8')) as Entity;

beforeAll(async () => {
  studio = await startStudio('entity', { consult: ['consultant'], admin: ['administrator'] });
  ({ dir, server } = studio);
}, 180_000);

afterAll(async () => {
  await studio?.close();
});

describe('studio entity designer', () => {
  it('edits stages, duplicate rules and form tabs with a live preview, checks the schema as you type, and publishes', async () => {
    const original = await readDeal();
    const stageCount = original.stages?.length ?? 0;
    const tabCount = original.form.tabs.length;
    page = await studioSignIn(studio.browser, server, 'consult');
    await page.getByTestId(`explorer-${FILE}`).click();
    await page.getByTestId('entity-designer').waitFor();

    // A stage with a probability; 150 is refused by the meta-schema in the browser, before any save.
    await page.getByTestId('tab-stages').click();
    await page.getByTestId('stage-add').click();
    const n = stageCount;
    await page.getByTestId(`stage-value-${n}`).fill('tender');
    await page.getByTestId(`stage-label-${n}-en`).fill('Tender');
    await page.getByTestId(`stage-label-${n}-ru`).fill('Тендер');
    await numberInput(`stage-probability-${n}`).fill('150');
    const issue = page.locator(`[data-testid="schema-issue"][data-pointer="/stages/${n}/probability"]`);
    await issue.waitFor();
    expect(await issue.textContent()).toContain('Must be <= 100');
    await page.getByTestId('schema-issues').waitFor();
    await screenshot(page, 'studio-entity-schema-error');
    expect(await readDeal()).toEqual(original);
    await numberInput(`stage-probability-${n}`).fill('35');
    await issue.waitFor({ state: 'detached' });
    await page.getByTestId(`stage-color-${n}`).fill('#13c2c2');

    // A duplicate rule: fuzzy on the title, blocking the save.
    await page.getByTestId('tab-duplicates').click();
    await page.getByTestId('duplicate-add').click();
    await page.getByTestId('duplicate-name-0').fill('similar_title');
    await page.getByTestId('duplicate-label-0-en').fill('Similar title');
    await page.getByTestId('duplicate-label-0-ru').fill('Похожее название');
    await chooseOption(page, page.getByTestId('duplicate-match-0'), 'Fuzzy', /^Fuzzy/);
    await numberInput('duplicate-threshold-0').fill('0.8');
    await chooseOption(page, page.getByTestId('duplicate-action-0'), 'Block', /^Block/);

    // A tab with a section holding expectedCloseDate (moved from the main tab), seen in the preview.
    await page.getByTestId('tab-form').click();
    await page.getByTestId('form-preview').waitFor();
    await page.getByTestId('form-add-tab').click();
    await page.getByTestId(`tab-name-${tabCount}`).fill('terms');
    await page.getByTestId(`tab-label-${tabCount}-en`).fill('Terms');
    await page.getByTestId(`tab-label-${tabCount}-ru`).fill('Условия');
    // The new section is empty: the schema says so until it holds a field.
    await page.locator(`[data-testid="schema-issue"][data-pointer="/form/tabs/${tabCount}/sections/0/fields"]`).waitFor();
    await page.getByTestId(`section-label-${tabCount}-0-en`).fill('Dates');
    await page.getByTestId(`section-label-${tabCount}-0-ru`).fill('Сроки');
    await page.locator('[data-testid="section-main-money"] [data-testid="section-field-expectedCloseDate"] button[aria-label="Remove"]').click();
    await chooseOption(page, page.getByTestId('section-add-terms-section_1'), 'expectedCloseDate', /\(expectedCloseDate\)$/);
    await page.locator(`[data-testid="schema-issue"][data-pointer="/form/tabs/${tabCount}/sections/0/fields"]`).waitFor({ state: 'detached' });
    await page.getByTestId('schema-issues').waitFor({ state: 'detached' });
    await page.getByTestId('preview-tabname-terms').click();
    await page.locator('[data-testid="preview-tab-terms"] [data-testid="preview-section-section_1"] [data-testid="preview-field-expectedCloseDate"]').waitFor();
    expect(await page.getByTestId('preview-section-section_1').textContent()).toContain('Dates');
    await screenshot(page, 'studio-entity-form-preview');

    await page.getByTestId('entity-save').click();
    await page.getByTestId('designer-valid').waitFor();
    await page.getByTestId('tab-stages').click();
    await screenshot(page, 'studio-entity-stages');

    const saved = await readDeal();
    expect(saved.stages?.[n]).toEqual({ value: 'tender', label: { en: 'Tender', ru: 'Тендер' }, probability: 35, color: '#13c2c2' });
    expect(saved.duplicateRules).toEqual([{ name: 'similar_title', label: { en: 'Similar title', ru: 'Похожее название' }, fields: ['title'], match: 'fuzzy', threshold: 0.8, action: 'block' }]);
    expect(saved.form.tabs[tabCount]).toEqual({ name: 'terms', label: { en: 'Terms', ru: 'Условия' }, sections: [{ name: 'section_1', label: { en: 'Dates', ru: 'Сроки' }, fields: ['expectedCloseDate'] }] });

    // Publish; the runtime card of a deal shows the new tab with its field.
    await page.getByTestId('nav-publish').click();
    await page.getByTestId('plan').click();
    await page.getByTestId('plan-result').waitFor();
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-done').waitFor();
    expect(server.models.current.entities.get('deal')?.stages.map((s) => s.value)).toContain('tender');
    const counterparty = await server.as('admin', { method: 'POST', url: '/api/data/counterparty', payload: { brand: 'Тендерный клиент' } });
    expect(counterparty.statusCode).toBe(201);
    const deal = await server.as('admin', { method: 'POST', url: '/api/data/deal', payload: { title: 'Поставка по тендеру', counterparty: (counterparty.json() as { id: string }).id, stage: 'tender' } });
    expect(deal.statusCode).toBe(201);
    await page.goto(`${server.url}/data/deal/${(deal.json() as { id: string }).id}`);
    await page.getByTestId('card-tab-terms').click();
    await page.locator('[data-testid="card-fields-terms"] [data-testid="card-section-section_1"] label[for="root_expectedCloseDate"]').waitFor();

    // A color rule on the new stage colors that real record in the list designer's preview, before saving.
    await page.goto(`${server.url}/studio/entities/deal`);
    await page.getByTestId('tab-lists').click();
    const row = page.locator('[data-testid="color-preview-table"] tr', { hasText: 'Поставка по тендеру' });
    await row.waitFor();
    expect(await row.getAttribute('data-color')).toBe('');
    const rulesBefore = await page.locator('[data-testid^="color-rule-"]').count();
    await page.getByTestId('list-add-rule').click();
    for (let i = rulesBefore; i > 0; i--) await page.getByTestId(`rule-up-${i}`).click();
    await page.getByTestId('rule-label-0-en').fill('Tenders');
    await page.getByTestId('rule-label-0-ru').fill('Тендеры');
    await page.getByTestId('rule-color-0').fill('#13c2c2');
    const condition = page.getByTestId('rule-condition-0');
    await condition.getByTestId('condition-add-rule').click();
    await chooseOption(page, condition.getByTestId('condition-field'), 'stage', /\(stage\)$/);
    await chooseOption(page, condition.getByTestId('condition-value'), 'Tender', /^Tender$/);
    await page.locator('[data-testid="color-preview-table"] tr[data-color="#13c2c2"]', { hasText: 'Поставка по тендеру' }).waitFor();
    expect(await row.textContent()).toContain('Tenders');
    await screenshot(page, 'studio-entity-color-preview');

    // Sort keys (ordered, with directions) and grouping of another view, saved to the file.
    await chooseOption(page, page.getByTestId('list-select'), 'by_counterparty', /\(by_counterparty\)$/);
    await page.getByTestId('list-sort-createdAt').waitFor();
    await chooseOption(page, page.getByTestId('list-add-sort'), 'amount', /\(amount\)$/);
    await page.getByTestId('list-sort-dir-amount').click();
    await page.getByTestId('list-sort-amount').getByRole('button', { name: 'Move up' }).click();
    await chooseOption(page, page.getByTestId('list-add-group'), 'stage', /\(stage\)$/);
    await page.getByTestId('list-group-stage').waitFor();
    await page.getByTestId('entity-save').click();
    await page.getByTestId('designer-valid').waitFor();
    const view = (await readDeal()).lists.find((l) => l.name === 'by_counterparty');
    expect(view?.sort).toBe('-amount,-createdAt');
    expect(view?.groupBy).toEqual(['stage']);
    await page.context().close();
  });
});
