// How a field's value reads as text in lists, cards, history and titles: one place for every
// field type. Pure, so it is unit-tested; render-value.tsx draws the same values as React.
import dayjs from 'dayjs';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { I18n } from './i18n.js';
import type { AppMeta, FieldMeta } from './types.js';

export function formatNumber(value: number, locale: string, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-US', options).format(value);
}

export function formatMoney(value: number, locale: string, currency: string, scale = 2): string {
  try {
    return formatNumber(value, locale, { style: 'currency', currency: currency.toUpperCase(), minimumFractionDigits: scale, maximumFractionDigits: scale });
  } catch {
    return formatNumber(value, locale, { minimumFractionDigits: scale, maximumFractionDigits: scale });
  }
}

export function formatPhone(value: string, region: string): string {
  const parsed = parsePhoneNumberFromString(value, region.toUpperCase() as CountryCode);
  return parsed?.isValid() ? parsed.formatInternational() : value;
}

export function formatDate(value: string): string {
  return dayjs(value).format('DD.MM.YYYY');
}

export function formatDateTime(value: string): string {
  return dayjs(value).format('DD.MM.YYYY HH:mm');
}

/** The option (enum value or stage) of a field, for its label and color. */
export function optionOf(field: FieldMeta, value: unknown) {
  return field.options?.find((o) => o.value === value);
}

export interface FormatContext {
  i18n: I18n;
  meta: AppMeta;
  /** The `$titles` of the record: reference field → title. */
  titles?: Record<string, string> | undefined;
}

/** Plain text of a value (exports, titles, tooltips). */
export function valueText(field: FieldMeta, value: unknown, ctx: FormatContext): string {
  if (value === null || value === undefined || value === '') return '';
  const { i18n, meta } = ctx;
  switch (field.valueType) {
    case 'enum':
    case 'stage':
      return i18n.label(optionOf(field, value)?.label, String(value));
    case 'multiEnum':
      return (value as string[]).map((v) => i18n.label(optionOf(field, v)?.label, v)).join(', ');
    case 'boolean':
      return i18n.t(value ? 'bool.true' : 'bool.false');
    case 'money':
      return formatMoney(Number(value), i18n.locale, meta.currency, field.scale ?? 2);
    case 'percent':
      return `${formatNumber(Number(value), i18n.locale, { maximumFractionDigits: 2 })} %`;
    case 'integer':
    case 'decimal':
      return formatNumber(Number(value), i18n.locale, { maximumFractionDigits: field.scale ?? 6 });
    case 'date':
      return formatDate(String(value));
    case 'datetime':
      return formatDateTime(String(value));
    case 'phone':
      return formatPhone(String(value), meta.phoneRegion);
    case 'reference':
    case 'user':
      return ctx.titles?.[field.name] ?? String(value);
    default:
      return String(value);
  }
}

/** Whether a column reads right-aligned. */
export function isNumeric(field: FieldMeta): boolean {
  return ['money', 'percent', 'integer', 'decimal'].includes(field.valueType);
}
