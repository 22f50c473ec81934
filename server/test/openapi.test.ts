import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import ts from 'typescript';
import { buildApp } from '../src/api/app.js';
import { toClientTypes, writeClientTypes } from '../src/api/client-types.js';
import { metaRoutes } from '../src/api/meta.routes.js';
import { toOpenApi, type OpenApiDocument } from '../src/api/openapi.js';
import { openapiRoutes } from '../src/api/openapi.routes.js';
import type { CompiledModel } from '../src/compile/compile.js';
import { loadModel } from '../src/compile/load-model.js';
import { readConfig } from '../src/config.js';
import { ModelHolder } from '../src/runtime/model-holder.js';

let model: CompiledModel;
let app: FastifyInstance;
let doc: OpenApiDocument;
const dirs: string[] = [];

beforeAll(async () => {
  const loaded = await loadModel(fileURLToPath(new URL('../../metadata/', import.meta.url)));
  model = loaded.model as CompiledModel;
  doc = toOpenApi(model);
  app = await buildApp({ db: undefined as never, models: new ModelHolder(model), config: readConfig({}, process.cwd()), target: {} as never }, [openapiRoutes, metaRoutes]);
});

afterAll(async () => {
  await app.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

type Parameter = { name: string; in: string };
type Operation = { operationId: string; responses: Record<string, unknown>; parameters?: Array<Parameter | { $ref: string }>; security?: unknown[] };
const METHODS = ['get', 'post', 'patch', 'put', 'delete'];
function operations(document: OpenApiDocument): Array<[string, string, Operation]> {
  return Object.entries(document.paths).flatMap(([p, item]) => Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([m, op]) => [p, m, op as Operation] as [string, string, Operation]));
}

/**
 * @apidevtools/swagger-parser in a plain Node process: it require()s an ESM-only
 * json-schema-ref-parser, which Node 20.19 loads but Jest's CommonJS loader cannot.
 */
function swaggerParserValidate(document: unknown) {
  const script = `
    const { default: SwaggerParser } = await import('@apidevtools/swagger-parser');
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    await SwaggerParser.validate(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    console.log('valid');`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: JSON.stringify(document), encoding: 'utf8', cwd: process.cwd() });
}

function resolve(parameter: Parameter | { $ref: string }): Parameter {
  if (!('$ref' in parameter)) return parameter;
  return (doc.components.parameters as Record<string, Parameter>)[parameter.$ref.replace('#/components/parameters/', '')] as Parameter;
}

describe('toOpenApi', () => {
  it('passes a third-party OpenAPI 3.1 validator', () => {
    const run = swaggerParserValidate(doc);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('valid');
    expect(doc.openapi).toBe('3.1.0');
  });

  it('fails that validator when broken', () => {
    const broken = structuredClone(doc);
    delete ((broken.paths['/api/data/deal'] as Record<string, Operation>).get?.responses['200'] as { description?: string }).description;
    const run = swaggerParserValidate(broken);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/description/);
  });

  it('has unique operation ids', () => {
    const ids = operations(doc).map(([, , op]) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['listCounterparty', 'createCounterparty', 'getCounterparty', 'updateCounterparty', 'deleteCounterparty', 'findCounterpartyDuplicates', 'listKpiPlan', 'getSysUser', 'login', 'getMeta']));
  });

  it('describes every entity with its four schemas and its paths', () => {
    const schemas = doc.components.schemas;
    for (const stem of ['Counterparty', 'Contact', 'Deal', 'Document', 'Interaction', 'KpiPlan', 'SysUser']) {
      for (const suffix of ['', 'Create', 'Patch', 'List']) expect(schemas).toHaveProperty(`${stem}${suffix}`);
    }
    for (const name of model.entities.keys()) {
      for (const suffix of ['', '/duplicates', '/{id}', '/{id}/history', '/{id}/links', '/{id}/related/{relation}']) expect(doc.paths).toHaveProperty(`/api/data/${name}${suffix}`);
    }
    for (const p of ['/api/auth/login', '/api/auth/logout', '/api/auth/me', '/api/meta', '/api/meta/entities/{entity}', '/api/links', '/health', '/ready']) expect(doc.paths).toHaveProperty([p]);
    expect(schemas.CounterpartyCreate).toMatchObject({ required: ['brand'], additionalProperties: false });
    expect((schemas.Counterparty as { properties: Record<string, unknown> }).properties.brand).toMatchObject({ description: 'Brand — The name the client is known by, e.g. Romashka.' });
  });

  it('answers errors as problem+json, with If-Match and confirm where they apply', () => {
    const update = (doc.paths['/api/data/deal/{id}'] as Record<string, Operation>).patch as Operation;
    expect(Object.keys(update.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '412', '428']);
    expect(update.parameters?.map(resolve).map((p) => `${p.in}:${p.name}`)).toEqual(['header:If-Match', 'query:confirm']);
    const list = (doc.paths['/api/data/deal'] as Record<string, Operation>).get as Operation;
    expect(list.parameters?.map(resolve).map((p) => p.name)).toEqual(['filter', 'sort', 'limit', 'offset', 'q', 'fields', 'view', 'quickFilter', 'groupBy']);
    expect((doc.components.responses as Record<string, { content: Record<string, unknown> }>).PreconditionFailed?.content).toHaveProperty(['application/problem+json']);
  });

  it('requires a session except where it cannot', () => {
    expect(doc.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    const open = operations(doc).filter(([, , op]) => Array.isArray(op.security) && op.security.length === 0).map(([p]) => p);
    expect(open.sort()).toEqual(['/api/auth/login', '/api/calendar.ics', '/api/openapi.json', '/health', '/ready']);
  });

  it('is the same for the same model', () => {
    expect(JSON.stringify(toOpenApi(model))).toBe(JSON.stringify(doc));
    expect(toOpenApi(model, { serverUrl: 'https://crm.example.com' }).servers).toEqual([{ url: 'https://crm.example.com' }]);
  });
});

