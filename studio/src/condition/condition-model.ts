// The condition builder's model and its two converters to and from the JSON condition
// language (DESIGN §3): {field: value | {$op: value}}, combined with $and / $or.

export const OPERATORS = ['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$contains', '$startsWith', '$null'] as const;
export type Operator = (typeof OPERATORS)[number];

export interface RuleNode {
  kind: 'rule';
  field: string;
  op: Operator;
  value: unknown;
}

export interface GroupNode {
  kind: 'group';
  match: 'all' | 'any';
  children: ConditionNode[];
}

export type ConditionNode = RuleNode | GroupNode;

export type JsonCondition = Record<string, unknown>;

const isOperator = (key: string): key is Operator => (OPERATORS as readonly string[]).includes(key);
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);

function ruleToCondition(rule: RuleNode): JsonCondition {
  // Equality is written the short way, as a hand-written condition would be.
  return { [rule.field]: rule.op === '$eq' ? rule.value : { [rule.op]: rule.value } };
}

const NUMERIC = new Set(['integer', 'decimal', 'money', 'percent']);
const ORDERED = new Set([...NUMERIC, 'date', 'datetime', 'string']);
const TEXT = new Set(['string', 'text', 'email', 'phone', 'url']);

/**
 * The operators the builder offers for a field type: those the server's condition check
 * accepts (server/src/condition/condition.ts, operatorApplies; a test holds them together).
 */
export function operatorsFor(type: string | undefined): Operator[] {
  const multi = type === 'multiEnum';
  return OPERATORS.filter((op) => {
    if (type === undefined || op === '$null') return true;
    if (op === '$gt' || op === '$gte' || op === '$lt' || op === '$lte') return ORDERED.has(type);
    if (op === '$contains') return multi || TEXT.has(type);
    if (op === '$startsWith') return TEXT.has(type);
    return !multi && type !== 'file' && !(type === 'boolean' && (op === '$in' || op === '$nin'));
  });
}

/** Rules of an `all` group as one object, as a hand-written condition would be; null when they do not fit one. */
function mergeRules(rules: readonly RuleNode[]): JsonCondition | null {
  const out: Record<string, unknown> = {};
  for (const rule of rules) {
    if (!Object.hasOwn(out, rule.field)) {
      Object.assign(out, ruleToCondition(rule));
      continue;
    }
    // Several operators on one field share its object ({amount: {$gte: 1, $lt: 9}}); equality cannot.
    const existing = out[rule.field];
    if (rule.op === '$eq' || typeof existing !== 'object' || existing === null || Array.isArray(existing) || rule.op in existing) return null;
    out[rule.field] = { ...existing, [rule.op]: rule.value };
  }
  return out;
}

/** The JSON condition of a node: `all` groups of rules become one object where they can. */
export function toCondition(node: ConditionNode): JsonCondition {
  if (node.kind === 'rule') return ruleToCondition(node);
  const live = node.children.filter((c) => (c.kind === 'rule' ? c.field !== '' : c.children.length > 0));
  const parts = live.map(toCondition);
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0] as JsonCondition;
  if (node.match === 'any') return { $or: parts };
  const merged = live.every((c) => c.kind === 'rule') ? mergeRules(live as RuleNode[]) : null;
  return merged ?? { $and: parts };
}

/** The builder's model of a condition, or null when it uses what the builder does not edit ($not, raw arrays). */
export function fromCondition(condition: unknown): GroupNode | null {
  if (condition === undefined) return { kind: 'group', match: 'all', children: [] };
  if (!isPlainObject(condition)) return null;
  const children: ConditionNode[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) return null;
      const groups = value.map(fromCondition);
      if (groups.some((g) => g === null)) return null;
      const members = (groups as GroupNode[]).map((g) => (g.match === 'all' && g.children.length === 1 ? (g.children[0] as ConditionNode) : g));
      children.push({ kind: 'group', match: key === '$and' ? 'all' : 'any', children: members });
    } else if (key.startsWith('$')) {
      return null;
    } else if (isScalar(value)) {
      children.push({ kind: 'rule', field: key, op: '$eq', value });
    } else if (isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every(isOperator)) {
      for (const [op, operand] of Object.entries(value)) children.push({ kind: 'rule', field: key, op: op as Operator, value: operand });
    } else {
      return null;
    }
  }
  // A lone $and/$or is the group itself, not a group inside an `all`.
  if (children.length === 1 && children[0]?.kind === 'group') return children[0];
  return { kind: 'group', match: 'all', children };
}
