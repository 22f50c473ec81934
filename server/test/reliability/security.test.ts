/**
 * Security checks re-run under substitution and after role changes (issue 13, item 6).
 *
 * The authorization matrix (read and update of every application entity, for records owned by
 * the absent user, their subordinate, a peer of their department and a user of another one) is
 * computed from roles.json and checked for a deputy who has no role of their own and stands in
 * for the absent user: the deputy must get exactly the absent user's rights. Then the absent
 * user's role is changed through the users API, in a random order of every role: the absent
 * user's old session ends, a new one and the deputy's unchanged session follow the new role at
 * once. Ending the substitution and deactivating users end the access, also with requests in
 * flight. Every error body met on the way is checked for stack traces and SQL.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createSession } from '../../src/auth/sessions.js';
import type { EntityModel } from '../../src/compile/compile.js';
import type { Role, Scope } from '../../src/generated/metadata.js';
import { createDepartment, createOrgUser, seedRecord } from '../helpers/access-org.js';
import { problemFaults, report, scale, SEED } from '../helpers/reliability.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

jest.setTimeout(scale(120_000, 900_000));

type Owner = 'absent' | 'subordinate' | 'peer' | 'other';
const OWNERS: readonly Owner[] = ['absent', 'subordinate', 'peer', 'other'];
const REACH: Record<Scope, readonly Owner[]> = { none: [], own: ['absent'], subordinates: ['absent', 'subordinate'], department: ['absent', 'subordinate', 'peer'], all: OWNERS };

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

let t: TestApp;
let entities: EntityModel[];
let admin: { id: string; token: string };
let deputy: { id: string; token: string };
const users = {} as Record<Owner, { id: string; token: string }>;
const records = new Map<string, Record<Owner, string>>();
let substitution: { id: string; version: number };
const figures = { faultsInjected: 0, responses5xx: 0 };
const errorFaults: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const { db, model } = t;
  entities = [...model.entities.values()].filter((e) => !e.system);
  admin = await createOrgUser(db, 'sec_admin', ['administrator']);
  const head = await createOrgUser(db, 'sec_head', []);
  const a = await createDepartment(db, 'Sec A', head.id);
  const b = await createDepartment(db, 'Sec B', null);
  users.absent = await createOrgUser(db, 'sec_absent', ['sales_manager'], { department: a, manager: head.id });
  users.subordinate = await createOrgUser(db, 'sec_sub', [], { department: a, manager: users.absent.id });
  users.peer = await createOrgUser(db, 'sec_peer', [], { department: a, manager: head.id });
  users.other = await createOrgUser(db, 'sec_other', [], { department: b });
  // The deputy has no role, no department and no reports: every right they get is the absent user's.
  deputy = await createOrgUser(db, 'sec_deputy', []);
  const refs = { counterparty: await seedRecord(db, model, model.entities.get('counterparty') as EntityModel, users.other.id, {}) };
  for (const entity of entities) {
    const byOwner = {} as Record<Owner, string>;
    for (const owner of OWNERS) byOwner[owner] = await seedRecord(db, model, entity, users[owner].id, refs);
    records.set(entity.name, byOwner);
  }
  const sub = await send(admin.token, { method: 'POST', url: '/api/data/sys_substitution', payload: { absentUser: users.absent.id, deputy: deputy.id, from: day(-1), to: day(3) } });
  expect(sub.statusCode).toBe(201);
  substitution = sub.json() as { id: string; version: number };
}, 180_000);

afterAll(async () => {
  report(import.meta.filename, figures);
  await t?.close();
});

async function send(token: string, options: InjectOptions): Promise<LightMyRequestResponse> {
  const r = await t.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
  if (r.statusCode >= 500) figures.responses5xx += 1;
  // Every refusal on the way must be a clean problem: no stack, no SQL, a registered code.
  if (r.statusCode >= 400) errorFaults.push(...problemFaults(r).map((f) => `${options.method} ${options.url}: ${f}`));
  return r;
}

function role(name: string): Role {
  const found = t.model.roles.find((r) => r.name === name);
  if (!found) throw new Error(`roles.json has no role ${name}`);
  return found;
}

function scopeIn(r: Role, entity: string, op: 'read' | 'update'): Scope {
  const permission = r.permissions[entity] ?? r.permissions['*'];
  if (!permission) return r.admin ? 'all' : 'none';
  return permission[op] ?? 'none';
}

/** A harmless change: a writable text or number field without a field rule or a duplicate rule. */
function patchOf(entity: EntityModel, r: Role): Record<string, unknown> {
  const rules = (r.permissions[entity.name] ?? r.permissions['*'])?.fields ?? {};
  const field = entity.fields.find((f) => !f.system && !f.readOnly && f.type !== 'formula' && ['string', 'text', 'decimal', 'integer'].includes(f.valueType) && rules[f.name] === undefined && !entity.duplicateRules.some((d) => d.fields.includes(f)));
  if (!field) throw new Error(`no patchable field in ${entity.name}`);
  return { [field.name]: field.valueType === 'string' || field.valueType === 'text' ? `Changed ${Date.now()}` : 2 };
}

