import { type ButtonProps, App as AntApp, Button, Col, Popconfirm, Row, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { MetadataFileFrame } from '../files/MetadataFileFrame.js';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Entity, Field } from '../types.js';
import { DuplicateRulesEditor } from './DuplicateRulesEditor.js';
import { FieldEditor } from './FieldEditor.js';
import { FormDesigner } from './FormDesigner.js';
import { ListDesigner } from './ListDesigner.js';
import { StagesEditor } from './StagesEditor.js';
import { ReferencesPanel } from '../refs/ReferencesPanel.js';
import { RenameDialog } from '../refs/RenameDialog.js';
import { fieldUses, removeField, upsertField } from './entity-edit.js';

// rjsf is only needed by the form preview: its own chunk, fetched when the Form tab opens.
const FormPreview = lazy(() => import('./FormPreview.js').then((m) => ({ default: m.FormPreview })));

/** The entity designer: fields, form layout and list views of one entities/<name>.json. */
export function EntityDesigner({ name }: { name: string }) {
  const { t, label, locale } = useI18n();
  const { message } = AntApp.useApp();
  const { files, locales } = useSession();
  const path = `entities/${name}.json`;
  const file = useMetadataFile<Entity>(path);
  const { value: entity, change } = file;
  const [editing, setEditing] = useState<Field | 'new' | null>(null);
  // Renaming rewrites files on the server, so it is offered only without unsaved edits.
  const [renaming, setRenaming] = useState<string | null>(null);
  // The meta-schema, checked in the browser on every change (the frame lists them; controls show theirs).
  const issues = file.schemaIssues;

  if (!entity) return <MetadataFileFrame path={path} title={name} file={file} testId="entity-designer" saveTestId="entity-save">{null}</MetadataFileFrame>;
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
                <Button size="small" onClick={() => setRenaming(f.name)} disabled={file.dirty} title={file.dirty ? t('common.unsaved') : undefined} data-testid={`field-rename-${f.name}`}>
                  {t('refs.rename')}
                </Button>
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
    <MetadataFileFrame path={path} title={label(entity.label, entity.name)} file={file} testId="entity-designer" saveTestId="entity-save">
      <Tabs
        key={file.generation}
        items={[
          { key: 'fields', label: <span data-testid="tab-fields">{t('designer.fields')}</span>, children: fieldsTab },
          {
            key: 'form',
            label: <span data-testid="tab-form">{t('designer.form')}</span>,
            children: (
              <Row gutter={16}>
                <Col xs={24} xl={14}>
                  <FormDesigner entity={entity} onChange={change} locales={locales} issues={issues} />
                </Col>
                <Col xs={24} xl={10}>
                  <Typography.Title level={5}>{t('preview.title')}</Typography.Title>
                  <Suspense fallback={<Spin />}>
                    <FormPreview entity={entity} locale={locales.includes(locale) ? locale : (locales[0] ?? 'en')} />
                  </Suspense>
                </Col>
              </Row>
            ),
          },
          ...(entity.stages || entity.fields.some((f) => f.type === 'stage') ? [{ key: 'stages', label: <span data-testid="tab-stages">{t('designer.stages')}</span>, children: <StagesEditor entity={entity} onChange={change} locales={locales} issues={issues} /> }] : []),
          { key: 'duplicates', label: <span data-testid="tab-duplicates">{t('designer.duplicates')}</span>, children: <DuplicateRulesEditor entity={entity} onChange={change} locales={locales} issues={issues} /> },
          { key: 'lists', label: <span data-testid="tab-lists">{t('designer.lists')}</span>, children: <ListDesigner entity={entity} onChange={change} locales={locales} /> },
          { key: 'refs', label: <span data-testid="tab-references">{t('refs.tab')}</span>, children: <ReferencesPanel entity={entity} /> },
        ]}
      />
      {renaming && (
        <RenameDialog
          item={{ kind: 'field', entity: name, name: renaming }}
          onClose={() => setRenaming(null)}
          onRenamed={(_to, result) => {
            setRenaming(null);
            void message.success(t('refs.renamed', { count: result.changed.length }));
            void file.load();
          }}
        />
      )}
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
    </MetadataFileFrame>
  );
}
