/**
 * The one shape every report answers with (JSON, and the input of the xlsx and pdf writers):
 * columns, then rows of cells keyed by column, each row a data row, a subtotal or the total.
 */
import type { Access } from '../access/access.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { Label, Report } from '../generated/metadata.js';
import { CardoError } from '../errors.js';
import { labelText } from '../api/record-schemas.js';
import type { SqlParams } from '../query/sql.js';
import { qualified } from '../query/sql.js';
import { LIST_LIMITS } from '../query/list-params.js';
import { unstorableTextPath } from '../expression/values.js';

/** How a cell is shown: Excel number formats and PDF text follow from it. */
export type CellFormat = 'text' | 'integer' | 'number' | 'money' | 'percent' | 'date';

export interface ReportColumn {
  key: string;
  label: string;
  format: CellFormat;
}

export type CellValue = string | number | null;

export interface ReportRow {
  /** data: one group; subtotal: a department (planFact); total: the whole report. */
  kind: 'data' | 'subtotal' | 'total';
  /** Display values by column key: labels for groups, numbers for measures. */
  cells: Record<string, CellValue>;
  /** The raw group values behind the labels (option values, ids, period keys), by column key. */
  keys: Record<string, string | number | boolean | null>;
  /** Per-cell formats where they differ from the column's (a money metric in a plan/fact row). */
  formats?: Record<string, CellFormat>;
  /** A background color (#rrggbb) from the stage/option colors or the % done thresholds. */
  color?: string;
}

export interface ReportResult {
  name: string;
  type: Report['type'];
  label: string;
  description: string | null;
  locale: string;
  /** The parameters as applied (defaults filled in). */
  params: Record<string, unknown>;
  columns: ReportColumn[];
  rows: ReportRow[];
}

export interface ReportRef {
  name: string;
  def: Report;
}

export function text(label: Label | undefined, locale: string, fallback = ''): string {
  return labelText(label, locale) ?? fallback;
}

/** A report the caller may run: listed in one of their roles' `reports` (or "*"), about an entity they can read. */
export function canRun(access: Access, report: ReportRef): boolean {
  const listed = access.roles.some((role) => role.reports?.includes('*') || role.reports?.includes(report.name));
  if (!listed) return false;
  return report.def.type === 'planFact' || access.can(report.def.entity, 'read');
}

/** The report by name, or 404 — the same answer for one that does not exist and one the caller may not run. */
export function reportFor(model: CompiledModel, access: Access, name: string): ReportRef {
  const report = model.reports.find((r) => r.name === name);
  if (!report || !canRun(access, report)) throw new CardoError('CARDO_ERR_REPORT_UNKNOWN', `There is no report "${name.slice(0, 64)}" you may run.`);
  return report;
}

/**
 * The probability of the record's stage (0–100) as SQL over `alias`: a CASE over the stages the
 * model declares, their values and probabilities as parameters.
 */
export function probabilitySql(entity: EntityModel, params: SqlParams, alias: string): string {
  const field = entity.stageField;
  if (!field?.columnType || entity.stages.length === 0) return '0';
  const values = params.add(entity.stages.map((s) => s.value), 'text[]');
  const probabilities = params.add(entity.stages.map((s) => s.probability), 'numeric[]');
  return `coalesce((${probabilities})[array_position(${values}, ${qualified(alias, field.column)}::text)], 0)`;
}

/** A query parameter given once, or undefined; twice is refused. */
export function single(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new CardoError('CARDO_ERR_REPORT_PARAMS', `${name} is given more than once.`, { errors: [{ path: `/query/${name}`, message: 'Must be a single value.' }] });
}

/** Refuses parameters the endpoint does not know, naming them. */
export function assertKnownParams(query: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new CardoError('CARDO_ERR_REPORT_PARAMS', `Unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.map((k) => k.slice(0, 40)).join(', ')}. Known: ${known.join(', ')}.`, {
      errors: unknown.map((k) => ({ path: `/query/${k.slice(0, 40)}`, message: 'Unknown parameter.' })),
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuidParam(query: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  if (!UUID.test(value)) throw new CardoError('CARDO_ERR_REPORT_PARAMS', `${name} must be an id (UUID).`, { errors: [{ path: `/query/${name}`, message: 'Must be a UUID.' }] });
  return value.toLowerCase();
}

/** % done: fact of plan, one decimal; null without a (positive) plan. */
export function percentDone(plan: number | null, fact: number): number | null {
  if (plan === null || plan <= 0) return null;
  return Math.round((fact / plan) * 1000) / 10;
}

/** Colors of % done: reached, close, behind. */
export const DONE_COLORS = { reached: '#52c41a', close: '#faad14', behind: '#f5222d' } as const;
export const DONE_CLOSE_FROM = 70;

export function doneColor(percent: number | null): string | undefined {
  if (percent === null) return undefined;
  return percent >= 100 ? DONE_COLORS.reached : percent >= DONE_CLOSE_FROM ? DONE_COLORS.close : DONE_COLORS.behind;
}

/** `filter=<JSON condition>` as a value; checked against the entity when compiled. */
export function parseFilterParam(textValue: string): unknown {
  if (textValue.length > LIST_LIMITS.maxFilterChars) throw new CardoError('CARDO_ERR_REPORT_PARAMS', `filter is longer than ${LIST_LIMITS.maxFilterChars} characters.`, { errors: [{ path: '/query/filter', message: 'Too long.' }] });
  let filter: unknown;
  try {
    filter = JSON.parse(textValue) as unknown;
  } catch (error) {
    throw new CardoError('CARDO_ERR_REPORT_PARAMS', `filter is not valid JSON: ${(error as Error).message}`, { errors: [{ path: '/query/filter', message: 'Not valid JSON.' }] });
  }
  if (unstorableTextPath(filter) !== undefined) throw new CardoError('CARDO_ERR_REPORT_PARAMS', 'filter: text must not contain NUL characters or unpaired surrogates.', { errors: [{ path: '/query/filter', message: 'Bad text.' }] });
  return filter;
}

/** ru/en labels of the report parameters and the planFact columns. */
export const REPORT_LABELS = {
  period: { en: 'Period', ru: 'Период' },
  from: { en: 'From', ru: 'С' },
  to: { en: 'To', ru: 'По' },
  department: { en: 'Department', ru: 'Подразделение' },
  employee: { en: 'Employee', ru: 'Сотрудник' },
  metrics: { en: 'Metrics', ru: 'Показатели' },
  filter: { en: 'Filter', ru: 'Фильтр' },
  month: { en: 'Month', ru: 'Месяц' },
  quarter: { en: 'Quarter', ru: 'Квартал' },
  year: { en: 'Year', ru: 'Год' },
  generated: { en: 'Generated', ru: 'Сформирован' },
  metric: { en: 'Metric', ru: 'Показатель' },
  plan: { en: 'Plan', ru: 'План' },
  fact: { en: 'Fact', ru: 'Факт' },
  percent: { en: '% done', ru: '% выполнения' },
};
