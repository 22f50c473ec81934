// The parts of a message shared by notifications and the automations' notify action:
// recipients, channels and localized templates with insertable {{path}} placeholders.
import { Button, Checkbox, Form, Input, Select, Space, Tag } from 'antd';
import { useRef, type ReactNode } from 'react';
import type { Channels, LocalizedTemplate, Recipients } from '../../../server/src/generated/metadata.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import type { MetadataProblem } from '../types.js';
import { CHANNELS, formatRecipient, parseRecipient, placeholders, problemsAt, templateProblems, userFields, type RecipientParts } from './notification-model.js';
import type { RuleContext } from './rule-context.js';

/**
 * A form item that shows, under its control, what is wrong with it: the checks made as the
 * consultant types (`local`) and the server's problems at its pointer (and below it, unless `exact`).
 */
export function Item({ label, pointer, problems, local = [], help, exact, testId, children }: { label?: ReactNode; pointer: string; problems: readonly MetadataProblem[]; local?: readonly string[]; help?: ReactNode; exact?: boolean; testId: string; children: ReactNode }) {
  const messages = [...local, ...(exact ? problems.filter((p) => p.pointer === pointer) : problemsAt(problems, pointer)).map((p) => p.message)];
  return (
    <Form.Item label={label} validateStatus={messages.length > 0 ? 'error' : undefined} help={messages.length > 0 ? <span data-testid={`problem-${testId}`}>{messages.join(' ')}</span> : help} style={{ marginBottom: 12 }}>
      {children}
    </Form.Item>
  );
}

interface Common {
  context: RuleContext;
  entity: string;
  pointer: string;
  problems: readonly MetadataProblem[];
  testId: string;
}

const RECIPIENT_KINDS = ['owner', 'field', 'role', 'manager'] as const;

export function RecipientsInput({ value, onChange, context, entity, pointer, problems, testId }: Common & { value: Recipients; onChange(next: Recipients): void }) {
  const { t, label } = useI18n();
  const users = userFields(context.index, entity).map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }));
  const roles = context.roles.map((r) => ({ value: r.name, label: `${label(r.label, r.name)} (${r.name})` }));
  const firstUser = users[0]?.value ?? 'owner';
  const ofKind = (kind: (typeof RECIPIENT_KINDS)[number]): RecipientParts => (kind === 'owner' ? { kind } : kind === 'role' ? { kind, role: roles[0]?.value ?? '' } : { kind, field: kind === 'manager' ? 'owner' : firstUser });
  const set = (i: number, parts: RecipientParts) => onChange(value.map((r, j) => (j === i ? formatRecipient(parts) : r)));
  const unused = [ofKind('owner'), ...users.map((u) => ({ kind: 'field' as const, field: u.value }))].map(formatRecipient).find((r) => !value.includes(r));
  return (
    <Item label={t('rule.recipients')} pointer={pointer} problems={problems} exact testId={testId}>
      <Space orientation="vertical" style={{ width: '100%' }} data-testid={testId}>
        {value.map((recipient, i) => {
          const parts = parseRecipient(recipient);
          const problem = problemsAt(problems, `${pointer}/${i}`).map((p) => p.message);
          return (
            <Space key={i} wrap data-testid={`${testId}-${i}`}>
              <Select value={parts.kind} onChange={(kind: RecipientParts['kind']) => set(i, ofKind(kind))} options={RECIPIENT_KINDS.map((k) => ({ value: k, label: t(`rule.recipient.${k}` as MessageKey) }))} style={{ width: 220 }} data-testid={`${testId}-${i}-kind`} />
              {parts.kind === 'role' && <Select showSearch={{ optionFilterProp: 'label' }} value={parts.role || undefined} onChange={(role: string) => set(i, { kind: 'role', role })} options={roles} style={{ width: 260 }} status={problem.length ? 'error' : undefined} data-testid={`${testId}-${i}-value`} />}
              {(parts.kind === 'field' || parts.kind === 'manager') && <Select showSearch={{ optionFilterProp: 'label' }} value={parts.field || undefined} onChange={(field: string) => set(i, { kind: parts.kind, field })} options={users} style={{ width: 260 }} status={problem.length ? 'error' : undefined} data-testid={`${testId}-${i}-value`} />}
              <Button size="small" type="text" danger onClick={() => onChange(value.filter((_, j) => j !== i))} aria-label={t('common.remove')} data-testid={`${testId}-${i}-remove`}>
                ×
              </Button>
              {problem.length > 0 && <span style={{ color: '#ff4d4f' }}>{problem.join(' ')}</span>}
            </Space>
          );
        })}
        {unused !== undefined && (
          <Button size="small" onClick={() => onChange([...value, unused])} data-testid={`${testId}-add`}>
            {t('rule.recipient.add')}
          </Button>
        )}
      </Space>
    </Item>
  );
}

