/**
 * Compiles the condition language (condition/condition.ts) to a parameterized SQL boolean
 * expression over the entity's table aliased "t", with LEFT JOINs for dot paths.
 *
 * The SQL must give exactly the answers of toPredicate on the record the API returns, so the
 * three-valued rule in condition.ts is followed term by term:
 * - NULL-producing terms stay NULL (SQL comparisons with NULL), $null/IS NULL never are;
 *   multi-valued columns count '{}' as NULL via NULLIF(col, '{}').
 * - Date-times are compared at the millisecond precision the API shows (the column holds
 *   microseconds), rewritten as ranges so an index on the column still serves them.
 * - Strings order by code units (COLLATE "C"); UUID-shaped strings compare ignoring case, as
 *   compareValues does.
 * Values are always parameters; identifiers come from the compiled model.
 */
import { createHash } from 'node:crypto';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import { checkCondition, resolveVariable } from '../condition/condition.js';
import type { ConditionField, ConditionIssue, FieldResolver } from '../condition/condition.js';
import { CardoError } from '../errors.js';
import { FORBIDDEN_SEGMENTS, isDateOnly, isPlainObject, isUuid } from '../expression/values.js';
import { escapeLike, ident, qualified } from './sql.js';
import type { SqlParams } from './sql.js';

/** The alias of the entity's own table in every generated query. */
export const ROOT_ALIAS = 't';

export interface QueryContext {
  /** The caller's user id, for $me; null when there is none. */
  me: string | null;
  /** The clock for $today and $now. */
  now: Date;
}

/** A LEFT JOIN for one dot-path prefix; its alias is derived from the prefix, so equal prefixes share it. */
export interface Join {
  readonly alias: string;
  readonly sql: string;
}

export interface CompiledCondition {
  /** A boolean SQL expression; 'TRUE' for an empty condition. */
  where: string;
  /** The joins the expression needs, parents before children. */
  joins: readonly Join[];
}

export interface CompileOptions {
  /** Prefix of the error paths, e.g. '/query/filter'. */
  pointer?: string;
}

// ---------------------------------------------------------------------------------------
// Paths

export type ResolvedPath =
  | { field: FieldModel; entity: EntityModel; alias: string; joins: readonly Join[] }
  | { error: 'CARDO_ERR_META_UNKNOWN_FIELD' | 'CARDO_ERR_META_NOT_A_REFERENCE'; message: string };

/**
 * The alias of the join reaching a path prefix: readable while short, a hash when PostgreSQL
 * would truncate it (identifiers are at most 63 bytes) — deterministic either way.
 */
export function joinAlias(prefix: readonly string[]): string {
  const alias = `j_${prefix.join('__')}`;
  return alias.length <= 63 ? alias : `j_${createHash('sha256').update(prefix.join('.')).digest('hex').slice(0, 32)}`;
}

/** Follows a field or dot path (through reference and user fields) from an entity. */
export function resolvePath(model: CompiledModel, entity: EntityModel, path: string): ResolvedPath {
  const segments = path.split('.');
  const joins: Join[] = [];
  let current = entity;
  let alias = ROOT_ALIAS;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const field = FORBIDDEN_SEGMENTS.has(segment) ? undefined : current.field.get(segment);
    if (!field) return { error: 'CARDO_ERR_META_UNKNOWN_FIELD', message: `"${path}": ${current.name} has no field "${segment}"` };
    if (i === segments.length - 1) return { field, entity: current, alias, joins };
    const target = field.type === 'reference' || field.type === 'user' ? field.target : undefined;
    const next = target === undefined ? undefined : model.entities.get(target);
    if (!next || !field.columnType) {
      return { error: 'CARDO_ERR_META_NOT_A_REFERENCE', message: `"${path}": "${segment}" is a ${field.type} field, not a reference, so it has no fields` };
    }
    const childAlias = joinAlias(segments.slice(0, i + 1));
    joins.push({
      alias: childAlias,
      sql: `LEFT JOIN ${ident(next.table)} AS ${ident(childAlias)} ON ${qualified(childAlias, 'id')} = ${qualified(alias, field.column)}`,
    });
    current = next;
    alias = childAlias;
  }
  return { error: 'CARDO_ERR_META_UNKNOWN_FIELD', message: `"${path}" is empty` };
}

/** Appends joins not yet present (by alias), keeping the order: parents stay before children. */
export function mergeJoins(into: Join[], joins: readonly Join[]): void {
  for (const join of joins) if (!into.some((j) => j.alias === join.alias)) into.push(join);
}

