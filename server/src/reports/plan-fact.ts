/**
 * planFact reports: targets from the plan entity against facts counted or summed from records
 * by the metric definitions, per employee (and department), period and metric. Plans and facts
 * are aggregated by PostgreSQL (one GROUP BY per metric source, all of its metrics at once as
 * FILTERed aggregates); only those aggregates reach this process, which lays them out.
 *
 * Scope: the caller sees their own figures and their subordinates' (the org tree of access/org.ts),
 * everyone's when their roles read the plan entity with scope `all`.
 */
import type { Access } from '../access/access.js';
import { timeZoneOf, startOfDay, localDay } from '../calendar/zoned.js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { Metric, PlanFactReport } from '../generated/metadata.js';
import { ROOT_ALIAS, compileCondition, mergeJoins, type Join, type QueryContext } from '../query/condition-sql.js';
import { SqlParams, ident, qualified } from '../query/sql.js';
import { toPeriodRange, type PeriodRange } from './periods.js';
import { REPORT_LABELS, assertKnownParams, doneColor, percentDone, single, text, uuidParam, type CellFormat, type ReportResult, type ReportRow } from './report-model.js';

export const PLAN_FACT_PARAMS = ['period', 'from', 'to', 'department', 'employee', 'metrics', 'locale', 'format'] as const;

export interface PlanFactParams {
  range: PeriodRange;
  department: string | undefined;
  employee: string | undefined;
  metrics: Metric[];
}

export function parsePlanFactParams(model: CompiledModel, def: PlanFactReport, query: Readonly<Record<string, unknown>>, now: Date): PlanFactParams {
  assertKnownParams(query, PLAN_FACT_PARAMS);
  const today = localDay(now, timeZoneOf(model.app));
  const range = toPeriodRange({ period: single(query, 'period'), from: single(query, 'from'), to: single(query, 'to') }, def.periods, today);
  const names = single(query, 'metrics');
  let metrics = [...def.metrics];
  if (names !== undefined) {
    const wanted = names.split(',').map((n) => n.trim()).filter((n) => n !== '');
    const unknown = wanted.filter((n) => !def.metrics.some((m) => m.name === n));
    if (wanted.length === 0 || unknown.length > 0) {
      throw new CardoError('CARDO_ERR_REPORT_PARAMS', `metrics: ${unknown.length > 0 ? `unknown ${unknown.map((n) => n.slice(0, 40)).join(', ')}` : 'none named'}; the report has ${def.metrics.map((m) => m.name).join(', ')}.`, { errors: [{ path: '/query/metrics', message: 'Unknown metric.' }] });
    }
    metrics = def.metrics.filter((m) => wanted.includes(m.name));
  }
  return { range, department: uuidParam(query, 'department'), employee: uuidParam(query, 'employee'), metrics };
}

/** Whose figures the caller sees: everyone, or these users. */
export type EmployeeScope = { all: true } | { all: false; ids: readonly string[] };

export function employeeScope(access: Access, planEntity: string): EmployeeScope {
  const set = access.ownersOf(planEntity, 'read');
  if (set.all) return { all: true };
  return { all: false, ids: [...new Set([...access.org.principals, ...access.org.subordinates, ...set.owners])] };
}

function field(entity: EntityModel, name: string): FieldModel {
  const found = entity.field.get(name);
  // Validated metadata names stored fields; anything else is a bug in validation.
  if (!found?.columnType) throw new Error(`${entity.name}.${name} is not a stored field`);
  return found;
}

/** The first day of the record's period, as a date, in the application's time zone for date-times. */
function periodExpr(column: string, f: FieldModel, grain: string, tz: () => string): string {
  return f.columnType?.kind === 'timestamptz' ? `date_trunc('${grain}', ${column} AT TIME ZONE ${tz()})::date` : `date_trunc('${grain}', ${column})::date`;
}

