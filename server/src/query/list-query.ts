/**
 * The list of an entity as SQL (buildListQuery, pure) and its execution (executeList):
 * one page of API records with their row colors, and a `total` that is exact up to
 * 10,000 matches and a planner estimate beyond, so no page ever counts a million rows.
 */
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import type { ColorRule, Label } from '../generated/metadata.js';
import { ROOT_ALIAS, compileCondition, mergeJoins, resolvePath } from './condition-sql.js';
import type { Join, QueryContext } from './condition-sql.js';
import { parseSort } from './list-params.js';
import type { ListParams, SortKey } from './list-params.js';
import { SqlParams, escapeLike, ident, qualified, sqlInteger } from './sql.js';

/** Matches up to this many are counted exactly; beyond, `total` is the planner's estimate. */
export const EXACT_TOTAL_LIMIT = 10_000;

const DEFAULT_SORT: readonly SortKey[] = [{ field: 'createdAt', desc: true }];
/** The result column carrying the index of the first matching color rule. */
const COLOR_COLUMN = '$color';

export interface ListOptions {
  /**
   * An extra restriction over the alias "t" (the caller's access scope), AND-ed with the
   * rest; it adds its values to `params` itself.
   */
  restrict?: (params: SqlParams) => string;
  /** countSql counts at most this many matches plus one (default EXACT_TOTAL_LIMIT), e.g. an export's cap. */
  countLimit?: number;
}

export interface ListWhere {
  /** A boolean expression over "t" and the joins; 'TRUE' when nothing restricts. */
  where: string;
  joins: readonly Join[];
}

export interface ListQuery {
  /** The page: one row per record, keys are field names, plus "$color" when the view has rules. */
  sql: string;
  params: unknown[];
  /** count(*) over at most countLimit (EXACT_TOTAL_LIMIT) + 1 matching rows. */
  countSql: string;
  /** The planner's row estimate of every match, for totals beyond the exact limit. */
  estimateSql: string;
  /** The parameters of countSql and estimateSql (a prefix of `params`). */
  countParams: unknown[];
  /**
   * With a quick search `q`, the page for few matches (the count is exact): the matching ids
   * first, then those rows sorted. The planner cannot estimate `ILIKE '%…%'` and guesses a few
   * hundred matches, so for a rare word it walks the sort index filtering every row of the
   * table (20 s at a million rows); taking the ids from the trigram indexes first bounds the
   * page by the count. Many matches (an estimated total) keep `sql`: the walk then stops early.
   */
  fewMatchesSql?: string;
  /** The view's color rules; "$color" holds an index into them. */
  colorRules: readonly ColorRule[];
  limit: number;
  offset: number;
}

export interface ApiRecord {
  [field: string]: unknown;
  $color?: string;
  $colorLabel?: Label;
}

export interface ListResult {
  items: ApiRecord[];
  total: number;
  totalEstimated?: true;
  limit: number;
  offset: number;
}

/**
 * WHERE of a list: access restriction AND view filter AND quick filter AND the request's
 * filter AND the `q` search, over "t", adding values to `params`.
 */
export function buildListWhere(model: CompiledModel, entity: EntityModel, params: ListParams, ctx: QueryContext, sqlParams: SqlParams, options: ListOptions = {}): ListWhere {
  const parts: string[] = [];
  const joins: Join[] = [];
  const add = (condition: unknown, pointer: string): void => {
    const compiled = compileCondition(condition, entity, model, ctx, sqlParams, { pointer });
    mergeJoins(joins, compiled.joins);
    if (compiled.where !== 'TRUE') parts.push(compiled.where);
  };
  if (options.restrict) parts.push(`(${options.restrict(sqlParams)})`);
  if (params.view?.filter) add(params.view.filter, `/lists/${params.view.name}/filter`);
  if (params.quickFilter) add(params.quickFilter.filter, `/query/quickFilter`);
  if (params.filter !== undefined) add(params.filter, '/query/filter');
  if (params.q !== undefined && entity.searchFields.length > 0) {
    const pattern = sqlParams.add(`%${escapeLike(params.q)}%`, 'text');
    const terms = entity.searchFields
      .filter((f) => f.columnType !== undefined)
      .map((f) => `${textOf(f, qualified(ROOT_ALIAS, f.column))} ILIKE ${pattern}`);
    if (terms.length > 0) parts.push(`(${terms.join(' OR ')})`);
  }
  return { where: parts.length === 0 ? 'TRUE' : parts.join(' AND '), joins };
}

