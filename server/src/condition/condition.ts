/**
 * Cardo's one condition language (DESIGN §3): `{field: value | {$op: value}}` combined with
 * `$and`, `$or`, `$not`; dot paths through references; the variables `$me`, `$today` and
 * `$now`, optionally shifted by an ISO-8601 duration ("$today-P14D", "$now+PT1H").
 *
 * checkCondition validates a condition against the fields it names; toPredicate evaluates it
 * in memory. The SQL compiler must give the same answers, so the semantics are fixed here.
 *
 * THREE-VALUED LOGIC (the rule the SQL compiler must match)
 * Every term evaluates to TRUE, FALSE or UNKNOWN (null), exactly as SQL would:
 * - "NULL" is a missing or null value, a dot path through a null reference (LEFT JOIN), or,
 *   for multi-valued fields (multiEnum, multiple), an empty array: compile as
 *   NULLIF(col, '{}').
 * - `{f: null}`, `{f: {$eq: null}}` → f IS NULL;  `{f: {$ne: null}}` → f IS NOT NULL;
 *   `{f: {$null: b}}` → f IS NULL when b, else f IS NOT NULL. These are never UNKNOWN.
 * - Any other comparison with a NULL field is UNKNOWN: `$eq $ne $gt $gte $lt $lte $contains
 *   $startsWith`. In particular `{f: {$ne: x}}` does NOT match rows where f is NULL
 *   (SQL `f <> x`); write `{$or: [{f: {$ne: x}}, {f: null}]}` to include them.
 * - A variable that resolves to null (`$me` without a user) is a NULL parameter: `f = NULL`
 *   is UNKNOWN, so `{owner: "$me"}` matches nothing for an anonymous caller.
 * - `$in: [a, b]` → f IN (a, b): TRUE if f equals one, UNKNOWN if f is NULL, else FALSE.
 *   A null element adds "OR f IS NULL". `$in: []` is FALSE.
 * - `$nin: [a, b]` → NOT (f IN (a, b)): UNKNOWN if f is NULL. A null element adds
 *   "AND f IS NOT NULL". `$nin: []` is TRUE (compile as the literal TRUE).
 * - Comparing values of unrelated kinds is UNKNOWN (checkCondition prevents it).
 * - Several keys in one object, and several operators on one field, are AND-ed.
 * - AND, OR and NOT follow Kleene logic: AND is FALSE if any part is FALSE, else UNKNOWN if
 *   any is UNKNOWN, else TRUE (an empty AND is TRUE); OR is TRUE if any part is TRUE, else
 *   UNKNOWN if any is UNKNOWN, else FALSE; NOT swaps TRUE and FALSE and keeps UNKNOWN.
 * - At the top, UNKNOWN counts as FALSE (SQL WHERE): the record does not match.
 *
 * COMPARISONS (what the SQL compiler must reproduce)
 * - Numbers: condition values for numeric fields are numbers; a record value given as a
 *   numeric string ("12.50") compares numerically with them.
 * - Dates: `YYYY-MM-DD` for date fields, ISO date-times with a zone for datetime fields; a
 *   date compared with a date-time means midnight UTC (run SQL with TimeZone = 'UTC').
 * - Strings: `$eq`/`$in` are case-sensitive; `$gt`… order by code units (COLLATE "C");
 *   `$contains`/`$startsWith` are case-insensitive (ILIKE with %, _ and \ escaped).
 * - `$contains` on a multi-valued field is membership (`col @> ARRAY[$1]`).
 * - A reference may be given as its id or as a nested object with an own `id` (as dot paths
 *   need); either compares as the id. UUIDs compare ignoring case.
 */
import type { Condition, FieldType } from '../generated/metadata.js';
import type { ErrorCode } from '../errors.js';
import { CardoError } from '../errors.js';
import { ExpressionError, addDurationTo, parseDuration } from '../expression/expression.js';
import type { Duration } from '../expression/expression.js';
import {
  FORBIDDEN_SEGMENTS,
  compareValues,
  isDateOnly,
  isDateTime,
  isPlainObject,
  isUuid,
  readPath,
  startOfUtcDay,
  toIsoDate,
} from '../expression/values.js';

