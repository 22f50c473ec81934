/**
 * Bugs the reliability fuzzing found, each pinned by the request that showed it. Before the
 * fixes these answered 500 (NUL in text, year 0000) or stored something else than was sent
 * (an unpaired surrogate became U+FFFD).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { InjectOptions } from 'fastify';
import type { EntityModel } from '../../src/compile/compile.js';
import { createOrgUser, sampleValues, seedRecord } from '../helpers/access-org.js';
import { changedTables, dbChecksum, problemFaults } from '../helpers/reliability.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let token: string;
let contact: EntityModel;
let refs: Record<string, string>;
let existing: string;

beforeAll(async () => {
  t = await createTestApp();
  const admin = await createOrgUser(t.db, 'regress_admin', ['administrator']);
  token = admin.token;
  contact = t.model.entities.get('contact') as EntityModel;
  refs = { counterparty: await seedRecord(t.db, t.model, t.model.entities.get('counterparty') as EntityModel, admin.id, {}) };
  existing = await seedRecord(t.db, t.model, contact, admin.id, refs);
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const inject = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
const filter = (condition: object) => `/api/data/contact?filter=${encodeURIComponent(JSON.stringify(condition))}`;
const textField = () => contact.fields.find((f) => f.type === 'text' && !f.readOnly)?.name as string;
const dateField = () => contact.fields.find((f) => f.type === 'date' && !f.readOnly)?.name as string;

describe('text PostgreSQL cannot hold, and dates it cannot hold, are refused with a 400 that changes nothing', () => {
  it.each([
    ['a NUL in a created text', () => ({ method: 'POST', url: '/api/data/contact', payload: { ...sampleValues(contact, refs), [textField()]: 'a\u0000b' } })],
    ['an unpaired high surrogate in a created text', () => ({ method: 'POST', url: '/api/data/contact', payload: { ...sampleValues(contact, refs), [textField()]: 'x\uD800y' } })],
    ['an unpaired low surrogate in a patched text', () => ({ method: 'PATCH', url: `/api/data/contact/${existing}`, payload: { [textField()]: '\uDFFF', version: 1 } })],
    ['a NUL in a JSON key', () => ({ method: 'POST', url: '/api/data/contact', payload: { ...sampleValues(contact, refs), 'a\u0000': 1 } })],
    ['year 0000 in a created date', () => ({ method: 'POST', url: '/api/data/contact', payload: { ...sampleValues(contact, refs), [dateField()]: '0000-01-01' } })],
    ['year 0000 in a patched date', () => ({ method: 'PATCH', url: `/api/data/contact/${existing}`, payload: { [dateField()]: '0000-02-29', version: 1 } })],
    ['a NUL in a filter value', () => ({ method: 'GET', url: filter({ fullName: { $contains: 'a\u0000' } }) })],
    ['a NUL in a filter of a related list', () => ({ method: 'GET', url: `/api/data/counterparty/${refs.counterparty}/related/contact?filter=${encodeURIComponent(JSON.stringify({ fullName: 'x\u0000' }))}` })],
    ['an unpaired surrogate in a filter value', () => ({ method: 'GET', url: filter({ fullName: { $in: ['\uD83D'] } }) })],
    ['a NUL in q', () => ({ method: 'GET', url: '/api/data/contact?q=a%00b' })],
    ['a NUL in an export filter', () => ({ method: 'GET', url: `/api/data/contact/export.xlsx?filter=${encodeURIComponent(JSON.stringify({ fullName: '\u0000' }))}` })],
  ] as Array<[string, () => InjectOptions]>)('%s', async (_name, request) => {
    const before = await dbChecksum(t.db);
    const r = await inject(request());
    expect(r.statusCode).toBe(400);
    expect(problemFaults(r)).toEqual([]);
    expect((r.json() as { code: string }).code).toBe('CARDO_ERR_API_VALIDATION');
    expect(changedTables(before, await dbChecksum(t.db))).toEqual([]);
  });

  it.each([
    ['$gt', '9999-12-31T23:59:59.999Z', 0],
    ['$lte', '9999-12-31T23:59:59.999Z', 1],
    ['$eq', '9999-12-31T23:59:59.999Z', 0],
  ])('a date-time filter at the last millisecond of year 9999 (%s) is answered, not a 500', async (op, value, expected) => {
    const r = await inject({ method: 'GET', url: filter({ $and: [{ id: existing }, { updatedAt: { [op]: value } }] }) });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { total: number }).total).toBe(expected);
  });

  it('a JSON null body to studio apply is refused, not taken as {} (which applies the metadata)', async () => {
    const r = await inject({ method: 'POST', url: '/api/studio/apply', payload: 'null', headers: { 'content-type': 'application/json' } });
    expect(r.statusCode).toBe(400);
    expect(problemFaults(r)).toEqual([]);
  });

  it('text with paired surrogates, RTL marks and combining characters is stored exactly as sent', async () => {
    const text = 'Grüße 😀 \u202Eשלום\u202C e\u0301 \u{10FFFF}';
    const r = await inject({ method: 'POST', url: '/api/data/contact', payload: { ...sampleValues(contact, refs), [textField()]: text } });
    expect(r.statusCode).toBe(201);
    const got = await inject({ method: 'GET', url: `/api/data/contact/${(r.json() as { id: string }).id}` });
    expect((got.json() as Record<string, unknown>)[textField()]).toBe(text);
  });
});
