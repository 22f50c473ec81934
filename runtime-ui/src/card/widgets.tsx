// The rjsf widgets named by the server's uiSchema (`ui:widget`): reference, user, phone, money,
// percent, enumColor, stage, date, date-time, checkboxes, file.
import type { RegistryWidgetsType, WidgetProps } from '@rjsf/utils';
import { Checkbox, DatePicker, Input, InputNumber, Select, Space, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useRef } from 'react';
import { Link } from 'react-router-dom';
import { formatNumber, formatPhone, valueText } from '../format.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { RecordPicker } from './RecordPicker.js';

/** What the card gives its widgets through rjsf's formContext. */
export interface CardFormContext {
  entity: string;
  /** Titles of the current reference values (the record's `$titles`, then the user's picks). */
  titles: Record<string, string>;
  setTitle(field: string, title: string | undefined): void;
}

function contextOf(props: WidgetProps): CardFormContext {
  return props.registry.formContext as CardFormContext;
}

/** How a read-only value reads: the same text as in lists. */
function ReadOnlyValue(props: WidgetProps) {
  const i18n = useI18n();
  const session = useSession();
  const ctx = contextOf(props);
  const field = session.field(ctx.entity, props.name);
  const text = field ? valueText(field, props.value, { i18n, meta: session.meta, titles: ctx.titles }) : props.value === undefined || props.value === null ? '' : String(props.value);
  return (
    <Typography.Text id={props.id} data-testid={`readonly-${props.name}`}>
      {text || '—'}
    </Typography.Text>
  );
}

function ReferenceWidget(props: WidgetProps) {
  const ctx = contextOf(props);
  const target = String(props.options.target ?? '');
  const value = typeof props.value === 'string' ? props.value : undefined;
  if (props.readonly) {
    const title = value ? (ctx.titles[props.name] ?? value) : '—';
    return value && target ? <Link to={`/data/${target}/${value}`}>{title}</Link> : <Typography.Text>{title}</Typography.Text>;
  }
  return (
    <RecordPicker
      id={props.id}
      testId={`ref-${props.name}`}
      target={target}
      value={value}
      title={value ? ctx.titles[props.name] : undefined}
      disabled={props.disabled}
      status={props.rawErrors?.length ? 'error' : undefined}
      onChange={(next, title) => {
        ctx.setTitle(props.name, title);
        props.onChange(next);
      }}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
    />
  );
}

function PhoneWidget(props: WidgetProps) {
  const session = useSession();
  const edited = useRef(false);
  const region = String(props.options.region ?? session.meta.phoneRegion);
  const raw = typeof props.value === 'string' ? props.value : '';
  if (props.readonly) return <ReadOnlyValue {...props} />;
  // A number typed in any form reads in the international format once the user leaves the
  // input; an untouched value stays as stored, so opening a card changes nothing.
  return (
    <Input
      id={props.id}
      type="tel"
      value={raw}
      disabled={props.disabled}
      status={props.rawErrors?.length ? 'error' : undefined}
      onChange={(e) => {
        edited.current = true;
        props.onChange(e.target.value === '' ? props.options.emptyValue : e.target.value);
      }}
      onFocus={() => props.onFocus(props.id, props.value)}
      onBlur={() => {
        const formatted = raw && edited.current ? formatPhone(raw, region) : raw;
        edited.current = false;
        if (formatted !== raw) props.onChange(formatted);
        props.onBlur(props.id, formatted || props.value);
      }}
    />
  );
}

function NumberInput(props: WidgetProps & { suffix: string; scale: number }) {
  const i18n = useI18n();
  if (props.readonly) return <ReadOnlyValue {...props} />;
  const value = typeof props.value === 'number' ? props.value : null;
  return (
    <InputNumber<number>
      id={props.id}
      style={{ width: '100%' }}
      value={value}
      precision={props.scale}
      min={props.schema.minimum}
      max={props.schema.maximum}
      suffix={props.suffix}
      disabled={props.disabled}
      status={props.rawErrors?.length ? 'error' : undefined}
      formatter={(v, info) => (info.userTyping || v === undefined || String(v) === '' ? String(info.input) : formatNumber(Number(v), i18n.locale, { minimumFractionDigits: props.scale, maximumFractionDigits: props.scale }))}
      parser={(text) => Number((text ?? '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'))}
      onChange={(v) => props.onChange(v ?? undefined)}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
    />
  );
}

function MoneyWidget(props: WidgetProps) {
  const session = useSession();
  const currency = String(props.options.currency ?? session.meta.currency).toUpperCase();
  const scale = typeof props.options.scale === 'number' ? props.options.scale : 2;
  return <NumberInput {...props} suffix={currency} scale={scale} />;
}

function PercentWidget(props: WidgetProps) {
  const scale = typeof props.options.scale === 'number' ? props.options.scale : 2;
  return <NumberInput {...props} suffix="%" scale={scale} />;
}

function colorsOf(props: WidgetProps): Record<string, string> {
  return (props.options.colors ?? {}) as Record<string, string>;
}

function enumChoices(props: WidgetProps): Array<{ value: string; label: string; color?: string }> {
  const colors = colorsOf(props);
  return (props.options.enumOptions ?? []).filter((o) => o.value !== null && o.value !== '').map((o) => ({ value: String(o.value), label: String(o.label), color: colors[String(o.value)] }));
}

