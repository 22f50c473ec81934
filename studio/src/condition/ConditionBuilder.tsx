// The condition builder shared by every editor that needs a condition (color rules now;
// notifications, automations and reports later): rules of field / operator / value in
// `all` / `any` groups, emitting the JSON condition language.
import { Alert, Button, Card, Input, InputNumber, Select, Space } from 'antd';
import { useState } from 'react';
import { useI18n } from '../i18n.js';
import type { Field } from '../types.js';
import { fromCondition, operatorsFor, toCondition, type ConditionNode, type GroupNode, type JsonCondition, type Operator, type RuleNode } from './condition-model.js';

/** A field a condition can test: the entity's fields and the system fields every record has. */
export type ConditionField = Pick<Field, 'name' | 'label' | 'type' | 'options'>;

const NUMERIC = new Set(['integer', 'decimal', 'money', 'percent']);

const OPERATOR_LABEL: Record<Operator, string> = { $eq: '=', $ne: '≠', $in: 'in', $nin: 'not in', $gt: '>', $gte: '≥', $lt: '<', $lte: '≤', $contains: 'contains', $startsWith: 'starts with', $null: 'is empty' };

interface Props {
  value: JsonCondition | undefined;
  onChange(value: JsonCondition): void;
  fields: readonly ConditionField[];
  testId?: string;
}

export function ConditionBuilder({ value, onChange, fields, testId = 'condition' }: Props) {
  const { t } = useI18n();
  const [model, setModel] = useState<GroupNode | null>(() => fromCondition(value));
  const [raw, setRaw] = useState(() => JSON.stringify(value ?? {}, null, 2));
  const [rawError, setRawError] = useState(false);

  if (model === null) {
    return (
      <Space orientation="vertical" style={{ width: '100%' }} data-testid={testId}>
        <Alert type="info" title={t('condition.raw')} />
        <Input.TextArea
          autoSize={{ minRows: 3 }}
          value={raw}
          status={rawError ? 'error' : undefined}
          onChange={(e) => {
            setRaw(e.target.value);
            try {
              const parsed = JSON.parse(e.target.value) as unknown;
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
              setRawError(false);
              onChange(parsed as JsonCondition);
            } catch {
              setRawError(true);
            }
          }}
        />
        {rawError && <Alert type="error" title={t('condition.invalidJson')} />}
      </Space>
    );
  }

  const update = (next: GroupNode) => {
    setModel(next);
    onChange(toCondition(next));
  };
  return (
    <div data-testid={testId}>
      <GroupEditor group={model} onChange={update} fields={fields} depth={0} />
    </div>
  );
}

function GroupEditor({ group, onChange, fields, depth, onRemove }: { group: GroupNode; onChange(next: GroupNode): void; fields: readonly ConditionField[]; depth: number; onRemove?: () => void }) {
  const { t } = useI18n();
  const setChild = (i: number, child: ConditionNode | null) => onChange({ ...group, children: child === null ? group.children.filter((_, j) => j !== i) : group.children.map((c, j) => (j === i ? child : c)) });
  return (
    <Card size="small" style={{ background: depth % 2 ? '#fafafa' : undefined }}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space>
          <Select
            size="small"
            value={group.match}
            onChange={(match) => onChange({ ...group, match })}
            options={[{ value: 'all', label: t('condition.all') }, { value: 'any', label: t('condition.any') }]}
            style={{ width: 160 }}
            data-testid="condition-match"
          />
          {onRemove && (
            <Button size="small" danger onClick={onRemove}>
              {t('common.remove')}
            </Button>
          )}
        </Space>
        {group.children.map((child, i) =>
          child.kind === 'rule' ? (
            <RuleEditor key={i} rule={child} fields={fields} onChange={(next) => setChild(i, next)} onRemove={() => setChild(i, null)} />
          ) : (
            <GroupEditor key={i} group={child} fields={fields} depth={depth + 1} onChange={(next) => setChild(i, next)} onRemove={() => setChild(i, null)} />
          ),
        )}
        <Space>
          <Button size="small" onClick={() => onChange({ ...group, children: [...group.children, { kind: 'rule', field: '', op: '$eq', value: null }] })} data-testid="condition-add-rule">
            {t('condition.addRule')}
          </Button>
          {depth < 3 && (
            <Button size="small" onClick={() => onChange({ ...group, children: [...group.children, { kind: 'group', match: group.match === 'all' ? 'any' : 'all', children: [] }] })}>
              {t('condition.addGroup')}
            </Button>
          )}
        </Space>
      </Space>
    </Card>
  );
}

