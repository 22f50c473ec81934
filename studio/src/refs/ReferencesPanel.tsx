import { Alert, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n.js';
import type { Entity } from '../types.js';
import { ReferenceList } from './ReferenceList.js';
import { fetchReferences, type Reference } from './refs-api.js';

/** The entity designer's References tab: where the entity, or one of its fields, is used (as saved on disk). */
export function ReferencesPanel({ entity }: { entity: Entity }) {
  const { t } = useI18n();
  const [field, setField] = useState<string | undefined>(undefined);
  const [references, setReferences] = useState<Reference[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setReferences(null);
    setError(null);
    fetchReferences(field ? { kind: 'field', entity: entity.name, name: field } : { kind: 'entity', name: entity.name })
      .then((r) => live && setReferences(r))
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [entity.name, field]);
  return (
    <div data-testid="references-panel">
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text>{t('refs.of')}</Typography.Text>
        <Select
          style={{ minWidth: 240 }}
          allowClear
          placeholder={t('refs.wholeEntity', { name: entity.name })}
          value={field}
          onChange={(v: string | undefined) => setField(v)}
          options={entity.fields.map((f) => ({ value: f.name, label: f.name }))}
          data-testid="references-field"
        />
      </Space>
      {error ? <Alert type="error" title={error} /> : references === null ? <Spin /> : <ReferenceList references={references} />}
    </div>
  );
}
