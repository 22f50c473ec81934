/**
 * The querystring of `GET /api/data/:entity` (DESIGN §5), validated against the entity:
 * every problem is a 400 CARDO_ERR_API_VALIDATION naming the parameter ('/query/limit').
 * The filter's JSON is parsed here; its fields and operators are checked when it is compiled
 * (condition-sql.ts), which needs the whole model for dot paths.
 */
import type { EntityModel, FieldModel } from '../compile/compile.js';
import { CardoError, type FieldError } from '../errors.js';
import { unstorableTextPath } from '../expression/values.js';
import type { ListView, QuickFilter } from '../generated/metadata.js';

export const LIST_LIMITS = Object.freeze({
  defaultLimit: 50,
  maxLimit: 1000,
  maxOffset: 1_000_000,
  maxQ: 200,
  /** A condition of 100 terms fits easily; beyond this the text is not worth parsing. */
  maxFilterChars: 32_768,
  maxSortKeys: 5,
});

export interface SortKey {
  /** A field name, or (in a view's own sort) a dot path through references. */
  field: string;
  desc: boolean;
}

export interface ListParams {
  /** The list view the request is served with: `view`, else the entity's first. */
  view: ListView | undefined;
  /** The parsed `filter` condition, checked when compiled. */
  filter: unknown;
  /** undefined: the view's sort, else -createdAt. */
  sort: readonly SortKey[] | undefined;
  limit: number;
  offset: number;
  /** Trimmed search text; undefined when absent or blank. */
  q: string | undefined;
  /** Requested field names; undefined: every stored field. */
  fields: readonly string[] | undefined;
  groupBy: string | undefined;
  quickFilter: QuickFilter | undefined;
  /** `titles=true`: each item carries `$titles`, the titles of the records its references point to. */
  titles: boolean;
}

const PARAMS = ['filter', 'sort', 'limit', 'offset', 'q', 'fields', 'view', 'groupBy', 'quickFilter', 'titles'] as const;
type ParamName = (typeof PARAMS)[number];
const PARAM_SET: ReadonlySet<string> = new Set(PARAMS);

const SORT_KEY_RE = /^(-?)([a-z][a-zA-Z0-9]*)$/;
const GROUPABLE_TYPES: ReadonlySet<string> = new Set(['enum', 'stage', 'user', 'reference', 'boolean']);
const UNSORTABLE_TYPES: ReadonlySet<string> = new Set(['text', 'multiEnum', 'reference', 'user', 'file']);

/** Whether a list may be ordered by the field: a stored, single, comparable value. */
export function isSortable(field: FieldModel): boolean {
  return field.columnType !== undefined && !UNSORTABLE_TYPES.has(field.valueType);
}

/** Whether `groupBy=<field>` is allowed in the view. */
export function isGroupable(field: FieldModel, view: ListView | undefined): boolean {
  if (field.columnType === undefined || field.valueType === 'multiEnum') return false;
  return GROUPABLE_TYPES.has(field.valueType) || (view?.groupBy ?? []).includes(field.name);
}

/** Parses "-createdAt,brand"; null when the text is not a sort. */
export function parseSort(text: string): SortKey[] | null {
  const keys: SortKey[] = [];
  for (const part of text.split(',')) {
    const m = /^(-?)([a-z][a-zA-Z0-9]*(?:\.[a-z][a-zA-Z0-9]*)*)$/.exec(part.trim());
    if (!m) return null;
    keys.push({ field: m[2] as string, desc: m[1] === '-' });
  }
  return keys;
}

class Collector {
  readonly errors: FieldError[] = [];
  add(param: string, message: string): void {
    this.errors.push({ path: `/query/${param}`, message });
  }
}

/** One value of a parameter as text; repeated parameters and objects are refused. */
function single(c: Collector, name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  c.add(name, Array.isArray(value) ? 'is given more than once' : 'must be a single value');
  return undefined;
}

function integer(c: Collector, name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    c.add(name, `must be a whole number from ${min} to ${max.toLocaleString('en-US')}`);
    return undefined;
  }
  return n;
}

/**
 * Validates the list querystring against the entity. Throws CardoError
 * CARDO_ERR_API_VALIDATION with one error per bad parameter.
 */
