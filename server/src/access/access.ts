/**
 * THE one place that applies access (CONVENTIONS rule 4): every read and write of the
 * record API asks the caller's Access for its scope SQL, row checks and field rules.
 * One Access per request, built on first use from the org the session lookup read, and kept
 * on the request (never across requests, so changes to roles, the org tree or substitutions
 * apply at once).
 */
import type { FastifyRequest } from 'fastify';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { Role, Scope } from '../generated/metadata.js';
import { ROOT_ALIAS } from '../query/condition-sql.js';
import { SqlParams, ident, qualified } from '../query/sql.js';
import type { Actor } from '../records/records.service.js';
import type { OrgContext } from './org.js';
import { fieldRulesOf, ownerSet, reaches, rolesOf, scopesOf, type FieldRules, type Operation, type OwnerSet } from './policy.js';

/** Restricted views of an entity per set of hidden fields, shared by every request. */
const views = new WeakMap<EntityModel, Map<string, EntityModel>>();

/** The entity as a caller who may not see `hidden` knows it: those fields do not exist. */
export function entityWithout(entity: EntityModel, hidden: ReadonlySet<string>): EntityModel {
  if (hidden.size === 0) return entity;
  const key = [...hidden].sort().join(',');
  let byKey = views.get(entity);
  if (!byKey) views.set(entity, (byKey = new Map()));
  let view = byKey.get(key);
  if (!view) {
    const visible = entity.fields.filter((f) => !hidden.has(f.name));
    view = Object.freeze({
      ...entity,
      fields: visible,
      field: new Map(visible.map((f) => [f.name, f])),
      columns: entity.columns.filter((f) => !hidden.has(f.name)),
      searchFields: entity.searchFields.filter((f) => !hidden.has(f.name)),
    });
    byKey.set(key, view);
  }
  return view;
}

/**
 * What a set of role names grants in a model: scopes and field rules depend on nothing else,
 * so requests with the same roles share them (the model is immutable; a new one after a
 * metadata apply is another WeakMap key). Whose records a scope reaches (the org) is not
 * kept here: it is read per request.
 */
class RoleGrants {
  readonly roles: readonly Role[];
  private readonly byOperation = new Map<string, ReadonlySet<Scope>>();
  private readonly rules = new Map<string, FieldRules>();

  constructor(model: CompiledModel, names: readonly string[]) {
    this.roles = rolesOf(model, names);
  }

  scopes(entity: string, op: Operation): ReadonlySet<Scope> {
    const key = `${entity}\0${op}`;
    let scopes = this.byOperation.get(key);
    if (!scopes) this.byOperation.set(key, (scopes = scopesOf(this.roles, entity, op)));
    return scopes;
  }

  fieldRules(entity: string): FieldRules {
    let rules = this.rules.get(entity);
    if (!rules) this.rules.set(entity, (rules = fieldRulesOf(this.roles, entity)));
    return rules;
  }
}

const grantsByModel = new WeakMap<CompiledModel, Map<string, RoleGrants>>();

function grantsOf(model: CompiledModel, names: readonly string[]): RoleGrants {
  let byNames = grantsByModel.get(model);
  if (!byNames) grantsByModel.set(model, (byNames = new Map()));
  // Role names come sorted from the org query; a few distinct combinations exist per model.
  const key = names.join('\0');
  let grants = byNames.get(key);
  if (!grants) byNames.set(key, (grants = new RoleGrants(model, names)));
  return grants;
}

export class Access {
  readonly roles: readonly Role[];
  private readonly grants: RoleGrants;
  private readonly owners = new Map<string, OwnerSet>();

  constructor(
    readonly model: CompiledModel,
    readonly org: OrgContext,
  ) {
    this.grants = grantsOf(model, org.roles);
    this.roles = this.grants.roles;
  }

  ownersOf(entity: string, op: Operation): OwnerSet {
    const key = `${entity}\0${op}`;
    let set = this.owners.get(key);
    if (!set) this.owners.set(key, (set = ownerSet(this.grants.scopes(entity, op), this.org)));
    return set;
  }

  can(entity: string, op: Operation): boolean {
    const set = this.ownersOf(entity, op);
    return set.all || set.owners.size > 0;
  }

  fieldRules(entity: string): FieldRules {
    return this.grants.fieldRules(entity);
  }

  /** The scope as SQL over alias "t" (for ListOptions.restrict). */
  scopeSql(entity: string, op: Operation, params: SqlParams, alias = ROOT_ALIAS): string {
    const set = this.ownersOf(entity, op);
    if (set.all) return 'TRUE';
    if (set.owners.size === 0) return 'FALSE';
    return `${qualified(alias, 'owner')} = ANY(${params.add([...set.owners], 'uuid[]')})`;
  }

  restrict(entity: string, op: Operation = 'read'): (params: SqlParams) => string {
    return (params) => this.scopeSql(entity, op, params);
  }

