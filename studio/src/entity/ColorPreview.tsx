import { Alert, Table, Tag, Typography } from 'antd';
import { useEffect, useState, type HTMLAttributes } from 'react';
import type { ApiRecord } from '../../../runtime-ui/src/api.js';
import { colorOf } from '../../../server/src/query/color.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Entity, Label, ListView } from '../types.js';

const SAMPLE = 20;

/** The text of a record's value in the preview: reference titles, option and stage labels, the value for the rest. */
function cellText(record: ApiRecord, column: string, entity: Entity, label: (l: Label | undefined, fallback?: string) => string): string {
  const value = record[column];
  const title = record.$titles?.[column];
  if (title) return title;
  if (value === null || value === undefined) return '';
  const field = entity.fields.find((f) => f.name === column);
  const choices = field?.type === 'stage' ? entity.stages : field?.options;
  const choice = choices?.find((c) => c.value === value);
  if (choice) return label(choice.label, choice.value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The draft's color rules on real records: a page of the entity's records from the runtime API
 * (the published fields, within the consultant's access), colored in the browser by the
 * server's own in-memory evaluator (query/color.ts), so the preview follows every keystroke.
 */
export function ColorPreview({ entity, list }: { entity: Entity; list: ListView }) {
  const { t, label } = useI18n();
  const { me } = useSession();
  const [records, setRecords] = useState<ApiRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<{ items: ApiRecord[] }>('GET', `/api/data/${encodeURIComponent(entity.name)}?limit=${SAMPLE}&titles=true`)
      .then((page) => live && setRecords(page.items))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [entity.name]);

  if (error) return <Alert type="info" title={t('colors.unavailable')} description={error} data-testid="color-preview-error" />;
  if (!records) return null;
  const ctx = { me: me.id, now: new Date() };
  const colorFor = (record: ApiRecord) => {
    try {
      return colorOf(list, record, ctx);
    } catch {
      return null; // a half-built condition the server would refuse: no color yet
    }
  };
  // A few plain columns are enough to recognize the records; dot paths would need the references expanded.
  const columns = list.columns.filter((c) => !c.includes('.')).slice(0, 4);
  return (
    <div data-testid="color-preview">
      <Typography.Text type="secondary">{t('colors.intro', { count: records.length })}</Typography.Text>
      <Table<ApiRecord>
        size="small"
        rowKey={(r) => String(r.id)}
        pagination={false}
        dataSource={records}
        onRow={(record) => {
          const color = colorFor(record);
          return { style: color ? { background: `${color.color}33`, boxShadow: `inset 4px 0 0 ${color.color}` } : {}, 'data-color': color?.color ?? '' } as HTMLAttributes<HTMLElement>;
        }}
        columns={[
          ...columns.map((c) => ({ key: c, title: label(entity.fields.find((f) => f.name === c)?.label, c), render: (_: unknown, r: ApiRecord) => cellText(r, c, entity, label) })),
          { key: '$color', title: t('list.ruleLabel'), render: (_: unknown, r: ApiRecord) => { const color = colorFor(r); return color ? <Tag color={color.color}>{label(color.label)}</Tag> : null; } },
        ]}
        data-testid="color-preview-table"
      />
    </div>
  );
}