export function parseListParams(query: Readonly<Record<string, unknown>>, entity: EntityModel): ListParams {
  const c = new Collector();
  const text: Partial<Record<ParamName, string>> = {};
  for (const [name, value] of Object.entries(query)) {
    if (!PARAM_SET.has(name)) {
      c.add(name, `is not a parameter of this list; use ${PARAMS.join(', ')}`);
      continue;
    }
    const v = single(c, name, value);
    if (v !== undefined) text[name as ParamName] = v;
  }

  // The view first: pageSize, groupBy and quick filters depend on it.
  let view: ListView | undefined = entity.lists[0];
  if (text.view !== undefined) {
    view = entity.lists.find((l) => l.name === text.view);
    if (!view) c.add('view', `${entity.name} has no list view "${text.view}"${entity.lists.length ? `; use ${entity.lists.map((l) => l.name).join(', ')}` : ''}`);
  }

  let filter: unknown;
  if (text.filter !== undefined) {
    if (text.filter.length > LIST_LIMITS.maxFilterChars) {
      c.add('filter', `is longer than ${LIST_LIMITS.maxFilterChars} characters`);
    } else {
      try {
        filter = JSON.parse(text.filter) as unknown;
        const bad = unstorableTextPath(filter);
        if (bad !== undefined) c.add('filter', `${bad || 'the condition'}: text must not contain NUL characters or unpaired surrogates`);
      } catch (error) {
        c.add('filter', `is not valid JSON: ${(error as Error).message}`);
      }
    }
  }

  let sort: SortKey[] | undefined;
  if (text.sort !== undefined) {
    const keys: SortKey[] = [];
    const parts = text.sort.split(',');
    if (parts.length > LIST_LIMITS.maxSortKeys) c.add('sort', `has more than ${LIST_LIMITS.maxSortKeys} fields`);
    for (const part of parts.slice(0, LIST_LIMITS.maxSortKeys)) {
      const m = SORT_KEY_RE.exec(part.trim());
      const field = m ? entity.field.get(m[2] as string) : undefined;
      if (!m) c.add('sort', `"${part}" is not a field name with an optional leading "-"`);
      else if (!field) c.add('sort', `${entity.name} has no field "${m[2]}"`);
      else if (!isSortable(field)) c.add('sort', `${field.name} is a ${field.valueType} field and cannot be sorted by`);
      else if (keys.some((k) => k.field === field.name)) c.add('sort', `${field.name} is given twice`);
      else keys.push({ field: field.name, desc: m[1] === '-' });
    }
    sort = keys;
  }

  const limit = integer(c, 'limit', text.limit, 1, LIST_LIMITS.maxLimit);
  const offset = integer(c, 'offset', text.offset, 0, LIST_LIMITS.maxOffset);

  let q: string | undefined;
  if (text.q !== undefined) {
    if (text.q.length > LIST_LIMITS.maxQ) c.add('q', `is longer than ${LIST_LIMITS.maxQ} characters`);
    else if (text.q.trim() !== '') {
      if (entity.searchFields.length === 0) c.add('q', `${entity.name} has no searchable fields`);
      else q = text.q.trim();
    }
  }

  let fields: string[] | undefined;
  if (text.fields !== undefined) {
    fields = [];
    for (const name of text.fields.split(',').map((f) => f.trim())) {
      if (!entity.field.has(name)) c.add('fields', name === '' ? 'has an empty field name' : `${entity.name} has no field "${name}"`);
      else if (!fields.includes(name)) fields.push(name);
    }
  }

  let groupBy: string | undefined;
  if (text.groupBy !== undefined) {
    const field = entity.field.get(text.groupBy);
    if (!field) c.add('groupBy', `${entity.name} has no field "${text.groupBy}"`);
    else if (!isGroupable(field, view)) c.add('groupBy', `the list cannot be grouped by ${field.name}, a ${field.valueType} field`);
    else groupBy = field.name;
  }

  let quickFilter: QuickFilter | undefined;
  if (text.quickFilter !== undefined) {
    const available = view?.quickFilters ?? [];
    quickFilter = available.find((f) => f.name === text.quickFilter);
    if (!quickFilter) {
      c.add('quickFilter', `the list view has no quick filter "${text.quickFilter}"${available.length ? `; use ${available.map((f) => f.name).join(', ')}` : ''}`);
    }
  }

  const titles = booleanParam(c, 'titles', text.titles);
  if (c.errors.length > 0) {
    throw new CardoError('CARDO_ERR_API_VALIDATION', c.errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors: c.errors });
  }
  return {
    view,
    filter,
    sort,
    limit: limit ?? view?.pageSize ?? LIST_LIMITS.defaultLimit,
    offset: offset ?? 0,
    q,
    fields,
    groupBy,
    quickFilter,
    titles,
  };
}

/** `true`/`false`; absent is false. */
function booleanParam(c: Collector, name: string, text: string | undefined): boolean {
  if (text === undefined || text === 'false') return false;
  if (text === 'true') return true;
  c.add(name, 'must be true or false');
  return false;
}