function textOf(field: FieldModel, column: string): string {
  const kind = field.columnType?.kind;
  return kind === 'varchar' || kind === 'text' ? column : `${column}::text`;
}

function fromClause(entity: EntityModel, joins: readonly Join[]): string {
  const from = `FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)}`;
  return joins.length === 0 ? from : `${from} ${joins.map((j) => j.sql).join(' ')}`;
}

/** The stored fields a page returns: those asked for (all by default), always id and version. */
export function selectedFields(entity: EntityModel, fields: readonly string[] | undefined): FieldModel[] {
  const wanted = fields ? new Set([...fields, 'id', 'version']) : undefined;
  return entity.columns.filter((f) => !wanted || wanted.has(f.name));
}

/** The select list of the stored fields, memoized per entity for the default (every field). */
const allColumnsCache = new WeakMap<EntityModel, string>();

function selectList(entity: EntityModel, fields: readonly string[] | undefined): string {
  const cached = fields === undefined ? allColumnsCache.get(entity) : undefined;
  if (cached !== undefined) return cached;
  const list = selectedFields(entity, fields)
    .map((f) => `${qualified(ROOT_ALIAS, f.column)} AS ${ident(f.name)}`)
    .join(', ');
  if (fields === undefined) allColumnsCache.set(entity, list);
  return list;
}

function orderBy(model: CompiledModel, entity: EntityModel, params: ListParams, joins: Join[]): string {
  const keys = params.sort ?? (params.view?.sort ? (parseSort(params.view.sort) ?? DEFAULT_SORT) : DEFAULT_SORT);
  const terms: string[] = [];
  let lastDesc = false;
  for (const key of keys) {
    if (key.field === 'id') continue;
    const resolved = resolvePath(model, entity, key.field);
    // A view's sort is validated metadata; a path that no longer resolves is skipped, not fatal.
    if ('error' in resolved || !resolved.field.columnType) continue;
    mergeJoins(joins, resolved.joins);
    terms.push(`${qualified(resolved.alias, resolved.field.column)} ${key.desc ? 'DESC' : 'ASC'}`);
    lastDesc = key.desc;
  }
  // id breaks ties so pages never overlap; following the last key's direction lets one
  // (col, id) index serve the whole order.
  const idDesc = keys.find((k) => k.field === 'id')?.desc ?? lastDesc;
  terms.push(`${qualified(ROOT_ALIAS, 'id')} ${idDesc ? 'DESC' : 'ASC'}`);
  return terms.join(', ');
}

/** The SQL of one page, its count and its estimate. Throws CardoError for a bad condition. */
export function buildListQuery(model: CompiledModel, entity: EntityModel, params: ListParams, ctx: QueryContext, options: ListOptions = {}): ListQuery {
  const sqlParams = new SqlParams();
  const { where, joins: whereJoins } = buildListWhere(model, entity, params, ctx, sqlParams, options);
  const countParams = [...sqlParams.values];
  const whereClause = where === 'TRUE' ? '' : ` WHERE ${where}`;
  const matching = `${fromClause(entity, whereJoins)}${whereClause}`;

  const joins = [...whereJoins];
  const columns = [selectList(entity, params.fields)];
  const colorRules = params.view?.colorRules ?? [];
  if (colorRules.length > 0) {
    const whens = colorRules.map((rule, i) => {
      const compiled = compileCondition(rule.when, entity, model, ctx, sqlParams, { pointer: `/lists/${params.view?.name ?? ''}/colorRules/${i}/when` });
      mergeJoins(joins, compiled.joins);
      return `WHEN ${compiled.where} THEN ${i}`;
    });
    columns.push(`CASE ${whens.join(' ')} END AS ${ident(COLOR_COLUMN)}`);
  }
  const order = orderBy(model, entity, params, joins);
  const page = `ORDER BY ${order} LIMIT ${sqlInteger(params.limit)} OFFSET ${sqlInteger(params.offset)}`;
  const id = qualified(ROOT_ALIAS, 'id');

  return {
    sql: `SELECT ${columns.join(', ')} ${fromClause(entity, joins)}${whereClause} ${page}`,
    ...(params.q !== undefined && {
      fewMatchesSql: `WITH matching AS MATERIALIZED (SELECT ${id} ${matching}) SELECT ${columns.join(', ')} ${fromClause(entity, joins)} WHERE ${id} IN (SELECT "id" FROM matching) ${page}`,
    }),
    params: sqlParams.values,
    countSql: `SELECT count(*)::int AS n FROM (SELECT 1 ${matching} LIMIT ${sqlInteger((options.countLimit ?? EXACT_TOTAL_LIMIT) + 1)}) AS matching`,
    estimateSql: `EXPLAIN (FORMAT JSON) SELECT 1 ${matching}`,
    countParams,
    colorRules,
    limit: params.limit,
    offset: params.offset,
  };
}

