// The filter builder's tree and its translation to and from the condition language
// (server/src/condition/condition.ts): rules {field: {$op: value}} in $and/$or groups.
import type { FieldMeta } from '../types.js';

export type Operator = '$eq' | '$ne' | '$in' | '$nin' | '$gt' | '$gte' | '$lt' | '$lte' | '$contains' | '$startsWith' | '$null' | '$notNull';

export interface FilterRule {
  kind: 'rule';
  field: string;
  op: Operator;
  value?: unknown;
}

export interface FilterGroup {
  kind: 'group';
  op: '$and' | '$or';
  items: Array<FilterRule | FilterGroup>;
}

export type Condition = Record<string, unknown>;

const TEXT: Operator[] = ['$contains', '$eq', '$ne', '$startsWith', '$null', '$notNull'];
const ORDERED: Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$null', '$notNull'];
const CHOICE: Operator[] = ['$eq', '$ne', '$in', '$nin', '$null', '$notNull'];
const REFERENCE: Operator[] = ['$eq', '$ne', '$null', '$notNull'];

/** The operators offered for a field, in the order the builder lists them. */
export function operatorsFor(field: FieldMeta): Operator[] {
  switch (field.valueType) {
    case 'integer':
    case 'decimal':
    case 'money':
    case 'percent':
    case 'date':
    case 'datetime':
      return ORDERED;
    case 'enum':
    case 'stage':
      return CHOICE;
    case 'multiEnum':
      return ['$contains', '$null', '$notNull'];
    case 'boolean':
      return ['$eq'];
    case 'reference':
    case 'user':
      return REFERENCE;
    case 'file':
      return ['$null', '$notNull'];
    default:
      return TEXT;
  }
}

/** Fields a filter can name: stored ones (formulas that are not stored have no column). */
export function filterableFields(fields: FieldMeta[]): FieldMeta[] {
  return fields.filter((f) => !f.hidden && f.valueType !== 'file' && f.name !== 'id' && f.name !== 'version');
}

export function needsValue(op: Operator): boolean {
  return op !== '$null' && op !== '$notNull';
}

function isEmptyValue(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Rules without a value yet are left out: the builder may hold half-made rules. */
export function toCondition(group: FilterGroup): Condition | undefined {
  const parts = group.items.flatMap((item): Condition[] => {
    if (item.kind === 'group') {
      const inner = toCondition(item);
      return inner ? [inner] : [];
    }
    if (item.op === '$null') return [{ [item.field]: { $null: true } }];
    if (item.op === '$notNull') return [{ [item.field]: { $null: false } }];
    if (isEmptyValue(item.value)) return [];
    return [{ [item.field]: { [item.op]: item.value } }];
  });
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && group.op === '$and') return parts[0];
  return { [group.op]: parts };
}

/** Counts the rules that take part in the condition. */
export function ruleCount(group: FilterGroup): number {
  return group.items.reduce((n, item) => n + (item.kind === 'group' ? ruleCount(item) : !needsValue(item.op) || !isEmptyValue(item.value) ? 1 : 0), 0);
}

const OPERATORS: ReadonlySet<string> = new Set(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$contains', '$startsWith', '$null']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toRules(field: string, spec: unknown): FilterRule[] | null {
  if (!isObject(spec)) return [{ kind: 'rule', field, op: '$eq', value: spec }];
  const rules: FilterRule[] = [];
  for (const [op, value] of Object.entries(spec)) {
    if (!OPERATORS.has(op)) return null;
    if (op === '$null') rules.push({ kind: 'rule', field, op: value === false ? '$notNull' : '$null' });
    else rules.push({ kind: 'rule', field, op: op as Operator, value });
  }
  return rules;
}

/**
 * The builder tree of a condition, or null when it uses what the builder cannot show
 * ($not, variables in nested paths are fine): the list then keeps it as it is.
 */
export function fromCondition(condition: unknown): FilterGroup | null {
  if (condition === undefined || condition === null) return emptyGroup();
  if (!isObject(condition)) return null;
  const keys = Object.keys(condition);
  if (keys.length === 1 && (keys[0] === '$and' || keys[0] === '$or')) {
    const list = condition[keys[0]];
    if (!Array.isArray(list)) return null;
    const items: FilterGroup['items'] = [];
    for (const part of list) {
      const sub = fromCondition(part);
      if (!sub) return null;
      // A one-key object becomes rules of this group; a group stays a group.
      if (sub.op === '$and' && isObject(part) && !('$and' in part) && !('$or' in part)) items.push(...sub.items);
      else items.push(sub);
    }
    return { kind: 'group', op: keys[0], items };
  }
  const items: FilterRule[] = [];
  for (const key of keys) {
    if (key.startsWith('$')) return null;
    const rules = toRules(key, condition[key]);
    if (!rules) return null;
    items.push(...rules);
  }
  return { kind: 'group', op: '$and', items };
}

export function emptyGroup(): FilterGroup {
  return { kind: 'group', op: '$and', items: [] };
}
