// Edits of a report definition that keep it within the meta-schema's rules
// (a count has no field, other measures need one; weighted only for sums).
import type { ConditionField } from '../condition/ConditionBuilder.js';
import type { AggregateReport, Label, Measure, Metric, PlanFactReport } from '../types.js';

const SCHEMA = '../../server/schema/report.schema.json';
const labelOf = (text: string, locales: readonly string[]): Label => Object.fromEntries(locales.map((l) => [l, text]));

/** A new aggregate report: the entity's records counted by owner. */
export function skeletonAggregate(name: string, entity: string, locales: readonly string[]): AggregateReport {
  return { $schema: SCHEMA, type: 'aggregate', label: labelOf(name, locales), entity, groupBy: [{ field: 'owner' }], measures: [{ name: 'count', label: labelOf('count', locales), fn: 'count' }] };
}

/**
 * A new plan/fact report over a plan entity: its first user, date, enum and numeric fields
 * hold the employee, period, metric and target; one metric counts the plan's own records
 * until the consultant points it at the facts.
 */
export function skeletonPlanFact(name: string, planEntity: string, fields: readonly ConditionField[], locales: readonly string[]): PlanFactReport {
  const first = (types: readonly string[], fallback: string) => fields.find((f) => types.includes(f.type))?.name ?? fallback;
  const metricField = fields.find((f) => f.type === 'enum');
  const periodField = first(['date', 'datetime'], 'createdAt');
  return {
    $schema: SCHEMA,
    type: 'planFact',
    label: labelOf(name, locales),
    plan: { entity: planEntity, employeeField: first(['user'], 'owner'), periodField, metricField: metricField?.name ?? 'metric', targetField: first(['integer', 'decimal', 'money', 'percent'], 'target') },
    metrics: [{ name: metricField?.options?.[0]?.value ?? 'metric', label: labelOf('metric', locales), entity: planEntity, measure: 'count', dateField: periodField }],
    groupBy: ['department', 'employee'],
    periods: ['month'],
  };
}

/** A measure with another function: a count drops its field and weighting, the others keep or need a field. */
export function setMeasureFn(measure: Measure, fn: Measure['fn'], defaultField: string | undefined): Measure {
  const { field, weighted, ...rest } = measure;
  if (fn === 'count') return { ...rest, fn };
  const kept = field ?? defaultField;
  return { ...rest, fn, ...(kept !== undefined ? { field: kept } : {}), ...(fn === 'sum' && weighted ? { weighted } : {}) };
}

/** The next measure: a sum of the first numeric field when there is one, else a count; its name unused. */
export function newMeasure(report: AggregateReport, numericField: string | undefined, locales: readonly string[]): Measure {
  const name = uniqueName(report.measures.map((m) => m.name), numericField ? `sum_${numericField.toLowerCase()}` : 'count');
  return numericField ? { name, label: labelOf(name, locales), fn: 'sum', field: numericField } : { name, label: labelOf(name, locales), fn: 'count' };
}

/** A metric with another measure: only a sum has a field. */
export function setMetricMeasure(metric: Metric, measure: Metric['measure'], defaultField: string | undefined): Metric {
  const { field, ...rest } = metric;
  return measure === 'count' ? { ...rest, measure } : { ...rest, measure, ...((field ?? defaultField) !== undefined ? { field: field ?? defaultField } : {}) };
}

/** `base`, or `base_2`, `base_3`… whichever is not taken. */
export function uniqueName(taken: readonly string[], base: string): string {
  if (!taken.includes(base)) return base;
  let i = 2;
  while (taken.includes(`${base}_${i}`)) i++;
  return `${base}_${i}`;
}
