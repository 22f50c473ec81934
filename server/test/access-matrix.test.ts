/**
 * The authorization matrix, generated from metadata/roles.json: every role × every
 * application entity × read (get + list) / create / update / delete × a record owned by
 * the caller, their subordinate, a peer of their department, a user of another department.
 * The expected outcome is derived here from roles.json directly (not through the policy
 * module), so the test grows with the metadata and checks the implementation against it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import type { Role, Scope } from '../src/generated/metadata.js';
import { createDepartment, createOrgUser, seedRecord, sampleValues, setRoles } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Owner = 'self' | 'subordinate' | 'peer' | 'other';
const OWNERS: readonly Owner[] = ['self', 'subordinate', 'peer', 'other'];
/** Which owners each scope reaches in the test org (the subordinate and the peer share the caller's department). */
const REACH: Record<Scope, readonly Owner[]> = {
  none: [],
  own: ['self'],
  subordinates: ['self', 'subordinate'],
  department: ['self', 'subordinate', 'peer'],
  all: OWNERS,
};
type Op = 'read' | 'create' | 'update' | 'delete';

function scopeIn(role: Role, entity: string, op: Op): Scope {
  const permission = role.permissions[entity] ?? role.permissions['*'];
  if (!permission) return role.admin ? 'all' : 'none';
  return permission[op] ?? 'none';
}

function fieldRule(role: Role, entity: string, field: string): string | undefined {
  return (role.permissions[entity] ?? role.permissions['*'])?.fields?.[field];
}

let t: TestApp;
let entities: EntityModel[];
const users = {} as Record<Owner, { id: string; token: string }>;
/** records[entity][owner] = id */
const records = new Map<string, Record<Owner, string>>();
let refs: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  entities = [...t.model.entities.values()].filter((e) => !e.system);
  const { db } = t;
  // Department A (head H) holds the caller C, C's direct report and C's peer; B holds the other.
  const head = await createOrgUser(db, 'm_head', []);
  const headB = await createOrgUser(db, 'm_head_b', []);
  const a = await createDepartment(db, 'A', head.id);
  const b = await createDepartment(db, 'B', headB.id);
  await db.query('UPDATE sys_user SET department = $1 WHERE id = $2', [a, head.id]);
  await db.query('UPDATE sys_user SET department = $1 WHERE id = $2', [b, headB.id]);
  users.self = await createOrgUser(db, 'm_self', [], { department: a, manager: head.id });
  users.subordinate = await createOrgUser(db, 'm_sub', [], { department: a, manager: users.self.id });
  users.peer = await createOrgUser(db, 'm_peer', [], { department: a, manager: head.id });
  users.other = await createOrgUser(db, 'm_other', [], { department: b, manager: headB.id });
  const counterparty = t.model.entities.get('counterparty') as EntityModel;
  refs = { counterparty: await seedRecord(db, t.model, counterparty, headB.id, {}) };
  for (const entity of entities) {
    const byOwner = {} as Record<Owner, string>;
    for (const owner of OWNERS) byOwner[owner] = await seedRecord(db, t.model, entity, users[owner].id, refs);
    records.set(entity.name, byOwner);
  }
}, 120_000);

afterAll(async () => {
  await t?.close();
});

