import ThemedForm from '@rjsf/antd';
import type { ObjectFieldTemplateProps, RJSFSchema, UiSchema } from '@rjsf/utils';
import { Alert, Card, Col, Empty, Row, Spin, Tabs, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { isFieldsTab, toSections } from '../../../runtime-ui/src/card/form-layout.js';
import { createRecordValidator } from '../../../runtime-ui/src/card/validator.js';
import { api } from '../api.js';
import { useI18n } from '../i18n.js';
import type { Entity, Label, MetadataProblem, Tab } from '../types.js';
import { toPreviewUiSchema } from './preview-ui.js';

/** What `POST /api/studio/preview/entities/:name` answers: the card's schemas, as the runtime gets them. */
interface Preview {
  valid: boolean;
  problems: MetadataProblem[];
  meta?: { schema: RJSFSchema; uiSchema: UiSchema; form: { tabs: Tab[] } };
}

interface Context {
  tabs: Tab[];
  activeTab: string;
  label(l: Label | undefined, fallback?: string): string;
}

/** The fields of the active tab in its sections, laid out like the runtime card (form-layout.ts). */
function PreviewSections(props: ObjectFieldTemplateProps) {
  const ctx = props.registry.formContext as Context;
  const byName = new Map(props.properties.map((p) => [p.name, p]));
  const sections = toSections(ctx.tabs, props.properties.map((p) => p.name)).get(ctx.activeTab) ?? [];
  return (
    <div data-testid={`preview-tab-${ctx.activeTab}`}>
      {sections.map((section) => {
        const span = Math.max(1, Math.floor(24 / Math.max(1, Math.min(section.columns, 4))));
        return (
          <Card key={section.name} size="small" title={section.label ? ctx.label(section.label, section.name) : undefined} style={{ marginBottom: 12 }} data-testid={`preview-section-${section.name}`}>
            <Row gutter={16}>
              {section.fields.map((name) => {
                const property = byName.get(name);
                if (!property || property.hidden) return property ? <div key={name}>{property.content}</div> : null;
                return (
                  <Col key={name} xs={24} md={span} data-testid={`preview-field-${name}`}>
                    {property.content}
                  </Col>
                );
              })}
            </Row>
          </Card>
        );
      })}
    </div>
  );
}

/**
 * A live rjsf preview of the card form of the draft: the server compiles the unsaved entity
 * with the other files and answers the schema and uiSchema the runtime would use.
 */
export function FormPreview({ entity, locale }: { entity: Entity; locale: string }) {
  const { t, label } = useI18n();
  const [preview, setPreview] = useState<Preview['meta']>();
  const [stale, setStale] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState<string>('');
  const [data, setData] = useState<Record<string, unknown>>({});

  useEffect(() => {
    let live = true;
    // Debounced: one compile after the user pauses typing.
    const timer = setTimeout(() => {
      api<Preview>('POST', `/api/studio/preview/entities/${encodeURIComponent(entity.name)}`, { json: entity, locale })
        .then((answer) => {
          if (!live) return;
          setError(null);
          setStale(!answer.valid);
          if (answer.meta) setPreview(answer.meta);
        })
        .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [entity, locale]);

  const invalid = t('preview.invalid');
  const validator = useMemo(() => createRecordValidator({ required: invalid, type: invalid, enum: invalid, maxLength: () => invalid, pattern: invalid, minimum: () => invalid, maximum: () => invalid, format: invalid }), [invalid]);
  const uiSchema = useMemo(() => (preview ? toPreviewUiSchema(preview.uiSchema) : {}), [preview]);

  if (error) return <Alert type="error" title={error} />;
  if (!preview) return <Spin tip={t('preview.loading')} data-testid="preview-loading" />;
  const tabs = preview.form.tabs;
  const fieldTabs = tabs.filter(isFieldsTab);
  const current = tabs.some((tab) => tab.name === active) ? active : (tabs[0]?.name ?? '');
  const currentTab = tabs.find((tab) => tab.name === current);
  return (
    <div data-testid="form-preview">
      {stale && <Alert type="warning" showIcon title={t('preview.stale')} style={{ marginBottom: 12 }} data-testid="preview-stale" />}
      <Tabs activeKey={current} onChange={setActive} items={tabs.map((tab) => ({ key: tab.name, label: <span data-testid={`preview-tabname-${tab.name}`}>{label(tab.label, tab.name)}</span> }))} />
      {currentTab && isFieldsTab(currentTab) ? (
        <ThemedForm
          schema={preview.schema}
          uiSchema={uiSchema}
          formData={data}
          formContext={{ tabs: fieldTabs, activeTab: current, label } satisfies Context}
          validator={validator}
          templates={{ ObjectFieldTemplate: PreviewSections }}
          noHtml5Validate
          showErrorList={false}
          onChange={(e) => setData((e.formData ?? {}) as Record<string, unknown>)}
        />
      ) : (
        <Empty description={<Typography.Text type="secondary">{currentTab ? t('form.otherTab', { kind: `${currentTab.kind ?? 'fields'}${currentTab.entity ? ` → ${currentTab.entity}.${currentTab.via ?? ''}` : ''}` }) : ''}</Typography.Text>} />
      )}
    </div>
  );
}
