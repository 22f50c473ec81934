/**
 * `GET /api/data/:entity?groupBy=field`: the matching records grouped by one field, with a
 * count and the sums of the entity's numeric fields per group, under the same WHERE as the
 * list.
 */
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { Label } from '../generated/metadata.js';
import { ROOT_ALIAS } from './condition-sql.js';
import type { QueryContext } from './condition-sql.js';
import type { ListParams } from './list-params.js';
import { buildListWhere } from './list-query.js';
import type { ListOptions } from './list-query.js';
import { SqlParams, ident, qualified } from './sql.js';
import { loadTitles, optionLabel } from './titles.js';

/** More groups than a screen can show are cut, the biggest first. */
export const MAX_GROUPS = 1000;

const SUMMED_TYPES: ReadonlySet<string> = new Set(['money', 'decimal', 'integer', 'percent']);

const TEXTS: Readonly<Record<'none' | 'yes' | 'no', Label>> = {
  none: { en: 'Not set', ru: 'Не задано' },
  yes: { en: 'Yes', ru: 'Да' },
  no: { en: 'No', ru: 'Нет' },
};

export interface Group {
  /** The field's value: an option, a record id, a boolean…; null for records without one. */
  key: unknown;
  /** An option's or stage's label, a referenced record's title, or for the null key "Not set". */
  label: Label | string;
  count: number;
  /** Per summed field (money, decimal, integer, percent): the sum over the group, 0 when empty. */
  sums: Record<string, number>;
}

export interface GroupQuery {
  sql: string;
  params: unknown[];
  field: FieldModel;
  /** The summed fields; result column s<i> holds sumFields[i]. */
  sumFields: readonly FieldModel[];
}

/** Labels in the application's locales (English where a text is not translated). */
function fixedLabel(model: CompiledModel, label: Label): Label {
  const out: Label = {};
  for (const locale of model.locales) out[locale] = label[locale] ?? label.en;
  return out;
}

export function summedFields(entity: EntityModel): FieldModel[] {
  return entity.columns.filter((f) => !f.system && SUMMED_TYPES.has(f.valueType));
}

export function buildGroupQuery(model: CompiledModel, entity: EntityModel, params: ListParams, ctx: QueryContext, options: ListOptions = {}): GroupQuery {
  const field = params.groupBy === undefined ? undefined : entity.field.get(params.groupBy);
  if (!field?.columnType) throw new CardoError('CARDO_ERR_API_VALIDATION', 'groupBy names no stored field', { errors: [{ path: '/query/groupBy', message: 'is required' }] });
  const sqlParams = new SqlParams();
  const { where, joins } = buildListWhere(model, entity, params, ctx, sqlParams, options);
  const key = qualified(ROOT_ALIAS, field.column);
  const sumFields = summedFields(entity);
  const columns = [
    `${key} AS "key"`,
    'count(*)::int AS "count"',
    ...sumFields.map((f, i) => `coalesce(sum(${qualified(ROOT_ALIAS, f.column)}), 0) AS ${ident(`s${i}`)}`),
  ];
  // Options and stages keep their declared order (a funnel); other groups, the biggest first.
  const order =
    field.options && (field.type === 'enum' || field.type === 'stage')
      ? `array_position(${sqlParams.add([...field.options], 'text[]')}, ${key}::text) ASC NULLS LAST, count(*) DESC`
      : `count(*) DESC, ${key} ASC NULLS LAST`;
  const from = [`FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)}`, ...joins.map((j) => j.sql)].join(' ');
  const sql = `SELECT ${columns.join(', ')} ${from}${where === 'TRUE' ? '' : ` WHERE ${where}`} GROUP BY ${key} ORDER BY ${order} LIMIT ${MAX_GROUPS}`;
  return { sql, params: sqlParams.values, field, sumFields };
}

export async function executeGroupBy(
  db: Db,
  model: CompiledModel,
  entity: EntityModel,
  params: ListParams,
  ctx: QueryContext,
  options: ListOptions = {},
): Promise<{ groups: Group[] }> {
  const query = buildGroupQuery(model, entity, params, ctx, options);
  const rows = await db.query<Record<string, unknown>>(query.sql, query.params);
  const { field } = query;
  const target = field.target === undefined || (field.type !== 'reference' && field.type !== 'user') ? undefined : model.entities.get(field.target);
  const titles = target ? await loadTitles(db, model, target, rows.flatMap((r) => (typeof r.key === 'string' ? [r.key] : []))) : undefined;

  const groups = rows.map((row): Group => {
    const key = row.key ?? null;
    const sums: Record<string, number> = {};
    query.sumFields.forEach((f, i) => {
      sums[f.name] = Number(row[`s${i}`] ?? 0);
    });
    let label: Label | string;
    if (key === null) label = fixedLabel(model, TEXTS.none);
    else if (titles) label = titles.get(String(key)) ?? String(key);
    else if (field.type === 'enum' || field.type === 'stage') label = optionLabel(entity, field, key) ?? String(key);
    else if (typeof key === 'boolean') label = fixedLabel(model, key ? TEXTS.yes : TEXTS.no);
    else label = String(key);
    return { key, label, count: Number(row.count), sums };
  });
  return { groups };
}