/** The FieldResolver checkCondition needs, over the compiled model. */
export function modelResolver(model: CompiledModel, entity: EntityModel): FieldResolver {
  return (path) => {
    const resolved = resolvePath(model, entity, path);
    if ('error' in resolved) return resolved;
    if (!resolved.field.columnType) {
      return { error: 'CARDO_ERR_META_UNKNOWN_FIELD', message: `"${path}" is computed when read and cannot be used in a condition` };
    }
    const field: ConditionField = { type: resolved.field.valueType };
    if (resolved.field.options) field.options = resolved.field.options;
    return field;
  };
}

// ---------------------------------------------------------------------------------------
// Preparing: a condition checked and resolved to columns once (cached for metadata conditions)

type Operator = '$eq' | '$ne' | '$in' | '$nin' | '$gt' | '$gte' | '$lt' | '$lte' | '$contains' | '$startsWith' | '$null';

interface Term {
  kind: 'term';
  /** The qualified column, e.g. "j_counterparty"."status". */
  column: string;
  field: FieldModel;
  op: Operator;
  operand: unknown;
}

type Node = Term | { kind: 'and' | 'or'; parts: Node[] } | { kind: 'not'; part: Node };

interface Prepared {
  node: Node;
  joins: Join[];
}

/** Metadata conditions are frozen with the model: check and resolve each once per model. */
const preparedCache = new WeakMap<EntityModel, WeakMap<object, Prepared>>();

function badCondition(issues: readonly Pick<ConditionIssue, 'pointer' | 'message'>[]): CardoError {
  const detail = issues.map((i) => (i.pointer ? `${i.pointer}: ${i.message}` : i.message)).join('; ');
  return new CardoError('CARDO_ERR_API_BAD_CONDITION', detail.length > 1000 ? `${detail.slice(0, 997)}...` : detail, {
    errors: issues.map((i) => ({ path: i.pointer, message: i.message })),
  });
}

function prepare(condition: unknown, entity: EntityModel, model: CompiledModel, pointer: string): Prepared {
  const cacheable = typeof condition === 'object' && condition !== null && Object.isFrozen(condition);
  if (cacheable) {
    const hit = preparedCache.get(entity)?.get(condition);
    if (hit) return hit;
  }
  const issues = checkCondition(condition, modelResolver(model, entity), pointer);
  if (issues.length > 0) throw badCondition(issues);
  const joins: Join[] = [];
  const node = prepareNode(condition, entity, model, joins, pointer);
  const prepared = { node, joins };
  if (cacheable) {
    let byCondition = preparedCache.get(entity);
    if (!byCondition) preparedCache.set(entity, (byCondition = new WeakMap()));
    byCondition.set(condition, prepared);
  }
  return prepared;
}

// checkCondition has accepted the condition; these checks only keep the types honest.
function prepareNode(node: unknown, entity: EntityModel, model: CompiledModel, joins: Join[], pointer: string): Node {
  if (!isPlainObject(node)) throw badCondition([{ pointer, message: 'A condition is an object' }]);
  const parts: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (FORBIDDEN_SEGMENTS.has(key)) throw badCondition([{ pointer: at, message: `"${key}" is not a field` }]);
    if (key === '$and' || key === '$or') {
      const items = Array.isArray(value) ? value : [];
      parts.push({ kind: key === '$and' ? 'and' : 'or', parts: items.map((item, i) => prepareNode(item, entity, model, joins, `${at}/${i}`)) });
    } else if (key === '$not') {
      parts.push({ kind: 'not', part: prepareNode(value, entity, model, joins, at) });
    } else {
      const resolved = resolvePath(model, entity, key);
      if ('error' in resolved) throw badCondition([{ pointer: at, message: resolved.message }]);
      mergeJoins(joins, resolved.joins);
      const column = qualified(resolved.alias, resolved.field.column);
      const operators: Array<[string, unknown]> = isPlainObject(value) ? Object.entries(value) : [['$eq', value]];
      for (const [op, operand] of operators) {
        if (FORBIDDEN_SEGMENTS.has(op)) throw badCondition([{ pointer: at, message: `"${op}" is not an operator` }]);
        parts.push({ kind: 'term', column, field: resolved.field, op: op as Operator, operand });
      }
    }
  }
  return parts.length === 1 ? (parts[0] as Node) : { kind: 'and', parts };
}

// ---------------------------------------------------------------------------------------
// Emitting SQL

/** How a column's values are bound and compared. */
type Kind = 'uuid' | 'int' | 'numeric' | 'bool' | 'date' | 'timestamptz' | 'text' | 'textArray';

