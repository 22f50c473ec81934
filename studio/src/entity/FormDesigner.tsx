import { Button, Card, Select, Space, Tag, Typography } from 'antd';
import { useI18n } from '../i18n.js';
import type { Entity, Section } from '../types.js';
import { move, placedFields, SYSTEM_FIELDS } from './entity-edit.js';

/** The form layout: the fields of each section of each fields tab, in order. */
export function FormDesigner({ entity, onChange }: { entity: Entity; onChange(next: Entity): void }) {
  const { t, label } = useI18n();
  const placed = placedFields(entity);
  const fieldLabel = (name: string) => label(entity.fields.find((f) => f.name === name)?.label ?? SYSTEM_FIELDS.find((f) => f.name === name)?.label, name);
  const candidates = [...entity.fields.map((f) => f.name), 'owner'].filter((n) => !placed.has(n));
  const setSection = (tabIndex: number, sectionIndex: number, section: Section) =>
    onChange({
      ...entity,
      form: { ...entity.form, tabs: entity.form.tabs.map((tab, i) => (i === tabIndex && tab.sections ? { ...tab, sections: tab.sections.map((s, j) => (j === sectionIndex ? section : s)) } : tab)) },
    });
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {candidates.length > 0 && <Typography.Text type="secondary">{t('form.unplaced', { fields: candidates.join(', ') })}</Typography.Text>}
      {entity.form.tabs.map((tab, ti) =>
        tab.sections ? (
          <Card key={tab.name} title={`${t('form.tab')}: ${label(tab.label, tab.name)}`} size="small">
            <Space orientation="vertical" style={{ width: '100%' }}>
              {tab.sections.map((section, si) => (
                <Card key={section.name} type="inner" size="small" title={`${t('form.section')}: ${label(section.label, section.name)}`} data-testid={`section-${tab.name}-${section.name}`}>
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
                      data-testid={`section-add-${tab.name}-${section.name}`}
                    />
                  </Space>
                </Card>
              ))}
            </Space>
          </Card>
        ) : null,
      )}
    </Space>
  );
}
