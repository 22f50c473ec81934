/**
 * aggregate reports: records of one entity (within the caller's read scope, the report's
 * condition and the request's filter) grouped by up to three fields — dates by period — with
 * measures, and the total over all groups from the same statement (GROUPING SETS), so an
 * average or a minimum is right in the total too.
 */
import type { Access } from '../access/access.js';
import { timeZoneOf, startOfDay, localDay } from '../calendar/zoned.js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { AggregateReport, Label } from '../generated/metadata.js';
import { ROOT_ALIAS, compileCondition, mergeJoins, resolvePath, type Join } from '../query/condition-sql.js';
import { SqlParams, ident, qualified } from '../query/sql.js';
import { loadTitles, optionLabel } from '../query/titles.js';
import { periodKey, toPeriodRange, type PeriodRange } from './periods.js';
import { assertKnownParams, parseFilterParam, probabilitySql, single, text, type CellFormat, type ReportColumn, type ReportResult, type ReportRow } from './report-model.js';

export const AGGREGATE_PARAMS = ['from', 'to', 'filter', 'locale', 'format'] as const;

/** More groups than this are cut (the report says so). */
export const MAX_REPORT_GROUPS = 5000;

const NOT_SET: Label = { en: 'Not set', ru: 'Не задано' };
const TOTAL: Label = { en: 'Total', ru: 'Итого' };

interface ResolvedGroup {
  key: string;
  field: FieldModel;
  entity: EntityModel;
  expr: string;
  period: AggregateReport['groupBy'][number]['period'];
  label: string;
}

function formatOf(f: FieldModel | undefined, fn: string): CellFormat {
  if (fn === 'count') return 'integer';
  switch (f?.valueType) {
    case 'money':
      return 'money';
    case 'integer':
      return fn === 'avg' ? 'number' : 'integer';
    case 'percent':
      return 'number';
    case 'date':
    case 'datetime':
      return 'date';
    default:
      return 'number';
  }
}

