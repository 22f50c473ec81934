/**
 * Bad-input fuzzing of every route (issue 13, item 1). The routes come from the generated
 * OpenAPI document (every entity of the compiled model, application and system) plus the
 * routes it does not describe (users, studio). fast-check builds requests with wrong types,
 * huge strings, deep nesting, unicode edge cases, prototype-pollution keys, SQL and
 * condition-language injection and lying or junk headers. Every refused request must be a
 * 4xx problem+json with a registered code and no stack or SQL in it, nothing may be a 5xx,
 * and a refused write must leave every table as it was (row counts and checksums).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { EntityModel } from '../../src/compile/compile.js';
import { createDepartment, createOrgUser, sampleValues, seedRecord } from '../helpers/access-org.js';
import { changedTables, dbChecksum, leaks, problemFaults, report, scale, SEED } from '../helpers/reliability.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

jest.setTimeout(scale(120_000, 1_800_000));

/** Runs per property and entity; the long mode tries many more. */
const RUNS = scale(10, 150);

let t: TestApp;
let admin: { id: string; token: string };
let manager: { id: string; token: string };
let entities: EntityModel[];
/** One existing record per entity (for the :id routes), and the sales manager's own ones. */
const existing = new Map<string, string>();
const ownByManager = new Map<string, Set<string>>();
let paths: Array<{ path: string; methods: string[] }> = [];
let refs: Record<string, string>;
let tried = 0;
let fives = 0;

beforeAll(async () => {
  t = await createTestApp();
  const { db, model } = t;
  const dept = await createDepartment(db, 'Fuzz', null);
  admin = await createOrgUser(db, 'fuzz_admin', ['administrator'], { department: dept });
  manager = await createOrgUser(db, 'fuzz_manager', ['sales_manager'], { department: dept });
  const other = await createOrgUser(db, 'fuzz_other', ['sales_manager']);
  entities = [...model.entities.values()];
  const counterparty = model.entities.get('counterparty') as EntityModel;
  refs = { counterparty: await seedRecord(db, model, counterparty, other.id, {}) };
  for (const entity of entities.filter((e) => !e.system)) {
    existing.set(entity.name, await seedRecord(db, model, entity, other.id, refs));
    ownByManager.set(entity.name, new Set([await seedRecord(db, model, entity, manager.id, refs)]));
  }
  for (const entity of entities.filter((e) => e.system)) {
    const [row] = await db.query<{ id: string }>(`SELECT id FROM "${entity.table}" LIMIT 1`);
    if (row) existing.set(entity.name, row.id);
  }
  const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: bearer(admin.token) })).json() as { paths: Record<string, Record<string, unknown>> };
  paths = Object.entries(doc.paths).map(([path, ops]) => ({ path, methods: Object.keys(ops).filter((m) => m !== 'parameters') }));
}, 120_000);

afterAll(async () => {
  report(import.meta.filename, { inputsTried: tried, responses5xx: fives });
  await t?.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function send(options: InjectOptions): Promise<LightMyRequestResponse> {
  tried += 1;
  const started = Date.now();
  const r = await t.app.inject(options);
  if (process.env.SLOWLOG && Date.now() - started > 300) console.log(Date.now() - started, r.statusCode, options.method, String(options.url).slice(0, 200), String(options.payload ?? '').slice(0, 100));
  if (r.statusCode >= 500) fives += 1;
  return r;
}

/** Percent-encodes the UTF-8 bytes (lone surrogates become U+FFFD, as a browser would send them). */
function enc(text: string): string {
  return encodeURIComponent((text as string & { toWellFormed(): string }).toWellFormed());
}

// ---- the arbitraries ------------------------------------------------------------------------

const EDGE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDC00y', '\u202Eevil\u202C', '\u05E9\u05DC\u05D5\u05DD', 'e\u0301\u0301\u0301', '\uFEFF', '\u200B', '\uFFFF', '😀', '\u{10FFFF}',
  "' OR 1=1 --", '"; DROP TABLE contact; --', "'); DELETE FROM sys_user; --", '$1', '\\', '%', '_', '%_%', "\\'", '1; SELECT pg_sleep(1)', 'name"--', 'ctid', 'true', 'null', 'NaN', '-0', '1e309',
  '{{constructor.constructor}}', '${process.exit()}', '__proto__', 'constructor', 'prototype', '$me', '$now', '$today', '<script>alert(1)</script>', '../../../etc/passwd', '%00', '%E0%A4%A',
];

const junkString = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(300, 9_000, 70_000).map((n) => 'x'.repeat(n)),
);

