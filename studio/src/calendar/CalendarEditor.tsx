import { Button, Card, Input, Popconfirm, Radio, Select, Space, Typography, type ButtonProps } from 'antd';
import { ConditionBuilder } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { At, EditorShell } from '../editors/EditorShell.js';
import { DATE_TYPES, useEntityFields, useEntityNames } from '../editors/entity-fields.js';
import { removeAt, replaceAt, withWhen } from '../editors/edits.js';
import { pointerOf } from '../editors/problems.js';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { ColorInput } from '../entity/FieldEditor.js';
import { LabelInputs } from '../entity/LabelInputs.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { Calendar, CalendarSource } from '../types.js';
import { categoryUses, renameCategory, setSourceCategory, setSourceEnd, setSourceEntity } from './calendar-edit.js';

/** The calendar editor: categories with colors, and the sources whose records become events. */
export function CalendarEditor({ name }: { name: string }) {
  const { t, label } = useI18n();
  const { locales } = useSession();
  const file = useMetadataFile<Calendar>(`calendars/${name}.json`);
  return (
    <EditorShell file={file} testId="calendar-editor" title={label(file.value?.label, name)}>
      {(calendar) => {
        const set = (patch: Partial<Calendar>) => file.change({ ...calendar, ...patch });
        return (
          <>
            <At label={t('editor.label')} pointer="/label" deep>
              <LabelInputs value={calendar.label} onChange={(l) => set({ label: l })} locales={locales} testId="calendar-label" />
            </At>
            <Typography.Title level={5}>{t('calendar.categories')}</Typography.Title>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {calendar.categories.map((category, i) => {
                const uses = categoryUses(calendar, category.name);
                return (
                  <Space key={i} align="start" wrap data-testid={`category-${i}`}>
                    <At pointer={pointerOf('categories', i, 'name')}>
                      <Input value={category.name} placeholder={t('editor.name')} onChange={(e) => file.change(renameCategory(calendar, category.name, e.target.value))} style={{ width: 180 }} data-testid={`category-name-${i}`} />
                    </At>
                    <At pointer={pointerOf('categories', i, 'label')} deep>
                      <LabelInputs value={category.label} onChange={(l) => set({ categories: replaceAt(calendar.categories, i, { ...category, label: l }) })} locales={locales} testId={`category-label-${i}`} />
                    </At>
                    <At pointer={pointerOf('categories', i, 'color')}>
                      <ColorInput value={category.color} onChange={(color) => set({ categories: replaceAt(calendar.categories, i, { ...category, color }) })} testId={`category-color-${i}`} />
                    </At>
                    <Popconfirm
                      title={t('calendar.removeCategory', { name: category.name })}
                      description={uses.length > 0 ? t('calendar.categoryUsed', { sources: uses.map((u) => u + 1).join(', ') }) : undefined}
                      okButtonProps={{ disabled: uses.length > 0, 'data-testid': 'category-remove-confirm' } as ButtonProps}
                      onConfirm={() => set({ categories: removeAt(calendar.categories, i) })}
                    >
                      <Button danger data-testid={`category-remove-${i}`}>
                        {t('common.remove')}
                      </Button>
                    </Popconfirm>
                  </Space>
                );
              })}
              <Button onClick={() => set({ categories: [...calendar.categories, { name: `category_${calendar.categories.length + 1}`, label: {}, color: '#1677ff' }] })} data-testid="category-add">
                {t('calendar.addCategory')}
              </Button>
            </Space>
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('calendar.sources')}
            </Typography.Title>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {calendar.sources.map((source, i) => (
                <SourceEditor
                  key={i}
                  index={i}
                  source={source}
                  categories={calendar.categories.map((c) => ({ value: c.name, label: `${label(c.label, c.name)} (${c.name})` }))}
                  onChange={(next) => set({ sources: replaceAt(calendar.sources, i, next) })}
                  onRemove={calendar.sources.length > 1 ? () => set({ sources: removeAt(calendar.sources, i) }) : undefined}
                />
              ))}
              <Button onClick={() => set({ sources: [...calendar.sources, { ...(calendar.sources[calendar.sources.length - 1] as CalendarSource) }] })} data-testid="source-add">
                {t('calendar.addSource')}
              </Button>
            </Space>
          </>
        );
      }}
    </EditorShell>
  );
}

