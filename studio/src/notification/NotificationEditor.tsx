import { Alert, Form, Input, Select, Spin, Switch } from 'antd';
import type { Notification, NotificationTrigger } from '../../../server/src/generated/metadata.js';
import { ConditionBuilder } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { LabelInputs } from '../entity/LabelInputs.js';
import { MetadataFileFrame } from '../files/MetadataFileFrame.js';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { ChannelsInput, Item, RecipientsInput, TemplateInputs } from './MessageFields.js';
import { dateFields, pickableFields, OFFSET, TRIGGERS, withCondition, withOptional, withTriggerOn } from './notification-model.js';
import { useRuleContext, type RuleContext } from './rule-context.js';

/** The notification editor (`/studio/notifications/<name>`): a form over notifications/<name>.json. */
export function NotificationEditor({ name }: { name: string }) {
  const { label } = useI18n();
  const path = `notifications/${name}.json`;
  const file = useMetadataFile<Notification>(path);
  const { context, error } = useRuleContext();
  return (
    <MetadataFileFrame path={path} title={file.value ? label(file.value.label, name) : name} file={file} testId="notification-editor">
      {error ? <Alert type="error" title={error} /> : !context || !file.value ? <Spin /> : <NotificationForm key={file.generation} value={file.value} onChange={file.change} context={context} problems={file.problems} />}
    </MetadataFileFrame>
  );
}

function NotificationForm({ value: n, onChange, context, problems }: { value: Notification; onChange(next: Notification): void; context: RuleContext; problems: Parameters<typeof Item>[0]['problems'] }) {
  const { t, label } = useI18n();
  const { locales } = useSession();
  const fieldOptions = (fields: ReturnType<typeof pickableFields>) => fields.map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }));
  const setTrigger = (trigger: NotificationTrigger) => onChange({ ...n, trigger });
  const offsetWrong = n.trigger.offset !== undefined && !OFFSET.test(n.trigger.offset);
  const common = { context, entity: n.entity, problems };
  return (
    <Form layout="vertical" style={{ maxWidth: 960 }}>
      <Item label={t('rule.label')} pointer="/label" problems={problems} testId="ntf-label">
        <LabelInputs value={n.label} onChange={(l) => onChange({ ...n, label: l })} locales={locales} testId="ntf-label" />
      </Item>
      <Item label={t('rule.enabled')} pointer="/enabled" problems={problems} help={t('rule.enabled.help')} testId="ntf-enabled">
        <Switch checked={n.enabled !== false} onChange={(on) => onChange({ ...n, enabled: on })} data-testid="ntf-enabled" />
      </Item>
      <Item label={t('rule.entity')} pointer="/entity" problems={problems} testId="ntf-entity">
        <Select
          showSearch={{ optionFilterProp: 'label' }}
          value={n.entity}
          // Fields of the old entity mean nothing in the new one: the trigger's fields and the condition go.
          onChange={(entity: string) => {
            const next: Notification = { ...n, entity, trigger: withTriggerOn({ on: n.trigger.on }, n.trigger.on) };
            delete next.when;
            onChange(next);
          }}
          options={context.entities.map((e) => ({ value: e.name, label: `${label(e.label, e.name)} (${e.name})` }))}
          data-testid="ntf-entity"
        />
      </Item>
      <Item label={t('ntf.trigger')} pointer="/trigger" problems={problems} exact testId="ntf-trigger">
        <Select value={n.trigger.on} onChange={(on: NotificationTrigger['on']) => setTrigger(withTriggerOn(n.trigger, on))} options={TRIGGERS.map((on) => ({ value: on, label: t(`ntf.trigger.${on}`) }))} data-testid="ntf-trigger" />
      </Item>
      {n.trigger.on === 'fieldChange' && (
        <Item label={t('ntf.fields')} pointer="/trigger/fields" problems={problems} testId="ntf-fields">
          <Select mode="multiple" value={n.trigger.fields ?? []} onChange={(fields: string[]) => setTrigger({ ...n.trigger, fields })} options={fieldOptions(pickableFields(context.index, n.entity))} optionFilterProp="label" data-testid="ntf-fields" />
        </Item>
      )}
      {n.trigger.on === 'date' && (
        <>
          <Item label={t('ntf.dateField')} pointer="/trigger/dateField" problems={problems} testId="ntf-date-field">
            <Select showSearch={{ optionFilterProp: 'label' }} value={n.trigger.dateField} onChange={(dateField: string) => setTrigger({ ...n.trigger, dateField })} options={fieldOptions(dateFields(context.index, n.entity))} data-testid="ntf-date-field" />
          </Item>
          <Item label={t('ntf.offset')} pointer="/trigger/offset" problems={problems} local={offsetWrong ? [t('ntf.offset.problem')] : []} help={t('ntf.offset.help')} testId="ntf-offset">
            <Input
              value={n.trigger.offset ?? ''}
              placeholder="-P3D"
              onChange={(e) => setTrigger(withOptional(n.trigger, 'offset', e.target.value.trim() || undefined))}
              style={{ width: 220 }}
              data-testid="ntf-offset"
            />
          </Item>
        </>
      )}
      <Item label={t('rule.when')} pointer="/when" problems={problems} testId="ntf-when">
        <ConditionBuilder key={n.entity} value={n.when as JsonCondition | undefined} fields={pickableFields(context.index, n.entity)} testId="ntf-when" onChange={(when) => onChange(withCondition(n, when))} />
      </Item>
      <RecipientsInput {...common} value={n.recipients} onChange={(recipients) => onChange({ ...n, recipients })} pointer="/recipients" testId="ntf-recipients" />
      <ChannelsInput value={n.channels} onChange={(channels) => onChange({ ...n, channels })} pointer="/channels" problems={problems} testId="ntf-channels" />
      <TemplateInputs {...common} value={n.subject} onChange={(subject) => onChange({ ...n, subject })} locales={locales} labelKey="rule.subject" pointer="/subject" testId="ntf-subject" />
      <TemplateInputs {...common} value={n.body} onChange={(body) => onChange(withOptional(n, 'body', Object.keys(body).length > 0 ? body : undefined))} locales={locales} multiline labelKey="rule.body" pointer="/body" testId="ntf-body" />
    </Form>
  );
}

