// The record's fields: one rjsf form whose object template lays the fields out in the
// metadata's form tabs and sections; fields the caller cannot edit read as text.
import type Form from '@rjsf/core';
import ThemedForm from '@rjsf/antd';
import type { ErrorSchema, ObjectFieldTemplateProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import { Card, Col, Form as AntForm, Row } from 'antd';
import { useMemo, type ReactNode, type Ref } from 'react';
import type { ApiRecord } from '../api.js';
import { renderValue } from '../render-value.js';
import { useI18n, type I18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { EntitySummaryMeta, Tab } from '../types.js';
import type { FormData } from './record-data.js';
import { toSections } from './form-layout.js';
import { createRecordValidator } from './validator.js';
import { cardWidgets, type CardFormContext } from './widgets.js';

export { isFieldsTab } from './form-layout.js';

export interface LayoutContext extends CardFormContext {
  /** The fields tabs (kind absent or "fields"); the one named `activeTab` shows. */
  tabs: Tab[];
  activeTab: string;
  record?: ApiRecord | undefined;
}

/** A field that is not in the form's schema (read-only, system or computed): its value as text. */
function ReadOnlyField({ entity, name, record, i18n }: { entity: EntitySummaryMeta | undefined; name: string; record: ApiRecord | undefined; i18n: I18n }) {
  const session = useSession();
  const field = entity?.fields.find((f) => f.name === name);
  if (!field || field.hidden || !record) return null;
  return (
    <AntForm.Item label={i18n.label(field.label, name)} layout="vertical" data-testid={`readonly-${name}`}>
      {renderValue(field, record[name], { i18n, meta: session.meta, titles: record.$titles }) ?? '—'}
    </AntForm.Item>
  );
}

export function SectionsTemplate(props: ObjectFieldTemplateProps) {
  const i18n = useI18n();
  const session = useSession();
  const ctx = props.registry.formContext as LayoutContext;
  const entity = session.entity(ctx.entity);
  const byName = new Map(props.properties.map((p) => [p.name, p]));
  const sections = toSections(ctx.tabs, props.properties.map((p) => p.name));
  const tabs = ctx.tabs.length > 0 ? ctx.tabs.map((t) => t.name) : [''];

  const cell = (name: string, columnSpan: number): ReactNode => {
    const property = byName.get(name);
    // A stage bar and long text need the whole row.
    const widget = (props.uiSchema?.[name] as { 'ui:widget'?: unknown } | undefined)?.['ui:widget'];
    const span = widget === 'stage' || widget === 'textarea' ? 24 : columnSpan;
    if (property?.hidden) return <div key={name}>{property.content}</div>;
    const content = property ? property.content : <ReadOnlyField entity={entity} name={name} record={ctx.record} i18n={i18n} />;
    return (
      <Col key={name} xs={24} md={span}>
        {content}
      </Col>
    );
  };

  // Without tabs (a quick form), the fields sit in a plain two-column grid.
  if (ctx.tabs.length === 0) return <Row gutter={16}>{props.properties.map((p) => cell(p.name, 12))}</Row>;

  return (
    <div>
      {tabs.map((tabName) => (
        <div key={tabName} style={{ display: tabName === ctx.activeTab || tabs.length === 1 ? 'block' : 'none' }} data-testid={`card-fields-${tabName}`}>
          {(sections.get(tabName) ?? [{ name: '$all', columns: 2, fields: props.properties.map((p) => p.name) }]).map((section) => {
            const span = Math.max(1, Math.floor(24 / Math.max(1, Math.min(section.columns, 4))));
            const cells = section.fields.map((name) => cell(name, span));
            return (
              <Card key={section.name} size="small" title={section.label ? i18n.label(section.label) : undefined} style={{ marginBottom: 12 }} data-testid={`card-section-${section.name}`}>
                <Row gutter={16}>{cells}</Row>
              </Card>
            );
          })}
        </div>
      ))}
    </div>
  );
}

/** The uiSchema the form uses: the server's, with read-only fields marked and no submit button of its own. */
function toUiSchema(server: UiSchema, entity: EntitySummaryMeta | undefined): UiSchema {
  const ui: UiSchema = { ...server, 'ui:submitButtonOptions': { norender: true } };
  for (const field of entity?.fields ?? []) {
    if (field.readOnly && ui[field.name]) ui[field.name] = { ...(ui[field.name] as object), 'ui:readonly': true };
  }
  return ui;
}

export interface RecordFormProps {
  formRef: Ref<Form>;
  schema: RJSFSchema;
  uiSchema: UiSchema;
  data: FormData;
  context: LayoutContext;
  extraErrors: ErrorSchema | undefined;
  disabled?: boolean;
  onChange(data: FormData): void;
  onSubmit(data: FormData): void;
  /** The form's own checks failed (the fields show why). */
  onInvalid?: () => void;
}

export function RecordForm({ formRef, schema, uiSchema, data, context, extraErrors, disabled, onChange, onSubmit, onInvalid }: RecordFormProps) {
  const { t } = useI18n();
  const session = useSession();
  const entity = session.entity(context.entity);
  const validator = useMemo(
    () =>
      createRecordValidator({
        required: t('validation.required'),
        type: t('validation.type'),
        enum: t('validation.enum'),
        maxLength: (n) => t('validation.maxLength', { n }),
        pattern: t('validation.pattern'),
        minimum: (n) => t('validation.minimum', { n }),
        maximum: (n) => t('validation.maximum', { n }),
        format: t('validation.format'),
      }),
    [t],
  );
  const ui = useMemo(() => toUiSchema(uiSchema, entity), [uiSchema, entity]);
  return (
    <ThemedForm
      ref={formRef}
      schema={schema}
      uiSchema={ui}
      formData={data}
      formContext={context}
      validator={validator}
      widgets={cardWidgets}
      templates={{ ObjectFieldTemplate: SectionsTemplate }}
      extraErrors={extraErrors}
      disabled={disabled}
      noHtml5Validate
      showErrorList={false}
      focusOnFirstError
      onChange={(e) => onChange((e.formData ?? {}) as FormData)}
      onSubmit={(e) => onSubmit((e.formData ?? {}) as FormData)}
      onError={() => onInvalid?.()}
    />
  );
}