/** Turns page rows into API records: "$color" (a rule index) becomes the rule's color and label. */
export function toApiRecords(rows: Array<Record<string, unknown>>, colorRules: readonly ColorRule[]): ApiRecord[] {
  if (colorRules.length === 0) return rows;
  for (const row of rows) {
    const index = row[COLOR_COLUMN];
    const rule = typeof index === 'number' ? colorRules[index] : undefined;
    // "$color" is the last column: deleting it keeps V8's fast object shape.
    if (!rule) delete row[COLOR_COLUMN];
    else {
      row[COLOR_COLUMN] = rule.color;
      row.$colorLabel = rule.label;
    }
  }
  return rows;
}

interface PlanRow {
  'QUERY PLAN'?: unknown;
}

/** The planner's estimate of the rows a query returns. */
export function planRows(rows: readonly PlanRow[]): number {
  let plan = rows[0]?.['QUERY PLAN'];
  if (typeof plan === 'string') plan = JSON.parse(plan) as unknown;
  const top = Array.isArray(plan) ? (plan[0] as { Plan?: { 'Plan Rows'?: unknown } } | undefined) : undefined;
  const estimate = top?.Plan?.['Plan Rows'];
  return typeof estimate === 'number' && Number.isFinite(estimate) ? Math.round(estimate) : 0;
}

/** The total for a query: exact up to EXACT_TOTAL_LIMIT, else the planner's estimate (at least the limit + 1). */
export async function countTotal(db: Db, query: Pick<ListQuery, 'countSql' | 'estimateSql' | 'countParams'>): Promise<Pick<ListResult, 'total' | 'totalEstimated'>> {
  const [row] = await db.query<{ n: number }>(query.countSql, query.countParams);
  const n = Number(row?.n ?? 0);
  if (n <= EXACT_TOTAL_LIMIT) return { total: n };
  const estimate = planRows(await db.query<PlanRow>(query.estimateSql, query.countParams));
  return { total: Math.max(estimate, EXACT_TOTAL_LIMIT + 1), totalEstimated: true };
}

/** One page of an entity's records as the API returns them (`GET /api/data/:entity`). */
export async function executeList(db: Db, model: CompiledModel, entity: EntityModel, params: ListParams, ctx: QueryContext, options: ListOptions = {}): Promise<ListResult> {
  const query = buildListQuery(model, entity, params, ctx, options);
  let rows: Array<Record<string, unknown>>;
  let total: Pick<ListResult, 'total' | 'totalEstimated'>;
  if (query.fewMatchesSql !== undefined) {
    // A quick search: the count says which page query is bounded (see fewMatchesSql).
    total = await countTotal(db, query);
    rows = await db.query(total.totalEstimated ? query.sql : query.fewMatchesSql, query.params);
  } else if (db.kind === 'postgres') {
    // A pool: the page and the count run on two connections at once.
    [rows, total] = await Promise.all([db.query(query.sql, query.params), countTotal(db, query)]);
  } else {
    // PGlite is one session: in turn, and a page that is not full already tells the total.
    rows = await db.query(query.sql, query.params);
    total = rows.length > 0 && rows.length < query.limit ? { total: query.offset + rows.length } : query.offset === 0 && rows.length === 0 ? { total: 0 } : await countTotal(db, query);
  }
  return { items: toApiRecords(rows, query.colorRules), ...total, limit: query.limit, offset: query.offset };
}
