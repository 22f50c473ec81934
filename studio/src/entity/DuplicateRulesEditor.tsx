import { Button, Card, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useI18n } from '../i18n.js';
import type { DuplicateRule, Entity } from '../types.js';
import { SchemaIssues, statusAt } from '../validate/SchemaIssues.js';
import type { SchemaIssue } from '../validate/meta-validate.js';
import { LabelInputs } from './LabelInputs.js';
import { newDuplicateRule, removeAt, setAt, setMatch, withoutKey } from './entity-edit.js';

const NORMALIZERS = ['phone', 'email', 'name', 'text'] as const;

/** Duplicate rules: the fields compared, exact or fuzzy (with a threshold), normalization, block or warn. */
export function DuplicateRulesEditor({ entity, onChange, locales, issues }: { entity: Entity; onChange(next: Entity): void; locales: readonly string[]; issues: readonly SchemaIssue[] }) {
  const { t, label } = useI18n();
  const rules = entity.duplicateRules ?? [];
  const setRules = (next: DuplicateRule[]) => {
    onChange(next.length === 0 ? withoutKey(entity, 'duplicateRules') : { ...entity, duplicateRules: next });
  };
  const fieldOptions = entity.fields.filter((f) => f.type !== 'formula').map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }));
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="duplicates-editor">
      <Typography.Text type="secondary">{t('duplicate.intro')}</Typography.Text>
      {rules.map((rule, i) => {
        const at = `/duplicateRules/${i}`;
        const set = (next: DuplicateRule) => setRules(setAt(rules, i, next));
        return (
          <Card key={i} size="small" data-testid={`duplicate-rule-${i}`}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Space wrap align="start">
                <div>
                  <Input value={rule.name} onChange={(e) => set({ ...rule, name: e.target.value.trim() })} placeholder={t('field.name')} style={{ width: 170 }} status={statusAt(issues, `${at}/name`)} data-testid={`duplicate-name-${i}`} />
                  <SchemaIssues issues={issues} pointer={`${at}/name`} />
                </div>
                <div style={{ width: 420 }}>
                  <LabelInputs value={rule.label} onChange={(l) => set({ ...rule, label: l })} locales={locales} testId={`duplicate-label-${i}`} />
                  <SchemaIssues issues={issues} pointer={`${at}/label`} />
                </div>
                <Button size="small" danger onClick={() => setRules(removeAt(rules, i))}>{t('common.remove')}</Button>
              </Space>
              <Space wrap align="start">
                <div>
                  <Select mode="multiple" value={rule.fields} onChange={(fields: string[]) => set({ ...rule, fields })} options={fieldOptions} placeholder={t('duplicate.fields')} style={{ minWidth: 320 }} status={statusAt(issues, `${at}/fields`)} data-testid={`duplicate-fields-${i}`} />
                  <SchemaIssues issues={issues} pointer={`${at}/fields`} />
                </div>
                <Select value={rule.match} onChange={(m: DuplicateRule['match']) => set(setMatch(rule, m))} options={[{ value: 'exact', label: t('duplicate.exact') }, { value: 'fuzzy', label: t('duplicate.fuzzy') }]} style={{ width: 200 }} data-testid={`duplicate-match-${i}`} />
                {rule.match === 'fuzzy' && (
                  <div>
                    <InputNumber value={rule.threshold} placeholder="0.6" step={0.05} onChange={(v) => set(v === null ? withoutKey(rule, 'threshold') : { ...rule, threshold: v })} style={{ width: 150 }} addonBefore={t('duplicate.threshold')} status={statusAt(issues, `${at}/threshold`)} data-testid={`duplicate-threshold-${i}`} />
                    <SchemaIssues issues={issues} pointer={`${at}/threshold`} />
                  </div>
                )}
                <Select value={rule.normalize ?? ''} onChange={(v: string) => set(v ? { ...rule, normalize: v as DuplicateRule['normalize'] } : withoutKey(rule, 'normalize'))} options={[{ value: '', label: t('duplicate.normalize.auto') }, ...NORMALIZERS.map((n) => ({ value: n, label: t(`duplicate.normalize.${n}`) }))]} style={{ width: 240 }} data-testid={`duplicate-normalize-${i}`} />
                <Select value={rule.action} onChange={(a: DuplicateRule['action']) => set({ ...rule, action: a })} options={[{ value: 'block', label: t('duplicate.block') }, { value: 'warn', label: t('duplicate.warn') }]} style={{ width: 240 }} data-testid={`duplicate-action-${i}`} />
              </Space>
            </Space>
          </Card>
        );
      })}
      <Button onClick={() => setRules([...rules, newDuplicateRule(rules, entity.fields[0]?.name ?? '', locales)])} data-testid="duplicate-add">
        {t('duplicate.add')}
      </Button>
      <SchemaIssues issues={issues} pointer="/duplicateRules" />
    </Space>
  );
}
