// Every entity's list, generated from its list views: paging, sorting, quick filters, the
// filter builder, search, grouping, row colors with a legend, columns, saved views, export.
import { FilterOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Checkbox, Empty, Input, Modal, Popover, Select, Space, Table, Tag, Typography, type TableProps } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api, ApiError, query, type ApiRecord, type Page } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState } from '../states.js';
import type { EntitySummaryMeta, FieldMeta, ListMeta } from '../types.js';
import { emptyGroup, filterableFields, fromCondition, ruleCount, toCondition, type FilterGroup } from '../list/filter.js';
import { ExportButton } from '../list/ExportButton.js';
import { FilterBuilder } from '../list/FilterBuilder.js';
import { rowProps, useListColumns } from '../list/columns.js';
import { GroupedList } from '../list/GroupedList.js';
import { listQuery, readListState, writeListState, type ListState } from '../list/list-state.js';
import { SavedViews } from '../list/SavedViews.js';

const GROUPABLE = new Set(['enum', 'stage', 'user', 'reference', 'boolean']);

export function ListPage() {
  const { entity: entityName = '' } = useParams();
  const session = useSession();
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => readListState(params), [params]);
  const entity = session.entity(entityName);
  const view: ListMeta | undefined = entity ? (entity.lists.find((l) => l.name === state.view) ?? entity.lists[0]) : undefined;
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [reload, setReload] = useState(0);
  const [search, setSearch] = useState(state.q);
  const [filterOpen, setFilterOpen] = useState(false);
  const [draft, setDraft] = useState<FilterGroup>(emptyGroup());

  const update = (patch: Partial<ListState>) => setParams(writeListState({ ...state, page: 1, ...patch }));
  useEffect(() => setSearch(state.q), [state.q]);

  const pageSize = state.pageSize ?? view?.pageSize ?? 50;
  const columnNames = state.columns ?? view?.columns ?? [];
  const columns = useListColumns(entity ?? ({ fields: [] } as unknown as EntitySummaryMeta), columnNames, state.sort ?? view?.sort);

  useEffect(() => {
    if (!entity || state.groupBy) return;
    let live = true;
    setLoading(true);
    api<Page>('GET', `/api/data/${entity.name}${query({ ...listQuery(state, view), limit: pageSize, offset: (state.page - 1) * pageSize, titles: true })}`)
      .then((result) => live && (setPage(result), setError(null)))
      .catch((e: unknown) => live && setError(e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) })))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [entity, view, state, pageSize, reload]);

  if (!entity || !view) return <ErrorState error={new ApiError({ status: 404, detail: t('app.notFound') })} />;

  const currentFilter = state.filter ? (() => {
    try {
      return JSON.parse(state.filter) as unknown;
    } catch {
      return undefined;
    }
  })() : undefined;
  const filterTree = fromCondition(currentFilter);
  const activeRules = filterTree ? ruleCount(filterTree) : 1;
  const fields = filterableFields(entity.fields);
  const groupFields: FieldMeta[] = entity.fields.filter((f) => !f.hidden && (GROUPABLE.has(f.valueType) || view.groupBy.includes(f.name)) && f.valueType !== 'multiEnum');
  const exportUrl = `/api/data/${entity.name}/export.xlsx${query({ ...listQuery(state, view), fields: state.columns?.join(','), locale: i18n.locale })}`;

  const onTableChange: TableProps<ApiRecord>['onChange'] = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = Array.isArray(sorter) ? sorter[0] : sorter;
      const key = s?.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined;
      update({ sort: key });
    } else if (extra.action === 'paginate') {
      setParams(writeListState({ ...state, page: pagination.current ?? 1, pageSize: pagination.pageSize === (view.pageSize ?? 50) ? undefined : pagination.pageSize }));
    }
  };

  const columnChooser = (
    <Checkbox.Group
      value={columnNames}
      onChange={(values) => update({ columns: entity.fields.map((f) => f.name).filter((n) => (values as string[]).includes(n)) })}
      style={{ display: 'flex', flexDirection: 'column', maxHeight: 360, overflow: 'auto' }}
      data-testid="column-chooser"
      options={entity.fields.filter((f) => !f.hidden).map((f) => ({ value: f.name, label: i18n.label(f.label, f.name) }))}
    />
  );

  const total = page ? (page.totalEstimated ? t('list.totalEstimated', { count: page.total.toLocaleString(i18n.locale) }) : t('list.total', { count: page.total.toLocaleString(i18n.locale) })) : '';

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="list-title">
            {i18n.label(entity.pluralLabel, entity.name)}
          </Typography.Title>
          {entity.lists.length > 1 && (
            <Select value={view.name} onChange={(name: string) => setParams(writeListState({ view: name, q: '', quickFilter: undefined, filter: undefined, sort: undefined, page: 1, pageSize: undefined, groupBy: undefined, columns: undefined }))} options={entity.lists.map((l) => ({ value: l.name, label: i18n.label(l.label, l.name) }))} style={{ minWidth: 180 }} data-testid="list-view" />
          )}
          <SavedViews entity={entity.name} state={state} onOpen={(next) => setParams(writeListState(next))} />
        </Space>
        <Space wrap>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/data/${entity.name}/new`)} data-testid="list-new">
            {t('list.new')}
          </Button>
          <ExportButton url={exportUrl} fallbackName={`${entity.name}.xlsx`} />
        </Space>
      </Space>

      <Space wrap>
        <Input.Search allowClear placeholder={t('list.search')} value={search} onChange={(e) => setSearch(e.target.value)} onSearch={(q) => update({ q })} style={{ width: 260 }} data-testid="list-search" />
        {view.quickFilters.length > 0 && (
          <Select
            value={state.quickFilter ?? ''}
            onChange={(name: string) => update({ quickFilter: name || undefined })}
            options={[{ value: '', label: t('list.quickFilterAll') }, ...view.quickFilters.map((q) => ({ value: q.name, label: i18n.label(q.label, q.name) }))]}
            style={{ minWidth: 200 }}
            data-testid="list-quick-filter"
            aria-label={t('list.quickFilter')}
          />
        )}
        <Badge count={state.filter ? activeRules : 0} size="small">
          <Button
            icon={<FilterOutlined />}
            onClick={() => {
              setDraft(filterTree ?? emptyGroup());
              setFilterOpen(true);
            }}
            data-testid="list-filter"
          >
            {t('list.filter')}
          </Button>
        </Badge>
        <Select
          value={state.groupBy ?? ''}
          onChange={(name: string) => update({ groupBy: name || undefined })}
          options={[{ value: '', label: t('list.noGrouping') }, ...groupFields.map((f) => ({ value: f.name, label: i18n.label(f.label, f.name) }))]}
          style={{ minWidth: 180 }}
          data-testid="list-group-by"
          aria-label={t('list.groupBy')}
        />
        <Popover content={columnChooser} title={t('list.columns')} trigger="click" placement="bottomLeft">
          <Button icon={<SettingOutlined />} data-testid="list-columns">
            {t('list.columns')}
          </Button>
        </Popover>
        {(state.filter || state.q || state.quickFilter || state.groupBy || state.columns || state.sort) && (
          <Button type="link" onClick={() => setParams(writeListState({ view: state.view, q: '', quickFilter: undefined, filter: undefined, sort: undefined, page: 1, pageSize: undefined, groupBy: undefined, columns: undefined }))}>
            {t('list.reset')}
          </Button>
        )}
      </Space>

      {view.colorRules.length > 0 && (
        <Space wrap size={4} data-testid="list-legend">
          <Typography.Text type="secondary">{t('list.legend')}:</Typography.Text>
          {view.colorRules.map((rule) => (
            <Tag key={rule.color + JSON.stringify(rule.label)} color={rule.color}>
              {i18n.label(rule.label)}
            </Tag>
          ))}
        </Space>
      )}

      {filterTree === null && <Alert type="info" showIcon title={state.filter} />}

      {state.groupBy ? (
        <GroupedList entity={entity} view={view} state={state} columns={columns ?? []} onSort={(sort) => update({ sort })} />
      ) : error ? (
        <ErrorState error={error} retry={() => setReload((n) => n + 1)} />
      ) : (
        <Table<ApiRecord>
          rowKey="id"
          size="small"
          loading={loading}
          columns={columns}
          dataSource={page?.items ?? []}
          onRow={rowProps}
          onChange={onTableChange}
          scroll={{ x: 'max-content' }}
          locale={{ emptyText: <Empty description={state.filter || state.q || state.quickFilter ? t('list.emptyFiltered') : t('list.empty')} /> }}
          pagination={{ current: state.page, pageSize, total: page?.total ?? 0, showSizeChanger: true, pageSizeOptions: [20, 50, 100, 200], showTotal: () => <span data-testid="list-total">{total}</span> }}
          data-testid="list-table"
        />
      )}

      <Modal
        open={filterOpen}
        title={t('filter.title')}
        destroyOnHidden
        width={820}
        onCancel={() => setFilterOpen(false)}
        footer={[
          <Button key="clear" onClick={() => (update({ filter: undefined }), setFilterOpen(false))}>
            {t('filter.clear')}
          </Button>,
          <Button
            key="apply"
            type="primary"
            data-testid="filter-apply"
            onClick={() => {
              const condition = toCondition(draft);
              update({ filter: condition ? JSON.stringify(condition) : undefined });
              setFilterOpen(false);
            }}
          >
            {t('filter.apply')}
          </Button>,
        ]}
      >
        <FilterBuilder fields={fields} group={draft} onChange={setDraft} />
      </Modal>
    </Space>
  );
}
