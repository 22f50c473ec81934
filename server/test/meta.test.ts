import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import type { AppMeta, EntityMeta, EntitySummaryMeta } from '../src/api/meta.routes.js';
import { metaRoutes } from '../src/api/meta.routes.js';
import { openapiRoutes } from '../src/api/openapi.routes.js';
import { createSchema, patchSchema, recordSchema } from '../src/api/record-schemas.js';
import type { CompiledModel, EntityModel } from '../src/compile/compile.js';
import { loadModel } from '../src/compile/load-model.js';
import { readConfig } from '../src/config.js';
import { ModelHolder } from '../src/runtime/model-holder.js';

let model: CompiledModel;
let app: FastifyInstance;

beforeAll(async () => {
  const loaded = await loadModel(fileURLToPath(new URL('../../metadata/', import.meta.url)));
  model = loaded.model as CompiledModel;
  app = await buildApp({ db: undefined as never, models: new ModelHolder(model), config: readConfig({}, process.cwd()), target: {} as never }, [openapiRoutes, metaRoutes]);
});

afterAll(async () => {
  await app.close();
});

const entity = (name: string) => model.entities.get(name) as EntityModel;

async function getJson<T>(url: string): Promise<{ status: number; type: string | undefined; body: T }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, type: response.headers['content-type'] as string | undefined, body: response.json() as T };
}

describe('GET /api/meta', () => {
  let meta: AppMeta;
  let counterparty: EntitySummaryMeta;
  let deal: EntitySummaryMeta;
  beforeAll(async () => {
    const response = await getJson<AppMeta>('/api/meta');
    expect(response.status).toBe(200);
    meta = response.body;
    counterparty = meta.entities.find((e) => e.name === 'counterparty') as EntitySummaryMeta;
    deal = meta.entities.find((e) => e.name === 'deal') as EntitySummaryMeta;
  });

  it('describes the application', () => {
    expect(meta).toMatchObject({ hash: model.hash, app: { name: 'crm', label: { en: 'Cardo CRM' } }, locales: ['ru', 'en'], defaultLocale: 'ru', currency: 'RUB', phoneRegion: 'RU' });
    expect(meta.menu.map((s) => s.name)).toEqual(['clients', 'sales', 'documents', 'calendar', 'tasks', 'reports', 'settings']);
    expect(meta.entities.map((e) => e.name)).toEqual([...model.entities.keys()]);
  });

  it('gives each entity its labels, title and fields', () => {
    expect(counterparty).toMatchObject({ label: { en: 'Counterparty', ru: 'Контрагент' }, pluralLabel: { en: 'Counterparties' }, icon: 'building', titleField: 'brand', system: false });
    expect(counterparty.fields.find((f) => f.name === 'brand')).toMatchObject({ type: 'string', required: true, readOnly: false, hidden: false, maxLength: 200 });
    expect(counterparty.fields.find((f) => f.name === 'createdAt')).toMatchObject({ type: 'datetime', readOnly: true, system: true });
    expect(counterparty.fields.find((f) => f.name === 'owner')).toMatchObject({ type: 'user', target: 'sys_user', readOnly: false });
    expect(counterparty.fields.find((f) => f.name === 'status')?.options?.[0]).toEqual({ value: 'potential', label: { en: 'Potential', ru: 'Потенциальный' }, color: '#1677ff' });
    expect(deal.fields.find((f) => f.name === 'counterparty')).toMatchObject({ type: 'reference', target: 'counterparty', required: true });
    expect(deal.fields.find((f) => f.name === 'actualCloseDate')).toMatchObject({ readOnly: true });
  });

  it('gives stages with probabilities and the stage field their options', () => {
    expect(deal.stages.map((s) => [s.value, s.probability])).toEqual(entity('deal').stages.map((s) => [s.value, s.probability]));
    expect(deal.fields.find((f) => f.name === 'stage')?.options?.map((o) => o.value)).toEqual(entity('deal').stages.map((s) => s.value));
  });

  it('gives lists with their legend, not their conditions', () => {
    const all = counterparty.lists[0];
    expect(all).toMatchObject({ name: 'all', columns: expect.arrayContaining(['brand', 'owner']), sort: 'brand', groupBy: ['status', 'owner', 'industry', 'segment'] });
    expect(all?.quickFilters[0]).toEqual({ name: 'mine', label: { en: 'Mine', ru: 'Мои' } });
    expect(all?.colorRules[0]).toEqual({ color: '#f5222d', label: { en: 'Blacklisted', ru: 'В чёрном списке' } });
    expect(JSON.stringify(counterparty.lists)).not.toContain('"when"');
  });

  it('gives the form tabs', () => {
    expect(counterparty.form.tabs.map((t) => t.name)).toEqual(['main', 'contacts', 'deals', 'interactions', 'documents', 'links', 'history']);
    expect(counterparty.form.tabs[0]?.sections?.[0]?.fields[0]).toBe('brand');
  });
});

