import { Button, Card, Checkbox, Divider, Input, Select, Space, Tag, Typography } from 'antd';
import { ConditionBuilder, type ConditionField } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { At, EditorShell } from '../editors/EditorShell.js';
import { omit, removeAt, replaceAt, withWhen } from '../editors/edits.js';
import { DATE_TYPES, NUMERIC_TYPES, useEntityFields, useEntityNames } from '../editors/entity-fields.js';
import { pointerOf } from '../editors/problems.js';
import { useMetadataFile } from '../editors/use-metadata-file.js';
import { LabelInputs } from '../entity/LabelInputs.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import type { AggregateReport, Metric, PlanFactReport, Report } from '../types.js';
import { newMeasure, setMeasureFn, setMetricMeasure, uniqueName } from './report-edit.js';
import { ReportPreview } from './ReportPreview.js';

const PERIODS = ['month', 'quarter', 'year'] as const;

/** Select options of an entity's fields of some types, labelled "Label (name)". */
function useFieldOptions(fields: readonly ConditionField[]) {
  const { label } = useI18n();
  return (keep: (type: string) => boolean = () => true) => fields.filter((f) => keep(f.type)).map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }));
}

/** The report editor: both kinds of report, and a preview run through the reports API. */
export function ReportEditor({ name }: { name: string }) {
  const { t, label } = useI18n();
  const { locales } = useSession();
  const file = useMetadataFile<Report>(`reports/${name}.json`);
  return (
    <EditorShell file={file} testId="report-editor" title={label(file.value?.label, name)} extra={file.value && <Tag data-testid="report-type">{file.value.type}</Tag>}>
      {(report) => (
        <>
          <At label={t('editor.label')} pointer="/label" deep>
            <LabelInputs value={report.label} onChange={(l) => file.change({ ...report, label: l })} locales={locales} testId="report-label" />
          </At>
          <At label={t('report.description')} pointer="/description" deep>
            <LabelInputs value={report.description} onChange={(d) => file.change({ ...report, description: d })} locales={locales} testId="report-description" />
          </At>
          {report.type === 'aggregate' ? <AggregateEditor report={report} onChange={file.change} /> : <PlanFactEditor report={report} onChange={file.change} />}
          <Divider />
          <ReportPreview name={name} dirty={file.dirty} />
        </>
      )}
    </EditorShell>
  );
}

