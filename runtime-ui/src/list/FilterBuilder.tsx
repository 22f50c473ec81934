// The filter builder: nested all/any groups of field–operator–value rules.
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, DatePicker, InputNumber, Input, Select, Space, Card } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { RecordPicker } from '../card/RecordPicker.js';
import type { FieldMeta } from '../types.js';
import { needsValue, operatorsFor, type FilterGroup, type FilterRule, type Operator } from './filter.js';

function ValueInput({ field, rule, onChange }: { field: FieldMeta; rule: FilterRule; onChange: (value: unknown) => void }) {
  const i18n = useI18n();
  const multiple = rule.op === '$in' || rule.op === '$nin';
  switch (field.valueType) {
    case 'enum':
    case 'stage':
    case 'multiEnum':
      return (
        <Select
          mode={multiple ? 'multiple' : undefined}
          value={rule.value as string | string[] | undefined}
          onChange={onChange}
          options={(field.options ?? []).map((o) => ({ value: o.value, label: i18n.label(o.label, o.value) }))}
          style={{ minWidth: 200 }}
          data-testid="filter-value"
        />
      );
    case 'boolean':
      return <Select value={rule.value as boolean | undefined} onChange={onChange} options={[{ value: true, label: i18n.t('bool.true') }, { value: false, label: i18n.t('bool.false') }]} style={{ minWidth: 100 }} data-testid="filter-value" />;
    case 'integer':
    case 'decimal':
    case 'money':
    case 'percent':
      return <InputNumber value={rule.value as number | undefined} onChange={(v) => onChange(v ?? undefined)} style={{ width: 160 }} data-testid="filter-value" />;
    case 'date':
      return <DatePicker value={typeof rule.value === 'string' ? dayjs(rule.value) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : undefined)} data-testid="filter-value" />;
    case 'datetime':
      return <DatePicker showTime value={typeof rule.value === 'string' ? dayjs(rule.value) : null} onChange={(d) => onChange(d ? d.toISOString() : undefined)} data-testid="filter-value" />;
    case 'reference':
    case 'user':
      return (
        <div style={{ minWidth: 240 }}>
          <RecordPicker target={field.target ?? ''} value={rule.value as string | undefined} onChange={(v) => onChange(v)} testId="filter-value" extraOptions={field.valueType === 'user' ? [{ value: '$me', label: i18n.t('filter.me') }] : undefined} />
        </div>
      );
    default:
      return <Input value={(rule.value as string | undefined) ?? ''} onChange={(e) => onChange(e.target.value)} style={{ width: 220 }} data-testid="filter-value" />;
  }
}

function RuleRow({ fields, rule, onChange, onRemove }: { fields: FieldMeta[]; rule: FilterRule; onChange: (rule: FilterRule) => void; onRemove: () => void }) {
  const i18n = useI18n();
  const field = fields.find((f) => f.name === rule.field);
  const operators = field ? operatorsFor(field) : [];
  return (
    <Space wrap data-testid="filter-rule">
      <Select
        showSearch={{ optionFilterProp: 'label' }}
        value={rule.field || undefined}
        placeholder={i18n.t('filter.field')}
        options={fields.map((f) => ({ value: f.name, label: i18n.label(f.label, f.name) }))}
        onChange={(name: string) => {
          const next = fields.find((f) => f.name === name);
          onChange({ kind: 'rule', field: name, op: next ? (operatorsFor(next)[0] as Operator) : '$eq' });
        }}
        style={{ width: 220 }}
        data-testid="filter-field"
      />
      {field && (
        <Select
          value={rule.op}
          options={operators.map((op) => ({ value: op, label: i18n.t(`op.${op}` as MessageKey) }))}
          onChange={(op: Operator) => onChange({ ...rule, op, value: op === '$in' || op === '$nin' ? [] : undefined })}
          style={{ width: 160 }}
          data-testid="filter-operator"
        />
      )}
      {field && needsValue(rule.op) && <ValueInput field={field} rule={rule} onChange={(value) => onChange({ ...rule, value })} />}
      <Button icon={<DeleteOutlined />} onClick={onRemove} aria-label={i18n.t('filter.remove')} />
    </Space>
  );
}

export function FilterBuilder({ fields, group, onChange, onRemove, depth = 0 }: { fields: FieldMeta[]; group: FilterGroup; onChange: (group: FilterGroup) => void; onRemove?: () => void; depth?: number }) {
  const { t } = useI18n();
  const replace = (index: number, item: FilterGroup['items'][number] | null) => onChange({ ...group, items: item === null ? group.items.filter((_, i) => i !== index) : group.items.map((old, i) => (i === index ? item : old)) });
  return (
    <Card size="small" style={{ background: depth % 2 ? '#fafafa' : undefined }} data-testid="filter-group">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Space>
          <Select value={group.op} onChange={(op) => onChange({ ...group, op })} options={[{ value: '$and', label: t('filter.all') }, { value: '$or', label: t('filter.any') }]} style={{ width: 160 }} data-testid="filter-group-op" />
          {onRemove && <Button icon={<DeleteOutlined />} onClick={onRemove} aria-label={t('filter.remove')} />}
        </Space>
        {group.items.map((item, index) =>
          item.kind === 'group' ? (
            <FilterBuilder key={index} fields={fields} group={item} depth={depth + 1} onChange={(g) => replace(index, g)} onRemove={() => replace(index, null)} />
          ) : (
            <RuleRow key={index} fields={fields} rule={item} onChange={(r) => replace(index, r)} onRemove={() => replace(index, null)} />
          ),
        )}
        <Space>
          <Button icon={<PlusOutlined />} onClick={() => onChange({ ...group, items: [...group.items, { kind: 'rule', field: '', op: '$eq' }] })} data-testid="filter-add-rule">
            {t('filter.addCondition')}
          </Button>
          {depth < 2 && (
            <Button icon={<PlusOutlined />} onClick={() => onChange({ ...group, items: [...group.items, { kind: 'group', op: '$or', items: [] }] })}>
              {t('filter.addGroup')}
            </Button>
          )}
        </Space>
      </Space>
    </Card>
  );
}
