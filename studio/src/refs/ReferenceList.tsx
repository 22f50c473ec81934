import { List, Tag, Typography } from 'antd';
import { useI18n } from '../i18n.js';
import type { Reference } from './refs-api.js';

/** Where an item is used: file, JSON pointer (or BPMN element and attribute), and how. */
export function ReferenceList({ references, testId = 'references-list' }: { references: readonly Reference[]; testId?: string }) {
  const { t } = useI18n();
  if (references.length === 0) return <Typography.Text type="secondary" data-testid={`${testId}-empty`}>{t('refs.none')}</Typography.Text>;
  return (
    <List
      size="small"
      data-testid={testId}
      dataSource={[...references]}
      renderItem={(r) => (
        <List.Item data-testid="reference">
          <Typography.Text code>{r.file}</Typography.Text> <Typography.Text type="secondary">{r.pointer}</Typography.Text>{' '}
          <Tag>{r.item.kind === 'field' ? `${r.item.entity ?? ''}.${r.item.name}` : r.item.name}</Tag>
          <Tag color="blue">{r.usage}</Tag>
        </List.Item>
      )}
    />
  );
}