  canRow(entity: string, op: Operation, row: Readonly<Record<string, unknown>>): boolean {
    return reaches(this.ownersOf(entity, op), row.owner);
  }

  /** An entity the caller may read, else 404 — the same answer as for an unknown one. */
  entity(name: string): EntityModel {
    const entity = this.model.entities.get(name);
    if (!entity || !this.can(entity.name, 'read')) throw new CardoError('CARDO_ERR_API_UNKNOWN_ENTITY', `There is no entity "${name.slice(0, 64)}".`);
    return entity;
  }

  /** The entity without its hidden fields: they cannot be selected, filtered, sorted, grouped or searched. */
  view(entity: EntityModel): EntityModel {
    return entityWithout(entity, this.fieldRules(entity.name).hidden);
  }

  /** A copy of the record without hidden fields. */
  strip<T extends Record<string, unknown>>(entity: EntityModel, record: T): T {
    const { hidden } = this.fieldRules(entity.name);
    if (hidden.size === 0) return record;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(record)) if (!hidden.has(k)) out[k] = v;
    return out as T;
  }

  /** A write that names a hidden or readOnly field is refused, naming the fields. */
  assertWritableFields(entity: EntityModel, body: Readonly<Record<string, unknown>>): void {
    const { hidden, readOnly } = this.fieldRules(entity.name);
    const refused = Object.keys(body).filter((k) => hidden.has(k) || readOnly.has(k));
    if (refused.length > 0) {
      throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', `You may not change ${refused.join(', ')} of a ${entity.name}.`, { errors: refused.map((k) => ({ path: `/${k}`, message: 'Read-only for you.' })) });
    }
  }

  /** A new record's owner must be within the create scope. */
  assertCreate(entity: EntityModel, owner: unknown): void {
    if (!this.can(entity.name, 'create')) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', `You may not create a ${entity.name}.`);
    if (!reaches(this.ownersOf(entity.name, 'create'), owner)) {
      throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', `You may not create a ${entity.name} owned by this user.`, { errors: [{ path: '/owner', message: 'Outside your scope.' }] });
    }
  }

  /** An existing row for update/delete: 404 when the caller cannot even read it, 403 when read-only to them. */
  assertRow(entity: EntityModel, op: 'update' | 'delete', row: Readonly<Record<string, unknown>>, id: string): void {
    if (!this.canRow(entity.name, 'read', row)) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${entity.name} ${id}.`);
    if (!this.canRow(entity.name, op, row)) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', `You may not ${op} this ${entity.name}.`);
  }

  /** A changed owner must stay within the update scope, or the caller could give records away out of reach. */
  assertNewOwner(entity: EntityModel, owner: unknown): void {
    if (!reaches(this.ownersOf(entity.name, 'update'), owner)) {
      throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', `You may not give a ${entity.name} to this user.`, { errors: [{ path: '/owner', message: 'Outside your scope.' }] });
    }
  }

  /** The actor of a write on a record owned by `owner`: on behalf of the absent user when it is theirs. */
  actorFor(owner: unknown): Actor {
    const onBehalfOf = typeof owner === 'string' && this.org.substituted.includes(owner) ? owner : null;
    return { userId: this.org.userId, onBehalfOf };
  }

  /** Of these ids of an entity, those the caller may read. */
  async readableIds(db: Db, entity: EntityModel, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0 || !this.can(entity.name, 'read')) return new Set();
    const params = new SqlParams();
    const list = params.add([...new Set(ids)], 'uuid[]');
    const scope = this.scopeSql(entity.name, 'read', params);
    const rows = await db.query<{ id: string }>(`SELECT ${qualified(ROOT_ALIAS, 'id')}::text AS id FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)} WHERE ${qualified(ROOT_ALIAS, 'id')} = ANY(${list}) AND ${scope}`, params.values);
    return new Set(rows.map((r) => r.id));
  }
}

const orgs = new WeakMap<FastifyRequest, OrgContext>();
const perRequest = new WeakMap<FastifyRequest, Access>();

/** The caller's org, as the auth hook read it with the session (one statement for both). */
export function attachOrg(request: FastifyRequest, org: OrgContext): void {
  orgs.set(request, org);
  perRequest.delete(request);
}

/** The caller's Access, built once per request from the org the auth hook attached. */
export function accessOf(request: FastifyRequest): Promise<Access> {
  let access = perRequest.get(request);
  if (!access) {
    const org = orgs.get(request);
    // Behind the auth hook every request has a user and its org; without them, the caller is anonymous.
    if (!request.user || !org || org.userId !== request.user.id) throw new CardoError('CARDO_ERR_AUTH_REQUIRED');
    access = new Access(request.model, org);
    perRequest.set(request, access);
  }
  return Promise.resolve(access);
}