describe('GET /api/openapi.json', () => {
  it('serves the document with the metadata hash as ETag', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers.etag).toBe(`"${model.hash}-all"`);
    expect(response.json()).toEqual(doc);
    const again = await app.inject({ method: 'GET', url: '/api/openapi.json', headers: { 'if-none-match': `"${model.hash}-all"` } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });
});

describe('Swagger UI', () => {
  it('redirects /api/docs to the page', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/docs' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('docs/');
  });

  it('serves a page that loads Swagger UI with /api/openapi.json', async () => {
    const page = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<script src="swagger-ui-bundle.js"></script>');
    expect(page.body).not.toMatch(/<script>/);
    const init = await app.inject({ method: 'GET', url: '/api/docs/cardo-init.js' });
    expect(init.body).toContain("new URL('../openapi.json', window.location.href)");
    expect(new URL('../openapi.json', 'http://localhost/api/docs/').pathname).toBe('/api/openapi.json');
  });

  it.each([['swagger-ui-bundle.js', /javascript/], ['swagger-ui.css', /text\/css/]])('serves %s from swagger-ui-dist', async (file, type) => {
    const response = await app.inject({ method: 'GET', url: `/api/docs/${file}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(type);
    expect(response.body.length).toBeGreaterThan(1000);
  });

  it.each(['index.html', 'swagger-initializer.js', 'package.json', '../../package.json', '%2e%2e/%2e%2e/package.json'])('does not serve %s', async (file) => {
    const response = await app.inject({ method: 'GET', url: `/api/docs/${file}` });
    expect([403, 404]).toContain(response.statusCode);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('client types', () => {
  it('are generated, marked as such, and type-check integrator code', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cardo-types-'));
    dirs.push(dir);
    const file = path.join(dir, 'cardo-types.ts');
    await writeClientTypes(model, file);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(await toClientTypes(model));
    expect(text.split('\n')[0]).toMatch(/^\/\/ Generated by `cardo types` .* — do not edit\.$/);
    for (const name of ['Counterparty', 'CounterpartyCreate', 'CounterpartyPatch', 'KpiPlan', 'SysUser']) expect(text).toContain(`export interface ${name} {`);

    await writeFile(
      path.join(dir, 'use.ts'),
      [
        "import type { CounterpartyCreate, CounterpartyPatch, Deal, Entities, RecordList } from './cardo-types.js';",
        "export const ok: CounterpartyCreate = { brand: 'Ромашка', status: 'active', owner: null };",
        "export const patch: CounterpartyPatch = { version: 2, inn: null };",
        "export const amount = (deal: Deal): number | null | undefined => deal.amount;",
        "export const page: RecordList<Entities['deal']['record']> = { items: [], total: 0, limit: 50, offset: 0 };",
        '// @ts-expect-error brand is required',
        "export const missing: CounterpartyCreate = { inn: '7701234567' };",
        '// @ts-expect-error status is one of the options',
        "export const wrong: CounterpartyCreate = { brand: 'x', status: 'gone' };",
        '// @ts-expect-error system fields are not writable',
        "export const system: CounterpartyCreate = { brand: 'x', createdAt: '2025-01-01T00:00:00Z' };",
        '',
      ].join('\n'),
    );
    const program = ts.createProgram([path.join(dir, 'use.ts')], { strict: true, noEmit: true, skipLibCheck: true, lib: ['lib.es2022.d.ts'], module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  }, 60_000);
});