const hugeNumber = fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, -1e308, 5e-324, -0, 0.1, Number('123456789012345678901234567890'));

/** Keys: dangerous ones, operators, junk, and (filled in per entity) real field names. */
const baseKeys = ['__proto__', 'constructor', 'prototype', '$or', '$and', '$not', '$where', '$regex', '$gt', '$in', '$eq', '$contains', '$null', 'id', 'version', 'owner', 'a.b.c', 'owner.name.x', ''];

function jsonJunk(keys: readonly string[]): fc.Arbitrary<unknown> {
  const key = fc.oneof(fc.constantFrom(...keys), fc.string({ unit: 'binary', maxLength: 12 }));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      junkString,
      hugeNumber,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    ),
  }));
  return value;
}

/** A condition nested `depth` levels, far beyond what a condition may be. */
const deepCondition = fc.constantFrom(10, 40, 200, 2_000).map((depth) => {
  let c: unknown = { id: { $ne: null } };
  for (let i = 0; i < depth; i++) c = i % 3 === 0 ? { $and: [c] } : i % 3 === 1 ? { $or: [c, { id: { $null: true } }] } : { $not: c };
  return c;
});
/** Deeply nested arrays as raw text (the JSON parser itself must not blow the stack). */
const deepText = fc.constantFrom(1_000, 20_000).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);

function fieldKeys(entity: EntityModel): string[] {
  return [...baseKeys, ...entity.fields.map((f) => f.name), ...entity.fields.filter((f) => f.type === 'reference').map((f) => `${f.name}.owner`)];
}

function filterText(entity: EntityModel): fc.Arbitrary<string> {
  const keys = fieldKeys(entity);
  return fc.oneof(
    jsonJunk(keys).map((v) => JSON.stringify(v)),
    fc.record({ f: fc.constantFrom(...keys), op: fc.constantFrom('$eq', '$ne', '$in', '$nin', '$gt', '$lte', '$contains', '$startsWith', '$null', '$regex', '$where'), v: jsonJunk(keys) }).map(({ f, op, v }) => JSON.stringify({ [f]: { [op]: v } })),
    deepCondition.map((c) => JSON.stringify(c)),
    deepText,
    junkString,
    fc.constant('{"__proto__":{"polluted":true}}'),
    fc.constant('{"constructor":{"prototype":{"polluted":true}}}'),
  );
}

function listQuery(entity: EntityModel): fc.Arbitrary<string> {
  const keys = fieldKeys(entity);
  const value = fc.oneof(junkString, fc.constantFrom(...keys), fc.constantFrom(...keys).map((k) => `-${k}`), fc.array(fc.constantFrom(...keys), { maxLength: 8 }).map((a) => a.join(',')), hugeNumber.map(String));
  return fc
    .record(
      {
        filter: filterText(entity),
        sort: value,
        q: junkString,
        fields: value,
        groupBy: value,
        limit: value,
        offset: value,
        view: value,
        quickFilter: value,
        titles: value,
        confirm: value,
        junk: value,
      },
      { requiredKeys: [] },
    )
    .chain((params) => fc.boolean().map((repeat) => Object.entries(params).flatMap(([k, v]) => (repeat ? [`${k}=${enc(String(v))}`, `${k}=${enc(String(v))}`] : [`${k}=${enc(String(v))}`])).join('&')));
}

