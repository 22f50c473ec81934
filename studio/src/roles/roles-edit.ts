// Edits of roles.json behind the role matrix: pure functions over the generated types.
import type { Label, Permission, Role, Roles, Scope } from '../types.js';

export const OPERATIONS = ['read', 'create', 'update', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];
export const SCOPES: readonly Scope[] = ['none', 'own', 'subordinates', 'department', 'all'];
export const ROLE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/**
 * The matrix's rows: `*` (every entity not listed), the application's entities, then any other
 * name a role already grants (a built-in sys_* entity, or one no longer defined).
 */
export function matrixEntities(roles: Roles, entities: readonly string[]): string[] {
  const granted = roles.roles.flatMap((r) => Object.keys(r.permissions));
  return [...new Set(['*', ...entities, ...granted.filter((e) => e !== '*').sort()])];
}

/** Sets (or with undefined, clears) one operation's scope; an entity left with nothing is dropped from the role. */
export function setScope(role: Role, entity: string, operation: Operation, scope: Scope | undefined): Role {
  const { [operation]: _old, ...rest } = role.permissions[entity] ?? {};
  const next: Permission = scope === undefined ? rest : { ...rest, [operation]: scope };
  const { [entity]: _entity, ...others } = role.permissions;
  return { ...role, permissions: Object.keys(next).length === 0 ? others : { ...others, [entity]: next } };
}

/** A new role that may do nothing yet; its label is its name in every locale until edited. */
export function newRole(name: string, locales: readonly string[]): Role {
  const label: Label = Object.fromEntries(locales.map((l) => [l, name]));
  return { name, label, permissions: {} };
}

/** Sets a role flag; false is the default, so it is dropped rather than written. */
export function setFlag(role: Role, flag: 'studio' | 'admin', on: boolean): Role {
  const { [flag]: _old, ...rest } = role;
  return on ? { ...rest, [flag]: true } : rest;
}

/** Why a new role name cannot be used, or null. */
export function roleNameProblem(roles: Roles, name: string): 'rule' | 'taken' | null {
  if (!ROLE_NAME.test(name)) return 'rule';
  return roles.roles.some((r) => r.name === name) ? 'taken' : null;
}
