import type { EntityModel, FieldModel } from '../compile/compile.js';
import { evaluateExpression, parseExpression, type Expr } from '../expression/expression.js';
import { renderTemplate } from '../expression/template.js';

/** A record as the API shows it: field names (camelCase), never internal columns. */
export type ApiRecord = Record<string, unknown> & { id: string; version: number };

const formulas = new WeakMap<EntityModel, ReadonlyArray<[FieldModel, Expr]>>();

/** Formulas computed on read (not stored), parsed once per compiled entity. */
function readFormulas(entity: EntityModel): ReadonlyArray<[FieldModel, Expr]> {
  let list = formulas.get(entity);
  if (!list) {
    list = entity.fields.filter((f) => f.type === 'formula' && !f.columnType && f.def.expression).map((f) => [f, parseExpression(f.def.expression as string)] as [FieldModel, Expr]);
    formulas.set(entity, list);
  }
  return list;
}

/** Row (snake_case columns) → API record, with read-time formulas evaluated. */
export function toApiRecord(entity: EntityModel, row: Readonly<Record<string, unknown>>): ApiRecord {
  const record: Record<string, unknown> = {};
  for (const field of entity.columns) {
    if (field.column in row) record[field.name] = row[field.column] ?? null;
  }
  for (const [field, expr] of readFormulas(entity)) {
    record[field.name] = roundTo(field, evaluateExpression(expr, record));
  }
  return record as ApiRecord;
}

/** Computes a formula for storing (stored formulas) over the record's values. */
export function computeFormula(field: FieldModel, values: Readonly<Record<string, unknown>>): unknown {
  if (!field.def.expression) return null;
  return roundTo(field, evaluateExpression(parseExpression(field.def.expression), values));
}

function roundTo(field: FieldModel, value: unknown): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value ?? null;
  if (field.valueType === 'integer') return Math.round(value);
  const scale = field.def.scale ?? (field.valueType === 'money' ? 2 : undefined);
  return scale === undefined ? value : Number(value.toFixed(scale));
}

/** The text that names a record in pickers, duplicates and links. */
export function titleOf(entity: EntityModel, record: Readonly<Record<string, unknown>>): string {
  if (entity.titleField) return String(record[entity.titleField.name] ?? '');
  if (entity.titleTemplate) return renderTemplate(entity.titleTemplate, record);
  return String(record.id ?? '');
}

/** The columns a title needs, to select no more than that. */
export function titleColumns(entity: EntityModel): FieldModel[] {
  if (entity.titleField) return [entity.titleField];
  if (!entity.titleTemplate) return [];
  const names = new Set([...entity.titleTemplate.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => m[1]));
  return entity.columns.filter((f) => names.has(f.name));
}