const request = (options: { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object; headers?: Record<string, string> }) =>
  t.app.inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${users.self.token}` } });

async function versionOf(entity: EntityModel, id: string): Promise<number> {
  const [row] = await t.db.query<{ version: number }>(`SELECT version FROM "${entity.table}" WHERE id = $1`, [id]);
  return Number(row?.version);
}

const roles = (): readonly Role[] => t.model.roles;

/** A harmless change the role may make: a writable text or number field it does not restrict. */
function patchOf(entity: EntityModel, role: Role): Record<string, unknown> {
  const field = entity.fields.find((f) => !f.system && !f.readOnly && f.type !== 'formula' && ['string', 'text', 'decimal', 'integer'].includes(f.valueType) && fieldRule(role, entity.name, f.name) === undefined && !entity.duplicateRules.some((r) => r.fields.includes(f)));
  if (!field) throw new Error(`no patchable field in ${entity.name}`);
  return { [field.name]: field.valueType === 'string' || field.valueType === 'text' ? `Changed ${Date.now()}` : 2 };
}

describe.each(['sales_manager', 'head_of_sales', 'lawyer', 'marketing', 'administrator', 'consultant'])('role %s', (roleName) => {
  let role: Role;
  beforeAll(async () => {
    const found = roles().find((r) => r.name === roleName);
    if (!found) throw new Error(`roles.json has no role ${roleName}`);
    role = found;
    await setRoles(t.db, users.self.id, [roleName]);
  });

  it('every role of roles.json is in this matrix', () => {
    expect([...roles()].map((r) => r.name).sort()).toEqual(['administrator', 'consultant', 'head_of_sales', 'lawyer', 'marketing', 'sales_manager']);
  });

  it('read: get and list follow the read scope', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const entity of entities) {
      const scope = scopeIn(role, entity.name, 'read');
      const ids = records.get(entity.name) as Record<Owner, string>;
      const list = await request({ method: 'GET', url: `/api/data/${entity.name}?limit=1000` });
      const listed = list.statusCode === 200 ? new Set((list.json() as { items: Array<{ id: string }> }).items.map((i) => i.id)) : new Set<string>();
      outcomes.push(`${entity.name} list ${list.statusCode}`);
      expected.push(`${entity.name} list ${scope === 'none' ? 404 : 200}`);
      for (const owner of OWNERS) {
        const get = await request({ method: 'GET', url: `/api/data/${entity.name}/${ids[owner]}` });
        const visible = REACH[scope].includes(owner);
        outcomes.push(`${entity.name} ${owner} get ${get.statusCode} listed ${listed.has(ids[owner])}`);
        expected.push(`${entity.name} ${owner} get ${visible ? 200 : 404} listed ${visible}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('create: the owner must be within the create scope', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const entity of entities) {
      const read = scopeIn(role, entity.name, 'read');
      const create = scopeIn(role, entity.name, 'create');
      const ownerReadOnly = fieldRule(role, entity.name, 'owner') !== undefined;
      for (const owner of OWNERS) {
        // The caller's own record leaves owner out (it defaults to the caller).
        const body = { ...sampleValues(entity, refs), ...(owner === 'self' ? {} : { owner: users[owner].id }) };
        const r = await request({ method: 'POST', url: `/api/data/${entity.name}?confirm=duplicates`, payload: body });
        outcomes.push(`${entity.name} ${owner} ${r.statusCode}`);
        const allowed = REACH[create].includes(owner) && (owner === 'self' || !ownerReadOnly);
        expected.push(`${entity.name} ${owner} ${read === 'none' ? 404 : allowed ? 201 : 403}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });

  it('update and delete: 404 outside the read scope, 403 when readable but not writable', async () => {
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const entity of entities) {
      const read = scopeIn(role, entity.name, 'read');
      const ids = records.get(entity.name) as Record<Owner, string>;
      for (const op of ['update', 'delete'] as const) {
        const scope = scopeIn(role, entity.name, op);
        for (const owner of OWNERS) {
          const id = ids[owner];
          const r =
            op === 'update'
              ? await request({ method: 'PATCH', url: `/api/data/${entity.name}/${id}`, payload: patchOf(entity, role), headers: { 'if-match': String(await versionOf(entity, id)) } })
              : await request({ method: 'DELETE', url: `/api/data/${entity.name}/${id}` });
          outcomes.push(`${entity.name} ${op} ${owner} ${r.statusCode}`);
          const want = read === 'none' || !REACH[read].includes(owner) ? 404 : REACH[scope].includes(owner) ? (op === 'update' ? 200 : 204) : 403;
          expected.push(`${entity.name} ${op} ${owner} ${want}`);
          // A deleted record is put back for the next role.
          if (r.statusCode === 204) ids[owner] = await seedRecord(t.db, t.model, entity, users[owner].id, refs);
        }
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
