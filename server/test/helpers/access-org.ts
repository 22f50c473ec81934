import { v7 as uuidv7 } from 'uuid';
import { createSession } from '../../src/auth/sessions.js';
import { createUser } from '../../src/auth/users.js';
import type { CompiledModel, EntityModel } from '../../src/compile/compile.js';
import type { Db } from '../../src/db/db.js';
import { createRecord } from '../../src/records/records.service.js';

/** A department row, straight in SQL: the org tree is data the tests arrange. */
export async function createDepartment(db: Db, name: string, head: string | null, parent: string | null = null): Promise<string> {
  const id = uuidv7();
  await db.query(
    `INSERT INTO sys_department (id, created_at, updated_at, version, name, head, parent) VALUES ($1, now(), now(), 1, $2, $3, $4)`,
    [id, name, head, parent],
  );
  return id;
}

export async function setDepartment(db: Db, user: string, department: string | null, manager: string | null = null): Promise<void> {
  await db.query('UPDATE sys_user SET department = $2, manager = $3 WHERE id = $1', [user, department, manager]);
}

/** Replaces a user's roles (access is computed per request, so the next request sees them). */
export async function setRoles(db: Db, user: string, roles: readonly string[]): Promise<void> {
  await db.query('DELETE FROM sys_role_assignment WHERE "user" = $1', [user]);
  for (const role of roles) {
    await db.query(`INSERT INTO sys_role_assignment (id, "user", role, created_at, updated_at, version) VALUES ($1, $2, $3, now(), now(), 1)`, [uuidv7(), user, role]);
  }
}

/** A user with a bearer token, without a password (no scrypt per user). */
export async function createOrgUser(db: Db, login: string, roles: readonly string[], org: { department?: string | null; manager?: string | null } = {}): Promise<{ id: string; token: string }> {
  const { id } = await createUser(db, { login, fullName: `User ${login}`, roles, department: org.department ?? null, manager: org.manager ?? null });
  const { token } = await createSession(db, id);
  return { id, token };
}

let counter = 0;

/**
 * Values that satisfy an entity's required fields, generated from the metadata: unique texts
 * (no duplicate rule fires), the first option, and `refs[target]` for references.
 */
export function sampleValues(entity: EntityModel, refs: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of entity.fields) {
    if (!field.required || field.system) continue;
    counter += 1;
    const unique = `${uuidv7().replaceAll('-', '')} q${counter}`;
    switch (field.valueType) {
      case 'enum':
      case 'stage':
        values[field.name] = field.options?.[0];
        break;
      case 'reference':
      case 'user':
        values[field.name] = field.target ? refs[field.target] : undefined;
        break;
      case 'integer':
      case 'decimal':
      case 'money':
      case 'percent':
        values[field.name] = 1;
        break;
      case 'boolean':
        values[field.name] = true;
        break;
      case 'date':
        values[field.name] = '2026-01-15';
        break;
      case 'email':
        values[field.name] = `u${counter}.${Date.now()}@example.com`;
        break;
      default:
        values[field.name] = `Sample ${unique}`;
    }
  }
  return values;
}

/** A record created by the trusted service (no access check), owned by `owner`. */
export async function seedRecord(db: Db, model: CompiledModel, entity: EntityModel, owner: string, refs: Readonly<Record<string, string>>, extra: Record<string, unknown> = {}): Promise<string> {
  const record = await createRecord(db, model, entity, { ...sampleValues(entity, refs), owner, ...extra }, { actor: { userId: owner }, confirmDuplicates: true });
  return String(record.id);
}
