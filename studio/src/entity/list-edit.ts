// Edits of a list view's sort, filters and grouping: pure functions over the generated types.
import type { Label, ListView } from '../types.js';
import { freshName } from './entity-edit.js';

export type QuickFilter = NonNullable<ListView['quickFilters']>[number];

/** One key of a list's sort: the field (or dot path) and its direction. */
export interface SortKey {
  field: string;
  descending: boolean;
}

/** The keys of a sort string ("-createdAt,brand"), in order. */
export function parseSort(sort: string | undefined): SortKey[] {
  if (!sort) return [];
  return sort.split(',').map((part) => (part.startsWith('-') ? { field: part.slice(1), descending: true } : { field: part, descending: false }));
}

/** The sort string of keys, or undefined for none (the file then omits `sort`). */
export function formatSort(keys: readonly SortKey[]): string | undefined {
  return keys.length > 0 ? keys.map((k) => `${k.descending ? '-' : ''}${k.field}`).join(',') : undefined;
}

const isEmpty = (value: unknown) => value === undefined || (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/**
 * The list with one optional key set, or dropped when the value is empty (no sort, no grouping,
 * no quick filters, the empty condition that matches every record): canonical files omit them.
 */
export function setListKey<K extends 'sort' | 'filter' | 'quickFilters' | 'groupBy'>(list: ListView, key: K, value: ListView[K] | undefined): ListView {
  const copy = { ...list };
  if (isEmpty(value) || value === '') delete copy[key];
  else copy[key] = value as ListView[K];
  return copy;
}

/** A new quick filter with a fresh name; its condition is still to build. */
export function newQuickFilter(list: ListView, locales: readonly string[]): QuickFilter {
  const label: Label = Object.fromEntries(locales.map((l) => [l, '']));
  return { name: freshName('filter', (list.quickFilters ?? []).map((q) => q.name)), label, filter: {} };
}