function AggregateEditor({ report, onChange }: { report: AggregateReport; onChange(next: AggregateReport): void }) {
  const { t } = useI18n();
  const { locales } = useSession();
  const entities = useEntityNames();
  const fields = useEntityFields(report.entity);
  const options = useFieldOptions(fields);
  const typeOf = (name: string) => fields.find((f) => f.name === name)?.type ?? '';
  const firstNumeric = fields.find((f) => NUMERIC_TYPES.has(f.type))?.name;
  const set = (patch: Partial<AggregateReport>) => onChange({ ...report, ...patch });
  return (
    <>
      <At label={t('editor.entity')} pointer="/entity">
        {/* Another entity: its groupings, measures and condition are picked again. */}
        <Select showSearch value={report.entity} options={entities.map((e) => ({ value: e, label: e }))} onChange={(entity: string) => onChange({ ...omit(withWhen(report, {}), 'sort'), entity, groupBy: [{ field: 'owner' }], measures: report.measures.filter((m) => m.fn === 'count') })} style={{ width: 240 }} data-testid="report-entity" />
      </At>
      <At label={t('report.when')} pointer="/when" deep>
        <ConditionBuilder key={report.entity} value={report.when as JsonCondition | undefined} onChange={(when) => onChange(withWhen(report, when))} fields={fields} testId="report-when" />
      </At>
      <Typography.Title level={5}>{t('report.groupBy')}</Typography.Title>
      {report.groupBy.map((g, i) => (
        <Space key={i} align="start" data-testid={`grouping-${i}`}>
          <At pointer={pointerOf('groupBy', i, 'field')}>
            <Select showSearch value={g.field} options={options()} onChange={(field: string) => set({ groupBy: replaceAt(report.groupBy, i, DATE_TYPES.has(typeOf(field)) ? { field, period: g.period ?? 'month' } : { field }) })} style={{ width: 260 }} data-testid={`grouping-field-${i}`} />
          </At>
          {DATE_TYPES.has(typeOf(g.field)) && (
            <At pointer={pointerOf('groupBy', i, 'period')}>
              <Select value={g.period} options={PERIODS.map((p) => ({ value: p, label: t(`report.period.${p}`) }))} onChange={(period: (typeof PERIODS)[number]) => set({ groupBy: replaceAt(report.groupBy, i, { ...g, period }) })} style={{ width: 140 }} data-testid={`grouping-period-${i}`} />
            </At>
          )}
          <Button danger disabled={report.groupBy.length === 1} onClick={() => set({ groupBy: removeAt(report.groupBy, i) })}>
            {t('common.remove')}
          </Button>
        </Space>
      ))}
      <Button disabled={report.groupBy.length >= 3} onClick={() => set({ groupBy: [...report.groupBy, { field: 'owner' }] })} data-testid="grouping-add">
        {t('report.addGrouping')}
      </Button>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('report.measures')}
      </Typography.Title>
      {report.measures.map((m, i) => (
        <Space key={i} align="start" wrap data-testid={`measure-${i}`}>
          <Button danger type="text" disabled={report.measures.length === 1} onClick={() => set({ measures: removeAt(report.measures, i) })} aria-label={t('common.remove')} data-testid={`measure-remove-${i}`}>
            ×
          </Button>
          <At pointer={pointerOf('measures', i, 'name')}>
            <Input value={m.name} placeholder={t('editor.name')} onChange={(e) => set({ measures: replaceAt(report.measures, i, { ...m, name: e.target.value }) })} style={{ width: 160 }} data-testid={`measure-name-${i}`} />
          </At>
          <At pointer={pointerOf('measures', i, 'label')} deep>
            <LabelInputs value={m.label} onChange={(l) => set({ measures: replaceAt(report.measures, i, { ...m, label: l }) })} locales={locales} testId={`measure-label-${i}`} />
          </At>
          <At pointer={pointerOf('measures', i, 'fn')}>
            <Select value={m.fn} options={(['count', 'sum', 'avg', 'min', 'max'] as const).map((fn) => ({ value: fn, label: t(`report.fn.${fn}`) }))} onChange={(fn: typeof m.fn) => set({ measures: replaceAt(report.measures, i, setMeasureFn(m, fn, firstNumeric)) })} style={{ width: 130 }} data-testid={`measure-fn-${i}`} />
          </At>
          {m.fn !== 'count' && (
            <At pointer={pointerOf('measures', i, 'field')}>
              <Select showSearch value={m.field} options={options((type) => NUMERIC_TYPES.has(type) || (m.fn !== 'sum' && m.fn !== 'avg' && DATE_TYPES.has(type)))} onChange={(field: string) => set({ measures: replaceAt(report.measures, i, { ...m, field }) })} style={{ width: 220 }} data-testid={`measure-field-${i}`} />
            </At>
          )}
          {m.fn === 'sum' && (
            <Checkbox checked={m.weighted === true} onChange={(e) => set({ measures: replaceAt(report.measures, i, e.target.checked ? { ...m, weighted: true } : omit(m, 'weighted')) })} title={t('report.weighted.help')} data-testid={`measure-weighted-${i}`}>
              {t('report.weighted')}
            </Checkbox>
          )}
        </Space>
      ))}
      <div>
        <Button onClick={() => set({ measures: [...report.measures, newMeasure(report, firstNumeric, locales)] })} data-testid="measure-add">
          {t('report.addMeasure')}
        </Button>
      </div>
      <Space wrap align="start" style={{ marginTop: 16 }}>
        <At label={t('report.sort')} pointer="/sort" help={t('report.sort.help')}>
          <Input value={report.sort ?? ''} onChange={(e) => onChange(e.target.value ? { ...report, sort: e.target.value } : omit(report, 'sort'))} style={{ width: 260 }} data-testid="report-sort" />
        </At>
        <At label={t('report.chart')} pointer="/chart">
          <Select allowClear value={report.chart} options={(['bar', 'line', 'funnel', 'pie'] as const).map((c) => ({ value: c, label: c }))} onChange={(chart?: AggregateReport['chart']) => onChange(chart ? { ...report, chart } : omit(report, 'chart'))} style={{ width: 160 }} data-testid="report-chart" />
        </At>
      </Space>
    </>
  );
}