async function versionOf(entity: EntityModel, id: string): Promise<number> {
  const [row] = await t.db.query<{ version: number }>(`SELECT version FROM "${entity.table}" WHERE id = $1`, [id]);
  return Number(row?.version);
}

/** What `token` gets for read (list + get) and update of every record, next to what roles.json says `r` gets. */
async function matrix(token: string, r: Role | null): Promise<{ outcomes: string[]; expected: string[] }> {
  const outcomes: string[] = [];
  const expected: string[] = [];
  for (const entity of entities) {
    const read = r ? scopeIn(r, entity.name, 'read') : 'none';
    const update = r ? scopeIn(r, entity.name, 'update') : 'none';
    const ids = records.get(entity.name) as Record<Owner, string>;
    const list = await send(token, { method: 'GET', url: `/api/data/${entity.name}?limit=1000` });
    const listed = list.statusCode === 200 ? new Set((list.json() as { items: Array<{ id: string }> }).items.map((i) => i.id)) : new Set<string>();
    outcomes.push(`${entity.name} list ${list.statusCode}`);
    expected.push(`${entity.name} list ${read === 'none' ? 404 : 200}`);
    for (const owner of OWNERS) {
      const get = await send(token, { method: 'GET', url: `/api/data/${entity.name}/${ids[owner]}` });
      const visible = REACH[read].includes(owner);
      outcomes.push(`${entity.name} ${owner} get ${get.statusCode} listed ${listed.has(ids[owner])}`);
      expected.push(`${entity.name} ${owner} get ${visible ? 200 : 404} listed ${visible}`);
      const patch = await send(token, { method: 'PATCH', url: `/api/data/${entity.name}/${ids[owner]}`, payload: r ? patchOf(entity, r) : { version: 1 }, headers: { 'if-match': String(await versionOf(entity, ids[owner])) } });
      outcomes.push(`${entity.name} ${owner} update ${patch.statusCode}`);
      expected.push(`${entity.name} ${owner} update ${!visible ? 404 : REACH[update].includes(owner) ? 200 : 403}`);
    }
  }
  return { outcomes, expected };
}

async function setRolesViaApi(userId: string, roles: string[]): Promise<void> {
  const r = await send(admin.token, { method: 'PUT', url: `/api/users/${userId}/roles`, payload: { roles } });
  expect(r.statusCode).toBe(200);
  figures.faultsInjected += 1;
}

