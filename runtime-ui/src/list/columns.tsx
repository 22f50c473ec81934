// The columns and row colors of a list table, shared by the flat and the grouped list.
import type { TableProps } from 'antd';
import type { HTMLAttributes } from 'react';
import { Link } from 'react-router-dom';
import type { ApiRecord } from '../api.js';
import { isNumeric } from '../format.js';
import { renderValue } from '../render-value.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { EntitySummaryMeta } from '../types.js';

const UNSORTABLE = new Set(['text', 'multiEnum', 'reference', 'user', 'file']);

/** A color rule's color as a light row background. */
function tint(color: string | null | undefined): string | undefined {
  return color && /^#[0-9a-f]{6}$/i.test(color) ? `${color}1f` : undefined;
}

export function useListColumns(entity: EntitySummaryMeta, columnNames: string[], sort: string | undefined): TableProps<ApiRecord>['columns'] {
  const i18n = useI18n();
  const { meta } = useSession();
  const sortKey = sort?.split(',')[0];
  return columnNames.flatMap((name, index) => {
    const field = entity.fields.find((f) => f.name === name);
    if (!field) return [];
    const sortable = !UNSORTABLE.has(field.valueType) && field.type !== 'formula';
    return [
      {
        key: name,
        dataIndex: name,
        title: i18n.label(field.label, name),
        align: isNumeric(field) ? ('right' as const) : undefined,
        sorter: sortable,
        sortOrder: sortable && sortKey === name ? ('ascend' as const) : sortable && sortKey === `-${name}` ? ('descend' as const) : null,
        ellipsis: field.valueType === 'text',
        render: (value: unknown, record: ApiRecord) => {
          const cell = renderValue(field, value, { i18n, meta, titles: record.$titles });
          // The first column opens the card.
          return index === 0 ? <Link to={`/data/${entity.name}/${record.id}`}>{cell ?? record.id.slice(0, 8)}</Link> : cell;
        },
      },
    ];
  });
}

export function rowProps(record: ApiRecord) {
  return { style: { background: tint(record.$color) }, 'data-color': record.$color ?? undefined, 'data-testid': 'list-row' } as HTMLAttributes<HTMLElement>;
}

