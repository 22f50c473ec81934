// The record's links to other records: automatic ones (made by automations) and manual ones
// the user adds to any readable record and may remove.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Empty, Flex, Form, Input, Popconfirm, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError } from '../api.js';
import { formatDateTime } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState } from '../states.js';
import { RecordPicker } from './RecordPicker.js';
import { useLoad } from './use-load.js';

interface LinkItem {
  id: string;
  kind: string;
  automatic: boolean;
  direction: 'outgoing' | 'incoming';
  record: { entity: string; id: string; title: string };
  createdAt: string;
}

function AddLinkForm({ entity, id, onAdded, onCancel }: { entity: string; id: string; onAdded(): void; onCancel(): void }) {
  const i18n = useI18n();
  const session = useSession();
  const { message } = App.useApp();
  const [target, setTarget] = useState<string | undefined>(undefined);
  const [recordId, setRecordId] = useState<string | undefined>(undefined);
  const [kind, setKind] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  // Records of the application's entities; system ones (users, tasks…) are not linked by hand.
  const entities = session.meta.entities.filter((e) => !e.system);

  const submit = async () => {
    if (!target || !recordId) return;
    setSaving(true);
    setError(undefined);
    try {
      await api('POST', '/api/links', { from: { entity, id }, to: { entity: target, id: recordId }, ...(kind.trim() ? { kind: kind.trim() } : {}) });
      void message.success(i18n.t('tab.links.added'));
      onAdded();
    } catch (e) {
      const problem = e instanceof ApiError ? e.problem : undefined;
      setError([problem?.detail ?? String(e), ...(problem?.errors ?? []).map((x) => x.message)].filter(Boolean).join(' '));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form layout="inline" data-testid="links-form" style={{ marginBottom: 12, rowGap: 8 }} onFinish={() => void submit()}>
      <Form.Item label={i18n.t('tab.links.entity')}>
        <Select
          data-testid="links-entity"
          style={{ width: 200 }}
          value={target}
          onChange={(v: string) => {
            setTarget(v);
            setRecordId(undefined);
          }}
          options={entities.map((e) => ({ value: e.name, label: i18n.label(e.label, e.name) }))}
        />
      </Form.Item>
      <Form.Item label={i18n.t('tab.links.record')}>
        <div style={{ width: 280 }}>{target ? <RecordPicker key={target} target={target} value={recordId} onChange={(v) => setRecordId(v)} testId="links-record" /> : <Select disabled style={{ width: '100%' }} />}</div>
      </Form.Item>
      <Form.Item label={i18n.t('tab.links.kind')}>
        <Input data-testid="links-kind" style={{ width: 140 }} value={kind} placeholder="related" onChange={(e) => setKind(e.target.value)} />
      </Form.Item>
      <Form.Item>
        <Flex gap={8}>
          <Button type="primary" htmlType="submit" loading={saving} disabled={!target || !recordId} data-testid="links-submit">
            {i18n.t('tab.links.add')}
          </Button>
          <Button onClick={onCancel}>{i18n.t('card.cancel')}</Button>
        </Flex>
      </Form.Item>
      {error && (
        <Form.Item>
          <Tag color="red" data-testid="links-error">
            {error}
          </Tag>
        </Form.Item>
      )}
    </Form>
  );
}

export function LinksTab({ entity, id }: { entity: string; id: string }) {
  const i18n = useI18n();
  const session = useSession();
  const { message } = App.useApp();
  const [adding, setAdding] = useState(false);
  const { data, error, loading, reload } = useLoad<{ items: LinkItem[] }>(`/api/data/${encodeURIComponent(entity)}/${id}/links`);
  if (error) return <ErrorState error={error} retry={reload} />;

  const remove = async (link: LinkItem) => {
    try {
      await api('DELETE', `/api/links/${link.id}`);
      void message.success(i18n.t('tab.links.removed'));
      reload();
    } catch (e) {
      void message.error(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    }
  };

  return (
    <div data-testid="links-tab">
      <Flex justify="flex-end" style={{ marginBottom: 8 }}>
        {!adding && (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="links-add">
            {i18n.t('tab.links.add')}
          </Button>
        )}
      </Flex>
      {adding && (
        <AddLinkForm
          entity={entity}
          id={id}
          onCancel={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            reload();
          }}
        />
      )}
      <Table<LinkItem>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={i18n.t('tab.links.empty')} /> }}
        columns={[
          {
            key: 'record',
            title: i18n.t('tab.links.record'),
            render: (_, link) => (
              <span data-testid="link-item">
                <Tag>{i18n.label(session.entity(link.record.entity)?.label, link.record.entity)}</Tag>
                <Link to={`/data/${link.record.entity}/${link.record.id}`}>{link.record.title || link.record.id}</Link>
              </span>
            ),
          },
          { key: 'kind', title: i18n.t('tab.links.kind'), render: (_, link) => link.kind },
          { key: 'origin', title: '', render: (_, link) => <Tag color={link.automatic ? 'blue' : 'default'}>{i18n.t(link.automatic ? 'tab.links.auto' : 'tab.links.manual')}</Tag> },
          { key: 'createdAt', title: i18n.t('card.created'), render: (_, link) => formatDateTime(link.createdAt) },
          {
            key: 'actions',
            title: '',
            align: 'right',
            render: (_, link) =>
              link.automatic ? null : (
                <Popconfirm title={i18n.t('tab.links.removeConfirm')} onConfirm={() => void remove(link)}>
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={i18n.t('tab.links.remove')} data-testid="link-remove" />
                </Popconfirm>
              ),
          },
        ]}
      />
    </div>
  );
}
