import { Button, Card, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ConditionBuilder } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { useI18n } from '../i18n.js';
import type { ColorRule, Entity, ListView } from '../types.js';
import { ColorPreview } from './ColorPreview.js';
import { ColorInput } from './FieldEditor.js';
import { LabelInputs } from './LabelInputs.js';
import { conditionFieldsOf } from '../editors/entity-fields.js';
import { move, SYSTEM_FIELDS } from './entity-edit.js';

let nextKey = 0;
const newKey = () => ++nextKey;

/** List views: columns in order and color rules (first match wins) with the condition builder. */
export function ListDesigner({ entity, onChange, locales }: { entity: Entity; onChange(next: Entity): void; locales: readonly string[] }) {
  const { t, label } = useI18n();
  const [index, setIndex] = useState(0);
  const list = entity.lists[index] ?? entity.lists[0];
  // Stable keys for the rules, so a builder keeps its half-typed rule while rules move around.
  const [ruleKeys, setRuleKeys] = useState<number[]>(() => (list?.colorRules ?? []).map(newKey));
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
  const candidates = [...entity.fields.map((f) => f.name), ...SYSTEM_FIELDS.map((f) => f.name)].filter((n) => !list.columns.includes(n));

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="list-designer">
      <Space>
        {t('list.view')}
        <Select
          value={index}
          onChange={(i: number) => {
            setIndex(i);
            setRuleKeys((entity.lists[i]?.colorRules ?? []).map(newKey));
          }}
          options={entity.lists.map((l, i) => ({ value: i, label: `${label(l.label, l.name)} (${l.name})` }))}
          style={{ width: 300 }}
          data-testid="list-select"
        />
      </Space>
      <Card size="small" title={t('list.columns')}>
        <Space wrap data-testid="list-columns">
          {list.columns.map((column, i) => (
            <Tag key={column} data-testid={`list-column-${column}`}>
              {fieldLabel(column)} <Typography.Text type="secondary">({column})</Typography.Text>
              <Button size="small" type="text" onClick={() => setList({ ...list, columns: move(list.columns, i, i - 1) })} aria-label={t('common.up')}>
                ←
              </Button>
              <Button size="small" type="text" onClick={() => setList({ ...list, columns: move(list.columns, i, i + 1) })} aria-label={t('common.down')}>
                →
              </Button>
              <Button size="small" type="text" danger disabled={list.columns.length === 1} onClick={() => setList({ ...list, columns: list.columns.filter((c) => c !== column) })} aria-label={t('common.remove')}>
                ×
              </Button>
            </Tag>
          ))}
          <Select size="small" placeholder={t('list.addColumn')} value={null} options={candidates.map((n) => ({ value: n, label: `${fieldLabel(n)} (${n})` }))} onChange={(name: string) => setList({ ...list, columns: [...list.columns, name] })} style={{ width: 260 }} showSearch={{ optionFilterProp: 'label' }} data-testid="list-add-column" />
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