function EnumColorWidget(props: WidgetProps) {
  const choices = enumChoices(props);
  if (props.readonly) {
    const choice = choices.find((c) => c.value === props.value);
    return choice ? <Tag color={choice.color}>{choice.label}</Tag> : <Typography.Text>—</Typography.Text>;
  }
  const tag = (value: unknown) => {
    const choice = choices.find((c) => c.value === value);
    return choice ? <Tag color={choice.color}>{choice.label}</Tag> : null;
  };
  return (
    <Select<string>
      id={props.id}
      style={{ width: '100%' }}
      value={typeof props.value === 'string' ? props.value : undefined}
      allowClear={!props.required}
      disabled={props.disabled}
      status={props.rawErrors?.length ? 'error' : undefined}
      options={choices.map((c) => ({ value: c.value, label: c.label }))}
      optionRender={(option) => tag(option.value)}
      labelRender={(option) => tag(option.value)}
      showSearch={{ optionFilterProp: 'label' }}
      onChange={(v) => props.onChange(v ?? props.options.emptyValue)}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
    />
  );
}

function CheckboxesWidget(props: WidgetProps) {
  const choices = enumChoices(props);
  const value = Array.isArray(props.value) ? (props.value as string[]) : [];
  if (props.readonly)
    return (
      <Space size={[0, 4]} wrap>
        {choices
          .filter((c) => value.includes(c.value))
          .map((c) => (
            <Tag key={c.value} color={c.color}>
              {c.label}
            </Tag>
          ))}
      </Space>
    );
  return (
    <div id={props.id}>
    <Checkbox.Group
      value={value}
      disabled={props.disabled}
      options={choices.map((c) => ({ value: c.value, label: <Tag color={c.color}>{c.label}</Tag> }))}
      onChange={(next) => props.onChange(next.length ? next : props.options.emptyValue)}
    />
    </div>
  );
}

/** The stage bar: every stage with its probability; a click moves the record there. */
function StageWidget(props: WidgetProps) {
  const i18n = useI18n();
  const session = useSession();
  const ctx = contextOf(props);
  const stages = session.entity(ctx.entity)?.stages ?? [];
  const current = stages.findIndex((s) => s.value === props.value);
  const editable = !props.readonly && !props.disabled;
  return (
    <div id={props.id} role="radiogroup" className="cardo-stage-bar" style={{ display: 'flex', gap: 2, width: '100%' }}>
      {stages.map((stage, index) => {
        const selected = index === current;
        // Open stages fill up to the current one; a closing stage is colored only when reached.
        const reached = selected || (index < current && stage.outcome === undefined);
        const color = stage.color ?? (stage.outcome === 'lost' ? '#ff4d4f' : stage.outcome === 'won' ? '#52c41a' : '#1677ff');
        return (
          <Tooltip key={stage.value} title={`${i18n.label(stage.label, stage.value)} — ${stage.probability} %`}>
            <button
              type="button"
              role="radio"
              aria-checked={selected}
              data-testid={`stage-${stage.value}`}
              disabled={!editable}
              onClick={() => props.onChange(stage.value)}
              style={{
                flex: 1,
                minWidth: 0,
                padding: '4px 6px',
                border: `1px solid ${reached ? color : '#d9d9d9'}`,
                background: reached ? color : '#fafafa',
                color: reached ? '#fff' : 'rgba(0,0,0,0.65)',
                fontWeight: selected ? 600 : 400,
                cursor: editable ? 'pointer' : 'default',
                borderRadius: index === 0 ? '4px 0 0 4px' : index === stages.length - 1 ? '0 4px 4px 0' : 0,
                lineHeight: 1.2,
                textAlign: 'center',
                overflow: 'hidden',
              }}
            >
              <div style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis', fontSize: 12 }}>{i18n.label(stage.label, stage.value)}</div>
              <div style={{ fontSize: 11, opacity: 0.85 }}>{stage.probability} %</div>
            </button>
          </Tooltip>
        );
      })}
    </div>
  );
}

function DateWidget(props: WidgetProps) {
  if (props.readonly) return <ReadOnlyValue {...props} />;
  const value = typeof props.value === 'string' && props.value ? dayjs(props.value, 'YYYY-MM-DD') : null;
  return (
    <DatePicker
      id={props.id}
      style={{ width: '100%' }}
      value={value}
      format="DD.MM.YYYY"
      disabled={props.disabled}
      status={props.rawErrors?.length ? 'error' : undefined}
      onChange={(d) => props.onChange(d ? d.format('YYYY-MM-DD') : props.options.emptyValue)}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
    />
  );
}

function DateTimeWidget(props: WidgetProps) {
  if (props.readonly) return <ReadOnlyValue {...props} />;
  const value = typeof props.value === 'string' && props.value ? dayjs(props.value) : null;
  return (
    <DatePicker
      id={props.id}
      style={{ width: '100%' }}
      value={value}
      showTime={{ format: 'HH:mm' }}
      format="DD.MM.YYYY HH:mm"
      disabled={props.disabled}
      status={props.rawErrors?.length ? 'error' : undefined}
      onChange={(d) => props.onChange(d ? d.toISOString() : props.options.emptyValue)}
      onBlur={() => props.onBlur(props.id, props.value)}
      onFocus={() => props.onFocus(props.id, props.value)}
    />
  );
}

/** A stored file (sys_file) chosen by name; uploading is not part of the record API yet. */
function FileWidget(props: WidgetProps) {
  return <ReferenceWidget {...props} options={{ ...props.options, target: String(props.options.target ?? 'sys_file') }} />;
}

export const cardWidgets: RegistryWidgetsType = {
  reference: ReferenceWidget,
  user: ReferenceWidget,
  phone: PhoneWidget,
  money: MoneyWidget,
  percent: PercentWidget,
  enumColor: EnumColorWidget,
  stage: StageWidget,
  date: DateWidget,
  'date-time': DateTimeWidget,
  checkboxes: CheckboxesWidget,
  file: FileWidget,
};