export async function runAggregate(db: Db, model: CompiledModel, access: Access, name: string, def: AggregateReport, query: Readonly<Record<string, unknown>>, locale: string, now: Date): Promise<ReportResult> {
  assertKnownParams(query, AGGREGATE_PARAMS);
  const entity = access.view(access.entity(def.entity));
  const timeZone = timeZoneOf(model.app);
  const ctx = { me: access.org.userId, now };
  const p = new SqlParams();
  const joins: Join[] = [];
  const where: string[] = [`(${access.scopeSql(entity.name, 'read', p)})`];
  const add = (condition: unknown, pointer: string) => {
    const compiled = compileCondition(condition, entity, model, ctx, p, { pointer });
    mergeJoins(joins, compiled.joins);
    if (compiled.where !== 'TRUE') where.push(compiled.where);
  };
  if (def.when) add(def.when, `/reports/${name}/when`);
  const filterText = single(query, 'filter');
  if (filterText !== undefined) add(parseFilterParam(filterText), '/query/filter');

  const tz = () => p.add(timeZone, 'text');
  const groups: ResolvedGroup[] = def.groupBy.map((g, i) => {
    const resolved = resolvePath(model, entity, g.field);
    if ('error' in resolved || !resolved.field.columnType) throw new CardoError('CARDO_ERR_REPORT_UNKNOWN', `The report "${name}" groups by "${g.field}", which you cannot see.`);
    mergeJoins(joins, resolved.joins);
    const column = qualified(resolved.alias, resolved.field.column);
    const expr = g.period ? (resolved.field.columnType.kind === 'timestamptz' ? `date_trunc('${g.period}', ${column} AT TIME ZONE ${tz()})::date` : `date_trunc('${g.period}', ${column})::date`) : column;
    return { key: g.field, field: resolved.field, entity: resolved.entity, expr, period: g.period, label: text(resolved.field.label, locale, g.field), ...{ index: i } };
  });

  // from/to restrict the first period grouping's field, whole periods.
  const from = single(query, 'from');
  const to = single(query, 'to');
  let range: PeriodRange | undefined;
  if (from !== undefined || to !== undefined) {
    const dated = def.groupBy.findIndex((g) => g.period !== undefined);
    const group = groups[dated];
    if (!group?.period) throw new CardoError('CARDO_ERR_REPORT_PARAMS', `This report is not grouped by a date; it takes no from/to (use filter).`, { errors: [{ path: `/query/${from !== undefined ? 'from' : 'to'}`, message: 'Not a parameter of this report.' }] });
    range = toPeriodRange({ period: group.period, from, to }, [group.period], localDay(now, timeZone));
    const resolved = resolvePath(model, entity, group.key);
    if (!('error' in resolved)) {
      const column = qualified(resolved.alias, resolved.field.column);
      if (resolved.field.columnType?.kind === 'timestamptz') where.push(`${column} >= ${p.add(startOfDay(range.from, timeZone).toISOString(), 'timestamptz')} AND ${column} < ${p.add(startOfDay(range.until, timeZone).toISOString(), 'timestamptz')}`);
      else where.push(`${column} >= ${p.add(range.from, 'date')} AND ${column} < ${p.add(range.until, 'date')}`);
    }
  }

  const probability = def.measures.some((m) => m.weighted) ? probabilitySql(entity, p, ROOT_ALIAS) : '0';
  const measures = def.measures.map((m) => {
    const f = m.field ? entity.field.get(m.field) : undefined;
    if (m.field && !f?.columnType) throw new CardoError('CARDO_ERR_REPORT_UNKNOWN', `The report "${name}" measures "${m.field}", which you cannot see.`);
    const column = f ? qualified(ROOT_ALIAS, f.column) : '';
    const value = m.weighted ? `(${column} * ${probability} / 100.0)` : column;
    const sql = m.fn === 'count' ? 'count(*)' : m.fn === 'sum' ? `coalesce(sum(${value}), 0)` : `${m.fn}(${value})`;
    return { def: m, sql, format: m.weighted ? (f?.valueType === 'money' ? 'money' : 'number') : formatOf(f, m.fn) } as const;
  });

  const keys = groups.map((g, i) => `${g.expr} AS ${ident(`g${i}`)}`);
  const select = [...keys, `GROUPING(${groups.map((g) => g.expr).join(', ')}) AS "$grouping"`, ...measures.map((m, i) => `${m.sql} AS ${ident(`v${i}`)}`)];
  const from_ = `FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)} ${joins.map((j) => j.sql).join(' ')}`;
  const order = orderBy(def, groups, measures.map((m) => m.def.name), p);
  const sql = `SELECT ${select.join(', ')} ${from_} WHERE ${where.join(' AND ')} GROUP BY GROUPING SETS ((${groups.map((g) => g.expr).join(', ')}), ()) ORDER BY "$grouping" ASC, ${order} LIMIT ${MAX_REPORT_GROUPS + 2}`;
  const raw = await db.query<Record<string, unknown>>(sql, p.values);
  const totalRow = raw.find((r) => Number(r.$grouping) !== 0);
  const dataRows = raw.filter((r) => Number(r.$grouping) === 0);
  const truncated = dataRows.length > MAX_REPORT_GROUPS;

  // Labels: options and stages by their labels, references by their titles, periods by key.
  const titles = new Map<number, Map<string, string>>();
  for (const [i, g] of groups.entries()) {
    const target = (g.field.type === 'reference' || g.field.type === 'user') && g.field.target ? model.entities.get(g.field.target) : undefined;
    if (target && access.can(target.name, 'read')) titles.set(i, await loadTitles(db, model, target, dataRows.flatMap((r) => (typeof r[`g${i}`] === 'string' ? [r[`g${i}`] as string] : []))));
  }
  const labelOf = (g: ResolvedGroup, i: number, value: unknown): string => {
    if (value === null || value === undefined) return text(NOT_SET, locale);
    if (g.period) return periodKey(String(value), g.period);
    const title = titles.get(i)?.get(String(value));
    if (title !== undefined) return title;
    if (g.field.type === 'enum' || g.field.type === 'stage') return text(optionLabel(g.entity, g.field, value), locale, String(value));
    if (typeof value === 'boolean') return text(value ? { en: 'Yes', ru: 'Да' } : { en: 'No', ru: 'Нет' }, locale);
    return String(value);
  };
  const colorOf = (row: Record<string, unknown>): string | undefined => {
    const g = groups[0] as ResolvedGroup;
    const value = row.g0;
    if (g.field.type === 'stage') return g.entity.stages.find((s) => s.value === value)?.color;
    if (g.field.type === 'enum') return g.field.def.options?.find((o) => o.value === value)?.color;
    return undefined;
  };
  const measureCells = (row: Record<string, unknown>) => Object.fromEntries(measures.map((m, i) => [m.def.name, row[`v${i}`] === null || row[`v${i}`] === undefined ? null : typeof row[`v${i}`] === 'number' ? (row[`v${i}`] as number) : String(row[`v${i}`])]));
  const rows: ReportRow[] = dataRows.slice(0, MAX_REPORT_GROUPS).map((row) => {
    const color = colorOf(row);
    return {
      kind: 'data',
      cells: { ...Object.fromEntries(groups.map((g, i) => [g.key, labelOf(g, i, row[`g${i}`])])), ...measureCells(row) },
      keys: Object.fromEntries(groups.map((g, i) => {
        const v = row[`g${i}`];
        return [g.key, v === null || v === undefined ? null : g.period ? periodKey(String(v), g.period) : (v as string | number | boolean)];
      })),
      ...(color ? { color } : {}),
    };
  });
  rows.push({
    kind: 'total',
    cells: { ...Object.fromEntries(groups.map((g, i) => [g.key, i === 0 ? text(TOTAL, locale) : null])), ...(totalRow ? measureCells(totalRow) : Object.fromEntries(measures.map((m) => [m.def.name, m.def.fn === 'count' || m.def.fn === 'sum' ? 0 : null]))) },
    keys: {},
  });
  const columns: ReportColumn[] = [
    ...groups.map((g) => ({ key: g.key, label: g.label, format: 'text' as const })),
    ...measures.map((m) => ({ key: m.def.name, label: text(m.def.label, locale, m.def.name), format: m.format })),
  ];
  return {
    name,
    type: 'aggregate',
    label: text(def.label, locale, name),
    description: def.description ? text(def.description, locale) : null,
    locale,
    params: {
      entity: entity.name,
      ...(range ? { from: range.from, to: range.periods.at(-1)?.to ?? range.from } : {}),
      filter: filterText === undefined ? null : parseFilterParam(filterText),
      chart: def.chart ?? null,
      truncated,
    },
    columns,
    rows,
  };
}

/** The report's sort (group fields and measure names), else options in their declared order and other keys ascending. */
function orderBy(def: AggregateReport, groups: readonly ResolvedGroup[], measureNames: readonly string[], p: SqlParams): string {
  const terms: string[] = [];
  for (const key of def.sort?.split(',') ?? []) {
    const desc = key.startsWith('-');
    const name = desc ? key.slice(1) : key;
    const g = groups.findIndex((x) => x.key === name);
    const m = measureNames.indexOf(name);
    if (g >= 0) terms.push(`${ident(`g${g}`)} ${desc ? 'DESC' : 'ASC'} NULLS LAST`);
    else if (m >= 0) terms.push(`${ident(`v${m}`)} ${desc ? 'DESC' : 'ASC'} NULLS LAST`);
  }
  // Output names only work bare in ORDER BY: expressions repeat the grouping expression.
  groups.forEach((g, i) => {
    if (g.field.options && (g.field.type === 'enum' || g.field.type === 'stage')) terms.push(`array_position(${p.add([...g.field.options], 'text[]')}, (${g.expr})::text) ASC NULLS LAST`);
    else terms.push(`${ident(`g${i}`)} ASC NULLS LAST`);
  });
  return terms.join(', ');
}
