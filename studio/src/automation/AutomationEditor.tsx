import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Spin, Switch } from 'antd';
import type { Action, ActionValues, Automation } from '../../../server/src/generated/metadata.js';
import { ConditionBuilder } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { LabelInputs } from '../entity/LabelInputs.js';
import { move } from '../entity/entity-edit.js';
import { MetadataFileFrame } from '../files/MetadataFileFrame.js';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import { ChannelsInput, Item, RecipientsInput, TemplateInputs } from '../notification/MessageFields.js';
import { pickableFields, referenceFields, settableFields, withCondition, withOptional } from '../notification/notification-model.js';
import { useRuleContext, type RuleContext } from '../notification/rule-context.js';
import { useSession } from '../session.js';
import type { Field, MetadataProblem } from '../types.js';
import { ACTION_KINDS, isExpression, newAction, removeValue, renameValue, setValue, withWrites, WRITES, type ActionKind } from './automation-model.js';

/** The automation editor (`/studio/automations/<name>`): a form over automations/<name>.json. */
export function AutomationEditor({ name }: { name: string }) {
  const { label } = useI18n();
  const path = `automations/${name}.json`;
  const file = useMetadataFile<Automation>(path);
  const { context, error } = useRuleContext();
  return (
    <MetadataFileFrame path={path} title={file.value ? label(file.value.label, name) : name} file={file} testId="automation-editor">
      {error ? <Alert type="error" title={error} /> : !context || !file.value ? <Spin /> : <AutomationForm key={file.generation} value={file.value} onChange={file.change} context={context} problems={file.problems} />}
    </MetadataFileFrame>
  );
}