/** column within [from, until) — instants of the days' starts in the time zone for date-times. */
function rangeSql(column: string, f: FieldModel, range: PeriodRange, params: SqlParams, timeZone: string): string {
  if (f.columnType?.kind === 'timestamptz') {
    return `${column} >= ${params.add(startOfDay(range.from, timeZone).toISOString(), 'timestamptz')} AND ${column} < ${params.add(startOfDay(range.until, timeZone).toISOString(), 'timestamptz')}`;
  }
  return `${column} >= ${params.add(range.from, 'date')} AND ${column} < ${params.add(range.until, 'date')}`;
}

function scopeSql(column: string, scope: EmployeeScope, filter: { employee?: string | undefined; department?: string | undefined }, params: SqlParams): string {
  const parts = [`${column} IS NOT NULL`];
  if (!scope.all) parts.push(`${column} = ANY(${params.add(scope.ids, 'uuid[]')})`);
  if (filter.employee) parts.push(`${column} = ${params.add(filter.employee, 'uuid')}`);
  if (filter.department) parts.push(`${column} IN (SELECT id FROM sys_user WHERE department = ${params.add(filter.department, 'uuid')})`);
  return parts.join(' AND ');
}

type Cell = { plan: number | null; fact: number };
const cellKey = (employee: string, period: string, metric: string) => `${employee}\0${period}\0${metric}`;

export interface PlanFactFigures {
  /** By employee\0period start\0metric. */
  cells: Map<string, Cell>;
  employees: Set<string>;
}

/** Plans and facts as aggregates from PostgreSQL. */
export async function loadPlanFact(db: Db, model: CompiledModel, def: PlanFactReport, params: PlanFactParams, scope: EmployeeScope, ctx: QueryContext): Promise<PlanFactFigures> {
  const timeZone = timeZoneOf(model.app);
  const grain = params.range.grain;
  const cells = new Map<string, Cell>();
  const employees = new Set<string>();
  const cell = (employee: string, period: string, metric: string): Cell => {
    employees.add(employee);
    const key = cellKey(employee, period, metric);
    let found = cells.get(key);
    if (!found) cells.set(key, (found = { plan: null, fact: 0 }));
    return found;
  };

  const planEntity = model.entities.get(def.plan.entity) as EntityModel;
  {
    const p = new SqlParams();
    const [emp, per, met, tgt] = [def.plan.employeeField, def.plan.periodField, def.plan.metricField, def.plan.targetField].map((n) => field(planEntity, n)) as [FieldModel, FieldModel, FieldModel, FieldModel];
    const col = (f: FieldModel) => qualified(ROOT_ALIAS, f.column);
    const tz = () => p.add(timeZone, 'text');
    const where = [rangeSql(col(per), per, params.range, p, timeZone), scopeSql(col(emp), scope, params, p), `${col(met)}::text = ANY(${p.add(params.metrics.map((m) => m.name), 'text[]')})`];
    const sql = `SELECT ${col(emp)}::text AS employee, ${periodExpr(col(per), per, grain, tz)}::text AS period, ${col(met)}::text AS metric, sum(${col(tgt)}) AS plan
      FROM ${ident(planEntity.table)} AS ${ident(ROOT_ALIAS)} WHERE ${where.join(' AND ')} GROUP BY 1, 2, 3`;
    for (const row of await db.query<{ employee: string; period: string; metric: string; plan: number | null }>(sql, p.values)) {
      cell(row.employee, row.period, row.metric).plan = row.plan === null ? null : Number(row.plan);
    }
  }

  // One query per (entity, employee field, date field): a single scan serves all its metrics.
  const sources = new Map<string, Metric[]>();
  for (const metric of params.metrics) {
    const key = `${metric.entity}\0${metric.employeeField ?? 'owner'}\0${metric.dateField}`;
    sources.set(key, [...(sources.get(key) ?? []), metric]);
  }
  for (const metrics of sources.values()) {
    const first = metrics[0] as Metric;
    const entity = model.entities.get(first.entity) as EntityModel;
    const emp = field(entity, first.employeeField ?? 'owner');
    const date = field(entity, first.dateField);
    const p = new SqlParams();
    const col = (f: FieldModel) => qualified(ROOT_ALIAS, f.column);
    const tz = () => p.add(timeZone, 'text');
    const joins: Join[] = [];
    const conditions: string[] = [];
    const aggregates = metrics.map((metric, i) => {
      let condition: string | undefined;
      if (metric.when) {
        const compiled = compileCondition(metric.when, entity, model, ctx, p, { pointer: `/metrics/${i}/when` });
        mergeJoins(joins, compiled.joins);
        condition = compiled.where;
      }
      conditions.push(condition ?? 'TRUE');
      const value = metric.measure === 'count' ? 'count(*)' : `sum(${col(field(entity, metric.field as string))})`;
      return `${value}${condition ? ` FILTER (WHERE ${condition})` : ''} AS ${ident(`m${i}`)}`;
    });
    const where = [rangeSql(col(date), date, params.range, p, timeZone), scopeSql(col(emp), scope, params, p)];
    // Rows no metric counts are left out by the scan itself, when every metric has a condition.
    if (!conditions.includes('TRUE')) where.push(`(${conditions.join(' OR ')})`);
    const sql = `SELECT ${col(emp)}::text AS employee, ${periodExpr(col(date), date, grain, tz)}::text AS period, ${aggregates.join(', ')}
      FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)} ${joins.map((j) => j.sql).join(' ')} WHERE ${where.join(' AND ')} GROUP BY 1, 2`;
    for (const row of await db.query<Record<string, unknown>>(sql, p.values)) {
      metrics.forEach((metric, i) => {
        const value = Number(row[`m${i}`] ?? 0);
        if (value !== 0) cell(String(row.employee), String(row.period), metric.name).fact += value;
      });
    }
  }
  return { cells, employees };
}

