import { Alert, Badge, type ButtonProps, Button, Col, Popconfirm, Row, Space, Spin, Table, Tabs, Tag, Typography, App as AntApp } from 'antd';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, fileUrl } from '../api.js';
import { FileHistory } from '../git/FileHistory.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Entity, Field, MetadataProblem, StudioFile } from '../types.js';
import { validateMetadata } from '../validate/meta-validate.js';
import { DuplicateRulesEditor } from './DuplicateRulesEditor.js';
import { FieldEditor } from './FieldEditor.js';
import { FormDesigner } from './FormDesigner.js';
import { ListDesigner } from './ListDesigner.js';
import { StagesEditor } from './StagesEditor.js';
import { fieldUses, removeField, upsertField } from './entity-edit.js';

// rjsf is only needed by the form preview: its own chunk, fetched when the Form tab opens.
const FormPreview = lazy(() => import('./FormPreview.js').then((m) => ({ default: m.FormPreview })));

type Saved = StudioFile & { valid: boolean; problems: MetadataProblem[]; changed: boolean };

/** The entity designer: fields, form layout and list views of one entities/<name>.json. */
export function EntityDesigner({ name }: { name: string }) {
  const { t, label, locale } = useI18n();
  const { message } = AntApp.useApp();
  const { files, locales } = useSession();
  const path = `entities/${name}.json`;
  const [entity, setEntity] = useState<Entity | null>(null);
  const [etag, setEtag] = useState<string>('');
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<MetadataProblem[]>([]);
  const [allProblems, setAllProblems] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [editing, setEditing] = useState<Field | 'new' | null>(null);
  // Bumped on every load, so the designers below drop their local state with the old file.
  const [generation, setGeneration] = useState(0);

  const load = useCallback(async () => {
    setError(null);
    try {
      const file = await api<StudioFile & { problems: MetadataProblem[] }>('GET', fileUrl(path));
      if (file.json === undefined) throw new Error(file.problems[0]?.message ?? 'The file is not valid JSON.');
      setEntity(file.json as Entity);
      setEtag(file.etag);
      setProblems(file.problems);
      setAllProblems(null);
      setDirty(false);
      setGeneration((g) => g + 1);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [path]);
  useEffect(() => void load(), [load]);
  // The meta-schema, checked in the browser on every change (generated validators, no eval).
  const issues = useMemo(() => (entity ? validateMetadata('entity', entity) : []), [entity]);

  const change = (next: Entity) => {
    setEntity(next);
    setDirty(true);
  };

  const save = async () => {
    if (!entity) return;
    setSaving(true);
    setError(null);
    try {
      const saved = await api<Saved>('PUT', fileUrl(path), { json: entity }, { 'if-match': etag });
      setEtag(saved.etag);
      setEntity(saved.json as Entity);
      setProblems(saved.problems.filter((p) => p.file === path));
      setAllProblems(saved.problems.length);
      setDirty(false);
      void message.success(t('common.saved'));
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'CARDO_ERR_STUDIO_STALE' ? t('designer.stale') : e instanceof Error ? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

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
      {issues.length > 0 && <Alert type="error" showIcon title={t('designer.schemaIssues', { count: issues.length })} description={<ul style={{ margin: 0 }}>{issues.map((p, i) => <li key={i}><code>{p.pointer}</code> {p.message}</li>)}</ul>} style={{ marginBottom: 12 }} data-testid="schema-issues" />}
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
