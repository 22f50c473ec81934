/**
 * Row colors of a list view evaluated in memory with the shared predicate (toPredicate): for
 * a single record, and to prove the SQL of buildListQuery answers the same.
 */
import { toPredicate } from '../condition/condition.js';
import type { Condition, Label, ListView } from '../generated/metadata.js';
import { isPlainObject } from '../expression/values.js';
import type { QueryContext } from './condition-sql.js';
import type { ApiRecord } from './list-query.js';

export interface RowColor {
  color: string;
  label: Label;
}

/**
 * The first color rule of the view that holds for the record, or null. Dot paths
 * (`counterparty.status`) read nested objects, so references they go through must be
 * expanded in the record (`{counterparty: {id, status}}`): see colorRulePaths.
 */
export function colorOf(view: Pick<ListView, 'colorRules'> | undefined, record: Readonly<Record<string, unknown>>, ctx: QueryContext): RowColor | null {
  for (const rule of view?.colorRules ?? []) {
    if (toPredicate(rule.when as Condition, ctx)(record)) return { color: rule.color, label: rule.label };
  }
  return null;
}

/** The record with `$color`/`$colorLabel` set from the view's rules (a copy; none when no rule holds). */
export function withColor<R extends Readonly<Record<string, unknown>>>(view: Pick<ListView, 'colorRules'> | undefined, record: R, ctx: QueryContext): R & ApiRecord {
  const color = colorOf(view, record, ctx);
  return color ? { ...record, $color: color.color, $colorLabel: color.label } : { ...record };
}

/** The dot paths a condition reads, e.g. ['counterparty.status']. */
export function conditionPaths(condition: unknown, into: Set<string> = new Set()): Set<string> {
  if (!isPlainObject(condition)) return into;
  for (const [key, value] of Object.entries(condition)) {
    if (key === '$and' || key === '$or') {
      if (Array.isArray(value)) for (const item of value) conditionPaths(item, into);
    } else if (key === '$not') conditionPaths(value, into);
    else if (key.includes('.')) into.add(key);
  }
  return into;
}

/** The dot paths the view's color rules read: the references a record needs expanded for colorOf. */
export function colorRulePaths(view: Pick<ListView, 'colorRules'> | undefined): string[] {
  const paths = new Set<string>();
  for (const rule of view?.colorRules ?? []) conditionPaths(rule.when, paths);
  return [...paths];
}
