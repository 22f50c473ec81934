// A list grouped by a field: one collapsible panel per group with its count; a panel loads its
// own rows (the list's condition AND the group's value) when it is opened.
import { Badge, Collapse, Empty, Space, Table, Typography, type TableProps } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, query, type ApiRecord, type Group, type Page } from '../api.js';
import { formatNumber } from '../format.js';
import { useI18n } from '../i18n.js';
import { ErrorState, Loading } from '../states.js';
import type { EntitySummaryMeta, ListMeta } from '../types.js';
import { rowProps } from './columns.js';
import { listQuery, type ListState } from './list-state.js';

const GROUP_PAGE = 50;

function withGroup(filter: string | undefined, field: string, key: Group['key']): string {
  const term = { [field]: key };
  return JSON.stringify(filter ? { $and: [JSON.parse(filter) as unknown, term] } : term);
}

function GroupRows({ entity, view, state, group, columns, onSort }: { entity: EntitySummaryMeta; view: ListMeta; state: ListState; group: Group; columns: NonNullable<TableProps<ApiRecord>['columns']>; onSort: (sort: string | undefined) => void }) {
  const [page, setPage] = useState<Page | null>(null);
  const [current, setCurrent] = useState(1);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    const q = { ...listQuery(state, view), filter: withGroup(state.filter, state.groupBy as string, group.key), limit: GROUP_PAGE, offset: (current - 1) * GROUP_PAGE, titles: true };
    api<Page>('GET', `/api/data/${entity.name}${query(q)}`).then(
      (p) => live && setPage(p),
      (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) })),
    );
    return () => {
      live = false;
    };
  }, [entity, view, state, group, current]);
  if (error) return <ErrorState error={error} />;
  return (
    <Table<ApiRecord>
      rowKey="id"
      size="small"
      loading={!page}
      columns={columns}
      dataSource={page?.items ?? []}
      onRow={rowProps}
      scroll={{ x: 'max-content' }}
      onChange={(pagination, _f, sorter, extra) => {
        if (extra.action === 'paginate') setCurrent(pagination.current ?? 1);
        if (extra.action === 'sort') {
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          onSort(s?.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined);
        }
      }}
      pagination={(page?.total ?? 0) > GROUP_PAGE ? { current, pageSize: GROUP_PAGE, total: page?.total ?? 0, showSizeChanger: false } : false}
    />
  );
}

export function GroupedList(props: { entity: EntitySummaryMeta; view: ListMeta; state: ListState; columns: NonNullable<TableProps<ApiRecord>['columns']>; onSort: (sort: string | undefined) => void }) {
  const { entity, view, state } = props;
  const i18n = useI18n();
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState<string[]>([]);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    setGroups(null);
    setOpen([]);
    api<{ groups: Group[] }>('GET', `/api/data/${entity.name}${query({ ...listQuery(state, view), sort: undefined, groupBy: state.groupBy })}`).then(
      (r) => live && (setGroups(r.groups), setError(null)),
      (e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) })),
    );
    return () => {
      live = false;
    };
  }, [entity, view, state, reload]);

  if (error) return <ErrorState error={error} retry={() => setReload((n) => n + 1)} />;
  if (!groups) return <Loading />;
  if (groups.length === 0) return <Empty description={i18n.t('list.empty')} />;
  const field = entity.fields.find((f) => f.name === state.groupBy);
  const labelOf = (g: Group) => {
    if (g.key === null) return i18n.t('list.groupEmpty');
    if (typeof g.key === 'boolean') return i18n.t(g.key ? 'bool.true' : 'bool.false');
    return i18n.label(g.label ?? undefined, String(g.key));
  };
  return (
    <Collapse
      activeKey={open}
      onChange={(keys) => setOpen(keys as string[])}
      data-testid="list-groups"
      items={groups.map((g) => {
        const key = JSON.stringify(g.key);
        const sums = Object.entries(g.sums ?? {}).map(([name, value]) => {
          const sumField = entity.fields.find((f) => f.name === name);
          return `${i18n.label(sumField?.label, name)}: ${formatNumber(value, i18n.locale, { maximumFractionDigits: 2 })}`;
        });
        return {
          key,
          label: (
            <Space data-testid="list-group">
              <Typography.Text strong>{labelOf(g)}</Typography.Text>
              <Badge count={g.count} overflowCount={999999} color="#8c8c8c" showZero data-testid="list-group-count" />
              {sums.length > 0 && <Typography.Text type="secondary">{sums.join(' · ')}</Typography.Text>}
            </Space>
          ),
          children: open.includes(key) ? <GroupRows {...props} group={g} /> : null,
          extra: field ? undefined : null,
        };
      })}
    />
  );
}