export interface ConditionField {
  type: FieldType;
  /** enum/multiEnum option values, or the stage values of a stage field. */
  options?: readonly string[];
  /** The field holds several values (an array), like a multiEnum. */
  multiple?: boolean;
}

export type ConditionIssueCode = Extract<
  ErrorCode,
  | 'CARDO_ERR_META_UNKNOWN_FIELD'
  | 'CARDO_ERR_META_NOT_A_REFERENCE'
  | 'CARDO_ERR_META_CONDITION_OPERATOR'
  | 'CARDO_ERR_META_CONDITION_VALUE'
  | 'CARDO_ERR_META_UNKNOWN_VALUE'
  | 'CARDO_ERR_META_CONDITION_DEPTH'
>;

export interface ConditionIssue {
  code: ConditionIssueCode;
  /** RFC 6901 JSON pointer of the offending key or value. */
  pointer: string;
  message: string;
}

export type FieldResolver = (
  path: string,
) => ConditionField | { error: Extract<ErrorCode, 'CARDO_ERR_META_UNKNOWN_FIELD' | 'CARDO_ERR_META_NOT_A_REFERENCE'>; message: string };

export const CONDITION_LIMITS = Object.freeze({ maxDepth: 8, maxTerms: 100 });

/** As the condition schema: at most 1000 values in `$in`/`$nin`. */
const MAX_LIST = 1000;

const OPERATORS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$contains', '$startsWith', '$null'] as const;
type Operator = (typeof OPERATORS)[number];
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(['integer', 'decimal', 'money', 'percent']);
const ORDERED_TYPES: ReadonlySet<FieldType> = new Set([...NUMERIC_TYPES, 'date', 'datetime', 'string']);
const TEXT_TYPES: ReadonlySet<FieldType> = new Set(['string', 'text', 'email', 'phone', 'url']);

/** The field-path pattern of condition.schema.json. */
const FIELD_PATH_RE = /^[a-z][a-zA-Z0-9]*(?:\.[a-z][a-zA-Z0-9]*){0,3}$/;
const VARIABLE_RE = /^\$(me|today|now)(?:([+-])(P.*))?$/s;

// ---------------------------------------------------------------------------------------
// Variables

export interface ConditionContext {
  /** The current user's id; null or absent for none. */
  me?: string | null;
  /** The clock for $today and $now; the current time if absent. */
  now?: Date;
}

interface Variable {
  name: 'me' | 'today' | 'now';
  /** The shift as parseDuration's text ("-P14D"), or null. */
  shift: string | null;
}

/** Parses "$today-P14D"; a string starting with "$" that is not a valid variable is an error. */
function parseVariable(value: string): Variable | { error: string } {
  const m = VARIABLE_RE.exec(value);
  if (!m) return { error: `"${value}" is not a variable: use $me, $today or $now` };
  const name = m[1] as Variable['name'];
  if (m[2] === undefined) return { name, shift: null };
  if (name === 'me') return { error: '$me cannot be shifted by a duration' };
  const shift = m[2] === '-' ? `-${m[3] ?? ''}` : (m[3] ?? '');
  let duration: Duration;
  try {
    duration = parseDuration(shift);
  } catch (error) {
    if (error instanceof ExpressionError) return { error: `"${value}": ${error.message}` };
    throw error;
  }
  // $today is a day: it moves by whole days, never by hours.
  if (name === 'today' && (duration.hours || duration.minutes || duration.seconds)) {
    return { error: `"${value}": $today can only be shifted by years, months, weeks or days` };
  }
  return { name, shift };
}

function isVariableText(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('$');
}

/**
 * The value of a variable ("$me", "$today-P14D", "$now+PT1H"); other values are returned as
 * they are. $today is the current UTC day as `YYYY-MM-DD` (midnight UTC as an ISO date-time
 * for a datetime field); $now is an ISO date-time (its UTC day for a date field).
 * Throws CardoError CARDO_ERR_META_CONDITION_VALUE for a malformed "$…" string.
 */
export function resolveVariable(value: unknown, ctx: ConditionContext, fieldType?: FieldType): unknown {
  if (!isVariableText(value)) return value;
  const variable = parseVariable(value);
  if ('error' in variable) throw new CardoError('CARDO_ERR_META_CONDITION_VALUE', variable.error);
  if (variable.name === 'me') return ctx.me ?? null;
  const now = ctx.now ?? new Date();
  const base = variable.name === 'today' ? startOfUtcDay(now) : now;
  const shifted = variable.shift === null ? base : addDurationTo(base, variable.shift);
  if (variable.name === 'today') return fieldType === 'datetime' ? shifted.toISOString() : toIsoDate(shifted);
  return fieldType === 'date' ? toIsoDate(shifted) : shifted.toISOString();
}