/** A body that cannot be a valid create/patch: junk values around at least one certain fault. */
function badBody(entity: EntityModel): fc.Arbitrary<{ payload: string; contentType: string }> {
  const keys = fieldKeys(entity);
  const stored = entity.fields.filter((f) => !f.system && f.columnType !== undefined && f.type !== 'formula');
  const wrongTyped = fc.record({ field: fc.constantFrom(...stored.map((f) => f.name)), value: fc.oneof(fc.dictionary(fc.constantFrom(...keys), jsonJunk(keys), { minKeys: 1, maxKeys: 3 }), fc.constant({ $gt: 1 })) });
  const asJson = (body: unknown) => ({ payload: JSON.stringify(body), contentType: 'application/json' });
  const record = fc.dictionary(fc.constantFrom(...keys), jsonJunk(keys), { maxKeys: 6 });
  return fc.oneof(
    // A stored field given an object: no field type accepts one.
    fc.tuple(record, wrongTyped).map(([body, { field, value }]) => asJson({ ...body, [field]: value })),
    // Keys that could reach a prototype, as raw JSON text (JSON.stringify would drop __proto__).
    fc.tuple(record, fc.constantFrom('"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"x":1}}', '"a":{"__proto__":{"b":1}}')).map(([body, bad]) => ({ payload: `{${bad}${Object.keys(body).length ? `,${JSON.stringify(body).slice(1, -1)}` : ''}}`, contentType: 'application/json' })),
    // Not an object, not JSON, or not what the content type says.
    fc.oneof(jsonJunk(keys).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), fc.array(record, { maxLength: 3 })).map((v) => asJson(v)),
    fc.constantFrom('{', '{"a":}', '{"a":1,}', "{'a':1}", 'NaN', '\uFEFF{}x', '{"a":"\\uD800"', '<xml/>', '\u0000').map((payload) => ({ payload, contentType: 'application/json' })),
    deepText.map((payload) => ({ payload, contentType: 'application/json' })),
    fc.tuple(record, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'application/json; charset=utf-7')).map(([body, contentType]) => ({ payload: JSON.stringify(body), contentType })),
    // Over the 1 MB body limit.
    fc.constant({ payload: JSON.stringify({ name: 'x'.repeat(1_100_000) }), contentType: 'application/json' }),
    // An unknown field name (the record schema admits only declared fields).
    fc.tuple(record, fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).filter((k) => !entity.field.has(k) && k !== '__proto__' && k !== 'constructor' && k !== 'version')).map(([body, k]) => asJson({ ...body, [k]: 1 })),
  );
}

const junkHeaders = fc.record(
  {
    'if-match': fc.oneof(junkString, fc.constantFrom('*', 'W/"x"', '"0"', '-1', '1.5', '0x10', '1e3', '99999999999999999999', '"2", "3"')),
    'content-type': fc.constantFrom('application/json', 'application/json;;', 'text/html', '', 'application/problem+json'),
    'x-requested-with': junkString,
    accept: fc.constantFrom('*/*', 'application/xml', 'text/csv', '\u0000'),
    'x-forwarded-for': junkString,
    cookie: fc.oneof(junkString, fc.constant(`cardo_session=${'a'.repeat(43)}`)),
    'x-huge': fc.constant('h'.repeat(16_000)),
  },
  { requiredKeys: [] },
);

/** Header values Node would refuse to send (control characters, non-latin1) are left out. */
function sendable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v)));
}

function expectRefused(r: LightMyRequestResponse, what: string) {
  const faults = problemFaults(r);
  if (faults.length > 0) throw new Error(`${what}: ${faults.join('; ')}`);
}

/** A request that may succeed (reads) must not be a 5xx, must not leak, and when refused must be a proper problem. */
function expectAnsweredOrRefused(r: LightMyRequestResponse, what: string) {
  if (r.statusCode >= 400) return expectRefused(r, what);
  const leaked = leaks(r.body.slice(0, 200_000));
  // A 200 may echo data the caller stored; only a stack frame would be a fault here.
  if (r.statusCode >= 500 || leaked.some((l) => l.startsWith('leaks stack'))) throw new Error(`${what}: ${r.statusCode} ${leaked.join('; ')}`);
}

const params = { seed: SEED, numRuns: RUNS, endOnFailure: true };

// ---- the properties -------------------------------------------------------------------------