function kindOf(field: FieldModel): Kind {
  // System columns have fixed types: `id` is a string field stored as a uuid.
  if (field.system && field.name === 'id') return 'uuid';
  switch (field.columnType?.kind) {
    case 'uuid':
      return 'uuid';
    case 'integer':
      return 'int';
    case 'numeric':
      return 'numeric';
    case 'boolean':
      return 'bool';
    case 'date':
      return 'date';
    case 'timestamptz':
      return 'timestamptz';
    case 'text[]':
      return 'textArray';
    default:
      return 'text';
  }
}

const UUID_SQL_RE = `'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`;
const MS = 1;

function isUuidText(value: unknown): value is string {
  return typeof value === 'string' && isUuid(value);
}

/** A date-time value as the API would show it: millisecond precision, UTC (dates mean midnight UTC). */
function toInstant(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return new Date(isDateOnly(value) ? `${value}T00:00:00.000Z` : value).toISOString();
}

function plusMs(iso: string, ms: number): string {
  // Past 9999 JS writes an expanded year (+010000-…), which PostgreSQL does not read; it reads 10000-….
  return new Date(Date.parse(iso) + ms).toISOString().replace(/^\+0*(\d{5,})-/, '$1-');
}

function castOf(kind: Kind, values: readonly unknown[]): string {
  switch (kind) {
    case 'uuid':
      return 'uuid';
    case 'int':
      // An integer column against a bigint keeps its index; beyond 2^53 only numeric is exact.
      return values.every((v) => v === null || Number.isSafeInteger(v)) ? 'bigint' : 'numeric';
    case 'numeric':
      return 'numeric';
    case 'bool':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamptz':
      return 'timestamptz';
    default:
      return 'text';
  }
}

const COMPARE: Record<'$gt' | '$gte' | '$lt' | '$lte', string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

class Emitter {
  constructor(
    private readonly ctx: QueryContext,
    private readonly params: SqlParams,
  ) {}

