// The record's interactions newest first, and a quick form to register one: the interaction
// entity's required fields and its date, with the references to this record filled in.
import type Form from '@rjsf/core';
import ThemedForm from '@rjsf/antd';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { Alert, App, Button, Card, Empty, Flex, Tag, Timeline, Typography } from 'antd';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, query, type ApiRecord, type Page } from '../api.js';
import { useEntityMeta } from '../entity-meta.js';
import { useLoad } from './use-load.js';
import { formatDate, formatDateTime, optionOf } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ErrorState, Loading } from '../states.js';
import type { EntityMeta, EntitySummaryMeta, Tab } from '../types.js';
import { recordTitle, toCreateBody, toExtraErrors, type FormData } from './record-data.js';
import { createRecordValidator } from './validator.js';
import { SectionsTemplate, type LayoutContext } from './RecordForm.js';
import { cardWidgets } from './widgets.js';

const LIMIT = 50;

/**
 * The quick form's starting values: every reference of the new record that can point where this
 * record points — to this record itself, or to what this record references (a deal's counterparty).
 */
function prefill(other: EntitySummaryMeta, own: EntitySummaryMeta | undefined, record: ApiRecord): { data: FormData; titles: Record<string, string> } {
  const data: FormData = {};
  const titles: Record<string, string> = {};
  for (const field of other.fields) {
    if (field.type !== 'reference' || !field.target || field.system) continue;
    if (field.target === own?.name) {
      data[field.name] = record.id;
      continue;
    }
    const sources = (own?.fields ?? []).filter((f) => f.type === 'reference' && f.target === field.target && typeof record[f.name] === 'string');
    const source = sources.find((f) => f.name === field.name) ?? (sources.length === 1 ? sources[0] : undefined);
    if (source) {
      data[field.name] = record[source.name];
      const title = record.$titles?.[source.name];
      if (title) titles[field.name] = title;
    }
  }
  return { data, titles };
}

function quickSchema(meta: EntityMeta, fields: string[]): RJSFSchema {
  const full = meta.schema as RJSFSchema;
  const properties: NonNullable<RJSFSchema['properties']> = {};
  for (const name of fields) if (full.properties?.[name]) properties[name] = full.properties[name];
  return { type: 'object', properties, required: (full.required ?? []).filter((n) => n in properties) };
}

function QuickForm({ tab, entity, record, other, meta, onDone, onCancel }: { tab: Tab; entity: string; record: ApiRecord; other: EntitySummaryMeta; meta: EntityMeta; onDone(): void; onCancel(): void }) {
  const i18n = useI18n();
  const { message } = App.useApp();
  const formRef = useRef<Form>(null);
  const session = useSession();
  const initial = useMemo(() => prefill(other, session.entity(entity), record), [other, session, entity, record]);
  const [data, setData] = useState<FormData>(() => ({ ...initial.data, ...(tab.dateField ? { [tab.dateField]: new Date().toISOString() } : {}) }));
  const [titles, setTitles] = useState(initial.titles);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);

  // The required fields, the date, then a description if the entity has one; prefilled references stay hidden.
  const required = (meta.schema as RJSFSchema).required ?? [];
  const shown = [...required, ...(tab.dateField ? [tab.dateField] : []), ...['result', 'description'].filter((n) => (meta.schema as RJSFSchema).properties?.[n])];
  const names = [...new Set([...shown, ...Object.keys(initial.data)])];
  const schema = useMemo(() => quickSchema(meta, names), [meta, names.join(',')]);
  const uiSchema = useMemo<UiSchema>(() => {
    const ui: UiSchema = { ...meta.uiSchema, 'ui:order': names, 'ui:submitButtonOptions': { norender: true } };
    for (const name of Object.keys(initial.data)) if (!shown.includes(name) || name === tab.via) ui[name] = { ...(ui[name] as object), 'ui:widget': 'hidden' };
    return ui;
  }, [meta, initial.data, names.join(','), tab.via]);
  const validator = useMemo(
    () =>
      createRecordValidator({
        required: i18n.t('validation.required'),
        type: i18n.t('validation.type'),
        enum: i18n.t('validation.enum'),
        maxLength: (n) => i18n.t('validation.maxLength', { n }),
        pattern: i18n.t('validation.pattern'),
        minimum: (n) => i18n.t('validation.minimum', { n }),
        maximum: (n) => i18n.t('validation.maximum', { n }),
        format: i18n.t('validation.format'),
      }),
    [i18n],
  );
  const context: LayoutContext = { entity: other.name, tabs: [], activeTab: '', titles, setTitle: (field, title) => setTitles((t) => ({ ...t, [field]: title ?? '' })) };

  const save = async (values: FormData) => {
    setSaving(true);
    setError(undefined);
    setExtraErrors(undefined);
    try {
      await api('POST', `/api/data/${encodeURIComponent(other.name)}`, toCreateBody(values));
      void message.success(i18n.t('card.created'));
      onDone();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        const { extraErrors: placed, unplaced } = toExtraErrors(e.problem, schema);
        setExtraErrors(placed);
        setError([i18n.t('card.fixErrors'), ...unplaced].join(' '));
      } else setError(e instanceof ApiError ? (e.problem.detail ?? e.message) : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card size="small" style={{ marginBottom: 16 }} data-testid="timeline-form" title={i18n.t('tab.timeline.register')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 8 }} />}
      <ThemedForm
        ref={formRef}
        schema={schema}
        uiSchema={uiSchema}
        formData={data}
        formContext={context}
        validator={validator}
        widgets={cardWidgets}
        templates={{ ObjectFieldTemplate: SectionsTemplate }}
        extraErrors={extraErrors}
        noHtml5Validate
        showErrorList={false}
        onChange={(e) => setData((e.formData ?? {}) as FormData)}
        onSubmit={(e) => void save((e.formData ?? {}) as FormData)}
        onError={() => setError(i18n.t('card.fixErrors'))}
      />
      <Flex gap={8}>
        <Button type="primary" loading={saving} onClick={() => formRef.current?.submit()} data-testid="timeline-submit">
          {i18n.t('tab.timeline.submit')}
        </Button>
        <Button onClick={onCancel}>{i18n.t('card.cancel')}</Button>
      </Flex>
    </Card>
  );
}

