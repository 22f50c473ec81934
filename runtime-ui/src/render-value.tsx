// A field's value as a list cell or a card shows it: tags with option colors, links to references.
import { Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { optionOf, valueText, type FormatContext } from './format.js';
import type { FieldMeta } from './types.js';

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
