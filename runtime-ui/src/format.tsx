// How a field's value reads in lists, cards and history: one place for every field type.
import { Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
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

/** A value as a list cell or a card shows it: tags with option colors, links to references. */
export function renderValue(field: FieldMeta, value: unknown, ctx: FormatContext): ReactNode {
  if (value === null || value === undefined || value === '') return null;
  switch (field.valueType) {
    case 'enum':
    case 'stage': {
      const option = optionOf(field, value);
      return <Tag color={option?.color}>{ctx.i18n.label(option?.label, String(value))}</Tag>;
    }
    case 'multiEnum':
      return (value as string[]).map((v) => {
        const option = optionOf(field, v);
        return (
          <Tag key={v} color={option?.color}>
            {ctx.i18n.label(option?.label, v)}
          </Tag>
        );
      });
    case 'reference':
      return field.target ? <Link to={`/data/${field.target}/${String(value)}`}>{valueText(field, value, ctx)}</Link> : valueText(field, value, ctx);
    case 'email':
      return <a href={`mailto:${String(value)}`}>{String(value)}</a>;
    case 'url':
      return (
        <a href={String(value)} target="_blank" rel="noreferrer noopener">
          {String(value)}
        </a>
      );
    case 'phone':
      return <a href={`tel:${String(value)}`}>{valueText(field, value, ctx)}</a>;
    case 'text':
      return <Typography.Text ellipsis={{ tooltip: String(value) }}>{String(value)}</Typography.Text>;
    default:
      return valueText(field, value, ctx);
  }
}

/** Whether a column reads right-aligned. */
export function isNumeric(field: FieldMeta): boolean {
  return ['money', 'percent', 'integer', 'decimal'].includes(field.valueType);
}
