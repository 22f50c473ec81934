import { Button, Card, Input, Select, Space, Tag, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { ConditionBuilder } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { useI18n } from '../i18n.js';
import type { ColorRule, Entity, ListView } from '../types.js';
import { ColorPreview } from './ColorPreview.js';
import { ColorInput } from './FieldEditor.js';
import { LabelInputs } from './LabelInputs.js';
import { conditionFieldsOf } from '../editors/entity-fields.js';
import { move, removeAt, setAt, SYSTEM_FIELDS } from './entity-edit.js';
import { formatSort, newQuickFilter, parseSort, setListKey, type QuickFilter } from './list-edit.js';

let nextKey = 0;
const newKey = () => ++nextKey;

/** List views: columns, sort keys and grouping in order, the fixed filter and quick filters, and color rules (first match wins). */
export function ListDesigner({ entity, onChange, locales }: { entity: Entity; onChange(next: Entity): void; locales: readonly string[] }) {
  const { t, label } = useI18n();
  const [index, setIndex] = useState(0);
  const list = entity.lists[index] ?? entity.lists[0];
  // Stable keys for the rules, so a builder keeps its half-typed rule while rules move around.
  const [ruleKeys, setRuleKeys] = useState<number[]>(() => (list?.colorRules ?? []).map(newKey));
  const [quickKeys, setQuickKeys] = useState<number[]>(() => (list?.quickFilters ?? []).map(newKey));
  if (!list) return null;

  const setList = (next: ListView) => onChange({ ...entity, lists: entity.lists.map((l, i) => (i === index ? next : l)) });
  const rules = list.colorRules ?? [];
  const setRules = (next: ColorRule[], keys: number[]) => {
    setRuleKeys(keys);
    const copy: ListView = { ...list, colorRules: next };
    if (next.length === 0) delete copy.colorRules;
    setList(copy);
  };
  const conditionFields = conditionFieldsOf(entity);
  const fieldLabel = (name: string) => label(entity.fields.find((f) => f.name === name)?.label ?? SYSTEM_FIELDS.find((f) => f.name === name)?.label, name);
  const fieldNames = [...entity.fields.map((f) => f.name), ...SYSTEM_FIELDS.map((f) => f.name)];
  const sortKeys = parseSort(list.sort);
  const quickFilters = list.quickFilters ?? [];
  const setQuickFilters = (next: QuickFilter[], keys: number[]) => {
    setQuickKeys(keys);
    setList(setListKey(list, 'quickFilters', next));
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="list-designer">
      <Space>
        {t('list.view')}
        <Select
          value={index}
          onChange={(i: number) => {
            setIndex(i);
            setRuleKeys((entity.lists[i]?.colorRules ?? []).map(newKey));
            setQuickKeys((entity.lists[i]?.quickFilters ?? []).map(newKey));
          }}
          options={entity.lists.map((l, i) => ({ value: i, label: `${label(l.label, l.name)} (${l.name})` }))}
          style={{ width: 300 }}
          data-testid="list-select"
        />
      </Space>
      <Card size="small" title={t('list.columns')}>
        <FieldTags base="column" items={list.columns} onChange={(columns) => setList({ ...list, columns })} candidates={fieldNames} fieldLabel={fieldLabel} addLabel={t('list.addColumn')} minItems={1} />
      </Card>
      <Card size="small" title={t('list.sort')}>
        <FieldTags
          base="sort"
          items={sortKeys.map((k) => k.field)}
          onChange={(fields) => setList(setListKey(list, 'sort', formatSort(fields.map((field) => ({ field, descending: sortKeys.find((k) => k.field === field)?.descending ?? false })))))}
          candidates={fieldNames}
          fieldLabel={fieldLabel}
          addLabel={t('list.addSort')}
          extra={(field) => {
            const descending = sortKeys.find((k) => k.field === field)?.descending ?? false;
            const toggle = () => setList(setListKey(list, 'sort', formatSort(sortKeys.map((k) => (k.field === field ? { field, descending: !descending } : k)))));
            return (
              <Button size="small" type="link" onClick={toggle} data-testid={`list-sort-dir-${field}`}>
                {descending ? `↓ ${t('list.descending')}` : `↑ ${t('list.ascending')}`}
              </Button>
            );
          }}
        />
      </Card>
      <Card size="small" title={t('list.groupBy')}>
        <FieldTags base="group" items={list.groupBy ?? []} onChange={(groupBy) => setList(setListKey(list, 'groupBy', groupBy))} candidates={fieldNames.filter((n) => !n.includes('.'))} fieldLabel={fieldLabel} addLabel={t('common.add')} />
      </Card>
      <Card size="small" title={t('list.filter')}>
        <ConditionBuilder key={index} value={list.filter as JsonCondition | undefined} onChange={(filter) => setList(setListKey(list, 'filter', filter as ListView['filter']))} fields={conditionFields} testId="list-filter" />
      </Card>
      <Card
        size="small"
        title={t('list.quickFilters')}
        extra={
          <Button size="small" onClick={() => setQuickFilters([...quickFilters, newQuickFilter(list, locales)], [...quickKeys, newKey()])} data-testid="list-add-quick-filter">
            {t('list.addQuickFilter')}
          </Button>
        }
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          {quickFilters.map((quick, i) => {
            const setQuick = (next: QuickFilter) => setQuickFilters(setAt(quickFilters, i, next), quickKeys);
            return (
              <Card key={quickKeys[i] ?? i} size="small" type="inner" data-testid={`quick-filter-${i}`}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Space wrap>
                    <Input value={quick.name} onChange={(e) => setQuick({ ...quick, name: e.target.value })} style={{ width: 180 }} data-testid={`quick-name-${i}`} />
                    <div style={{ width: 420 }}>
                      <LabelInputs value={quick.label} onChange={(l) => setQuick({ ...quick, label: l })} locales={locales} testId={`quick-label-${i}`} />
                    </div>
                    <Button size="small" danger onClick={() => setQuickFilters(removeAt(quickFilters, i), removeAt(quickKeys, i))}>
                      {t('common.remove')}
                    </Button>
                  </Space>
                  <ConditionBuilder value={quick.filter as JsonCondition} onChange={(filter) => setQuick({ ...quick, filter: filter as QuickFilter['filter'] })} fields={conditionFields} testId={`quick-condition-${i}`} />
                </Space>
              </Card>
            );
          })}
        </Space>
      </Card>
      <Card
        size="small"
        title={t('list.colorRules')}
        extra={
          <Button size="small" onClick={() => setRules([...rules, { when: {}, color: '#1677ff', label: Object.fromEntries(locales.map((l) => [l, ''])) }], [...ruleKeys, newKey()])} data-testid="list-add-rule">
            {t('list.addRule')}
          </Button>
        }
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          {rules.map((rule, i) => {
            const setRule = (next: ColorRule) => setRules(rules.map((r, j) => (j === i ? next : r)), ruleKeys);
            return (
              <Card key={ruleKeys[i] ?? i} size="small" type="inner" data-testid={`color-rule-${i}`} style={{ borderLeft: `6px solid ${rule.color}` }}>
                <Space orientation="vertical" style={{ width: '100%' }}>
                  <Space wrap>
                    <ColorInput value={rule.color} onChange={(color) => setRule({ ...rule, color })} testId={`rule-color-${i}`} />
                    <div style={{ width: 420 }}>
                      <LabelInputs value={rule.label} onChange={(l) => setRule({ ...rule, label: l })} locales={locales} testId={`rule-label-${i}`} />
                    </div>
                    <Button size="small" onClick={() => setRules(move(rules, i, i - 1), move(ruleKeys, i, i - 1))} disabled={i === 0} data-testid={`rule-up-${i}`}>
                      {t('common.up')}
                    </Button>
                    <Button size="small" onClick={() => setRules(move(rules, i, i + 1), move(ruleKeys, i, i + 1))} disabled={i === rules.length - 1}>
                      {t('common.down')}
                    </Button>
                    <Button size="small" danger onClick={() => setRules(rules.filter((_, j) => j !== i), ruleKeys.filter((_, j) => j !== i))}>
                      {t('common.remove')}
                    </Button>
                  </Space>
                  <ConditionBuilder value={rule.when as JsonCondition} onChange={(when) => setRule({ ...rule, when: when as ColorRule['when'] })} fields={conditionFields} testId={`rule-condition-${i}`} />
                </Space>
              </Card>
            );
          })}
        </Space>
      </Card>
      <Card size="small" title={t('colors.title')}>
        <ColorPreview entity={entity} list={list} />
      </Card>
    </Space>
  );
}

/**
 * Fields in order as tags (move, remove) and a select to add one: the columns, sort keys and
 * grouping of a list (test ids `list-<base>s`, `list-<base>-<field>`, `list-add-<base>`).
 */
function FieldTags({ base, items, onChange, candidates, fieldLabel, addLabel, minItems = 0, extra }: { base: string; items: readonly string[]; onChange(next: string[]): void; candidates: readonly string[]; fieldLabel(name: string): string; addLabel: string; minItems?: number; extra?: (item: string) => ReactNode }) {
  const { t } = useI18n();
  return (
    <Space wrap data-testid={`list-${base}s`}>
      {items.map((item, i) => (
        <Tag key={item} data-testid={`list-${base}-${item}`}>
          {fieldLabel(item)} <Typography.Text type="secondary">({item})</Typography.Text>
          {extra?.(item)}
          <Button size="small" type="text" onClick={() => onChange(move(items, i, i - 1))} aria-label={t('common.up')}>
            ←
          </Button>
          <Button size="small" type="text" onClick={() => onChange(move(items, i, i + 1))} aria-label={t('common.down')}>
            →
          </Button>
          <Button size="small" type="text" danger disabled={items.length <= minItems} onClick={() => onChange(items.filter((c) => c !== item))} aria-label={t('common.remove')}>
            ×
          </Button>
        </Tag>
      ))}
      <Select size="small" placeholder={addLabel} value={null} options={candidates.filter((n) => !items.includes(n)).map((n) => ({ value: n, label: `${fieldLabel(n)} (${n})` }))} onChange={(name: string) => onChange([...items, name])} style={{ width: 260 }} showSearch={{ optionFilterProp: 'label' }} data-testid={`list-add-${base}`} />
    </Space>
  );
}