function PlanFactEditor({ report, onChange }: { report: PlanFactReport; onChange(next: PlanFactReport): void }) {
  const { t } = useI18n();
  const { locales } = useSession();
  const entities = useEntityNames();
  const planFields = useEntityFields(report.plan.entity);
  const options = useFieldOptions(planFields);
  const set = (patch: Partial<PlanFactReport>) => onChange({ ...report, ...patch });
  const planField = (key: 'employeeField' | 'periodField' | 'metricField' | 'targetField', keep: (type: string) => boolean) => (
    <At label={t(`report.plan.${key}`)} pointer={pointerOf('plan', key)}>
      <Select value={report.plan[key] || undefined} options={options(keep)} onChange={(v: string) => set({ plan: { ...report.plan, [key]: v } })} style={{ width: 220 }} data-testid={`plan-${key}`} />
    </At>
  );
  return (
    <>
      <Typography.Title level={5}>{t('report.plan')}</Typography.Title>
      <Space wrap align="start">
        <At label={t('editor.entity')} pointer="/plan/entity">
          <Select showSearch value={report.plan.entity} options={entities.map((e) => ({ value: e, label: e }))} onChange={(entity: string) => set({ plan: { entity, employeeField: '', periodField: '', metricField: '', targetField: '' } })} style={{ width: 200 }} data-testid="plan-entity" />
        </At>
        {planField('employeeField', (type) => type === 'user')}
        {planField('periodField', (type) => DATE_TYPES.has(type))}
        {planField('metricField', (type) => type === 'enum' || type === 'string')}
        {planField('targetField', (type) => NUMERIC_TYPES.has(type))}
      </Space>
      <Space wrap align="start" size="large">
        <At label={t('report.rows')} pointer="/groupBy" deep>
          <Checkbox.Group value={report.groupBy} options={(['department', 'employee'] as const).map((g) => ({ value: g, label: t(`report.rows.${g}`) }))} onChange={(groupBy) => set({ groupBy: groupBy as PlanFactReport['groupBy'] })} data-testid="report-rows" />
        </At>
        <At label={t('report.periods')} pointer="/periods" deep>
          <Checkbox.Group value={report.periods} options={PERIODS.map((p) => ({ value: p, label: t(`report.period.${p}`) }))} onChange={(periods) => set({ periods: PERIODS.filter((p) => periods.includes(p)) })} data-testid="report-periods" />
        </At>
      </Space>
      <Typography.Title level={5}>{t('report.metrics')}</Typography.Title>
      <Space orientation="vertical" style={{ width: '100%' }}>
        {report.metrics.map((metric, i) => (
          <MetricEditor key={i} index={i} metric={metric} entities={entities} onChange={(next) => set({ metrics: replaceAt(report.metrics, i, next) })} onRemove={report.metrics.length > 1 ? () => set({ metrics: removeAt(report.metrics, i) }) : undefined} />
        ))}
        <Button
          onClick={() => {
            const last = report.metrics[report.metrics.length - 1] as Metric;
            const metricName = uniqueName(report.metrics.map((m) => m.name), 'metric');
            set({ metrics: [...report.metrics, { ...last, name: metricName, label: Object.fromEntries(locales.map((l) => [l, metricName])) }] });
          }}
          data-testid="metric-add"
        >
          {t('report.addMetric')}
        </Button>
      </Space>
    </>
  );
}

function MetricEditor({ index, metric, entities, onChange, onRemove }: { index: number; metric: Metric; entities: string[]; onChange(next: Metric): void; onRemove?: () => void }) {
  const { t } = useI18n();
  const { locales } = useSession();
  const fields = useEntityFields(metric.entity);
  const options = useFieldOptions(fields);
  const at = (key: string) => pointerOf('metrics', index, key);
  const firstNumeric = fields.find((f) => NUMERIC_TYPES.has(f.type))?.name;
  return (
    <Card size="small" data-testid={`metric-${index}`} extra={onRemove && <Button size="small" danger onClick={onRemove}>{t('common.remove')}</Button>} title={metric.name}>
      <Space wrap align="start">
        <At label={t('editor.name')} pointer={at('name')} help={t('report.metric.name.help')}>
          <Input value={metric.name} onChange={(e) => onChange({ ...metric, name: e.target.value })} style={{ width: 180 }} data-testid={`metric-name-${index}`} />
        </At>
        <At label={t('editor.label')} pointer={at('label')} deep>
          <LabelInputs value={metric.label} onChange={(l) => onChange({ ...metric, label: l })} locales={locales} testId={`metric-label-${index}`} />
        </At>
      </Space>
      <Space wrap align="start">
        <At label={t('editor.entity')} pointer={at('entity')}>
          <Select showSearch value={metric.entity} options={entities.map((e) => ({ value: e, label: e }))} onChange={(entity: string) => onChange({ ...withWhen(setMetricMeasure(metric, 'count', undefined), {}), entity, dateField: '' })} style={{ width: 200 }} data-testid={`metric-entity-${index}`} />
        </At>
        <At label={t('report.measure')} pointer={at('measure')}>
          <Select value={metric.measure} options={(['count', 'sum'] as const).map((m) => ({ value: m, label: t(`report.fn.${m}`) }))} onChange={(measure: Metric['measure']) => onChange(setMetricMeasure(metric, measure, firstNumeric))} style={{ width: 130 }} data-testid={`metric-measure-${index}`} />
        </At>
        {metric.measure === 'sum' && (
          <At label={t('report.field')} pointer={at('field')}>
            <Select value={metric.field} options={options((type) => NUMERIC_TYPES.has(type))} onChange={(field: string) => onChange({ ...metric, field })} style={{ width: 200 }} data-testid={`metric-field-${index}`} />
          </At>
        )}
        <At label={t('report.dateField')} pointer={at('dateField')}>
          <Select value={metric.dateField || undefined} options={options((type) => DATE_TYPES.has(type))} onChange={(dateField: string) => onChange({ ...metric, dateField })} style={{ width: 200 }} data-testid={`metric-date-${index}`} />
        </At>
        <At label={t('report.employeeField')} pointer={at('employeeField')}>
          <Select allowClear placeholder="owner" value={metric.employeeField} options={options((type) => type === 'user')} onChange={(employeeField?: string) => onChange(employeeField ? { ...metric, employeeField } : omit(metric, 'employeeField'))} style={{ width: 200 }} data-testid={`metric-employee-${index}`} />
        </At>
      </Space>
      <At label={t('report.when')} pointer={at('when')} deep>
        <ConditionBuilder key={metric.entity} value={metric.when as JsonCondition | undefined} onChange={(when) => onChange(withWhen(metric, when))} fields={fields} testId={`metric-when-${index}`} />
      </At>
    </Card>
  );
}
