import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Entity } from '../src/generated/metadata.js';
import { APP_METADATA_DIR, loadTestModel } from './helpers/app-db.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** POST /api/studio/preview/entities/:name: the card form of an unsaved draft, compiled with the files on disk. */
let t: TestApp;
let deal: Entity;

beforeAll(async () => {
  t = await createTestApp({ model: await loadTestModel(APP_METADATA_DIR), env: { CARDO_METADATA_DIR: APP_METADATA_DIR } });
  await t.login('consult', ['consultant']);
  await t.login('seller', ['sales_manager']);
  deal = JSON.parse(await readFile(path.join(APP_METADATA_DIR, 'entities/deal.json'), 'utf8')) as Entity;
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const preview = (json: unknown, login = 'consult', name = 'deal') => t.as(login, { method: 'POST', url: `/api/studio/preview/entities/${name}`, payload: { json, locale: 'en' } as object });

describe('studio form preview', () => {
  it('answers the schema and uiSchema the runtime would use for the draft, tabs included', async () => {
    // expectedCloseDate moves from the main tab to a new one (a field has one place on the form).
    const main = deal.form.tabs.map((tab) => ({ ...tab, ...(tab.sections ? { sections: tab.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f !== 'expectedCloseDate') })) } : {}) }));
    const draft: Entity = { ...deal, form: { tabs: [...main, { name: 'terms', label: { en: 'Terms', ru: 'Условия' }, sections: [{ name: 'dates', label: { en: 'Dates' }, fields: ['expectedCloseDate'] }] }] } };
    const r = await preview(draft);
    expect(r.statusCode).toBe(200);
    const body = r.json() as { valid: boolean; meta: { schema: { properties: Record<string, unknown> }; uiSchema: Record<string, { 'ui:title'?: string }>; form: { tabs: Array<{ name: string }> } } };
    expect(body).toMatchObject({ valid: true, problems: [] });
    expect(body.meta.form.tabs.map((tab) => tab.name)).toContain('terms');
    expect(body.meta.schema.properties).toHaveProperty('expectedCloseDate');
    expect(body.meta.uiSchema.title?.['ui:title']).toBe('Title');
  });

  it('reports the draft\'s problems instead of a form when it does not compile', async () => {
    const draft = { ...deal, stages: deal.stages?.map((s, i) => (i === 0 ? { ...s, probability: 150 } : s)) };
    const r = await preview(draft);
    expect(r.statusCode).toBe(200);
    const body = r.json() as { valid: boolean; meta?: unknown; problems: Array<{ file: string; pointer: string }> };
    expect(body.valid).toBe(false);
    expect(body.meta).toBeUndefined();
    expect(body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'entities/deal.json', pointer: '/stages/0/probability' })]));
  });

  it('refuses other roles, and bodies that are not {json: object}', async () => {
    expect((await preview(deal, 'seller')).statusCode).toBe(403);
    const bad = await t.as('consult', { method: 'POST', url: '/api/studio/preview/entities/deal', payload: { json: [] } as object });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { code: string }).code).toBe('CARDO_ERR_API_VALIDATION');
    expect((await preview(deal, 'consult', 'Bad-Name')).statusCode).toBe(400);
  });
});
