import { Button, type ButtonProps, Checkbox, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import { useI18n } from '../i18n.js';
import type { Field, FieldType, Label, Option } from '../types.js';
import { LabelInputs } from './LabelInputs.js';
import { SYSTEM_FIELDS } from './entity-edit.js';

const TYPES: FieldType[] = ['string', 'text', 'integer', 'decimal', 'money', 'percent', 'boolean', 'date', 'datetime', 'enum', 'multiEnum', 'reference', 'user', 'email', 'phone', 'url', 'file', 'stage', 'formula'];
const NUMERIC = new Set<FieldType>(['integer', 'decimal', 'money', 'percent']);
const WITH_OPTIONS = new Set<FieldType>(['enum', 'multiEnum']);
const TEXTUAL = new Set<FieldType>(['string', 'text']);
/** The keys this dialog edits; everything else a field has (help, pattern, searchable…) is kept as it was. */
const EDITED = ['name', 'label', 'type', 'required', 'unique', 'default', 'options', 'target', 'onDelete', 'maxLength', 'min', 'max'] as const;

interface Values {
  name: string;
  type: FieldType;
  label: Label;
  required?: boolean;
  unique?: boolean;
  default?: string | number | boolean | null;
  options?: Array<{ value: string; label: Label; color?: string }>;
  target?: string;
  onDelete?: Field['onDelete'];
  maxLength?: number | null;
  min?: number | null;
  max?: number | null;
}

interface Props {
  field: Field | null;
  existing: readonly string[];
  entities: readonly string[];
  locales: readonly string[];
  onSave(field: Field): void;
  onCancel(): void;
}

const blank = (v: unknown) => v === undefined || v === null || v === '';

/** The field a dialog's values describe, keeping the original's keys this dialog does not edit. */
export function toField(values: Values, original: Field | null): Field {
  const rest = Object.fromEntries(Object.entries(original ?? {}).filter(([key]) => !(EDITED as readonly string[]).includes(key)));
  const field = { ...rest, name: values.name, label: values.label, type: values.type } as Field;
  if (values.required) field.required = true;
  if (values.unique) field.unique = true;
  if (WITH_OPTIONS.has(values.type)) {
    field.options = (values.options ?? []).map((o) => {
      const option: Option = { value: o.value, label: o.label };
      if (!blank(o.color)) option.color = o.color as string;
      return option;
    });
  }
  if (values.type === 'reference') {
    field.target = values.target as string;
    if (values.onDelete) field.onDelete = values.onDelete;
  }
  if (TEXTUAL.has(values.type) && !blank(values.maxLength)) field.maxLength = values.maxLength as number;
  if (NUMERIC.has(values.type)) {
    if (!blank(values.min)) field.min = values.min as number;
    if (!blank(values.max)) field.max = values.max as number;
  }
  if (!blank(values.default)) {
    const d = values.default as string | number | boolean;
    field.default = NUMERIC.has(values.type) ? Number(d) : values.type === 'boolean' ? d === true || d === 'true' : d;
  }
  return field;
}

export function FieldEditor({ field, existing, entities, locales, onSave, onCancel }: Props) {
  const { t, label } = useI18n();
  const [form] = Form.useForm<Values>();
  const type = Form.useWatch('type', form);
  const options = Form.useWatch('options', form);
  const initial: Partial<Values> = field
    ? ({ ...field, options: field.options?.map((o) => ({ value: o.value, label: o.label, color: o.color ?? '' })) } as Partial<Values>)
    : { type: 'string', label: Object.fromEntries(locales.map((l) => [l, ''])) };
  const labelRules = [{ validator: async (_: unknown, value: Label | undefined) => { const missing = locales.find((l) => !value?.[l]?.trim()); if (missing) throw new Error(t('field.labelRequired', { locale: missing })); } }];
  return (
    <Modal open title={field ? `${t('common.edit')}: ${field.name}` : t('field.add')} onCancel={onCancel} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} width={760} okButtonProps={{ 'data-testid': 'field-save' } as ButtonProps} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(values) => onSave(toField(values, field))} data-testid="field-editor">
        <Space align="start" style={{ width: '100%' }}>
          <Form.Item
            name="name"
            label={t('field.name')}
            extra={t('field.nameRule')}
            rules={[
              { required: true, pattern: /^[a-z][a-zA-Z0-9]*$/, message: t('field.nameRule') },
              { validator: async (_, v: string) => { if (!field && (existing.includes(v) || SYSTEM_FIELDS.some((s) => s.name === v) || v === 'id' || v === 'version')) throw new Error(t('field.nameTaken')); } },
            ]}
          >
            {/* Renaming (with every reference updated) is a later step of the studio. */}
            <Input disabled={field !== null} data-testid="field-name" style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="type" label={t('field.type')} rules={[{ required: true }]}>
            <Select options={TYPES.map((v) => ({ value: v, label: v }))} style={{ width: 200 }} data-testid="field-type" showSearch />
          </Form.Item>
          <Form.Item name="required" valuePropName="checked" label=" ">
            <Checkbox data-testid="field-required">{t('field.required')}</Checkbox>
          </Form.Item>
          <Form.Item name="unique" valuePropName="checked" label=" ">
            <Checkbox data-testid="field-unique">{t('field.unique')}</Checkbox>
          </Form.Item>
        </Space>
        <Form.Item name="label" label={t('field.label')} rules={labelRules}>
          <LabelFormInput locales={locales} testId="field-label" />
        </Form.Item>
        {type === 'reference' && (
          <Space>
            <Form.Item name="target" label={t('field.target')} rules={[{ required: true }]}>
              <Select options={entities.map((e) => ({ value: e, label: e }))} style={{ width: 240 }} data-testid="field-target" />
            </Form.Item>
            <Form.Item name="onDelete" label={t('field.onDelete')}>
              <Select allowClear options={['restrict', 'cascade', 'setNull'].map((v) => ({ value: v, label: v }))} style={{ width: 200 }} />
            </Form.Item>
          </Space>
        )}
        {type && WITH_OPTIONS.has(type) && (
          <Form.List name="options">
            {(items, { add, remove }) => (
              <Form.Item label={t('field.options')} required>
                {items.map((item, i) => (
                  <Space key={item.key} align="start" data-testid="field-option">
                    <Form.Item name={[item.name, 'value']} rules={[{ required: true, pattern: /^[a-z][a-z0-9_]*$/, message: t('field.optionRule') }]}>
                      <Input placeholder={t('field.option.value')} style={{ width: 140 }} data-testid={`option-value-${i}`} />
                    </Form.Item>
                    <Form.Item name={[item.name, 'label']} rules={labelRules}>
                      <LabelFormInput locales={locales} testId={`option-label-${i}`} />
                    </Form.Item>
                    <Form.Item name={[item.name, 'color']} rules={[{ pattern: /^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, message: t('field.colorRule') }]}>
                      <ColorInput testId={`option-color-${i}`} />
                    </Form.Item>
                    <Button onClick={() => remove(item.name)} danger>
                      ×
                    </Button>
                  </Space>
                ))}
                <Button onClick={() => add({ value: '', label: Object.fromEntries(locales.map((l) => [l, ''])), color: '' })} data-testid="option-add">
                  {t('field.option.add')}
                </Button>
              </Form.Item>
            )}
          </Form.List>
        )}
        <Space>
          {type && TEXTUAL.has(type) && (
            <Form.Item name="maxLength" label={t('field.maxLength')}>
              <InputNumber min={1} />
            </Form.Item>
          )}
          {type && NUMERIC.has(type) && (
            <>
              <Form.Item name="min" label={t('field.min')}>
                <InputNumber />
              </Form.Item>
              <Form.Item name="max" label={t('field.max')}>
                <InputNumber />
              </Form.Item>
            </>
          )}
          <Form.Item name="default" label={t('field.default')}>
            {type && WITH_OPTIONS.has(type) && type === 'enum' ? (
              <Select allowClear options={(options ?? []).filter((o) => o?.value).map((o) => ({ value: o.value, label: label(o.label, o.value) }))} style={{ width: 220 }} data-testid="field-default" />
            ) : type === 'boolean' ? (
              <Select allowClear options={[{ value: true, label: 'true' }, { value: false, label: 'false' }]} style={{ width: 120 }} data-testid="field-default" />
            ) : (
              <Input style={{ width: 220 }} data-testid="field-default" disabled={type === 'multiEnum'} />
            )}
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** LabelInputs as an antd form control (value / onChange injected by Form.Item). */
function LabelFormInput({ value, onChange, locales, testId }: { value?: Label; onChange?: (v: Label) => void; locales: readonly string[]; testId: string }) {
  return <LabelInputs value={value} onChange={(v) => onChange?.(v)} locales={locales} testId={testId} />;
}

/** A hex color typed or picked, with a swatch of it. */
export function ColorInput({ value, onChange, testId }: { value?: string; onChange?: (v: string) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <Input
      value={value ?? ''}
      onChange={(e) => onChange?.(e.target.value.trim())}
      placeholder={t('field.option.color')}
      style={{ width: 150 }}
      prefix={<span style={{ display: 'inline-block', width: 14, height: 14, borderRadius: 3, background: value || 'transparent', border: '1px solid #d9d9d9' }} />}
      data-testid={testId}
    />
  );
}