type Problems = readonly MetadataProblem[];
const fieldOption = (label: (l: Field['label'], fallback: string) => string) => (f: Field) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` });

function AutomationForm({ value: a, onChange, context, problems }: { value: Automation; onChange(next: Automation): void; context: RuleContext; problems: Problems }) {
  const { t, label } = useI18n();
  const { locales } = useSession();
  const setAction = (i: number, action: Action) => onChange({ ...a, do: a.do.map((x, j) => (j === i ? action : x)) });
  return (
    <Form layout="vertical" style={{ maxWidth: 1100 }}>
      <Item label={t('rule.label')} pointer="/label" problems={problems} testId="auto-label">
        <LabelInputs value={a.label} onChange={(l) => onChange({ ...a, label: l })} locales={locales} testId="auto-label" />
      </Item>
      <Item label={t('rule.enabled')} pointer="/enabled" problems={problems} help={t('rule.enabled.help')} testId="auto-enabled">
        <Switch checked={a.enabled !== false} onChange={(on) => onChange({ ...a, enabled: on })} data-testid="auto-enabled" />
      </Item>
      <Item label={t('rule.entity')} pointer="/entity" problems={problems} testId="auto-entity">
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          value={a.entity}
          // The watched fields and the condition name fields of the old entity: they go with it.
          onChange={(entity: string) => {
            const next = { ...a, entity };
            delete next.fields;
            delete next.when;
            onChange(next);
          }}
          options={context.entities.map((e) => ({ value: e.name, label: `${label(e.label, e.name)} (${e.name})` }))}
          data-testid="auto-entity"
        />
      </Item>
      <Item label={t('auto.on')} pointer="/on" problems={problems} testId="auto-on">
        <Checkbox.Group value={a.on} onChange={(on) => onChange(withWrites(a, on))} options={WRITES.map((w) => ({ value: w, label: <span data-testid={`auto-on-${w}`}>{t(`auto.on.${w}`)}</span> }))} />
      </Item>
      {a.on.includes('update') && (
        <Item label={t('auto.fields')} pointer="/fields" problems={problems} testId="auto-fields">
          <Select mode="multiple" allowClear value={a.fields ?? []} onChange={(fields: string[]) => onChange(withOptional(a, 'fields', fields.length > 0 ? fields : undefined))} options={pickableFields(context.index, a.entity).map(fieldOption(label))} optionFilterProp="label" data-testid="auto-fields" />
        </Item>
      )}
      <Item label={t('rule.when')} pointer="/when" problems={problems} testId="auto-when">
        <ConditionBuilder key={a.entity} value={a.when as JsonCondition | undefined} fields={pickableFields(context.index, a.entity)} testId="auto-when" onChange={(when) => onChange(withCondition(a, when))} />
      </Item>
      <Item label={t('auto.actions')} pointer="/do" problems={problems} exact testId="auto-actions">
        <Space orientation="vertical" style={{ width: '100%' }}>
          {a.do.map((action, i) => (
            <Card
              key={i}
              size="small"
              data-testid={`auto-action-${i}`}
              title={
                <Space>
                  {t('auto.action', { n: i + 1 })}
                  <Select value={action.action} onChange={(kind: ActionKind) => kind !== action.action && setAction(i, newAction(kind, locales))} options={ACTION_KINDS.map((k) => ({ value: k, label: t(`auto.action.${k}` as MessageKey) }))} style={{ width: 260 }} data-testid={`auto-action-${i}-kind`} />
                </Space>
              }
              extra={
                <Space>
                  <Button size="small" disabled={i === 0} onClick={() => onChange({ ...a, do: move(a.do, i, i - 1) })} data-testid={`auto-action-${i}-up`}>↑</Button>
                  <Button size="small" disabled={i === a.do.length - 1} onClick={() => onChange({ ...a, do: move(a.do, i, i + 1) })} data-testid={`auto-action-${i}-down`}>↓</Button>
                  <Button size="small" danger onClick={() => onChange({ ...a, do: a.do.filter((_, j) => j !== i) })} data-testid={`auto-action-${i}-remove`}>
                    {t('common.remove')}
                  </Button>
                </Space>
              }
            >
              <ActionEditor action={action} onChange={(next) => setAction(i, next)} automation={a} context={context} problems={problems} pointer={`/do/${i}`} testId={`auto-action-${i}`} />
            </Card>
          ))}
          <Select<ActionKind> placeholder={t('auto.addAction')} value={null} onChange={(kind) => onChange({ ...a, do: [...a.do, newAction(kind, locales)] })} options={ACTION_KINDS.map((k) => ({ value: k, label: t(`auto.action.${k}` as MessageKey) }))} style={{ width: 300 }} data-testid="auto-add-action" />
        </Space>
      </Item>
    </Form>
  );
}

interface ActionProps<A extends Action = Action> {
  action: A;
  onChange(next: A): void;
  automation: Automation;
  context: RuleContext;
  problems: Problems;
  pointer: string;
  testId: string;
}

function ActionEditor(props: ActionProps) {
  const { t, label } = useI18n();
  const { locales } = useSession();
  const { action, automation, context, problems, pointer, testId } = props;
  const entityOptions = context.entities.map((e) => ({ value: e.name, label: `${label(e.label, e.name)} (${e.name})` }));
  const references = referenceFields(context.index, automation.entity).map(fieldOption(label));
  switch (action.action) {
    case 'createRecord': {
      const onChange = props.onChange as (next: typeof action) => void;
      return (
        <>
          <Item label={t('auto.targetEntity')} pointer={`${pointer}/entity`} problems={problems} testId={`${testId}-entity`}>
            <Select showSearch={{ optionFilterProp: 'label' }} value={action.entity || undefined} onChange={(entity: string) => onChange({ ...action, entity, values: {} })} options={entityOptions} data-testid={`${testId}-entity`} />
          </Item>
          <Item pointer={`${pointer}/link`} problems={problems} testId={`${testId}-link`}>
            <Checkbox checked={action.link === true} onChange={(e) => onChange(withOptional(action, 'link', e.target.checked ? true : undefined))} data-testid={`${testId}-link`}>
              {t('auto.linkNew')}
            </Checkbox>
          </Item>
          <ValuesEditor values={action.values} onChange={(values) => onChange({ ...action, values })} fields={settableFields(context.index, action.entity)} problems={problems} pointer={`${pointer}/values`} testId={`${testId}-values`} />
        </>
      );
    }
    case 'setField': {
      const onChange = props.onChange as (next: typeof action) => void;
      const target = action.target ? context.index.field(automation.entity, action.target) : undefined;
      const targetEntity = action.target ? (target && context.index.targetOf(target)) ?? '' : automation.entity;
      return (
        <>
          <Item label={t('auto.target')} pointer={`${pointer}/target`} problems={problems} testId={`${testId}-target`}>
            <Select value={action.target ?? ''} onChange={(v: string) => onChange({ ...withOptional(action, 'target', v || undefined), values: {} })} options={[{ value: '', label: t('auto.target.self') }, ...references]} data-testid={`${testId}-target`} />
          </Item>
          <ValuesEditor values={action.values} onChange={(values) => onChange({ ...action, values })} fields={settableFields(context.index, targetEntity)} problems={problems} pointer={`${pointer}/values`} testId={`${testId}-values`} />
        </>
      );
    }
    case 'link': {
      const onChange = props.onChange as (next: typeof action) => void;
      return (
        <Space wrap align="start">
          <Item label={t('auto.linkTo')} pointer={`${pointer}/to`} problems={problems} testId={`${testId}-to`}>
            <Select value={action.to || undefined} onChange={(to: string) => onChange({ ...action, to })} options={references} style={{ width: 300 }} data-testid={`${testId}-to`} />
          </Item>
          <Item label={t('auto.linkKind')} pointer={`${pointer}/kind`} problems={problems} testId={`${testId}-kind-name`}>
            <Input value={action.kind ?? ''} placeholder="related" onChange={(e) => onChange(withOptional(action, 'kind', e.target.value || undefined))} style={{ width: 200 }} data-testid={`${testId}-kind-name`} />
          </Item>
        </Space>
      );
    }
    case 'startWorkflow': {
      const onChange = props.onChange as (next: typeof action) => void;
      return (
        <Item label={t('auto.process')} pointer={`${pointer}/process`} problems={problems} testId={`${testId}-process`}>
          <Select showSearch value={action.process || undefined} onChange={(process: string) => onChange({ ...action, process })} options={context.workflows.map((w) => ({ value: w, label: w }))} style={{ width: 300 }} data-testid={`${testId}-process`} />
        </Item>
      );
    }
    case 'notify': {
      const onChange = props.onChange as (next: typeof action) => void;
      const common = { context, entity: automation.entity, problems };
      return (
        <>
          <RecipientsInput {...common} value={action.recipients} onChange={(recipients) => onChange({ ...action, recipients })} pointer={`${pointer}/recipients`} testId={`${testId}-recipients`} />
          <ChannelsInput value={action.channels} onChange={(channels) => onChange({ ...action, channels })} pointer={`${pointer}/channels`} problems={problems} testId={`${testId}-channels`} />
          <TemplateInputs {...common} value={action.subject} onChange={(subject) => onChange({ ...action, subject })} locales={locales} labelKey="rule.subject" pointer={`${pointer}/subject`} testId={`${testId}-subject`} />
          <TemplateInputs {...common} value={action.body} onChange={(body) => onChange(withOptional(action, 'body', Object.keys(body).length > 0 ? body : undefined))} locales={locales} multiline labelKey="rule.body" pointer={`${pointer}/body`} testId={`${testId}-body`} />
        </>
      );
    }
  }
}

const NUMERIC = new Set(['integer', 'decimal', 'money', 'percent']);

/** Field → value rows; a value is a literal typed by the field, or an expression ({"$expr": …}). */
function ValuesEditor({ values, onChange, fields, problems, pointer, testId }: { values: ActionValues; onChange(next: ActionValues): void; fields: readonly Field[]; problems: Problems; pointer: string; testId: string }) {
  const { t, label } = useI18n();
  const unused = fields.find((f) => !Object.hasOwn(values, f.name));
  return (
    <Item label={t('auto.values')} pointer={pointer} problems={problems} exact help={t('auto.value.help')} testId={testId}>
      <Space orientation="vertical" style={{ width: '100%' }} data-testid={testId}>
        {Object.entries(values).map(([name, value], i) => {
          const field = fields.find((f) => f.name === name);
          const expression = isExpression(value);
          const vp = `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
          return (
            <Item key={name} pointer={vp} problems={problems} testId={`${testId}-${i}`}>
              <Space wrap>
                <Select showSearch={{ optionFilterProp: 'label' }} value={name} onChange={(next: string) => onChange(renameValue(values, name, next))} options={fields.filter((f) => f.name === name || !Object.hasOwn(values, f.name)).map(fieldOption(label))} style={{ width: 260 }} data-testid={`${testId}-${i}-field`} />
                <Checkbox checked={expression} onChange={(e) => onChange(setValue(values, name, e.target.checked ? { $expr: '' } : null))} data-testid={`${testId}-${i}-expression`}>
                  {t('auto.value.expression')}
                </Checkbox>
                {expression ? (
                  <Input value={value.$expr} onChange={(e) => onChange(setValue(values, name, { $expr: e.target.value }))} placeholder="record.amount * 2" style={{ width: 320, fontFamily: 'monospace' }} data-testid={`${testId}-${i}-value`} />
                ) : (
                  <LiteralInput field={field} value={value ?? null} onChange={(v) => onChange(setValue(values, name, v))} testId={`${testId}-${i}-value`} />
                )}
                <Button size="small" type="text" danger onClick={() => onChange(removeValue(values, name))} aria-label={t('common.remove')} data-testid={`${testId}-${i}-remove`}>
                  ×
                </Button>
              </Space>
            </Item>
          );
        })}
        {unused && (
          <Button size="small" onClick={() => onChange(setValue(values, unused.name, null))} data-testid={`${testId}-add`}>
            {t('auto.value.add')}
          </Button>
        )}
      </Space>
    </Item>
  );
}

type Scalar = string | number | boolean | null;

function LiteralInput({ field, value, onChange, testId }: { field: Field | undefined; value: Scalar; onChange(next: Scalar): void; testId: string }) {
  const { label } = useI18n();
  const style = { width: 320 };
  if (field?.type === 'boolean') return <Select value={value} onChange={onChange} options={[{ value: true, label: 'true' }, { value: false, label: 'false' }]} style={{ width: 120 }} data-testid={testId} />;
  if (field?.options) return <Select allowClear value={typeof value === 'string' ? value : undefined} onChange={(v: string | undefined) => onChange(v ?? null)} options={field.options.map((o) => ({ value: o.value, label: label(o.label, o.value) }))} style={style} data-testid={testId} />;
  if (field && NUMERIC.has(field.type)) return <InputNumber value={typeof value === 'number' ? value : null} onChange={(v) => onChange(v)} style={style} data-testid={testId} />;
  return <Input value={value === null ? '' : String(value)} onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)} style={style} data-testid={testId} />;
}
