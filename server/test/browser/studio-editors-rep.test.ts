// Issue 11: the role matrix, report and calendar editors of the studio. Each change is made in
// the editor, saved, published, and then seen through the running application's API.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import type { AggregateReport, Calendar, Roles } from '../../src/generated/metadata.js';
import { chooseOption, screenshot, studioSignIn, type UiServer } from '../helpers/browser.js';
import { startStudio, type StudioFixture } from '../helpers/studio-fixture.js';

jest.setTimeout(180_000);

let studio: StudioFixture;
let dir: string;
let server: UiServer;
let page: Page;
let counterpartyId: string;

const choose = (select: Locator, text: string, option?: string | RegExp) => chooseOption(page, select, text, option);
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(path.join(dir, file), 'utf8')) as T;

/** Saves the open editor and waits for the server's verdict on the whole metadata. */
async function save(verdict: 'designer-valid' | 'designer-invalid' = 'designer-valid'): Promise<void> {
  await page.getByTestId('editor-save').click();
  await page.getByTestId(verdict).waitFor();
}

/** Clicks a file in the explorer, opening its group first (groups start collapsed). */
async function openFile(file: string, group: string): Promise<void> {
  const item = page.getByTestId(`explorer-${file}`);
  if (!(await item.isVisible())) await page.locator('.ant-menu-submenu-title', { hasText: group }).click();
  await item.click();
}

/** Plans and publishes the saved metadata to the running application. */
async function publish(): Promise<void> {
  await page.getByTestId('nav-publish').click();
  await page.getByTestId('plan').click();
  await page.getByTestId('plan-result').waitFor();
  await page.getByTestId('publish').click();
  await page.getByTestId('publish-done').waitFor();
}

beforeAll(async () => {
  studio = await startStudio('rep', { consult: ['consultant'], admin: ['administrator'], lawyer: ['lawyer'] });
  ({ dir, server } = studio);
  page = await studioSignIn(studio.browser, server, 'consult');
  await page.getByTestId('current-user').waitFor();
}, 180_000);

afterAll(async () => {
  await studio?.close();
});