function RuleEditor({ rule, fields, onChange, onRemove }: { rule: RuleNode; fields: readonly ConditionField[]; onChange(next: RuleNode): void; onRemove(): void }) {
  const { t, label } = useI18n();
  const field = fields.find((f) => f.name === rule.field);
  const operators = operatorsFor(field?.type);
  return (
    <Space wrap data-testid="condition-rule">
      <Select
        size="small"
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('condition.field')}
        value={rule.field || undefined}
        onChange={(name: string) => {
          const next = fields.find((f) => f.name === name);
          const allowed = operatorsFor(next?.type);
          const op = allowed.includes(rule.op) ? rule.op : (allowed[0] ?? '$null');
          onChange({ kind: 'rule', field: name, op, value: defaultValue(next, op) });
        }}
        options={fields.map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }))}
        style={{ width: 240 }}
        data-testid="condition-field"
      />
      <Select size="small" value={rule.op} onChange={(op: Operator) => onChange({ ...rule, op, value: defaultValue(field, op, rule.value) })} options={operators.map((op) => ({ value: op, label: OPERATOR_LABEL[op] }))} style={{ width: 120 }} data-testid="condition-operator" />
      <ValueInput rule={rule} field={field} onChange={(value) => onChange({ ...rule, value })} />
      <Button size="small" type="text" danger onClick={onRemove} aria-label={t('common.remove')}>
        ×
      </Button>
    </Space>
  );
}

function defaultValue(field: ConditionField | undefined, op: Operator, previous?: unknown): unknown {
  if (op === '$null') return true;
  if (op === '$in' || op === '$nin') return Array.isArray(previous) ? previous : previous === null || previous === undefined ? [] : [previous];
  if (Array.isArray(previous)) return previous[0] ?? null;
  if (previous !== undefined) return previous;
  if (field?.type === 'boolean') return true;
  return null;
}

function ValueInput({ rule, field, onChange }: { rule: RuleNode; field: ConditionField | undefined; onChange(value: unknown): void }) {
  const { t, label } = useI18n();
  const style = { width: 260 };
  const common = { size: 'small' as const, placeholder: t('condition.value'), 'data-testid': 'condition-value' };
  if (rule.op === '$null' || field?.type === 'boolean') {
    return <Select {...common} value={rule.value as boolean} onChange={onChange} options={[{ value: true, label: 'true' }, { value: false, label: 'false' }]} style={{ width: 100 }} />;
  }
  const multiple = rule.op === '$in' || rule.op === '$nin';
  const options = field?.options;
  if (options) {
    return <Select {...common} mode={multiple ? 'multiple' : undefined} value={rule.value ?? undefined} onChange={onChange} options={options.map((o) => ({ value: o.value, label: label(o.label, o.value) }))} style={style} />;
  }
  if (multiple) {
    return <Select {...common} mode="tags" value={((rule.value as unknown[] | null) ?? []).map(String)} onChange={(values: string[]) => onChange(field && NUMERIC.has(field.type) ? values.map(Number) : values)} style={style} open={false} />;
  }
  if (field && NUMERIC.has(field.type)) return <InputNumber {...common} value={typeof rule.value === 'number' ? rule.value : null} onChange={(v) => onChange(v)} style={style} />;
  // Text, dates and the variables ($me, $today, $today-P30D) are written as text.
  return <Input {...common} value={typeof rule.value === 'string' ? rule.value : rule.value === null ? '' : String(rule.value)} onChange={(e) => onChange(e.target.value)} style={style} />;
}