// ---------------------------------------------------------------------------------------
// checkCondition

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function child(pointer: string, token: string | number): string {
  return `${pointer}/${escapePointerToken(String(token))}`;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isMultiValued(field: ConditionField): boolean {
  return field.type === 'multiEnum' || field.multiple === true;
}

/** Whether an operator (with a non-null operand) applies to a field. */
function operatorApplies(op: Operator, field: ConditionField): boolean {
  const multi = isMultiValued(field);
  switch (op) {
    case '$null':
      return true;
    case '$eq':
    case '$ne':
    case '$in':
    case '$nin':
      return !multi && field.type !== 'file';
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      // formula: the caller should pass the result type; if not, do not second-guess it.
      return !multi && (ORDERED_TYPES.has(field.type) || field.type === 'formula');
    case '$contains':
      return multi || TEXT_TYPES.has(field.type);
    case '$startsWith':
      return !multi && TEXT_TYPES.has(field.type);
  }
}

/** Which variables a field type accepts. */
function variableSuits(name: Variable['name'], type: FieldType): boolean {
  switch (name) {
    case 'me':
      return type === 'user' || type === 'reference' || type === 'formula';
    case 'today':
      return type === 'date' || type === 'datetime' || type === 'formula';
    case 'now':
      return type === 'datetime' || type === 'formula';
  }
}

class Checker {
  readonly issues: ConditionIssue[] = [];
  terms = 0;
  tooDeep = false;

  constructor(private readonly resolve: FieldResolver) {}

  issue(code: ConditionIssueCode, pointer: string, message: string): void {
    this.issues.push({ code, pointer, message });
  }

  node(node: unknown, pointer: string, depth: number): void {
    if (depth > CONDITION_LIMITS.maxDepth) {
      // Deeper levels are not examined: the one DEPTH issue says enough.
      this.tooDeep = true;
      return;
    }
    if (!isPlainObject(node)) {
      this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, 'A condition is an object such as {"status": "open"}');
      return;
    }
    for (const [key, value] of Object.entries(node)) {
      const keyPointer = child(pointer, key);
      if (FORBIDDEN_SEGMENTS.has(key)) {
        this.issue('CARDO_ERR_META_UNKNOWN_FIELD', keyPointer, `"${key}" is not a field`);
      } else if (key === '$and' || key === '$or') {
        if (!Array.isArray(value) || value.length === 0) {
          this.issue('CARDO_ERR_META_CONDITION_VALUE', keyPointer, `${key} takes a non-empty array of conditions`);
        } else {
          value.forEach((item, i) => this.node(item, child(keyPointer, i), depth + 1));
        }
      } else if (key === '$not') {
        this.node(value, keyPointer, depth + 1);
      } else if (key.startsWith('$')) {
        this.issue('CARDO_ERR_META_CONDITION_OPERATOR', keyPointer, `"${key}" is not $and, $or, $not or a field`);
      } else {
        this.field(key, value, keyPointer);
      }
    }
  }

  field(path: string, value: unknown, pointer: string): void {
    const operators = isPlainObject(value) ? Object.entries(value) : null;
    this.terms += operators === null ? 1 : Math.max(operators.length, 1);

    const forbidden = path.split('.').find((segment) => FORBIDDEN_SEGMENTS.has(segment));
    if (forbidden !== undefined) {
      this.issue('CARDO_ERR_META_UNKNOWN_FIELD', pointer, `"${forbidden}" is not a field`);
      return;
    }
    if (!FIELD_PATH_RE.test(path)) {
      this.issue('CARDO_ERR_META_UNKNOWN_FIELD', pointer, `"${path}" is not a field name or a dot path such as counterparty.status`);
      return;
    }
    const field = this.resolve(path);
    if ('error' in field) {
      this.issue(field.error, pointer, field.message);
      return;
    }

    if (operators === null) {
      if (Array.isArray(value)) {
        this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `A list of values needs {"$in": [...]} (field ${path})`);
      } else {
        this.operator(path, field, '$eq', value, pointer);
      }
      return;
    }
    if (operators.length === 0) {
      this.issue('CARDO_ERR_META_CONDITION_OPERATOR', pointer, `The operator object of ${path} is empty`);
      return;
    }
    for (const [op, operand] of operators) {
      const opPointer = child(pointer, op);
      if (FORBIDDEN_SEGMENTS.has(op)) {
        this.issue('CARDO_ERR_META_UNKNOWN_FIELD', opPointer, `"${op}" is not an operator`);
      } else if (!OPERATOR_SET.has(op)) {
        this.issue('CARDO_ERR_META_CONDITION_OPERATOR', opPointer, `"${op}" is not an operator: use one of ${OPERATORS.join(' ')}`);
      } else {
        this.operator(path, field, op as Operator, operand, opPointer);
      }
    }
  }

  operator(path: string, field: ConditionField, op: Operator, operand: unknown, pointer: string): void {
    if (op === '$null') {
      if (typeof operand !== 'boolean') this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, '$null takes true or false');
      return;
    }
    // IS NULL / IS NOT NULL apply to every field.
    if ((op === '$eq' || op === '$ne') && operand === null) return;
    if (!operatorApplies(op, field)) {
      this.issue('CARDO_ERR_META_CONDITION_OPERATOR', pointer, `${op} does not apply to ${path}, a ${isMultiValued(field) ? 'multi-valued ' : ''}${field.type} field`);
      return;
    }
    if (op === '$in' || op === '$nin') {
      if (!Array.isArray(operand)) {
        this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `${op} takes an array of values`);
      } else if (operand.length > MAX_LIST) {
        this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `${op} takes at most ${MAX_LIST} values`);
      } else {
        operand.forEach((item, i) => {
          if (item !== null) this.value(path, field, item, child(pointer, i));
        });
      }
      return;
    }
    if (operand === null) {
      this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `${op} cannot compare with null; use $null`);
      return;
    }
    if ((op === '$contains' || op === '$startsWith') && !isMultiValued(field)) {
      if (typeof operand !== 'string' || isVariableText(operand)) {
        this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `${op} takes a text (field ${path})`);
      }
      return;
    }
    this.value(path, field, operand, pointer);
  }

  /** A non-null operand, or one element of an array operand, against the field's type. */
  value(path: string, field: ConditionField, value: unknown, pointer: string): void {
    const bad = (expected: string): void =>
      this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `${JSON.stringify(value) ?? String(value)} does not suit ${path}, which needs ${expected}`);
    if (!isScalar(value)) return bad('a single value');
    if (isVariableText(value)) {
      const variable = parseVariable(value);
      if ('error' in variable) {
        this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, variable.error);
      } else if (!variableSuits(variable.name, field.type)) {
        this.issue('CARDO_ERR_META_CONDITION_VALUE', pointer, `$${variable.name} does not suit ${path}, a ${field.type} field`);
      }
      return;
    }
    const type = field.type;
    if (type === 'integer') {
      if (typeof value !== 'number' || !Number.isInteger(value)) bad('a whole number');
    } else if (NUMERIC_TYPES.has(type)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('a number');
    } else if (type === 'boolean') {
      if (typeof value !== 'boolean') bad('true or false');
    } else if (type === 'date') {
      if (typeof value !== 'string' || !isDateOnly(value)) bad('a date YYYY-MM-DD or $today');
    } else if (type === 'datetime') {
      if (typeof value !== 'string' || !(isDateTime(value) || isDateOnly(value))) {
        bad('an ISO date-time with a zone (2024-05-01T09:00:00Z), a date, $now or $today');
      }
    } else if (type === 'user' || type === 'reference') {
      if (typeof value !== 'string' || !isUuid(value)) bad('a record id (UUID) or $me');
    } else if (type === 'enum' || type === 'stage' || type === 'multiEnum') {
      if (typeof value !== 'string') bad('one of its options');
      else if (field.options !== undefined && !field.options.includes(value)) {
        this.issue('CARDO_ERR_META_UNKNOWN_VALUE', pointer, `"${value}" is not an option of ${path}: ${field.options.join(', ')}`);
      }
    } else if (TEXT_TYPES.has(type)) {
      if (typeof value !== 'string') bad('a text');
    }
    // formula without a result type, file: nothing more to check.
  }
}

