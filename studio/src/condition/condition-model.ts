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

/** The JSON condition of a group: an `all` group of rules on distinct fields is one object. */
export function toCondition(node: ConditionNode): JsonCondition {
  if (node.kind === 'rule') return ruleToCondition(node);
  const parts = node.children.filter((c) => c.kind === 'rule' ? c.field !== '' : c.children.length > 0).map(toCondition);
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0] as JsonCondition;
  if (node.match === 'any') return { $or: parts };
  const rules = node.children.filter((c): c is RuleNode => c.kind === 'rule' && c.field !== '');
  const distinct = new Set(rules.map((r) => r.field)).size === rules.length;
  if (rules.length === parts.length && distinct && rules.every((r) => !r.field.startsWith('$'))) return Object.assign({}, ...parts) as JsonCondition;
  return { $and: parts };
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
