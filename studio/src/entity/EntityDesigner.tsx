import { Alert, Badge, type ButtonProps, Button, Popconfirm, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { FileHistory } from '../git/FileHistory.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Entity, Field } from '../types.js';
import { FieldEditor } from './FieldEditor.js';
import { FormDesigner } from './FormDesigner.js';
import { ListDesigner } from './ListDesigner.js';
import { fieldUses, removeField, upsertField } from './entity-edit.js';

/** The entity designer: fields, form layout and list views of one entities/<name>.json. */
export function EntityDesigner({ name }: { name: string }) {
  const { t, label } = useI18n();
  const { files, locales } = useSession();
  const path = `entities/${name}.json`;
  const { value: entity, change, dirty, problems, allProblems, error, saving, generation, load, save } = useMetadataFile<Entity>(path);
  const [editing, setEditing] = useState<Field | 'new' | null>(null);

  if (!entity) return error ? <Alert type="error" title={error} action={<Button onClick={() => void load()}>{t('common.retry')}</Button>} /> : <Spin />;
  const entities = files.filter((f) => f.kind === 'entity').map((f) => f.name);

  const fieldsTab = (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Button type="primary" onClick={() => setEditing('new')} data-testid="field-add">
        {t('field.add')}
      </Button>
      <Table<Field>
        rowKey="name"
        size="small"
        pagination={false}
        dataSource={entity.fields}
        data-testid="fields-table"
        columns={[
          { title: t('field.name'), dataIndex: 'name', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('field.label'), render: (_, f) => label(f.label, f.name) },
          { title: t('field.type'), render: (_, f) => <>{f.type}{f.type === 'reference' && f.target ? ` → ${f.target}` : ''}</> },
          {
            title: t('field.options'),
            render: (_, f) => (f.options ?? []).map((o) => <Tag key={o.value} color={o.color}>{label(o.label, o.value)}</Tag>),
          },
          { title: t('field.required'), render: (_, f) => (f.required ? '✓' : '') },
          { title: t('field.unique'), render: (_, f) => (f.unique ? '✓' : '') },
          {
            title: '',
            render: (_, f) => (
              <Space>
                <Button size="small" onClick={() => setEditing(f)} data-testid={`field-edit-${f.name}`}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('field.removeConfirm', { name: f.name })} description={fieldUses(entity, f.name).length > 0 ? <div data-testid="field-uses" style={{ maxWidth: 420 }}>{t('field.uses')} {fieldUses(entity, f.name).join(', ')}</div> : undefined} onConfirm={() => change(removeField(entity, f.name))} okButtonProps={{ 'data-testid': 'field-remove-confirm' } as ButtonProps}>
                  <Button size="small" danger data-testid={`field-remove-${f.name}`}>
                    {t('common.remove')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );

  return (
    <div data-testid="entity-designer">
      <Space style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {label(entity.label, entity.name)} <Typography.Text type="secondary">{path}</Typography.Text>
        </Typography.Title>
        {dirty && <Badge status="warning" text={t('common.unsaved')} />}
        <Button type="primary" onClick={() => void save()} loading={saving} disabled={!dirty} data-testid="entity-save">
          {t('common.save')}
        </Button>
        <Button onClick={() => void load()}>{t('common.reload')}</Button>
        <FileHistory path={path} />
      </Space>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="designer-error" />}
      {allProblems !== null && (allProblems === 0 ? <Alert type="success" title={t('designer.valid')} style={{ marginBottom: 12 }} data-testid="designer-valid" /> : <Alert type="warning" title={t('designer.invalid', { count: allProblems })} style={{ marginBottom: 12 }} data-testid="designer-invalid" />)}
      {problems.length > 0 && (
        <Alert
          type="warning"
          title={t('designer.problems')}
          description={<ul style={{ margin: 0 }}>{problems.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>}
          style={{ marginBottom: 12 }}
          data-testid="designer-problems"
        />
      )}
      <Tabs
        key={generation}
        items={[
          { key: 'fields', label: <span data-testid="tab-fields">{t('designer.fields')}</span>, children: fieldsTab },
          { key: 'form', label: <span data-testid="tab-form">{t('designer.form')}</span>, children: <FormDesigner entity={entity} onChange={change} /> },
          { key: 'lists', label: <span data-testid="tab-lists">{t('designer.lists')}</span>, children: <ListDesigner entity={entity} onChange={change} locales={locales} /> },
        ]}
      />
      {editing && (
        <FieldEditor
          field={editing === 'new' ? null : editing}
          existing={entity.fields.map((f) => f.name)}
          entities={entities}
          locales={locales}
          onCancel={() => setEditing(null)}
          onSave={(field) => {
            change(upsertField(entity, field, editing === 'new' ? undefined : editing.name));
            setEditing(null);
          }}
        />
      )}
    </div>
  );
}
