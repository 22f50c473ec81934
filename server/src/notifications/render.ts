/**
 * Notice text for one recipient: the `{{path}}` templates of a rule filled from the record and
 * the records it references, each value written the way the recipient reads it — dates and
 * date-times in their locale (date-times in the application's time zone), money in the
 * application's currency, enum and stage values by their label, references by their title.
 * A missing value is empty text, never "undefined" or "null".
 */
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import { quoteIdent, type Db } from '../db/db.js';
import { renderTemplate, templatePaths } from '../expression/template.js';
import { isUuid, toText } from '../expression/values.js';
import type { Label } from '../generated/metadata.js';
import { optionLabel } from '../query/titles.js';
import { timeZoneOf } from '../calendar/zoned.js';
import { titleOf, toApiRecord, type ApiRecord } from '../records/record-mapping.js';

/** A template per locale, or one text for every locale. */
export type LocalizedText = string | Readonly<Record<string, string | undefined>>;

/** The text of a localized template for a locale: that locale, the app's default, or any. */
export function textFor(text: LocalizedText | undefined, locale: string, model: CompiledModel): string | undefined {
  if (text === undefined || typeof text === 'string') return text;
  return text[locale] ?? text[model.defaultLocale] ?? Object.values(text).find((v) => v !== undefined);
}

/** Every placeholder path of the templates, in every locale. */
export function pathsOf(...texts: Array<LocalizedText | undefined>): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (text === undefined) continue;
    for (const t of typeof text === 'string' ? [text] : Object.values(text)) if (t !== undefined) for (const p of templatePaths(t)) out.add(p);
  }
  return [...out];
}

function targetOf(field: FieldModel | undefined): string | undefined {
  if (!field) return undefined;
  return field.type === 'user' ? 'sys_user' : field.type === 'reference' ? (field.target ?? undefined) : undefined;
}

/**
 * Records with the references their templates go through loaded (`counterparty.brand` loads
 * the counterparty; `{{deal.counterparty.brand}}` goes two levels), one query per referenced
 * entity for all the records at once.
 */
export async function expandManyForTemplates(db: Db, model: CompiledModel, entity: EntityModel, records: readonly Record<string, unknown>[], paths: readonly string[], depth = 0): Promise<Array<Record<string, unknown>>> {
  const out = records.map((r) => ({ ...r }));
  const groups = new Map<string, string[]>();
  for (const path of paths) {
    const [head, ...rest] = path.split('.');
    if (!head) continue;
    // A bare reference ({{counterparty}}) renders the title: it is loaded too.
    groups.set(head, [...(groups.get(head) ?? []), rest.join('.')]);
  }
  for (const [name, rests] of groups) {
    const target = model.entities.get(targetOf(entity.field.get(name)) ?? '');
    if (!target) continue;
    const ids = [...new Set(records.map((r) => r[name]).filter((id): id is string => typeof id === 'string' && isUuid(id)))];
    if (ids.length === 0) continue;
    const rows = await db.query(`SELECT * FROM ${quoteIdent(target.table)} WHERE id = ANY($1::uuid[])`, [ids]);
    let children: Array<Record<string, unknown>> = rows.map((row) => toApiRecord(target, row));
    const deeper = rests.filter((r) => r !== '');
    if (deeper.length > 0 && depth < 2) children = await expandManyForTemplates(db, model, target, children, deeper, depth + 1);
    const byId = new Map(children.map((c) => [String(c.id), c]));
    for (const r of out) {
      const child = typeof r[name] === 'string' ? byId.get(r[name] as string) : undefined;
      if (child) r[name] = child;
    }
  }
  return out;
}

/** One record expanded for its templates (see expandManyForTemplates). */
export async function expandForTemplates(db: Db, model: CompiledModel, entity: EntityModel, record: ApiRecord, paths: readonly string[]): Promise<Record<string, unknown>> {
  return (await expandManyForTemplates(db, model, entity, [record], paths))[0] as Record<string, unknown>;
}

/** The field a path ends at, and the entity holding it. */
function fieldAt(model: CompiledModel, entity: EntityModel, path: string): { field: FieldModel; entity: EntityModel } | undefined {
  let current: EntityModel | undefined = entity;
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const field: FieldModel | undefined = current?.field.get(segments[i] as string);
    if (!field || !current) return undefined;
    if (i === segments.length - 1) return { field, entity: current };
    current = model.entities.get(targetOf(field) ?? '');
  }
  return undefined;
}

const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
/** Intl formatters are costly to build: one per locale and style, reused. */
function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale, options)));
  return f;
}
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n|${locale}|${JSON.stringify(options)}`;
  let f = formats.get(key) as Intl.NumberFormat | undefined;
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

const WORDS: Record<string, { yes: string; no: string }> = { en: { yes: 'yes', no: 'no' }, ru: { yes: 'да', no: 'нет' } };

function labelIn(label: Label | undefined, locale: string, model: CompiledModel): string | undefined {
  return label?.[locale] ?? label?.[model.defaultLocale] ?? Object.values(label ?? {}).find((v) => v !== undefined);
}

/** How a value of a field reads for a recipient in `locale`. */
export function formatValue(model: CompiledModel, entity: EntityModel, path: string, value: unknown, locale: string): string {
  const at = fieldAt(model, entity, path);
  if (!at) return toText(value);
  const { field } = at;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const target = model.entities.get(targetOf(field) ?? '');
    return target ? titleOf(target, value as Record<string, unknown>) : '';
  }
  try {
    switch (field.type) {
      case 'date':
        if (typeof value === 'string') return dateFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${value.slice(0, 10)}T00:00:00Z`));
        break;
      case 'datetime':
        if (typeof value === 'string') return dateFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: timeZoneOf(model.app) }).format(new Date(value));
        break;
      case 'money':
        if (typeof value === 'number') return numberFormat(locale, { style: 'currency', currency: model.currency }).format(value);
        break;
      case 'decimal':
      case 'integer':
        if (typeof value === 'number') return numberFormat(locale, {}).format(value);
        break;
      case 'percent':
        if (typeof value === 'number') return numberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }).format(value / 100);
        break;
      case 'boolean':
        if (typeof value === 'boolean') return (WORDS[locale] ?? WORDS.en)![value ? 'yes' : 'no'];
        break;
      case 'enum':
      case 'stage':
        return labelIn(optionLabel(at.entity, field, value), locale, model) ?? toText(value);
      case 'multiEnum':
        if (Array.isArray(value)) return value.map((v) => labelIn(optionLabel(at.entity, field, v), locale, model) ?? toText(v)).join(', ');
        break;
      default:
        break;
    }
  } catch {
    // An unknown locale or currency code: the plain value rather than no notice at all.
  }
  return toText(value);
}

/** Renders a localized template for one locale over an expanded record. */
export function renderFor(model: CompiledModel, entity: EntityModel, text: LocalizedText | undefined, view: Readonly<Record<string, unknown>>, locale: string): string | undefined {
  const template = textFor(text, locale, model);
  if (template === undefined) return undefined;
  return renderTemplate(template, view, { format: (value, path) => formatValue(model, entity, path, value, locale) });
}