describe('the authorization matrix under an active substitution and across role changes', () => {
  it('a deputy without roles gets exactly the absent user\'s rights, and follows each change of the absent user\'s role', async () => {
    const names = t.model.roles.map((r) => r.name);
    const order = fc.sample(fc.shuffledSubarray(names, { minLength: names.length }), { seed: SEED, numRuns: 1 })[0] as string[];
    let absentToken = users.absent.token;
    // Small scale: three roles of the seeded order; long: every role, there and back.
    for (const name of scale(0, 1) ? [...order, ...[...order].reverse()] : order.slice(0, 3)) {
      await setRolesViaApi(users.absent.id, [name]);
      // The users API ends the absent user's other sessions when their roles change.
      expect((await send(absentToken, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
      absentToken = (await createSession(t.db, users.absent.id)).token;
      const own = await matrix(absentToken, role(name));
      expect(own.outcomes).toEqual(own.expected);
      // The deputy's session was not touched; their rights change with the absent user's role.
      const asDeputy = await matrix(deputy.token, role(name));
      expect(asDeputy.outcomes).toEqual(asDeputy.expected);
    }
    expect(errorFaults).toEqual([]);
  });

  it('a role given through the role-assignment records applies to the next request of the same session', async () => {
    await setRolesViaApi(users.absent.id, []);
    const token = (await createSession(t.db, users.absent.id)).token;
    const none = await matrix(token, null);
    expect(none.outcomes).toEqual(none.expected);
    const given = await send(admin.token, { method: 'POST', url: '/api/data/sys_role_assignment', payload: { user: users.absent.id, role: 'head_of_sales' } });
    expect(given.statusCode).toBe(201);
    figures.faultsInjected += 1;
    const head = await matrix(token, role('head_of_sales'));
    expect(head.outcomes).toEqual(head.expected);
    const deputyToo = await matrix(deputy.token, role('head_of_sales'));
    expect(deputyToo.outcomes).toEqual(deputyToo.expected);
    const taken = await send(admin.token, { method: 'DELETE', url: `/api/data/sys_role_assignment/${(given.json() as { id: string }).id}` });
    expect(taken.statusCode).toBe(204);
    const after = await matrix(token, null);
    expect(after.outcomes).toEqual(after.expected);
    expect(errorFaults).toEqual([]);
  });

  it('ending the substitution through the API ends the deputy\'s access on the next request', async () => {
    await setRolesViaApi(users.absent.id, ['head_of_sales']);
    const before = await matrix(deputy.token, role('head_of_sales'));
    expect(before.outcomes).toEqual(before.expected);
    const [row] = await t.db.query<{ version: number }>('SELECT version FROM sys_substitution WHERE id = $1', [substitution.id]);
    const ended = await send(admin.token, { method: 'PATCH', url: `/api/data/sys_substitution/${substitution.id}`, payload: { from: day(-5), to: day(-1) }, headers: { 'if-match': String(row?.version) } });
    expect(ended.statusCode).toBe(200);
    figures.faultsInjected += 1;
    const after = await matrix(deputy.token, null);
    expect(after.outcomes).toEqual(after.expected);
    expect(errorFaults).toEqual([]);
  });
});

describe('deactivation ends sessions', () => {
  async function deactivate(userId: string): Promise<LightMyRequestResponse> {
    const current = await send(admin.token, { method: 'GET', url: `/api/data/sys_user/${userId}` });
    figures.faultsInjected += 1;
    return send(admin.token, { method: 'PATCH', url: `/api/data/sys_user/${userId}`, payload: { active: false }, headers: { 'if-match': String((current.json() as { version: number }).version) } });
  }

  it('with requests in flight: each is served or refused with 401, and every request after it is refused', async () => {
    const user = await createOrgUser(t.db, 'sec_busy', ['head_of_sales']);
    const tokens = [user.token, (await createSession(t.db, user.id)).token, (await createSession(t.db, user.id)).token];
    const entity = entities[0] as EntityModel;
    const burst = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => send(tokens[i % tokens.length] as string, { method: 'GET', url: `/api/data/${entity.name}?limit=5` })));
    const [during, off] = await Promise.all([burst(scale(12, 60)), (async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return deactivate(user.id);
    })()]);
    expect(off.statusCode).toBe(200);
    for (const r of during) expect([200, 401]).toContain(r.statusCode);
    const after = await burst(scale(6, 30));
    expect(after.map((r) => r.statusCode)).toEqual(after.map(() => 401));
    for (const r of after) expect((r.json() as { code: string }).code).toBe('CARDO_ERR_AUTH_REQUIRED');
    expect(await t.db.query('SELECT 1 FROM sys_session WHERE user_id = $1', [user.id])).toHaveLength(0);
    expect(errorFaults).toEqual([]);
  });

  it('a deactivated deputy loses the absent user\'s records with their session', async () => {
    const [row] = await t.db.query<{ version: number }>('SELECT version FROM sys_substitution WHERE id = $1', [substitution.id]);
    const back = await send(admin.token, { method: 'PATCH', url: `/api/data/sys_substitution/${substitution.id}`, payload: { from: day(-1), to: day(2) }, headers: { 'if-match': String(row?.version) } });
    expect(back.statusCode).toBe(200);
    const entity = t.model.entities.get('counterparty') as EntityModel;
    const id = (records.get(entity.name) as Record<Owner, string>).absent;
    expect((await send(deputy.token, { method: 'GET', url: `/api/data/${entity.name}/${id}` })).statusCode).toBe(200);
    expect((await deactivate(deputy.id)).statusCode).toBe(200);
    const refused = await send(deputy.token, { method: 'GET', url: `/api/data/${entity.name}/${id}` });
    expect(refused.statusCode).toBe(401);
    expect(errorFaults).toEqual([]);
  });
});
