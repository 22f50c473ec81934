// Issue 11, notification and automation editors: a consultant creates a notification from the
// explorer and fills it in (date trigger, recipients, channels, templates with placeholders,
// checked as typed), and adds an action to an automation, publishes it, and the runtime runs it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { Automation } from '../../src/generated/metadata.js';
import { serializeMetadata } from '../../src/metadata/serialize.js';
import { chooseOption, clickUntilShown, screenshot, studioSignIn, type UiServer } from '../helpers/browser.js';
import { startStudio, type StudioFixture } from '../helpers/studio-fixture.js';

jest.setTimeout(180_000);

let studio: StudioFixture;
let dir: string;
let server: UiServer;
let page: Page;

beforeAll(async () => {
  studio = await startStudio('ntf', { consult: ['consultant'], admin: ['administrator'] });
  ({ dir, server } = studio);
  page = await studioSignIn(studio.browser, server, 'consult', { width: 1440, height: 1000 });
  await page.getByTestId('current-user').waitFor();
}, 180_000);

afterAll(async () => {
  await studio?.close();
});


/** Saves the open editor and waits for the server's verdict on the whole metadata. */
async function save(editor: string): Promise<'valid' | 'invalid'> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/api/studio/files/')), page.getByTestId(`${editor}-save`).click()]);
  expect(response.status()).toBe(200);
  const verdict = (await response.json() as { valid: boolean }).valid ? 'valid' : 'invalid';
  // The page shows the same verdict once it has taken the answer in.
  await page.getByTestId(`designer-${verdict}`).waitFor();
  await page.getByTestId(`${editor}-save`).and(page.locator(':disabled')).waitFor();
  return verdict;
}