  node(node: Node): string {
    switch (node.kind) {
      case 'and':
      case 'or': {
        if (node.parts.length === 0) return node.kind === 'and' ? 'TRUE' : 'FALSE';
        const parts = node.parts.map((p) => this.node(p));
        return parts.length === 1 ? (parts[0] as string) : `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not':
        return `(NOT ${this.node(node.part)})`;
      case 'term':
        return this.term(node);
    }
  }

  private value(term: Term, operand: unknown): unknown {
    return resolveVariable(operand, this.ctx, term.field.valueType);
  }

  term(term: Term): string {
    const kind = kindOf(term.field);
    const col = term.column;
    const nullable = kind === 'textArray' ? `NULLIF(${col}, '{}')` : col;
    const { op, operand } = term;
    if (op === '$null') return operand === true ? `${nullable} IS NULL` : `${nullable} IS NOT NULL`;
    if ((op === '$eq' || op === '$ne') && operand === null) return op === '$eq' ? `${nullable} IS NULL` : `${nullable} IS NOT NULL`;
    switch (op) {
      case '$eq':
      case '$ne': {
        const eq = this.equals(kind, col, this.value(term, operand));
        return op === '$eq' ? eq : `(NOT ${eq})`;
      }
      case '$in':
      case '$nin':
        return this.inList(term, kind, op);
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return this.compare(kind, col, op, this.value(term, operand));
      case '$contains':
      case '$startsWith': {
        if (kind === 'textArray') return `(${nullable} @> ARRAY[${this.params.add(this.value(term, operand), 'text')}])`;
        const text = String(operand);
        const pattern = op === '$contains' ? `%${escapeLike(text)}%` : `${escapeLike(text)}%`;
        return `(${kind === 'text' ? col : `${col}::text`} ILIKE ${this.params.add(pattern, 'text')})`;
      }
    }
    throw new CardoError('CARDO_ERR_API_BAD_CONDITION', `"${String(op)}" is not an operator`);
  }

  /** col = v for one resolved value (null when a variable resolved to nothing: NULL, so UNKNOWN). */
  private equals(kind: Kind, col: string, v: unknown): string {
    if (kind === 'timestamptz') {
      const at = toInstant(v);
      if (at === null) return `(${col} = ${this.params.add(null, 'timestamptz')})`;
      return `(${col} >= ${this.params.add(at, 'timestamptz')} AND ${col} < ${this.params.add(plusMs(at, MS), 'timestamptz')})`;
    }
    if (kind === 'uuid' && v !== null && !isUuidText(v)) {
      // Only `id` (a string-typed uuid column) can meet a non-UUID value: it equals nothing.
      return `(${col}::text = ${this.params.add(v, 'text')})`;
    }
    if (kind === 'text' && isUuidText(v)) return `(lower(${col}) = ${this.params.add(v.toLowerCase(), 'text')})`;
    return `(${col} = ${this.params.add(v, castOf(kind, [v]))})`;
  }

  private compare(kind: Kind, col: string, op: keyof typeof COMPARE, v: unknown): string {
    const sign = COMPARE[op];
    if (kind === 'timestamptz') {
      const at = toInstant(v);
      if (at === null) return `(${col} ${sign} ${this.params.add(null, 'timestamptz')})`;
      // The API shows milliseconds: compare trunc_ms(col) with v as a range over col itself.
      if (op === '$gt') return `(${col} >= ${this.params.add(plusMs(at, MS), 'timestamptz')})`;
      if (op === '$lte') return `(${col} < ${this.params.add(plusMs(at, MS), 'timestamptz')})`;
      return `(${col} ${sign} ${this.params.add(at, 'timestamptz')})`;
    }
    if (kind === 'uuid') {
      const text = isUuidText(v) ? v.toLowerCase() : v;
      return `(${col}::text COLLATE "C" ${sign} ${this.params.add(text, 'text')})`;
    }
    if (kind === 'text') {
      if (isUuidText(v)) {
        // Two UUIDs compare ignoring case; a UUID against other text compares as it is.
        const raw = this.params.add(v, 'text');
        const lower = this.params.add(v.toLowerCase(), 'text');
        return `(CASE WHEN ${col} ~ ${UUID_SQL_RE} THEN lower(${col}) COLLATE "C" ${sign} ${lower} ELSE ${col} COLLATE "C" ${sign} ${raw} END)`;
      }
      return `(${col} COLLATE "C" ${sign} ${this.params.add(v, 'text')})`;
    }
    return `(${col} ${sign} ${this.params.add(v, castOf(kind, [v]))})`;
  }

  private inList(term: Term, kind: Kind, op: '$in' | '$nin'): string {
    const operand = Array.isArray(term.operand) ? (term.operand as unknown[]) : [];
    const hasNull = operand.includes(null);
    const values = operand.filter((v) => v !== null).map((v) => this.value(term, v));
    const col = term.column;
    if (values.length === 0) {
      if (op === '$in') return hasNull ? `${col} IS NULL` : 'FALSE';
      return hasNull ? `${col} IS NOT NULL` : 'TRUE';
    }
    const inList = this.anyOf(kind, col, values);
    if (op === '$in') return hasNull ? `(${inList} OR ${col} IS NULL)` : inList;
    return hasNull ? `((NOT ${inList}) AND ${col} IS NOT NULL)` : `(NOT ${inList})`;
  }

  /** col IN (values) as = ANY(array): TRUE, FALSE, or NULL when col (or a resolved value) is NULL. */
  private anyOf(kind: Kind, col: string, values: readonly unknown[]): string {
    if (kind === 'timestamptz') {
      const instants = values.map(toInstant);
      return `(date_trunc('milliseconds', ${col}) = ANY(${this.params.add(instants, 'timestamptz[]')}))`;
    }
    if (kind === 'uuid' && !values.every((v) => v === null || isUuidText(v))) {
      const texts = values.map((v) => (isUuidText(v) ? v.toLowerCase() : v));
      return `(${col}::text = ANY(${this.params.add(texts, 'text[]')}))`;
    }
    if (kind === 'text' && values.some(isUuidText)) {
      const plain = values.filter((v) => !isUuidText(v));
      const uuids = values.filter(isUuidText).map((v) => v.toLowerCase());
      const parts = [`lower(${col}) = ANY(${this.params.add(uuids, 'text[]')})`];
      if (plain.length > 0) parts.unshift(`${col} = ANY(${this.params.add(plain, 'text[]')})`);
      return `(${parts.join(' OR ')})`;
    }
    return `(${col} = ANY(${this.params.add(values, `${castOf(kind, values)}[]`)}))`;
  }
}

/**
 * Checks a condition against the entity (unknown fields and operators, wrong values, depth
 * and term limits → CardoError CARDO_ERR_API_BAD_CONDITION naming each problem) and compiles
 * it to SQL over the alias "t", adding its values to `params`.
 */
export function compileCondition(
  condition: unknown,
  entity: EntityModel,
  model: CompiledModel,
  ctx: QueryContext,
  params: SqlParams,
  options: CompileOptions = {},
): CompiledCondition {
  const prepared = prepare(condition, entity, model, options.pointer ?? '');
  return { where: new Emitter(ctx, params).node(prepared.node), joins: prepared.joins };
}