interface SourceProps {
  index: number;
  source: CalendarSource;
  categories: Array<{ value: string; label: string }>;
  onChange(next: CalendarSource): void;
  onRemove?: () => void;
}

function SourceEditor({ index, source, categories, onChange, onRemove }: SourceProps) {
  const { t, label } = useI18n();
  const entities = useEntityNames();
  const fields = useEntityFields(source.entity);
  const options = (keep: (type: string) => boolean) => fields.filter((f) => keep(f.type)).map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }));
  const at = (...rest: Array<string | number>) => pointerOf('sources', index, ...rest);
  const byField = source.categoryField !== undefined;
  return (
    <Card size="small" title={`${t('calendar.source')} ${index + 1}`} data-testid={`source-${index}`} extra={onRemove && <Button size="small" danger onClick={onRemove} data-testid={`source-remove-${index}`}>{t('common.remove')}</Button>}>
      <At pointer={at()}>
        <Space wrap align="start">
          <At label={t('editor.entity')} pointer={at('entity')}>
            <Select
              showSearch
              value={source.entity}
              options={entities.map((e) => ({ value: e, label: e }))}
              onChange={(entity: string) => onChange(setSourceEntity(source, entity))}
              style={{ width: 200 }}
              data-testid={`source-entity-${index}`}
            />
          </At>
          <At label={t('calendar.start')} pointer={at('start')}>
            <Select value={source.start || undefined} options={options((type) => DATE_TYPES.has(type))} onChange={(start: string) => onChange({ ...source, start })} style={{ width: 260 }} data-testid={`source-start-${index}`} />
          </At>
          <At label={t('calendar.end')} pointer={at('end')}>
            <Select allowClear value={source.end} options={options((type) => DATE_TYPES.has(type))} onChange={(end?: string) => onChange(setSourceEnd(source, end, source.duration))} style={{ width: 260 }} data-testid={`source-end-${index}`} />
          </At>
          <At label={t('calendar.duration')} pointer={at('duration')}>
            <Select allowClear disabled={source.end !== undefined} value={source.duration} options={options((type) => type === 'integer')} onChange={(duration?: string) => onChange(setSourceEnd(source, undefined, duration))} style={{ width: 220 }} data-testid={`source-duration-${index}`} />
          </At>
        </Space>
      </At>
      <At label={t('calendar.title')} pointer={at('title')} help={t('calendar.title.help')}>
        <Input value={source.title} onChange={(e) => onChange({ ...source, title: e.target.value })} data-testid={`source-title-${index}`} />
      </At>
      <Space wrap align="start">
        <Radio.Group value={byField ? 'field' : 'fixed'} onChange={(e) => onChange(setSourceCategory(source, e.target.value === 'field' ? { categoryField: '' } : { category: categories[0]?.value ?? '' }))} data-testid={`source-category-by-${index}`}>
          <Radio value="fixed">{t('calendar.category')}</Radio>
          <Radio value="field">{t('calendar.categoryField')}</Radio>
        </Radio.Group>
        {byField ? (
          <At pointer={at('categoryField')} help={t('calendar.categoryField.help')}>
            <Select value={source.categoryField || undefined} options={options((type) => type === 'enum')} onChange={(categoryField: string) => onChange({ ...source, categoryField })} style={{ width: 240 }} data-testid={`source-category-field-${index}`} />
          </At>
        ) : (
          <At pointer={at('category')}>
            <Select value={source.category || undefined} options={categories} onChange={(category: string) => onChange({ ...source, category })} style={{ width: 240 }} data-testid={`source-category-${index}`} />
          </At>
        )}
      </Space>
      <At label={t('calendar.when')} pointer={at('when')} deep>
        <ConditionBuilder key={source.entity} value={source.when as JsonCondition | undefined} onChange={(when) => onChange(withWhen(source, when))} fields={fields} testId={`source-when-${index}`} />
      </At>
    </Card>
  );
}
