/**
 * Field values as text for a document, in the document's locale: dates written out
 * ("15 марта 2026 г." / "March 15, 2026"), money with two decimals and the locale's grouping
 * ("1 234 567,89" / "1,234,567.89"), options by their label. Pure: no I/O.
 */
import type { EntityModel, FieldModel } from '../compile/compile.js';
import type { Label } from '../generated/metadata.js';
import { toDate } from '../expression/values.js';

export interface FormatContext {
  locale: string;
  /** The application's time zone, for date-times (Europe/Moscow). */
  timeZone: string;
  defaultLocale: string;
}

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f as T;
}

export function labelText(label: Label | undefined, ctx: FormatContext): string | undefined {
  if (!label) return undefined;
  return label[ctx.locale] ?? label[ctx.defaultLocale] ?? Object.values(label)[0];
}

export function formatDate(value: unknown, ctx: FormatContext): string | null {
  const date = toDate(value);
  if (!date) return null;
  // A date is a calendar day: formatted in UTC, where it is stored as midnight.
  return cached(`d:${ctx.locale}`, () => new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' })).format(date);
}

export function formatDateTime(value: unknown, ctx: FormatContext): string | null {
  const date = toDate(value);
  if (!date) return null;
  return cached(`dt:${ctx.locale}:${ctx.timeZone}`, () => new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: ctx.timeZone })).format(date);
}

export function formatNumber(value: unknown, ctx: FormatContext, fractionDigits: { min: number; max: number }): string | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return null;
  return cached(`n:${ctx.locale}:${fractionDigits.min}:${fractionDigits.max}`, () => new Intl.NumberFormat(ctx.locale, { minimumFractionDigits: fractionDigits.min, maximumFractionDigits: fractionDigits.max })).format(n);
}

const YES_NO: Record<string, [string, string]> = { ru: ['Да', 'Нет'], en: ['Yes', 'No'] };

/** The text of a field's value; null when there is none (null, '', an empty list). */
export function formatValue(entity: EntityModel, field: FieldModel, value: unknown, ctx: FormatContext): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value.trim() === '') return null;
  switch (field.valueType) {
    case 'date':
      return formatDate(value, ctx);
    case 'datetime':
      return formatDateTime(value, ctx);
    case 'money':
      return formatNumber(value, ctx, { min: 2, max: 2 });
    case 'decimal':
      return formatNumber(value, ctx, { min: field.def.scale ?? 0, max: field.def.scale ?? 6 });
    case 'integer':
      return formatNumber(value, ctx, { min: 0, max: 0 });
    case 'percent': {
      const n = formatNumber(value, ctx, { min: 0, max: field.def.scale ?? 2 });
      return n === null ? null : `${n} %`;
    }
    case 'boolean': {
      const [yes, no] = YES_NO[ctx.locale] ?? (YES_NO.en as [string, string]);
      return value === true ? yes : no;
    }
    case 'enum':
      return optionLabel(entity, field, value, ctx);
    case 'stage':
      return labelText(entity.stages.find((s) => s.value === value)?.label, ctx) ?? String(value);
    case 'multiEnum': {
      if (!Array.isArray(value) || value.length === 0) return null;
      return value.map((v) => optionLabel(entity, field, v, ctx)).join(', ');
    }
    default:
      return Array.isArray(value) ? (value.length === 0 ? null : value.join(', ')) : String(value);
  }
}

function optionLabel(_entity: EntityModel, field: FieldModel, value: unknown, ctx: FormatContext): string {
  const option = field.def.options?.find((o) => o.value === value);
  return labelText(option?.label, ctx) ?? String(value);
}