interface Person {
  id: string;
  name: string;
  departmentId: string | null;
  departmentName: string | null;
}

async function loadPeople(db: Db, ids: readonly string[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ id: string; full_name: string; department: string | null; department_name: string | null }>(
    'SELECT u.id::text AS id, u.full_name, u.department::text AS department, d.name AS department_name FROM sys_user u LEFT JOIN sys_department d ON d.id = u.department WHERE u.id = ANY($1::uuid[])',
    [ids],
  );
  return rows.map((r) => ({ id: r.id, name: r.full_name, departmentId: r.department, departmentName: r.department_name }));
}

function metricFormat(model: CompiledModel, metric: Metric): CellFormat {
  if (metric.measure === 'count') return 'integer';
  const f = model.entities.get(metric.entity)?.field.get(metric.field ?? '');
  return f?.valueType === 'money' ? 'money' : f?.valueType === 'integer' ? 'integer' : 'number';
}

const NO_DEPARTMENT = { en: 'No department', ru: 'Без подразделения' };
const TOTAL = { en: 'Total', ru: 'Итого' };

/** The report: one row per employee × period × metric, then per department, then the totals. */
export async function runPlanFact(db: Db, model: CompiledModel, access: Access, name: string, def: PlanFactReport, query: Readonly<Record<string, unknown>>, locale: string, now: Date): Promise<ReportResult> {
  const params = parsePlanFactParams(model, def, query, now);
  const scope = employeeScope(access, def.plan.entity);
  const figures = await loadPlanFact(db, model, def, params, scope, { me: access.org.userId, now });
  const people = await loadPeople(db, [...figures.employees]);
  const collator = new Intl.Collator(locale);
  const departments = new Map<string, { name: string; id: string | null; people: Person[] }>();
  for (const person of people) {
    const key = person.departmentId ?? '';
    const entry = departments.get(key) ?? { id: person.departmentId, name: person.departmentName ?? text(NO_DEPARTMENT, locale), people: [] };
    entry.people.push(person);
    departments.set(key, entry);
  }
  const ordered = [...departments.values()].sort((a, b) => (a.id === null ? 1 : b.id === null ? -1 : collator.compare(a.name, b.name)));
  const byDepartment = def.groupBy.includes('department');
  const byEmployee = def.groupBy.includes('employee');
  const formats = new Map(params.metrics.map((m) => [m.name, metricFormat(model, m)]));
  const rows: ReportRow[] = [];
  const push = (kind: ReportRow['kind'], department: { id: string | null; name: string } | null, employee: Person | null, period: string, metric: Metric, plan: number | null, fact: number) => {
    const percent = percentDone(plan, fact);
    const format = formats.get(metric.name) ?? 'number';
    const color = doneColor(percent);
    rows.push({
      kind,
      cells: { department: department?.name ?? (kind === 'total' ? text(TOTAL, locale) : null), employee: employee?.name ?? null, period: periodKeyOf(period, params), metric: text(metric.label, locale, metric.name), plan, fact, percent },
      keys: { department: department?.id ?? null, employee: employee?.id ?? null, period: periodKeyOf(period, params), metric: metric.name },
      formats: { plan: format, fact: format },
      ...(color ? { color } : {}),
    });
  };
  const sum = (persons: readonly Person[], period: string, metric: string) => {
    let plan: number | null = null;
    let fact = 0;
    for (const person of persons) {
      const c = figures.cells.get(cellKey(person.id, period, metric));
      if (!c) continue;
      if (c.plan !== null) plan = (plan ?? 0) + c.plan;
      fact += c.fact;
    }
    return { plan, fact };
  };
  const periodStarts = params.range.periods.map((p) => p.from);
  for (const department of ordered) {
    department.people.sort((a, b) => collator.compare(a.name, b.name));
    if (byEmployee) {
      for (const person of department.people) {
        for (const period of periodStarts) {
          for (const metric of params.metrics) {
            const c = figures.cells.get(cellKey(person.id, period, metric.name));
            push('data', byDepartment ? department : null, person, period, metric, c?.plan ?? null, c?.fact ?? 0);
          }
        }
      }
    }
    if (byDepartment) {
      for (const period of periodStarts) {
        for (const metric of params.metrics) {
          const { plan, fact } = sum(department.people, period, metric.name);
          push(byEmployee ? 'subtotal' : 'data', department, null, period, metric, plan, fact);
        }
      }
    }
  }
  for (const period of periodStarts) {
    for (const metric of params.metrics) {
      const { plan, fact } = sum(people, period, metric.name);
      push('total', null, null, period, metric, plan, fact);
    }
  }

  const columns = [
    ...(byDepartment ? [{ key: 'department', label: text(REPORT_LABELS.department, locale), format: 'text' as const }] : []),
    ...(byEmployee ? [{ key: 'employee', label: text(REPORT_LABELS.employee, locale), format: 'text' as const }] : []),
    { key: 'period', label: text(REPORT_LABELS.period, locale), format: 'text' as const },
    { key: 'metric', label: text(REPORT_LABELS.metric, locale), format: 'text' as const },
    { key: 'plan', label: text(REPORT_LABELS.plan, locale), format: 'number' as const },
    { key: 'fact', label: text(REPORT_LABELS.fact, locale), format: 'number' as const },
    { key: 'percent', label: text(REPORT_LABELS.percent, locale), format: 'percent' as const },
  ];
  if (!byDepartment) for (const row of rows) delete row.cells.department;
  if (!byEmployee) for (const row of rows) delete row.cells.employee;
  const last = params.range.periods.at(-1);
  return {
    name,
    type: 'planFact',
    label: text(def.label, locale, name),
    description: def.description ? text(def.description, locale) : null,
    locale,
    params: {
      period: params.range.grain,
      from: params.range.from,
      to: last?.to ?? params.range.from,
      periods: params.range.periods,
      metrics: params.metrics.map((m) => ({ name: m.name, label: text(m.label, locale, m.name), format: formats.get(m.name) })),
      department: params.department ?? null,
      employee: params.employee ?? null,
      scope: scope.all ? 'all' : 'subordinates',
    },
    columns,
    rows,
  };
}

function periodKeyOf(start: string, params: PlanFactParams): string {
  return params.range.periods.find((p) => p.from === start)?.key ?? start;
}
