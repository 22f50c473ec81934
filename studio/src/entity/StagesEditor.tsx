import { Button, Card, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useI18n } from '../i18n.js';
import type { Entity, Stage } from '../types.js';
import { SchemaIssues, statusAt } from '../validate/SchemaIssues.js';
import type { SchemaIssue } from '../validate/meta-validate.js';
import { ColorInput } from './FieldEditor.js';
import { LabelInputs } from './LabelInputs.js';
import { move, newStage, removeAt, setAt, withoutKey } from './entity-edit.js';

/** The stages of the entity's stage field: value, label, probability, color and outcome, in order. */
export function StagesEditor({ entity, onChange, locales, issues }: { entity: Entity; onChange(next: Entity): void; locales: readonly string[]; issues: readonly SchemaIssue[] }) {
  const { t } = useI18n();
  const stages = entity.stages ?? [];
  const setStages = (next: Stage[]) => {
    onChange(next.length === 0 ? withoutKey(entity, 'stages') : { ...entity, stages: next });
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="stages-editor">
      <Typography.Text type="secondary">{t('stage.intro')}</Typography.Text>
      <SchemaIssues issues={issues} pointer="/stages" />
      {stages.map((stage, i) => {
        const at = `/stages/${i}`;
        const set = (next: Stage) => setStages(setAt(stages, i, next));
        return (
          <Card key={i} size="small" style={{ borderLeft: `6px solid ${stage.color ?? '#d9d9d9'}` }} data-testid={`stage-${i}`}>
            <Space wrap align="start">
              <div>
                <Input value={stage.value} onChange={(e) => set({ ...stage, value: e.target.value.trim() })} placeholder={t('field.option.value')} style={{ width: 170 }} status={statusAt(issues, `${at}/value`)} data-testid={`stage-value-${i}`} />
                <SchemaIssues issues={issues} pointer={`${at}/value`} />
              </div>
              <div style={{ width: 380 }}>
                <LabelInputs value={stage.label} onChange={(label) => set({ ...stage, label })} locales={locales} testId={`stage-label-${i}`} />
                <SchemaIssues issues={issues} pointer={`${at}/label`} />
              </div>
              <div>
                {/* No min/max here: an out-of-range number is shown as a schema error, not silently clamped. */}
                <InputNumber value={stage.probability} onChange={(v) => set({ ...stage, probability: v as number })} addonAfter="%" style={{ width: 120 }} status={statusAt(issues, `${at}/probability`)} data-testid={`stage-probability-${i}`} aria-label={t('stage.probability')} />
                <SchemaIssues issues={issues} pointer={`${at}/probability`} />
              </div>
              <div>
                <ColorInput value={stage.color} onChange={(color) => set(color ? { ...stage, color } : withoutKey(stage, 'color'))} testId={`stage-color-${i}`} />
                <SchemaIssues issues={issues} pointer={`${at}/color`} />
              </div>
              <Select
                value={stage.outcome ?? ''}
                onChange={(v: string) => set(v ? { ...stage, outcome: v as Stage['outcome'] } : withoutKey(stage, 'outcome'))}
                options={[{ value: '', label: t('stage.open') }, { value: 'won', label: t('stage.won') }, { value: 'lost', label: t('stage.lost') }]}
                style={{ width: 140 }}
                data-testid={`stage-outcome-${i}`}
              />
              <Button size="small" onClick={() => setStages(move(stages, i, i - 1))} disabled={i === 0}>{t('common.up')}</Button>
              <Button size="small" onClick={() => setStages(move(stages, i, i + 1))} disabled={i === stages.length - 1}>{t('common.down')}</Button>
              <Button size="small" danger onClick={() => setStages(removeAt(stages, i))} data-testid={`stage-remove-${i}`}>{t('common.remove')}</Button>
            </Space>
          </Card>
        );
      })}
      <Button onClick={() => setStages([...stages, newStage(stages, locales)])} data-testid="stage-add">
        {t('stage.add')}
      </Button>
    </Space>
  );
}
