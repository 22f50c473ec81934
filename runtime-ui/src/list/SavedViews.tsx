// The caller's saved views of a list (GET/POST/DELETE /api/views): open, save the current state, delete.
import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Input, Modal, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, query } from '../api.js';
import { useI18n } from '../i18n.js';
import { fromSavedState, toSavedState, type ListState, type SavedState } from './list-state.js';

interface SavedView {
  id: string;
  entity: string;
  name: string;
  state: Partial<SavedState>;
}

export function SavedViews({ entity, state, onOpen }: { entity: string; state: ListState; onOpen: (state: ListState) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [views, setViews] = useState<SavedView[]>([]);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api<{ items: SavedView[] }>('GET', `/api/views${query({ entity })}`).then(
      (r) => setViews(r.items),
      () => setViews([]),
    );
  }, [entity]);
  useEffect(load, [load]);

  async function save() {
    try {
      await api('POST', '/api/views', { entity, name: name.trim(), state: toSavedState(state) });
      setNaming(false);
      setName('');
      setError(null);
      void message.success(t('list.viewSaved'));
      load();
    } catch (e) {
      setError(e instanceof ApiError ? (e.problem.errors?.[0]?.message ?? e.message) : String(e));
    }
  }

  async function remove(view: SavedView) {
    await api('DELETE', `/api/views/${view.id}`).catch(() => undefined);
    load();
  }

  return (
    <>
      <Dropdown
        trigger={['click']}
        menu={{
          items: [
            ...views.map((v) => ({
              key: v.id,
              label: (
                <Space style={{ width: '100%', justifyContent: 'space-between' }} data-testid="saved-view">
                  <span>{v.name}</span>
                  <DeleteOutlined
                    aria-label={t('list.deleteView')}
                    onClick={(e) => {
                      e.stopPropagation();
                      void remove(v);
                    }}
                  />
                </Space>
              ),
              onClick: () => onOpen(fromSavedState(v.state)),
            })),
            ...(views.length > 0 ? [{ type: 'divider' as const }] : []),
            { key: '$save', icon: <SaveOutlined />, label: t('list.saveView'), onClick: () => setNaming(true) },
          ],
        }}
      >
        <Button data-testid="saved-views">{t('list.views')}</Button>
      </Dropdown>
      <Modal open={naming} title={t('list.saveView')} onCancel={() => setNaming(false)} onOk={() => void save()} okButtonProps={{ disabled: name.trim() === '', ...({ 'data-testid': 'saved-view-save' } as Record<string, string>) }}>
        <Input placeholder={t('list.viewName')} value={name} maxLength={100} onChange={(e) => setName(e.target.value)} onPressEnter={() => void save()} data-testid="saved-view-name" status={error ? 'error' : undefined} />
        {error && <div style={{ color: '#ff4d4f', marginTop: 8 }}>{error}</div>}
      </Modal>
    </>
  );
}