describe('studio: role matrix, report and calendar editors', () => {
  it('grants a role a permission and adds a role in the matrix; after publishing, access follows', async () => {
    const counterparty = await server.as('admin', { method: 'POST', url: '/api/data/counterparty', payload: { brand: 'Rep test client' } });
    expect(counterparty.statusCode).toBe(201);
    counterpartyId = (counterparty.json() as { id: string }).id;
    const created = await server.as('admin', { method: 'POST', url: '/api/data/interaction', payload: { type: 'meeting', counterparty: counterpartyId, plannedAt: '2030-01-10T10:00:00.000Z' } });
    expect(created.statusCode).toBe(201);
    const interaction = `/api/data/interaction/${(created.json() as { id: string }).id}`;
    // Records a role may not read are unknown to it.
    expect((await server.as('lawyer', { method: 'GET', url: interaction })).statusCode).toBe(404);

    await page.getByTestId('explorer-roles.json').click();
    await page.getByTestId('roles-editor').waitFor();
    await page.waitForURL(/\/studio\/roles$/);
    await page.getByTestId('scope-lawyer-interaction-read').selectOption('all');
    await page.getByTestId('role-new-name').fill('auditor');
    await page.getByTestId('role-add').click();
    await page.getByTestId('role-label-auditor-en').fill('Auditor');
    await page.getByTestId('scope-auditor-deal-read').selectOption('department');
    await page.getByTestId('scope-auditor-deal-read').selectOption('all');
    await page.getByTestId('role-studio-auditor').click();
    await screenshot(page, 'studio-roles-matrix');
    await save();

    const roles = await readJson<Roles>('roles.json');
    const lawyer = roles.roles.find((r) => r.name === 'lawyer');
    expect(lawyer?.permissions.interaction).toEqual({ read: 'all' });
    expect(roles.roles.at(-1)).toEqual({ name: 'auditor', label: { en: 'Auditor', ru: 'auditor' }, studio: true, permissions: { deal: { read: 'all' } } });

    await publish();
    expect((await server.as('lawyer', { method: 'GET', url: interaction })).statusCode).toBe(200);
    const auditor = await server.as('aud', { method: 'GET', url: '/api/data/deal' }, ['auditor']);
    expect(auditor.statusCode).toBe(200);
    // Nothing else: an entity the role does not list is unknown to it.
    expect((await server.as('aud', { method: 'GET', url: '/api/data/contact' }, ['auditor'])).statusCode).toBe(404);
  });

  it('shows a server problem at its control, adds a measure to an aggregate report, publishes, and the report has the new column', async () => {
    await openFile('reports/sales-funnel.json', 'Reports');
    await page.getByTestId('report-editor').waitFor();
    await page.waitForURL(/\/studio\/reports\/sales-funnel$/);

    // A sort by a field the entity does not have: the server's problem is shown under the sort input.
    await page.getByTestId('report-sort').fill('noSuchField');
    await save('designer-invalid');
    await page.locator('[data-testid="control-problem"][data-pointer="/sort"]').waitFor();
    await page.getByTestId('report-sort').fill('');

    await page.getByTestId('measure-add').click();
    // The meta-schema is checked in the browser as the consultant types, before any save.
    await page.getByTestId('measure-name-2').fill('Avg Amount');
    await page.locator('[data-testid="schema-issues"]', { hasText: '/measures/2/name' }).waitFor();
    await page.getByTestId('measure-name-2').fill('avg_amount');
    await page.getByTestId('schema-issues').waitFor({ state: 'detached' });
    await page.getByTestId('measure-label-2-en').fill('Average amount');
    await page.getByTestId('measure-label-2-ru').fill('Средняя сумма');
    await choose(page.getByTestId('measure-fn-2'), 'aver', 'average');
    expect(await page.getByTestId('measure-field-2').textContent()).toContain('(amount)');
    await save();
    // The problem under the sort input goes (antd animates a help text out, so wait for it).
    await page.locator('[data-testid="control-problem"]').first().waitFor({ state: 'detached' });
    const report = await readJson<AggregateReport>('reports/sales-funnel.json');
    expect(report.measures.at(-1)).toEqual({ name: 'avg_amount', label: { en: 'Average amount', ru: 'Средняя сумма' }, fn: 'avg', field: 'amount' });
    expect(report.sort).toBeUndefined();

    // Before publishing, the preview runs the published report: no new column yet.
    await page.getByTestId('report-run').click();
    await page.getByTestId('report-preview-table').waitFor();
    expect(await page.locator('[data-testid="report-preview-table"] th[data-column="avg_amount"]').count()).toBe(0);

    await publish();
    const run = await server.as('consult', { method: 'GET', url: '/api/reports/sales-funnel?format=json&locale=en' });
    expect(run.statusCode).toBe(200);
    expect((run.json() as { columns: Array<{ key: string; label: string }> }).columns).toContainEqual(expect.objectContaining({ key: 'avg_amount', label: 'Average amount' }));

    await openFile('reports/sales-funnel.json', 'Reports');
    await page.getByTestId('report-run').click();
    await page.locator('[data-testid="report-preview-table"] th[data-column="avg_amount"]').waitFor();
    await screenshot(page, 'studio-report-editor');
  });

  it('adds a category and a source to a calendar; after publishing, the runtime lists the category and its events', async () => {
    await openFile('calendars/contracts.json', 'Calendars');
    await page.getByTestId('calendar-editor').waitFor();
    await page.getByTestId('category-add').click();
    await page.getByTestId('category-name-1').fill('closings');
    await page.getByTestId('category-label-1-en').fill('Deal closings');
    await page.getByTestId('category-label-1-ru').fill('Закрытие сделок');
    await page.getByTestId('category-color-1').fill('#722ed1');
    await page.getByTestId('source-add').click();
    await choose(page.getByTestId('source-entity-1'), 'deal');
    await choose(page.getByTestId('source-start-1'), 'expected', /\(expectedCloseDate\)$/);
    await page.getByTestId('source-title-1').fill('Closing: {{title}}');
    await choose(page.getByTestId('source-category-1'), 'clos', /\(closings\)$/);
    await screenshot(page, 'studio-calendar-editor');
    await save();
    const calendar = await readJson<Calendar>('calendars/contracts.json');
    expect(calendar.categories[1]).toEqual({ name: 'closings', label: { en: 'Deal closings', ru: 'Закрытие сделок' }, color: '#722ed1' });
    expect(calendar.sources[1]).toEqual({ entity: 'deal', start: 'expectedCloseDate', title: 'Closing: {{title}}', category: 'closings' });

    await publish();
    const calendars = (await server.as('admin', { method: 'GET', url: '/api/calendar/calendars?locale=en' })).json() as { calendars: Array<{ name: string; categories: Array<{ name: string; color: string }> }> };
    expect(calendars.calendars.find((c) => c.name === 'contracts')?.categories).toContainEqual(expect.objectContaining({ name: 'closings', color: '#722ed1' }));
    const deal = await server.as('admin', { method: 'POST', url: '/api/data/deal', payload: { title: 'Rep calendar deal', counterparty: counterpartyId, expectedCloseDate: '2030-03-15' } });
    expect(deal.statusCode).toBe(201);
    const events = await server.as('admin', { method: 'GET', url: '/api/calendar?from=2030-03-01T00:00:00Z&to=2030-04-01T00:00:00Z&categories=closings' });
    expect(events.statusCode).toBe(200);
    expect((events.json() as { events: Array<{ title: string; color: string; category: string }> }).events).toContainEqual(expect.objectContaining({ title: 'Closing: Rep calendar deal', color: '#722ed1', category: 'closings' }));
  });

  it('creates a valid calendar and a valid report from the explorer', async () => {
    await openFile('new-calendar', 'Calendars');
    await page.getByTestId('new-file-name').fill('deal-closings');
    await choose(page.getByTestId('new-file-entity'), 'deal');
    await page.locator('[data-testid="new-file-create"]:not([disabled])').click();
    await page.getByTestId('calendar-editor').waitFor();
    await page.waitForURL(/\/studio\/calendars\/deal-closings$/);
    expect(await readJson<Calendar>('calendars/deal-closings.json')).toMatchObject({ sources: [{ entity: 'deal', start: 'expectedCloseDate', title: '{{title}}', category: 'events' }] });

    await openFile('new-report', 'Reports');
    await page.getByTestId('new-file-name').fill('deals-by-owner');
    await choose(page.getByTestId('new-file-entity'), 'deal');
    await page.locator('[data-testid="new-file-create"]:not([disabled])').click();
    await page.getByTestId('report-editor').waitFor();
    expect(await readJson<AggregateReport>('reports/deals-by-owner.json')).toMatchObject({ type: 'aggregate', entity: 'deal', groupBy: [{ field: 'owner' }], measures: [{ fn: 'count' }] });

    const validation = await server.as('consult', { method: 'POST', url: '/api/studio/validate', payload: {} });
    expect(validation.json()).toEqual({ valid: true, problems: [] });
  });
});