describe('every entity route refuses bad input with a 4xx problem and changes nothing', () => {
  it('covers every entity and route the OpenAPI document lists', () => {
    expect(entities.length).toBeGreaterThanOrEqual(10);
    for (const entity of entities) expect(paths.some((p) => p.path === `/api/data/${entity.name}/{id}`)).toBe(true);
  });

  it('list, export and duplicates: junk query strings and bodies (reads: answered or refused, never a 5xx, no write)', async () => {
    const before = await dbChecksum(t.db);
    for (const entity of entities) {
      await fc.assert(
        fc.asyncProperty(listQuery(entity), fc.constantFrom('', '/export.xlsx'), async (query, suffix) => {
          const r = await send({ method: 'GET', url: `/api/data/${entity.name}${suffix}?${query}`, headers: bearer(admin.token) });
          expectAnsweredOrRefused(r, `GET ${entity.name}${suffix}?${query.slice(0, 300)}`);
        }),
        params,
      );
      await fc.assert(
        fc.asyncProperty(badBody(entity), async ({ payload, contentType }) => {
          const r = await send({ method: 'POST', url: `/api/data/${entity.name}/duplicates`, payload, headers: { ...bearer(admin.token), 'content-type': contentType } });
          expectAnsweredOrRefused(r, `POST ${entity.name}/duplicates ${payload.slice(0, 200)}`);
        }),
        params,
      );
    }
    expect(changedTables(before, await dbChecksum(t.db))).toEqual([]);
  });

  it('list filters cannot widen a scope: a sales manager sees only own records whatever the filter', async () => {
    for (const entity of entities.filter((e) => !e.system)) {
      const own = ownByManager.get(entity.name) as Set<string>;
      await fc.assert(
        fc.asyncProperty(listQuery(entity), async (query) => {
          const r = await send({ method: 'GET', url: `/api/data/${entity.name}?${query}`, headers: bearer(manager.token) });
          expectAnsweredOrRefused(r, `GET ${entity.name}?${query.slice(0, 300)}`);
          if (r.statusCode !== 200) return;
          const body = r.json() as { items?: Array<{ id?: string }>; groups?: Array<{ count: number }> };
          for (const item of body.items ?? []) if (item.id !== undefined) expect(own.has(item.id)).toBe(true);
          expect((body.groups ?? []).reduce((n, g) => n + g.count, 0)).toBeLessThanOrEqual(own.size);
        }),
        params,
      );
    }
  });

  it('create and patch: bad bodies and junk headers are refused and change no table', async () => {
    for (const entity of entities) {
      const id = existing.get(entity.name);
      await fc.assert(
        fc.asyncProperty(badBody(entity), junkHeaders, fc.boolean(), async ({ payload, contentType }, headers, patch) => {
          const before = await dbChecksum(t.db);
          const method = patch && id ? 'PATCH' : 'POST';
          const url = method === 'PATCH' ? `/api/data/${entity.name}/${id}` : `/api/data/${entity.name}`;
          const r = await send({ method, url, payload, headers: { ...sendable(headers as Record<string, string>), 'content-type': contentType, ...bearer(admin.token) } });
          expectRefused(r, `${method} ${url} ${payload.slice(0, 200)}`);
          expect(changedTables(before, await dbChecksum(t.db))).toEqual([]);
        }),
        params,
      );
    }
  });

  it('patch with a junk, stale or missing version is refused (a valid body too) and changes nothing', async () => {
    for (const entity of entities.filter((e) => !e.system)) {
      const id = existing.get(entity.name) as string;
      const [row] = await t.db.query<{ version: number }>(`SELECT version FROM "${entity.table}" WHERE id = $1`, [id]);
      const current = Number(row?.version);
      const ifMatch = fc.oneof(
        junkString.filter((s) => Number(s.replace(/^W\//, '').replaceAll('"', '').trim()) !== current && s.trim() !== ''),
        fc.integer({ min: current + 1, max: 2 ** 31 - 1 }).map(String),
        fc.constant(undefined),
      );
      await fc.assert(
        fc.asyncProperty(ifMatch, async (version) => {
          const before = await dbChecksum(t.db);
          const headers = { ...bearer(admin.token), ...(version === undefined ? {} : sendable({ 'if-match': version })) };
          const r = await send({ method: 'PATCH', url: `/api/data/${entity.name}/${id}`, payload: {}, headers });
          // A header Node cannot send falls back to "no version": 428 as well.
          expectRefused(r, `PATCH ${entity.name} If-Match ${String(version).slice(0, 80)}`);
          expect([400, 412, 414, 428, 431]).toContain(r.statusCode);
          expect(changedTables(before, await dbChecksum(t.db))).toEqual([]);
        }),
        params,
      );
    }
  });

  it('record routes with junk ids, relations and entity names are refused (deletes change nothing)', async () => {
    const segment = fc.oneof(junkString, fc.uuid({ version: 7 }), fc.constantFrom('..', '.', '%2e%2e', '%2F', '%00', 'export.xlsx', 'duplicates'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...entities.map((e) => e.name)), segment, segment, fc.constantFrom('', '/history', '/links', '/related/', 'DELETE', 'ENTITY'), async (entity, id, relation, kind) => {
        const before = kind === 'DELETE' ? await dbChecksum(t.db) : undefined;
        const raw = (s: string) => (s.startsWith('%') || s === '..' || s === '.' ? s : enc(s));
        const url =
          kind === 'ENTITY' ? `/api/data/${raw(id)}/${raw(relation)}` : kind === 'DELETE' ? `/api/data/${entity}/${raw(id)}` : `/api/data/${entity}/${raw(id)}${kind}${kind === '/related/' ? raw(relation) : ''}`;
        const r = await send({ method: kind === 'DELETE' ? 'DELETE' : 'GET', url, headers: bearer(admin.token) });
        // Path normalisation may land on a real list or record ("../x"): then it is an answer.
        expectAnsweredOrRefused(r, `${kind} ${url.slice(0, 200)}`);
        if (before) expect(changedTables(before, await dbChecksum(t.db))).toEqual([]);
      }),
      { ...params, numRuns: RUNS * 25 },
    );
  });
});

/** Edge values a field of this type could plausibly be sent: each is stored exactly, or refused. */
function edgeValue(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'date':
      return fc.oneof(fc.constantFrom('0000-01-01', '0001-01-01', '9999-12-31', '1970-01-01', '2024-02-29', '2023-02-29', '-0001-01-01', '+10000-01-01', '2024-1-1'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
    case 'datetime':
      return fc.oneof(fc.constantFrom('0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '2024-02-29T24:00:00Z', '2024-06-01T10:00:00+14:00', '2024-06-01T10:00:00'), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
    case 'integer':
    case 'decimal':
    case 'money':
    case 'percent':
      return fc.oneof(hugeNumber, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
    case 'boolean':
      return fc.boolean();
    case 'reference':
    case 'user':
    case 'file':
      return fc.oneof(fc.uuid({ version: 7 }), fc.constant('00000000-0000-0000-0000-000000000000'));
    default:
      return junkString;
  }
}

describe('plausible values are stored exactly as sent, or refused', () => {
  it('create with one field set to an edge value of its type: 201 and the same value back, or a 4xx problem', async () => {
    for (const entity of entities.filter((e) => !e.system)) {
      const writable = entity.fields.filter((f) => !f.system && !f.readOnly && f.columnType !== undefined && f.type !== 'formula' && f.type !== 'stage' && f.type !== 'enum' && f.type !== 'multiEnum');
      if (writable.length === 0) continue;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...writable).chain((f) => edgeValue(f.type).map((value) => ({ field: f, value }))), async ({ field, value }) => {
          const body = { ...sampleValues(entity, refs), [field.name]: value };
          const r = await send({ method: 'POST', url: `/api/data/${entity.name}?confirm=duplicates`, payload: body, headers: bearer(admin.token) });
          if (r.statusCode !== 201) return expectRefused(r, `POST ${entity.name} ${field.name}=${JSON.stringify(value).slice(0, 200)}`);
          const stored = (r.json() as Record<string, unknown>)[field.name];
          const got = (await send({ method: 'GET', url: `/api/data/${entity.name}/${(r.json() as { id: string }).id}`, headers: bearer(admin.token) })).json() as Record<string, unknown>;
          expect(got[field.name]).toEqual(stored);
          if (typeof value === 'string' && ['text', 'string', 'email', 'url', 'date'].includes(field.type)) expect(stored).toBe(field.type === 'text' ? value : value.trim());
          // -0 is the integer 0: compare as numbers, not with Object.is.
          if (typeof value === 'number' && field.type === 'integer') expect(stored === value).toBe(true);
        }),
        params,
      );
    }
  });

  it('filters with an edge value of the field\'s type: answered or refused, never a 5xx', async () => {
    const ops = ['$eq', '$ne', '$gt', '$lte', '$in', '$nin', '$contains', '$startsWith'];
    for (const entity of entities) {
      const fields = entity.fields.filter((f) => f.columnType !== undefined);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields).chain((f) => fc.tuple(fc.constant(f), fc.constantFrom(...ops), edgeValue(f.type))), async ([field, op, value]) => {
          const condition = { [field.name]: { [op]: op === '$in' || op === '$nin' ? [value] : value } };
          const r = await send({ method: 'GET', url: `/api/data/${entity.name}?filter=${enc(JSON.stringify(condition))}`, headers: bearer(admin.token) });
          expectAnsweredOrRefused(r, `GET ${entity.name} filter ${JSON.stringify(condition).slice(0, 200)}`);
        }),
        params,
      );
    }
  });
});