describe('GET /api/meta/entities/:entity', () => {
  it('gives the JSON Schemas the API validates with', async () => {
    const { status, body } = await getJson<EntityMeta>('/api/meta/entities/counterparty');
    expect(status).toBe(200);
    expect(body.schema).toEqual(createSchema(entity('counterparty')));
    expect(body.patchSchema).toEqual(patchSchema(entity('counterparty')));
    expect(body.recordSchema).toEqual(recordSchema(entity('counterparty')));
    expect(body.lists.map((l) => l.name)).toEqual(['all', 'my', 'key']);
    expect(body.form.tabs[0]?.name).toBe('main');
  });

  it('orders the uiSchema by the form and hints widgets per type', async () => {
    const { body } = await getJson<EntityMeta>('/api/meta/entities/counterparty');
    const ui = body.uiSchema as Record<string, Record<string, unknown>> & { 'ui:order': string[] };
    expect(ui['ui:order']).toEqual(['brand', 'legalName', 'inn', 'status', 'industry', 'segment', 'source', 'owner', 'phone', 'phone2', 'email', 'website', 'preferredChannel', 'address', 'wishes', '*']);
    expect(ui.wishes?.['ui:widget']).toBe('textarea');
    expect(ui.email?.['ui:widget']).toBe('email');
    expect(ui.website?.['ui:widget']).toBe('uri');
    expect(ui.phone).toMatchObject({ 'ui:widget': 'phone', 'ui:options': { region: 'RU' } });
    expect(ui.owner).toMatchObject({ 'ui:widget': 'user', 'ui:options': { target: 'sys_user' } });
    expect(ui.status).toMatchObject({ 'ui:widget': 'enumColor', 'ui:options': { colors: { potential: '#1677ff' } } });
    expect(ui.industry?.['ui:widget']).toBeUndefined();
    // the enum names pair with the nullable enum, null last
    expect(ui.status?.['ui:enumNames']).toEqual(['Потенциальный', 'Действующий', 'Ключевой', 'Неактивный', 'В чёрном списке', '']);
    expect(ui.brand?.['ui:title']).toBe('Бренд');
    expect(ui.brand?.['ui:help']).toContain('Ромашка');
    expect(ui).not.toHaveProperty('createdAt');
  });

  it.each([
    ['deal', 'amount', { 'ui:widget': 'money', 'ui:options': { currency: 'RUB', scale: 2 } }],
    ['deal', 'stage', { 'ui:widget': 'stage' }],
    ['deal', 'counterparty', { 'ui:widget': 'reference', 'ui:options': { target: 'counterparty' } }],
    ['deal', 'expectedCloseDate', { 'ui:widget': 'date' }],
    ['interaction', 'plannedAt', { 'ui:widget': 'date-time' }],
    ['document', 'file', { 'ui:widget': 'file', 'ui:options': { target: 'sys_file' } }],
    ['sys_task', 'instanceId', { 'ui:widget': 'hidden' }],
  ])('%s.%s gets %j', async (name, field, expected) => {
    const { body } = await getJson<EntityMeta>(`/api/meta/entities/${name}`);
    expect((body.uiSchema as Record<string, unknown>)[field]).toMatchObject(expected);
  });

  it('leaves read-only fields out of the order rjsf would refuse', async () => {
    const { body } = await getJson<EntityMeta>('/api/meta/entities/deal');
    const order = (body.uiSchema as { 'ui:order': string[] })['ui:order'];
    expect(order).not.toContain('actualCloseDate');
    expect(order.filter((n) => n !== '*').every((n) => n in (body.schema as { properties: object }).properties)).toBe(true);
  });

  it('speaks the language asked for', async () => {
    const { body } = await getJson<EntityMeta>('/api/meta/entities/counterparty?locale=en');
    expect(body.locale).toBe('en');
    expect((body.uiSchema as Record<string, Record<string, unknown>>).brand?.['ui:title']).toBe('Brand');
  });

  it('refuses a locale the application does not have', async () => {
    const { status, type, body } = await getJson<{ code: string; errors: unknown[] }>('/api/meta/entities/counterparty?locale=de');
    expect(status).toBe(400);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ code: 'CARDO_ERR_API_VALIDATION', errors: [{ path: '/query/locale', message: '"locale" must be one of: ru, en.' }] });
  });

  it.each(['nope', '__proto__', 'constructor', 'Counterparty'])('answers 404 problem+json for the unknown entity %s', async (name) => {
    const { status, type, body } = await getJson<{ code: string; status: number; detail: string }>(`/api/meta/entities/${name}`);
    expect(status).toBe(404);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body).toMatchObject({ status: 404, code: 'CARDO_ERR_API_UNKNOWN_ENTITY', detail: `There is no entity "${name}".` });
  });

  it('refuses an over-long entity name before looking it up', async () => {
    const { status, body } = await getJson<{ code: string }>(`/api/meta/entities/${'x'.repeat(65)}`);
    expect(status).toBe(400);
    expect(body.code).toBe('CARDO_ERR_API_VALIDATION');
  });
});
