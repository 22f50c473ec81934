// Pure helpers of the card: the form's schema and data from the entity meta and the record,
// the fields a save changes, record titles, and the server's field errors as rjsf errors.
import type { ErrorSchema, RJSFSchema } from '@rjsf/utils';
import type { ApiRecord, Problem } from '../api.js';
import { valueText, type FormatContext } from '../format.js';
import type { EntityMeta, EntitySummaryMeta } from '../types.js';

export type FormData = Record<string, unknown>;

/**
 * The schema the form renders: the create schema for a new record; for an existing one the
 * patch schema without `version` (sent as If-Match) and with the create schema's required
 * fields, so clearing one is caught before the round trip.
 */
export function toFormSchema(meta: EntityMeta, mode: 'create' | 'edit'): RJSFSchema {
  const base = (mode === 'create' ? meta.schema : meta.patchSchema) as RJSFSchema;
  const properties = { ...(base.properties ?? {}) };
  delete properties.version;
  const required = ((meta.schema as RJSFSchema).required ?? []).filter((name) => name in properties);
  // additionalProperties/propertyNames/minProperties guard the API, not the form.
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

function propertyTypes(schema: RJSFSchema, name: string): string[] {
  const property = schema.properties?.[name];
  if (!property || typeof property !== 'object') return [];
  const type = (property as RJSFSchema).type;
  return type === undefined ? [] : Array.isArray(type) ? type : [type];
}

/** A query-string value as the property's type wants it, or undefined when it does not fit. */
function fromQueryValue(schema: RJSFSchema, name: string, text: string): unknown {
  const types = propertyTypes(schema, name);
  if (types.includes('integer') || types.includes('number')) {
    const n = Number(text);
    return text.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  if (types.includes('boolean')) return text === 'true' ? true : text === 'false' ? false : undefined;
  if (types.includes('array')) return text.split(',').filter(Boolean);
  return text;
}

/** A new record's starting values: the fields' defaults, then the URL's `?field=value` prefills. */
export function toCreateData(schema: RJSFSchema, entity: EntitySummaryMeta | undefined, search: URLSearchParams): FormData {
  const data: FormData = {};
  for (const field of entity?.fields ?? []) if (field.default !== undefined && schema.properties?.[field.name]) data[field.name] = field.default;
  for (const [name, text] of search) {
    if (!schema.properties?.[name]) continue;
    const value = fromQueryValue(schema, name, text);
    if (value !== undefined) data[name] = value;
  }
  return data;
}

/** The form's values of an existing record: its editable fields, nulls left out (rjsf's empty). */
export function toEditData(schema: RJSFSchema, record: ApiRecord): FormData {
  const data: FormData = {};
  for (const name of Object.keys(schema.properties ?? {})) if (record[name] !== null && record[name] !== undefined) data[name] = record[name];
  return data;
}

function normalized(value: unknown): unknown {
  if (value === undefined || value === '') return null;
  if (Array.isArray(value) && value.length === 0) return null;
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalized(a)) === JSON.stringify(normalized(b));
}

/** The PATCH body: only the fields whose value differs from the record's, cleared ones as null. */
export function toPatch(schema: RJSFSchema, record: ApiRecord, data: FormData): FormData {
  const patch: FormData = {};
  for (const name of Object.keys(schema.properties ?? {})) if (!same(record[name], data[name])) patch[name] = normalized(data[name]);
  return patch;
}

/** The POST body: the filled fields. */
export function toCreateBody(data: FormData): FormData {
  const body: FormData = {};
  for (const [name, value] of Object.entries(data)) if (normalized(value) !== null) body[name] = value;
  return body;
}

/** The field a problem path names: `/brand`, `/body/brand`, `/brand/0` → `brand`. */
export function fieldOfPath(path: string): string | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'body') parts.shift();
  return parts[0];
}

/** The server's 400 `errors` on the form's fields (rjsf extraErrors), and the ones no field shows. */
export function toExtraErrors(problem: Problem, schema: RJSFSchema): { extraErrors: ErrorSchema; unplaced: string[] } {
  const extraErrors: Record<string, { __errors: string[] }> = {};
  const unplaced: string[] = [];
  for (const error of problem.errors ?? []) {
    const field = fieldOfPath(error.path);
    if (field && schema.properties?.[field]) (extraErrors[field] ??= { __errors: [] }).__errors.push(error.message);
    else unplaced.push(error.message);
  }
  return { extraErrors: extraErrors as ErrorSchema, unplaced };
}

/** A record's title: its title field, or its title template filled from the record and `$titles`. */
export function recordTitle(entity: EntitySummaryMeta | undefined, record: ApiRecord | FormData, ctx: FormatContext): string {
  if (!entity) return String(record.id ?? '');
  if (entity.titleField && record[entity.titleField] !== null && record[entity.titleField] !== undefined) return String(record[entity.titleField]);
  if (entity.titleTemplate) {
    const titles = (record.$titles ?? {}) as Record<string, string>;
    const text = entity.titleTemplate
      .replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, path: string) => {
        const [head = '', ...rest] = path.split('.');
        // A path through a reference reads the referenced record's title (what $titles carries).
        if (rest.length > 0) return titles[head] ?? '';
        const field = entity.fields.find((f) => f.name === head);
        return field ? valueText(field, record[head], { ...ctx, titles }) : String(record[head] ?? '');
      })
      .replace(/\s+([—:,-])\s*$/u, '')
      .replace(/^\s*[—:,-]\s+/u, '')
      .trim();
    if (text) return text;
  }
  return String(record.id ?? '');
}