/**
 * Every problem of a condition, as values (never throws). Pointers are RFC 6901 JSON
 * pointers, each under `pointer` (the condition's own pointer in its file).
 */
export function checkCondition(condition: unknown, resolve: FieldResolver, pointer = ''): ConditionIssue[] {
  const checker = new Checker(resolve);
  checker.node(condition, pointer, 1);
  const limits: ConditionIssue[] = [];
  if (checker.tooDeep) {
    limits.push({
      code: 'CARDO_ERR_META_CONDITION_DEPTH',
      pointer,
      message: `The condition is nested more than ${CONDITION_LIMITS.maxDepth} levels deep`,
    });
  }
  if (checker.terms > CONDITION_LIMITS.maxTerms) {
    limits.push({
      code: 'CARDO_ERR_META_CONDITION_DEPTH',
      pointer,
      message: `The condition has ${checker.terms} terms; at most ${CONDITION_LIMITS.maxTerms} are allowed`,
    });
  }
  return [...limits, ...checker.issues];
}

// ---------------------------------------------------------------------------------------
// toPredicate

/** TRUE, FALSE or UNKNOWN (null), see the three-valued rule at the top of this file. */
type Truth = boolean | null;
type Row = Readonly<Record<string, unknown>>;
type Test = (record: Row) => Truth;

