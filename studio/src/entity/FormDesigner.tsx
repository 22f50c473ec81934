import { Button, Card, Input, InputNumber, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Entity, Section, StudioFile, Tab } from '../types.js';
import { SchemaIssues, statusAt } from '../validate/SchemaIssues.js';
import type { SchemaIssue } from '../validate/meta-validate.js';
import { LabelInputs } from './LabelInputs.js';
import { move, newSection, newTab, placedFields, removeAt, setAt, SYSTEM_FIELDS, withoutKey } from './entity-edit.js';

interface Props {
  entity: Entity;
  onChange(next: Entity): void;
  locales: readonly string[];
  issues: readonly SchemaIssue[];
}

/** The form layout: tabs in order; fields tabs hold sections of fields, related tabs list other records. */
export function FormDesigner({ entity, onChange, locales, issues }: Props) {
  const { t, label } = useI18n();
  const placed = placedFields(entity);
  const fieldLabel = (name: string) => label(entity.fields.find((f) => f.name === name)?.label ?? SYSTEM_FIELDS.find((f) => f.name === name)?.label, name);
  const candidates = [...entity.fields.map((f) => f.name), 'owner'].filter((n) => !placed.has(n));
  const tabs = entity.form.tabs;
  const setTabs = (next: Tab[]) => onChange({ ...entity, form: { ...entity.form, tabs: next } });
  const setTab = (ti: number, tab: Tab) => setTabs(setAt(tabs, ti, tab));
  const setSection = (ti: number, si: number, section: Section) => {
    const tab = tabs[ti] as Tab;
    setTab(ti, { ...tab, sections: setAt(tab.sections ?? [], si, section) });
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="form-designer">
      {candidates.length > 0 && <Typography.Text type="secondary">{t('form.unplaced', { fields: candidates.join(', ') })}</Typography.Text>}
      <SchemaIssues issues={issues} pointer="/form/tabs" />
      {tabs.map((tab, ti) => {
        const at = `/form/tabs/${ti}`;
        const kind = tab.kind ?? 'fields';
        return (
          <Card
            key={ti}
            size="small"
            data-testid={`tab-card-${ti}`}
            title={
              <Space wrap style={{ padding: '4px 0' }}>
                {t('form.tab')}
                <Input value={tab.name} onChange={(e) => setTab(ti, { ...tab, name: e.target.value.trim() })} aria-label={t('form.tabName')} style={{ width: 150 }} status={statusAt(issues, `${at}/name`)} data-testid={`tab-name-${ti}`} />
                <div style={{ width: 360 }}>
                  <LabelInputs value={tab.label} onChange={(l) => setTab(ti, { ...tab, label: l })} locales={locales} testId={`tab-label-${ti}`} />
                </div>
              </Space>
            }
            extra={
              <Space>
                <Button size="small" onClick={() => setTabs(move(tabs, ti, ti - 1))} disabled={ti === 0} data-testid={`tab-up-${ti}`}>{t('common.up')}</Button>
                <Button size="small" onClick={() => setTabs(move(tabs, ti, ti + 1))} disabled={ti === tabs.length - 1}>{t('common.down')}</Button>
                <Button size="small" danger onClick={() => setTabs(removeAt(tabs, ti))} disabled={tabs.length === 1} data-testid={`tab-remove-${ti}`}>{t('common.remove')}</Button>
              </Space>
            }
          >
            <SchemaIssues issues={issues} pointer={`${at}/name`} />
            <SchemaIssues issues={issues} pointer={at} />
            {kind === 'fields' && (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {(tab.sections ?? []).map((section, si) => (
                  <Card
                    key={si}
                    type="inner"
                    size="small"
                    data-testid={`section-${tab.name}-${section.name}`}
                    title={
                      <Space wrap style={{ padding: '4px 0' }}>
                        {t('form.section')}
                        <Input value={section.name} onChange={(e) => setSection(ti, si, { ...section, name: e.target.value.trim() })} aria-label={t('form.sectionName')} style={{ width: 140 }} status={statusAt(issues, `${at}/sections/${si}/name`)} data-testid={`section-name-${ti}-${si}`} />
                        <div style={{ width: 340 }}>
                          <LabelInputs value={section.label} onChange={(l) => setSection(ti, si, { ...section, label: l })} locales={locales} testId={`section-label-${ti}-${si}`} />
                        </div>
                        <InputNumber value={section.columns} placeholder="2" onChange={(v) => setSection(ti, si, v === null ? withoutKey(section, 'columns') : { ...section, columns: v })} addonBefore={t('form.columns')} style={{ width: 140 }} status={statusAt(issues, `${at}/sections/${si}/columns`)} />
                      </Space>
                    }
                    extra={
                      <Space>
                        <Button size="small" onClick={() => setTab(ti, { ...tab, sections: move(tab.sections ?? [], si, si - 1) })} disabled={si === 0}>{t('common.up')}</Button>
                        <Button size="small" danger onClick={() => setTab(ti, { ...tab, sections: removeAt(tab.sections ?? [], si) })} data-testid={`section-remove-${ti}-${si}`}>{t('common.remove')}</Button>
                      </Space>
                    }
                  >
                    <Space wrap>
                      {section.fields.map((name, fi) => (
                        <Tag key={name} data-testid={`section-field-${name}`}>
                          {fieldLabel(name)} <Typography.Text type="secondary">({name})</Typography.Text>{' '}
                          <Button size="small" type="text" onClick={() => setSection(ti, si, { ...section, fields: move(section.fields, fi, fi - 1) })} aria-label={t('common.up')}>
                            ←
                          </Button>
                          <Button size="small" type="text" onClick={() => setSection(ti, si, { ...section, fields: move(section.fields, fi, fi + 1) })} aria-label={t('common.down')}>
                            →
                          </Button>
                          <Button size="small" type="text" danger onClick={() => setSection(ti, si, { ...section, fields: section.fields.filter((f) => f !== name) })} aria-label={t('common.remove')}>
                            ×
                          </Button>
                        </Tag>
                      ))}
                      <Select
                        size="small"
                        placeholder={t('form.addField')}
                        value={null}
                        options={candidates.map((n) => ({ value: n, label: `${fieldLabel(n)} (${n})` }))}
                        onChange={(name: string) => setSection(ti, si, { ...section, fields: [...section.fields, name] })}
                        style={{ width: 260 }}
                        status={statusAt(issues, `${at}/sections/${si}/fields`)}
                        data-testid={`section-add-${tab.name}-${section.name}`}
                      />
                    </Space>
                    <SchemaIssues issues={issues} pointer={`${at}/sections/${si}/fields`} />
                    <SchemaIssues issues={issues} pointer={`${at}/sections/${si}/name`} />
                  </Card>
                ))}
                <Button size="small" onClick={() => setTab(ti, { ...tab, sections: [...(tab.sections ?? []), newSection(tab, locales)] })} data-testid={`tab-add-section-${ti}`}>
                  {t('form.addSection')}
                </Button>
              </Space>
            )}
            {kind === 'related' && <RelatedTabEditor entity={entity} tab={tab} onChange={(next) => setTab(ti, next)} issues={issues} at={at} index={ti} />}
            {kind !== 'fields' && kind !== 'related' && <Typography.Text type="secondary">{t('form.otherTab', { kind })}</Typography.Text>}
          </Card>
        );
      })}
      <Space>
        <Button onClick={() => setTabs([...tabs, newTab(entity, locales, 'fields')])} data-testid="form-add-tab">
          {t('form.addTab')}
        </Button>
        <Button onClick={() => setTabs([...tabs, newTab(entity, locales, 'related')])} data-testid="form-add-related">
          {t('form.addRelated')}
        </Button>
      </Space>
    </Space>
  );
}

