// Issue 11: rename with references updated, delete refused while referenced, template upload.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { screenshot, studioSignIn, type UiServer } from '../helpers/browser.js';
import { docx } from '../helpers/metadata-fixture.js';
import { startStudio, type StudioFixture } from '../helpers/studio-fixture.js';

jest.setTimeout(120_000);

let studio: StudioFixture;
let dir: string;
let server: UiServer;
let page: Page;

const gitIn = (...args: string[]) => studio.git(...args);

beforeAll(async () => {
  studio = await startStudio('refs-ui', { consult: ['consultant'] });
  ({ dir, server } = studio);
  page = await studioSignIn(studio.browser, server, 'consult', { width: 1440, height: 900 });
  await page.getByTestId('explorer').waitFor();
}, 180_000);

afterAll(async () => {
  await studio?.close();
});

describe('studio references', () => {
  it('renames a field in the designer; the git diff shows every referencing file changed', async () => {
    const referencing = ((await server.as('consult', { method: 'GET', url: '/api/studio/references?kind=entity&name=document&field=approvalStatus' })).json() as { references: Array<{ file: string }> }).references.map((r) => r.file);
    const files = [...new Set(referencing)].sort();
    expect(files.length).toBeGreaterThan(1);
    await page.getByTestId('explorer-entities/document.json').click();
    await page.getByTestId('field-rename-approvalStatus').click();
    await page.getByTestId('rename-input').fill('reviewStatus');
    await page.getByTestId('rename-ok').click();
    await page.getByTestId('field-rename-reviewStatus').waitFor();
    await page.getByTestId('tab-references').click();
    await page.getByTestId('references-panel').waitFor();
    await screenshot(page, 'studio-references');
    await page.getByTestId('nav-git').click();
    const diff = page.getByTestId('git-diff').filter({ hasText: 'reviewStatus' });
    await diff.waitFor();
    const text = (await diff.textContent()) ?? '';
    for (const file of files) expect(text).toContain(`+++ b/${file}`);
    expect(text).not.toMatch(/^\+.*\bapprovalStatus\b/m);
    gitIn('checkout', '--', '.');
  });

  it('refuses to delete a referenced entity and shows the references', async () => {
    await page.getByTestId('explorer-entities/counterparty.json').click({ button: 'right' });
    // The context menu opens under the pointer, over the explorer, and animates in: click its entry directly.
    await page.getByTestId('action-delete').dispatchEvent('click');
    await page.getByTestId('delete-ok').click();
    const refused = page.getByTestId('delete-refused');
    await refused.waitFor();
    await expect(refused.getByTestId('reference').count()).resolves.toBeGreaterThan(3);
    expect(await refused.textContent()).toContain('entities/deal.json');
    await screenshot(page, 'studio-delete-refused');
    expect(await readFile(path.join(dir, 'entities/counterparty.json'), 'utf8')).toContain('"counterparty"');
    await page.keyboard.press('Escape');
    await refused.waitFor({ state: 'hidden' });
  });

  it('uploads a template and shows its unknown placeholders', async () => {
    const upload = path.join(studio.repo, 'upload.docx');
    await writeFile(upload, docx(['Act {{number}}', 'Signed by {{noSuchField}}']));
    await page.getByTestId('explorer').getByText(/^Templates \(/).click();
    await page.getByTestId('explorer-templates/act.docx').click();
    await page.getByTestId('template-page').waitFor();
    await page.getByTestId('template-file').setInputFiles(upload);
    await page.getByTestId('template-upload').click();
    const problems = page.getByTestId('template-problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('noSuchField');
  });
});