export function TimelineTab({ entity, id, tab, record }: { entity: string; id: string; tab: Tab; record: ApiRecord }) {
  const i18n = useI18n();
  const session = useSession();
  const other = tab.entity ? session.entity(tab.entity) : undefined;
  const { meta, error: metaError } = useEntityMeta(tab.entity ?? '', i18n.locale);
  const [open, setOpen] = useState(false);
  const url = other ? `/api/data/${encodeURIComponent(entity)}/${id}/related/${encodeURIComponent(tab.name)}${query({ titles: true, limit: LIMIT, sort: tab.dateField ? `-${tab.dateField},-createdAt` : '-createdAt' })}` : undefined;
  const { data: page, error, reload } = useLoad<Page>(url);
  if (!other) return <Empty description={i18n.t('tab.timeline.empty')} />;
  if (error) return <ErrorState error={error} retry={reload} />;

  const typeField = other.fields.find((f) => f.name === 'type' && f.options) ?? other.fields.find((f) => f.options && f.valueType === 'enum');
  const resultField = other.fields.find((f) => f.name === 'result' && f.options);
  const dateField = tab.dateField ? other.fields.find((f) => f.name === tab.dateField) : undefined;
  const items = page?.items ?? [];

  return (
    <div data-testid={`timeline-${tab.name}`}>
      <Flex justify="space-between" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{page ? i18n.t('list.total', { count: page.total }) : ''}</Typography.Text>
        {!open && (
          <Button type="primary" onClick={() => setOpen(true)} data-testid="timeline-register" disabled={!meta}>
            {i18n.t('tab.timeline.register')}
          </Button>
        )}
      </Flex>
      {metaError && <ErrorState error={metaError} />}
      {open && meta && (
        <QuickForm
          tab={tab}
          entity={entity}
          record={record}
          other={other}
          meta={meta}
          onCancel={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            reload();
          }}
        />
      )}
      {!page ? (
        <Loading />
      ) : items.length === 0 ? (
        <Empty description={i18n.t('tab.timeline.empty')} />
      ) : (
        <Timeline
          items={items.map((item) => {
            const type = typeField ? optionOf(typeField, item[typeField.name]) : undefined;
            const result = resultField ? optionOf(resultField, item[resultField.name]) : undefined;
            const when = dateField && item[dateField.name] ? String(item[dateField.name]) : String(item.createdAt ?? '');
            return {
              key: item.id,
              color: type?.color ?? 'blue',
              content: (
                <div data-testid="timeline-item">
                  <Flex gap={8} wrap align="baseline">
                    <Typography.Text type="secondary">{when ? (dateField?.valueType === 'date' ? formatDate(when) : formatDateTime(when)) : ''}</Typography.Text>
                    <Link to={`/data/${other.name}/${item.id}`}>{type ? i18n.label(type.label) : recordTitle(other, item, { i18n, meta: session.meta, titles: item.$titles })}</Link>
                    {result && <Tag color={result.color}>{i18n.label(result.label)}</Tag>}
                    {item.$titles?.owner && <Typography.Text type="secondary">{item.$titles.owner}</Typography.Text>}
                  </Flex>
                  {typeof item.description === 'string' && item.description && <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 2, expandable: true }}>{item.description}</Typography.Paragraph>}
                </div>
              ),
            };
          })}
        />
      )}
    </div>
  );
}