/** A related list: another entity and its reference field that points at this entity. */
function RelatedTabEditor({ entity, tab, onChange, issues, at, index }: { entity: Entity; tab: Tab; onChange(next: Tab): void; issues: readonly SchemaIssue[]; at: string; index: number }) {
  const { t, label } = useI18n();
  const { files } = useSession();
  const [fields, setFields] = useState<Entity['fields']>([]);
  useEffect(() => {
    if (!tab.entity) return;
    let live = true;
    api<StudioFile>('GET', fileUrl(`entities/${tab.entity}.json`))
      .then((file) => live && setFields((file.json as Entity | undefined)?.fields ?? []))
      .catch(() => live && setFields([]));
    return () => {
      live = false;
    };
  }, [tab.entity]);
  const references = fields.filter((f) => f.type === 'reference' && f.target === entity.name);
  return (
    <Space wrap align="start">
      <div>
        <Select value={tab.entity || null} placeholder={t('form.relatedEntity')} onChange={(e: string) => onChange({ ...tab, entity: e, via: '' })} options={files.filter((f) => f.kind === 'entity').map((f) => ({ value: f.name, label: f.name }))} style={{ width: 220 }} status={statusAt(issues, `${at}/entity`)} data-testid={`tab-entity-${index}`} />
        <SchemaIssues issues={issues} pointer={`${at}/entity`} />
      </div>
      <div>
        <Select value={tab.via || null} placeholder={t('form.relatedVia')} onChange={(via: string) => onChange({ ...tab, via })} options={references.map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }))} style={{ width: 260 }} status={statusAt(issues, `${at}/via`)} data-testid={`tab-via-${index}`} />
        <SchemaIssues issues={issues} pointer={`${at}/via`} />
      </div>
    </Space>
  );
}