describe('the other routes refuse bad input too', () => {
  const uuidOrJunk = fc.oneof(fc.uuid({ version: 7 }), junkString);
  type Case = { method: InjectOptions['method']; url: string; body?: boolean; auth?: 'none' | 'junk' };
  const cases = fc.oneof(
    fc.record({ id: uuidOrJunk }).map(({ id }): Case => ({ method: 'DELETE', url: `/api/links/${enc(id)}` })),
    fc.constant<Case>({ method: 'POST', url: '/api/links', body: true }),
    fc.constant<Case>({ method: 'POST', url: '/api/views', body: true }),
    fc.record({ id: uuidOrJunk }).map(({ id }): Case => ({ method: 'DELETE', url: `/api/views/${enc(id)}` })),
    fc.record({ q: junkString }).map(({ q }): Case => ({ method: 'GET', url: `/api/views?entity=${enc(q)}&list=${enc(q)}` })),
    fc.record({ e: junkString, q: junkString }).map(({ e, q }): Case => ({ method: 'GET', url: `/api/meta/entities/${enc(e)}?locale=${enc(q)}` })),
    fc.record({ q: junkString }).map(({ q }): Case => ({ method: 'GET', url: `/api/meta?locale=${enc(q)}` })),
    fc.constant<Case>({ method: 'POST', url: '/api/auth/login', body: true }),
    fc.constant<Case>({ method: 'POST', url: '/api/auth/password', body: true }),
    fc.record({ id: uuidOrJunk }).map(({ id }): Case => ({ method: 'PUT', url: `/api/users/${enc(id)}/roles`, body: true })),
    fc.record({ id: uuidOrJunk }).map(({ id }): Case => ({ method: 'POST', url: `/api/users/${enc(id)}/password`, body: true })),
    fc.constant<Case>({ method: 'POST', url: '/api/studio/apply', body: true }),
    fc.constantFrom<Case>({ method: 'GET', url: '/api/auth/me', auth: 'junk' }, { method: 'GET', url: '/api/data/contact', auth: 'none' }, { method: 'POST', url: '/api/data/contact', auth: 'junk', body: true }),
    fc.record({ p: junkString }).map(({ p }): Case => ({ method: 'GET', url: `/api/${enc(p)}` })),
  );
  const badAuth = fc.oneof(junkString.map((s) => `Bearer ${s}`), fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', `Bearer ${'A'.repeat(43)}`, `bearer  ${'x'.repeat(5000)}`));

  it('users, links, views, meta, auth and studio', async () => {
    await fc.assert(
      fc.asyncProperty(cases, badBody(t.model.entities.get('contact') as EntityModel), badAuth, junkHeaders, async (c, { payload, contentType }, auth, headers) => {
        const before = await dbChecksum(t.db);
        const authorization = c.auth === 'none' ? {} : c.auth === 'junk' ? sendable({ authorization: auth }) : bearer(admin.token);
        const r = await send({ method: c.method, url: c.url, headers: { ...sendable(headers as Record<string, string>), ...authorization, ...(c.body ? { 'content-type': contentType } : {}) }, ...(c.body ? { payload } : {}) });
        if (c.method === 'GET' && !c.auth) expectAnsweredOrRefused(r, `${c.method} ${c.url.slice(0, 200)}`);
        else expectRefused(r, `${c.method} ${c.url.slice(0, 200)} ${c.body ? payload.slice(0, 200) : ''}`);
        // Failed logins are counted by the throttle in memory only; every table stays as it was.
        expect(changedTables(before, await dbChecksum(t.db))).toEqual([]);
      }),
      { ...params, numRuns: RUNS * 20 },
    );
  });
});