describe('studio notification and automation editors', () => {
  it('creates a notification with a date trigger, e-mail and in-app, checked as typed; the file is canonical and valid', async () => {
    await page.getByText('Notifications (', { exact: false }).click();
    await clickUntilShown(page.getByTestId('explorer-new-notification'), page.getByTestId('notification-name'));
    await page.getByTestId('notification-name').fill('counterparty-anniversary');
    await chooseOption(page, page.getByTestId('notification-entity'), 'counterparty', /^counterparty$/);
    await page.getByTestId('notification-create').click();
    await page.waitForURL(/\/studio\/notifications\/counterparty-anniversary$/);
    await page.getByTestId('notification-editor').waitFor();
    await page.getByTestId('explorer-notifications/counterparty-anniversary.json').waitFor();
    // The skeleton is valid as created.
    const skeleton = await server.as('consult', { method: 'POST', url: '/api/studio/validate' });
    expect((skeleton.json() as { problems: unknown[] }).problems).toEqual([]);

    await page.getByTestId('ntf-label-en').fill('Client anniversary');
    await page.getByTestId('ntf-label-ru').fill('Годовщина клиента');
    await page.getByTestId('ntf-enabled').click();
    await chooseOption(page, page.getByTestId('ntf-trigger'), 'date', /^At a date of the record$/);
    await chooseOption(page, page.getByTestId('ntf-date-field'), 'createdAt', /\(createdAt\)$/);
    // The offset is checked as typed.
    await page.getByTestId('ntf-offset').fill('1 year');
    expect(await page.getByTestId('problem-ntf-offset').textContent()).toContain('Not an ISO-8601 duration');
    await page.getByTestId('ntf-offset').fill('P1Y');
    await page.getByTestId('problem-ntf-offset').waitFor({ state: 'detached' });

    // The owner (from the skeleton) and everyone with a role; e-mail as well as in-app.
    await page.getByTestId('ntf-recipients-add').click();
    await chooseOption(page, page.getByTestId('ntf-recipients-1-kind'), 'role', /^Everyone with a role$/);
    await chooseOption(page, page.getByTestId('ntf-recipients-1-value'), 'head_of_sales', /\(head_of_sales\)$/);
    await page.getByTestId('ntf-channels-email').click();

    // Templates: a placeholder inserted from the list; an unknown one is flagged as typed, with the server's words.
    await page.getByTestId('ntf-subject-en').fill('Anniversary: ');
    await chooseOption(page, page.getByTestId('ntf-subject-en-insert'), '{{brand}}', /\{\{brand\}\}$/);
    expect(await page.getByTestId('ntf-subject-en').inputValue()).toBe('Anniversary: {{brand}}');
    await page.getByTestId('ntf-subject-ru').fill('Годовщина: {{brnd}}');
    expect(await page.getByTestId('problem-ntf-subject-ru').textContent()).toBe('"brnd": entity "counterparty" has no field "brnd".');
    await page.getByTestId('ntf-subject-ru').fill('Годовщина: {{brand}}');
    await page.getByTestId('problem-ntf-subject-ru').waitFor({ state: 'detached' });
    await page.getByTestId('ntf-body-en').fill('{{legalName}} has been a client since {{createdAt}}. Owner: {{owner.fullName}}.');
    await page.getByTestId('ntf-body-ru').fill('{{legalName}} — клиент с {{createdAt}}. Ответственный: {{owner.fullName}}.');
    await screenshot(page, 'studio-notification-editor');

    expect(await save('notification-editor')).toBe('valid');
    await page.getByTestId('nav-publish').click();
    await page.getByTestId('validate').click();
    await page.getByTestId('validate-ok').waitFor();

    const text = await readFile(path.join(dir, 'notifications/counterparty-anniversary.json'), 'utf8');
    const expected = {
      $schema: '../../server/schema/notification.schema.json',
      label: { en: 'Client anniversary', ru: 'Годовщина клиента' },
      entity: 'counterparty',
      trigger: { on: 'date', dateField: 'createdAt', offset: 'P1Y' },
      recipients: ['owner', 'role:head_of_sales'],
      channels: ['inApp', 'email'],
      subject: { en: 'Anniversary: {{brand}}', ru: 'Годовщина: {{brand}}' },
      body: { en: '{{legalName}} has been a client since {{createdAt}}. Owner: {{owner.fullName}}.', ru: '{{legalName}} — клиент с {{createdAt}}. Ответственный: {{owner.fullName}}.' },
    };
    expect(JSON.parse(text)).toEqual(expected);
    expect(text).toBe(serializeMetadata('notification', expected));
  });

  it('adds a setField action to an automation, publishes, and a record created through the API gets the field set', async () => {
    const file = 'automations/deal-close-date.json';
    const original = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Automation;
    await page.getByText('Automations (', { exact: false }).click();
    await page.getByTestId(`explorer-${file}`).click();
    await page.waitForURL(/\/studio\/automations\/deal-close-date$/);
    await page.getByTestId('automation-editor').waitFor();
    await page.getByTestId('auto-action-0').waitFor();

    await chooseOption(page, page.getByTestId('auto-add-action'), 'Set', /^Set fields$/);
    const action = page.getByTestId('auto-action-1');
    // Saved half-done, the draft is kept and the server's problem shows under the control it is about.
    expect(await save('automation-editor')).toBe('invalid');
    expect(await action.getByTestId('problem-auto-action-1-values').textContent()).toContain('fewer than 1 properties');
    await action.getByTestId('auto-action-1-values-add').click();
    await chooseOption(page, action.getByTestId('auto-action-1-values-0-field'), 'description', /\(description\)$/);
    await action.getByTestId('auto-action-1-values-0-value').fill('Closed by automation');
    // Moved first: the order of the list is the order they run in.
    await page.getByTestId('auto-action-1-up').click();
    expect(await page.getByTestId('auto-action-0-values-0-value').inputValue()).toBe('Closed by automation');
    await screenshot(page, 'studio-automation-editor');

    expect(await save('automation-editor')).toBe('valid');
    const expected: Automation = { ...original, do: [{ action: 'setField', values: { description: 'Closed by automation' } }, ...original.do] };
    expect(await readFile(path.join(dir, file), 'utf8')).toBe(serializeMetadata('automation', expected));

    await page.getByTestId('nav-publish').click();
    await page.getByTestId('plan').click();
    await page.getByTestId('plan-result').waitFor();
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-done').waitFor();

    // The running application, no restart: a deal won at creation gets both actions' fields.
    const counterparty = await server.as('admin', { method: 'POST', url: '/api/data/counterparty', payload: { brand: 'Automation check' } });
    expect(counterparty.statusCode).toBe(201);
    const created = await server.as('admin', { method: 'POST', url: '/api/data/deal', payload: { title: 'Won at once', counterparty: (counterparty.json() as { id: string }).id, stage: 'won' } });
    expect(created.statusCode).toBe(201);
    const deal = (await server.as('admin', { method: 'GET', url: `/api/data/deal/${(created.json() as { id: string }).id}` })).json() as { description: string | null; actualCloseDate: string | null };
    expect(deal.description).toBe('Closed by automation');
    expect(deal.actualCloseDate).not.toBeNull();
    // An open deal does not match the condition: untouched.
    const open = await server.as('admin', { method: 'POST', url: '/api/data/deal', payload: { title: 'Still open', counterparty: (counterparty.json() as { id: string }).id, stage: 'proposal' } });
    expect((open.json() as { description: string | null }).description ?? null).toBeNull();
  });
});
