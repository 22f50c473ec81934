// What a refused save explains: someone else's newer version (412) and possible duplicates (409).
import { Alert, Button, List, Modal, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { Problem } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';

export function ConflictDialog({ open, mine, current, onReload, onKeepEditing }: { open: boolean; mine: number; current: number | undefined; onReload(): void; onKeepEditing(): void }) {
  const { t } = useI18n();
  return (
    <Modal
      open={open}
      title={t('card.conflictTitle')}
      onCancel={onKeepEditing}
      footer={[
        <Button key="keep" onClick={onKeepEditing} data-testid="conflict-keep">
          {t('card.keepEditing')}
        </Button>,
        <Button key="reload" type="primary" onClick={onReload} data-testid="conflict-reload">
          {t('card.reload')}
        </Button>,
      ]}
    >
      <div data-testid="conflict-dialog">
        <Typography.Paragraph>{t('card.conflictText', { mine, current: current ?? '?' })}</Typography.Paragraph>
      </div>
    </Modal>
  );
}

type Duplicate = NonNullable<Problem['duplicates']>[number];

export function DuplicatesDialog({ entity, duplicates, saving, onSaveAnyway, onClose }: { entity: string; duplicates: Duplicate[] | undefined; saving: boolean; onSaveAnyway(): void; onClose(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const session = useSession();
  const meta = session.entity(entity);
  const items = duplicates ?? [];
  const confirmable = items.length > 0 && items.every((d) => d.action === 'warn');
  const fieldLabel = (name: string) => i18n.label(meta?.fields.find((f) => f.name === name)?.label, name);
  return (
    <Modal
      open={duplicates !== undefined}
      title={t('card.duplicatesTitle')}
      onCancel={onClose}
      width={640}
      footer={[
        <Button key="back" onClick={onClose} data-testid="duplicates-back">
          {t('card.keepEditing')}
        </Button>,
        ...(confirmable
          ? [
              <Button key="anyway" type="primary" danger loading={saving} onClick={onSaveAnyway} data-testid="duplicates-save-anyway">
                {t('card.saveAnyway')}
              </Button>,
            ]
          : []),
      ]}
    >
      <div data-testid="duplicates-dialog">
        <Alert type={confirmable ? 'warning' : 'error'} showIcon title={t(confirmable ? 'card.duplicatesWarn' : 'card.duplicatesBlock')} style={{ marginBottom: 12 }} />
        <List
          size="small"
          dataSource={items}
          renderItem={(d, index) => (
            <List.Item key={`${d.id ?? 'hidden'}-${d.rule}-${index}`} data-testid="duplicate-item">
              <Space wrap>
                {d.id && d.exists !== false ? (
                  <Link to={`/data/${d.entity ?? entity}/${d.id}`} target="_blank" rel="noopener">
                    {d.title ?? d.id}
                  </Link>
                ) : (
                  <Typography.Text type="secondary">{t('card.duplicateHidden')}</Typography.Text>
                )}
                <Typography.Text type="secondary">
                  {i18n.label(meta?.duplicateRules.find((r) => r.name === d.rule)?.label, `${t('card.rule')}: ${d.rule}`)}
                </Typography.Text>
                {(d.fields ?? []).map((f) => (
                  <Tag key={f}>{fieldLabel(f)}</Tag>
                ))}
                <Tag color={d.action === 'warn' ? 'orange' : 'red'}>{t(d.action === 'warn' ? 'card.duplicateWarn' : 'card.duplicateBlock')}</Tag>
              </Space>
            </List.Item>
          )}
        />
      </div>
    </Modal>
  );
}