function and(values: readonly Truth[]): Truth {
  if (values.includes(false)) return false;
  return values.includes(null) ? null : true;
}

function or(values: readonly Truth[]): Truth {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

function not(value: Truth): Truth {
  return value === null ? null : !value;
}

/** A reference expanded for dot paths compares as its id. */
function idOf(value: unknown): unknown {
  return isPlainObject(value) && Object.hasOwn(value, 'id') ? value.id : value;
}

function isNullValue(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/** The field type a record value implies, so variables resolve as the SQL compiler would. */
function temporalType(value: unknown): FieldType | undefined {
  if (value instanceof Date) return 'datetime';
  if (typeof value === 'string') {
    if (isDateOnly(value)) return 'date';
    if (isDateTime(value)) return 'datetime';
  }
  return undefined;
}

const EXACT = { numericStrings: false } as const;

interface FixedContext {
  me: string | null;
  now: Date;
}

function invalid(code: ConditionIssueCode, message: string): never {
  throw new CardoError(code, message);
}

/** x = v for a non-null record value x: UNKNOWN when v resolves to null or kinds differ. */
function equalsTerm(x: unknown, operand: unknown, ctx: FixedContext): Truth {
  const v = resolveVariable(operand, ctx, temporalType(x));
  if (v === null || v === undefined) return null;
  const c = compareValues(x, v, EXACT);
  return c === null ? null : c === 0;
}

function compileOperator(op: string, operand: unknown, segments: readonly string[], ctx: FixedContext): Test {
  const read = (record: Row): unknown => idOf(readPath(record, segments));
  // Malformed variables fail when the predicate is built, not on some record later.
  const operands = Array.isArray(operand) ? operand : [operand];
  for (const o of operands) resolveVariable(o, ctx);

  switch (op) {
    case '$null':
      if (typeof operand !== 'boolean') invalid('CARDO_ERR_META_CONDITION_VALUE', '$null takes true or false');
      return (r) => isNullValue(read(r)) === operand;
    case '$eq':
    case '$ne': {
      if (operand === null) return op === '$eq' ? (r) => isNullValue(read(r)) : (r) => !isNullValue(read(r));
      if (!isScalar(operand)) invalid('CARDO_ERR_META_CONDITION_VALUE', `${op} takes a single value`);
      return (r) => {
        const x = read(r);
        if (isNullValue(x) || Array.isArray(x)) return null;
        const eq = equalsTerm(x, operand, ctx);
        return op === '$eq' ? eq : not(eq);
      };
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) invalid('CARDO_ERR_META_CONDITION_VALUE', `${op} takes an array`);
      const hasNull = operand.includes(null);
      const values: unknown[] = operand.filter((v) => v !== null);
      return (r) => {
        const x = read(r);
        const isNull = isNullValue(x);
        const inList = or(values.map((v) => (isNull || Array.isArray(x) ? null : equalsTerm(x, v, ctx))));
        if (op === '$in') return hasNull ? or([inList, isNull]) : inList;
        return hasNull ? and([not(inList), !isNull]) : not(inList);
      };
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (!isScalar(operand) || operand === null) invalid('CARDO_ERR_META_CONDITION_VALUE', `${op} takes a value`);
      return (r) => {
        const x = read(r);
        if (isNullValue(x) || Array.isArray(x)) return null;
        const v = resolveVariable(operand, ctx, temporalType(x));
        if (v === null || v === undefined) return null;
        const c = compareValues(x, v, EXACT);
        if (c === null) return null;
        return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0;
      };
    }
    case '$contains':
    case '$startsWith': {
      if (!isScalar(operand) || operand === null) invalid('CARDO_ERR_META_CONDITION_VALUE', `${op} takes a value`);
      return (r) => {
        const raw = readPath(r, segments);
        if (isNullValue(raw)) return null;
        if (Array.isArray(raw)) {
          if (op === '$startsWith') return null;
          const v = resolveVariable(operand, ctx);
          if (v === null || v === undefined) return null;
          return raw.some((item) => !isNullValue(item) && compareValues(idOf(item), v, EXACT) === 0);
        }
        const x = idOf(raw);
        if (typeof x !== 'string' || typeof operand !== 'string') return null;
        const haystack = x.toLowerCase();
        const needle = operand.toLowerCase();
        return op === '$contains' ? haystack.includes(needle) : haystack.startsWith(needle);
      };
    }
  }
  return invalid('CARDO_ERR_META_CONDITION_OPERATOR', `"${op}" is not an operator`);
}

function compileField(path: string, value: unknown, ctx: FixedContext): Test {
  const segments = path.split('.');
  if (segments.some((s) => FORBIDDEN_SEGMENTS.has(s))) invalid('CARDO_ERR_META_UNKNOWN_FIELD', `"${path}" is not a field`);
  if (!isPlainObject(value)) {
    if (Array.isArray(value)) invalid('CARDO_ERR_META_CONDITION_VALUE', `A list of values needs {"$in": [...]} (field ${path})`);
    return compileOperator('$eq', value, segments, ctx);
  }
  const tests = Object.entries(value).map(([op, operand]) => compileOperator(op, operand, segments, ctx));
  if (tests.length === 0) invalid('CARDO_ERR_META_CONDITION_OPERATOR', `The operator object of ${path} is empty`);
  return (r) => and(tests.map((t) => t(r)));
}

function compileNode(node: unknown, ctx: FixedContext, depth: number): Test {
  if (depth > CONDITION_LIMITS.maxDepth) invalid('CARDO_ERR_META_CONDITION_DEPTH', 'The condition is nested too deeply');
  if (!isPlainObject(node)) invalid('CARDO_ERR_META_CONDITION_VALUE', 'A condition is an object');
  const tests: Test[] = Object.entries(node).map(([key, value]): Test => {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) invalid('CARDO_ERR_META_CONDITION_VALUE', `${key} takes an array of conditions`);
      const parts = value.map((item) => compileNode(item, ctx, depth + 1));
      const combine = key === '$and' ? and : or;
      return (r) => combine(parts.map((p) => p(r)));
    }
    if (key === '$not') {
      const inner = compileNode(value, ctx, depth + 1);
      return (r) => not(inner(r));
    }
    if (key.startsWith('$')) invalid('CARDO_ERR_META_CONDITION_OPERATOR', `"${key}" is not $and, $or or $not`);
    return compileField(key, value, ctx);
  });
  return (r) => and(tests.map((t) => t(r)));
}

/**
 * An in-memory predicate giving the same answer as the compiled SQL (see the rule at the top
 * of this file). References are nested objects for dot paths: {counterparty: {status: 'key'}}.
 * `ctx.now` is fixed when the predicate is built, so every record sees the same $today.
 * Throws CardoError for a condition checkCondition would refuse in shape (not in types).
 */
export function toPredicate(condition: Condition, ctx: ConditionContext): (record: Readonly<Record<string, unknown>>) => boolean {
  const fixed: FixedContext = { me: ctx.me ?? null, now: ctx.now ?? new Date() };
  const test = compileNode(condition, fixed, 1);
  return (record) => test(record) === true;
}
