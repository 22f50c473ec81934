/**
 * roles.json applied to one caller (pure: no database, no request). Semantics:
 * - A role's permission for an entity is its entry for the entity, else its "*" entry; an
 *   operation the entry does not name is `none`. A role with `admin: true` and no entry at
 *   all for an entity gets `all` on it; an entry it declares still wins (the CRM's
 *   administrator may only read sys_audit and sys_metadata_version).
 * - Several roles: the widest grant wins — the union of what each role allows.
 * - "owner" is the record's `owner` column for every entity, system ones included (a task's
 *   assignee or a notification's recipient is not consulted; their writers set owner).
 * - Field rules: a field is hidden only if every role granting any access to the entity
 *   hides it, readOnly only if every such role hides it or makes it readOnly.
 */
import type { CompiledModel } from '../compile/compile.js';
import type { Permission, Role, Scope } from '../generated/metadata.js';
import type { OrgContext } from './org.js';

export type Operation = 'read' | 'create' | 'update' | 'delete';
export const OPERATIONS: readonly Operation[] = ['read', 'create', 'update', 'delete'];

/** Whose records an operation reaches: every record, or those owned by one of these users. */
export type OwnerSet = { all: true } | { all: false; owners: ReadonlySet<string> };

export interface FieldRules {
  hidden: ReadonlySet<string>;
  readOnly: ReadonlySet<string>;
}

const NO_FIELDS: FieldRules = { hidden: new Set(), readOnly: new Set() };

/** The role's permission entry for an entity; undefined when it says nothing about it. */
export function permissionOf(role: Role, entity: string): Permission | undefined {
  return role.permissions[entity] ?? role.permissions['*'];
}

/** One role's scope for entity × operation. */
export function roleScope(role: Role, entity: string, op: Operation): Scope {
  const permission = permissionOf(role, entity);
  if (!permission) return role.admin === true ? 'all' : 'none';
  return permission[op] ?? 'none';
}

/** The scopes the caller's roles grant (none left out); empty means no access. */
export function scopesOf(roles: readonly Role[], entity: string, op: Operation): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const role of roles) {
    const scope = roleScope(role, entity, op);
    if (scope !== 'none') scopes.add(scope);
  }
  return scopes;
}

/** The users whose records the scopes reach, for this caller's place in the org. */
export function ownerSet(scopes: ReadonlySet<Scope>, org: OrgContext): OwnerSet {
  if (scopes.has('all')) return { all: true };
  const owners = new Set<string>();
  const add = (ids: readonly string[]) => ids.forEach((id) => owners.add(id));
  if (scopes.size > 0) add(org.principals);
  if (scopes.has('subordinates')) add(org.subordinates);
  if (scopes.has('department')) add(org.departmentMembers);
  return { all: false, owners };
}

export function reaches(set: OwnerSet, owner: unknown): boolean {
  return set.all || (typeof owner === 'string' && set.owners.has(owner));
}

/** The merged field rules of the roles that grant any access to the entity. */
export function fieldRulesOf(roles: readonly Role[], entity: string): FieldRules {
  const granting = roles.filter((role) => OPERATIONS.some((op) => roleScope(role, entity, op) !== 'none'));
  if (granting.length === 0) return NO_FIELDS;
  const perRole = granting.map((role) => permissionOf(role, entity)?.fields ?? {});
  const names = new Set(perRole.flatMap((fields) => Object.keys(fields)));
  const hidden = new Set<string>();
  const readOnly = new Set<string>();
  for (const name of names) {
    const rules = perRole.map((fields) => fields[name]);
    if (rules.every((r) => r === 'hidden')) hidden.add(name);
    else if (rules.every((r) => r === 'hidden' || r === 'readOnly')) readOnly.add(name);
  }
  return { hidden, readOnly };
}

/** The model's roles the caller holds (unknown role names grant nothing). */
export function rolesOf(model: CompiledModel, names: readonly string[]): Role[] {
  return model.roles.filter((role) => names.includes(role.name));
}
