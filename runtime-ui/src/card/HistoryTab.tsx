// The record's change history: who, when, what (from → to in the fields' own formats), on
// whose behalf a deputy acted, and which automation made a change for the user.
import { Empty, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { ApiRecord } from '../api.js';
import { formatDateTime, valueText } from '../format.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import { useLoad } from './use-load.js';

interface HistoryEntry {
  id: string;
  at: string;
  action: 'create' | 'update' | 'delete' | string;
  actor: { id: string; fullName: string } | null;
  onBehalfOf: { id: string; fullName: string } | null;
  automation?: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

export function HistoryTab({ entity, id, record }: { entity: string; id: string; record: ApiRecord }) {
  const i18n = useI18n();
  const session = useSession();
  const { data, error, loading, reload } = useLoad<{ items: HistoryEntry[] }>(`/api/data/${encodeURIComponent(entity)}/${id}/history`);
  if (error) return <ErrorState error={error} retry={reload} />;
  if (loading || !data) return <Loading />;
  if (data.items.length === 0) return <Empty description={i18n.t('tab.history.empty')} data-testid="history-list" />;

  const text = (name: string, value: unknown) => {
    if (name === 'link' && value && typeof value === 'object' && 'entity' in value && 'id' in value) {
      const other = value as { entity: string; id: string; kind?: string };
      return (
        <Link to={`/data/${other.entity}/${other.id}`}>
          {i18n.label(session.entity(other.entity)?.label, other.entity)}
          {other.kind ? ` (${other.kind})` : ''}
        </Link>
      );
    }
    const field = session.field(entity, name);
    if (value === null || value === undefined || value === '') return '—';
    // References in history are ids; the record's own $titles name the ones it still points to.
    const titles = record[name] === value ? record.$titles : undefined;
    return field ? valueText(field, value, { i18n, meta: session.meta, titles }) || '—' : JSON.stringify(value);
  };
  const actionKey = (action: string) => `tab.history.action.${action}` as MessageKey;

  return (
    <List
      data-testid="history-list"
      size="small"
      dataSource={data.items}
      renderItem={(entry) => (
        <List.Item key={entry.id} data-testid="history-entry">
          <div style={{ width: '100%' }}>
            <Space wrap size={6}>
              <Typography.Text strong>{entry.actor?.fullName ?? '—'}</Typography.Text>
              <Typography.Text>{i18n.t(actionKey(entry.action))}</Typography.Text>
              <Typography.Text type="secondary">{formatDateTime(entry.at)}</Typography.Text>
              {entry.onBehalfOf && <Tag color="purple">{i18n.t('tab.history.onBehalf', { name: entry.onBehalfOf.fullName })}</Tag>}
              {entry.automation && <Tag color="blue" data-testid="history-automation">{i18n.t('tab.history.automation', { name: entry.automation })}</Tag>}
            </Space>
            {entry.changes && Object.keys(entry.changes).length > 0 && (
              <table style={{ marginTop: 4, borderCollapse: 'collapse', fontSize: 13 }}>
                <tbody>
                  {Object.entries(entry.changes).map(([name, change]) => (
                    <tr key={name}>
                      <td style={{ padding: '1px 12px 1px 0', color: 'rgba(0,0,0,0.55)', verticalAlign: 'top' }}>{name === 'link' ? i18n.t('tab.links.record') : i18n.label(session.field(entity, name)?.label, name)}</td>
                      <td style={{ padding: '1px 0' }}>
                        {entry.action !== 'create' && entry.action !== 'link' && (
                          <>
                            <Typography.Text delete type="secondary">
                              {text(name, change.from)}
                            </Typography.Text>
                            {' → '}
                          </>
                        )}
                        <Typography.Text>{text(name, change.to)}</Typography.Text>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </List.Item>
      )}
    />
  );
}
