// A related list on the card: the records of another entity that reference this one, in the
// columns of that entity's list view, with "Add" opening a new record already pointing here.
import { PlusOutlined } from '@ant-design/icons';
import { Button, Empty, Flex, Table, Typography } from 'antd';
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { query, type ApiRecord, type Page } from '../api.js';
import { isNumeric } from '../format.js';
import { renderValue } from '../render-value.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState } from '../states.js';
import type { Tab } from '../types.js';
import { recordTitle } from './record-data.js';
import { useLoad } from './use-load.js';

const PAGE_SIZE = 10;

export function RelatedTab({ entity, id, tab }: { entity: string; id: string; tab: Tab }) {
  const i18n = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [page, setPage] = useState(1);
  const other = tab.entity ? session.entity(tab.entity) : undefined;
  const list = other?.lists.find((l) => l.name === tab.view) ?? other?.lists[0];
  const url = other ? `/api/data/${encodeURIComponent(entity)}/${id}/related/${encodeURIComponent(tab.name)}${query({ titles: true, view: list?.name, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}` : undefined;
  const { data, error, loading, reload } = useLoad<Page>(url);
  if (!other) return <Empty description={i18n.t('tab.related.empty')} />;
  if (error) return <ErrorState error={error} retry={reload} />;

  const columnNames = list?.columns ?? [other.titleField ?? 'id'];
  const columns = columnNames.map((path, index) => {
    const field = other.fields.find((f) => f.name === path);
    return {
      key: path,
      title: field ? i18n.label(field.label, path) : path,
      align: field && isNumeric(field) ? ('right' as const) : undefined,
      render: (_: unknown, record: ApiRecord) => {
        const value = field ? renderValue(field, record[path], { i18n, meta: session.meta, titles: record.$titles }) : String(record[path] ?? '');
        // The first column opens the record (the title column in every list view).
        return index === 0 ? <Link to={`/data/${other.name}/${record.id}`}>{value || recordTitle(other, record, { i18n, meta: session.meta, titles: record.$titles })}</Link> : value;
      },
    };
  });
  const returnTo = `${location.pathname}?tab=${encodeURIComponent(tab.name)}`;
  const add = () => navigate(`/data/${other.name}/new${query({ [tab.via ?? '']: tab.via ? id : undefined, return: returnTo })}`);

  return (
    <div data-testid={`related-${tab.name}`}>
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{data ? i18n.t('list.total', { count: data.total }) : ''}</Typography.Text>
        {tab.via && (
          <Button icon={<PlusOutlined />} onClick={add} data-testid={`related-add-${other.name}`}>
            {i18n.t('tab.add')}
          </Button>
        )}
      </Flex>
      <Table<ApiRecord>
        size="small"
        rowKey="id"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={i18n.t('tab.related.empty')} /> }}
        pagination={data && data.total > PAGE_SIZE ? { current: page, pageSize: PAGE_SIZE, total: data.total, showSizeChanger: false, onChange: setPage } : false}
        onRow={(record) => ({ onDoubleClick: () => navigate(`/data/${other.name}/${record.id}`), style: record.$color ? { boxShadow: `inset 3px 0 0 ${record.$color}` } : undefined })}
      />
    </div>
  );
}