export function ChannelsInput({ value, onChange, pointer, problems, testId }: Pick<Common, 'pointer' | 'problems' | 'testId'> & { value: Channels | undefined; onChange(next: Channels): void }) {
  const { t } = useI18n();
  return (
    <Item label={t('rule.channels')} pointer={pointer} problems={problems} testId={testId}>
      {/* Kept in the schema's order whatever order they are ticked in, so the file does not churn. */}
      <Checkbox.Group value={value ?? []} onChange={(next) => onChange(CHANNELS.filter((c) => next.includes(c)))} options={CHANNELS.map((c) => ({ value: c, label: <span data-testid={`${testId}-${c}`}>{t(`rule.channel.${c}`)}</span> }))} />
    </Item>
  );
}

/** One template per application locale, checked as typed with the server's rule; a picker inserts {{path}} at the caret. */
export function TemplateInputs({ value, onChange, locales, multiline, labelKey, context, entity, pointer, problems, testId }: Common & { value: LocalizedTemplate | undefined; onChange(next: LocalizedTemplate): void; locales: readonly string[]; multiline?: boolean; labelKey: MessageKey }) {
  const { t, label } = useI18n();
  const caret = useRef<Record<string, number>>({});
  const options = placeholders(context.index, entity).map((p) => ({ value: p.path, label: `${p.labels.map((l, i) => label(l, p.path.split('.')[i] ?? '')).join(' → ')} {{${p.path}}}` }));
  const setText = (locale: string, text: string) => {
    const next = { ...value, [locale]: text };
    // An empty locale is left out rather than written as "" (the server would flag an empty template less clearly).
    if (text === '') delete next[locale];
    onChange(next);
  };
  const insert = (locale: string, path: string) => {
    const text = value?.[locale] ?? '';
    const at = Math.min(caret.current[locale] ?? text.length, text.length);
    const token = `{{${path}}}`;
    caret.current[locale] = at + token.length;
    setText(locale, text.slice(0, at) + token + text.slice(at));
  };
  const remember = (locale: string) => (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
    caret.current[locale] = e.currentTarget.selectionStart ?? e.currentTarget.value.length;
  };
  return (
    <Form.Item label={t(labelKey)} help={t('rule.placeholders.help')} style={{ marginBottom: 16 }}>
      {locales.map((locale) => {
        const text = value?.[locale] ?? '';
        const props = { value: text, onSelect: remember(locale), onKeyUp: remember(locale), onClick: remember(locale), 'data-testid': `${testId}-${locale}` };
        return (
          <Item key={locale} pointer={`${pointer}/${locale}`} problems={problems} local={templateProblems(context.index, entity, text)} testId={`${testId}-${locale}`}>
            <Space.Compact style={{ width: '100%' }}>
              <Tag style={{ alignSelf: 'center' }}>{locale}</Tag>
              {multiline ? <Input.TextArea autoSize={{ minRows: 3 }} {...props} onChange={(e) => setText(locale, e.target.value)} /> : <Input {...props} onChange={(e) => setText(locale, e.target.value)} />}
              <Select showSearch={{ optionFilterProp: 'label' }} placeholder={t('rule.insert')} value={null} onChange={(path: string) => insert(locale, path)} options={options} style={{ width: 220 }} popupMatchSelectWidth={420} data-testid={`${testId}-${locale}-insert`} />
            </Space.Compact>
          </Item>
        );
      })}
    </Form.Item>
  );
}
