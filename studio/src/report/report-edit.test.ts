import { describe, expect, it } from '@jest/globals';
import type { AggregateReport, Metric } from '../types.js';
import { newMeasure, setMeasureFn, setMetricMeasure, skeletonAggregate, skeletonPlanFact, uniqueName } from './report-edit.js';

const report: AggregateReport = { type: 'aggregate', label: { en: 'Funnel' }, entity: 'deal', groupBy: [{ field: 'stage' }], measures: [{ name: 'count', label: { en: 'Deals' }, fn: 'count' }] };

describe('report edits', () => {
  it('keeps the measure rules of the schema when the function changes', () => {
    const sum = setMeasureFn(report.measures[0]!, 'sum', 'amount');
    expect(sum).toEqual({ name: 'count', label: { en: 'Deals' }, fn: 'sum', field: 'amount' });
    expect(setMeasureFn({ ...sum, weighted: true }, 'avg', 'other')).toEqual({ name: 'count', label: { en: 'Deals' }, fn: 'avg', field: 'amount' });
    expect(setMeasureFn({ ...sum, weighted: true }, 'count', 'amount')).toEqual({ name: 'count', label: { en: 'Deals' }, fn: 'count' });
  });

  it('adds a measure with an unused name', () => {
    expect(newMeasure(report, 'amount', ['en'])).toEqual({ name: 'sum_amount', label: { en: 'sum_amount' }, fn: 'sum', field: 'amount' });
    expect(newMeasure(report, undefined, ['en']).name).toBe('count_2');
    expect(uniqueName(['a', 'a_2'], 'a')).toBe('a_3');
  });

  it('gives only a sum metric a field', () => {
    const metric: Metric = { name: 'calls', label: { en: 'Calls' }, entity: 'interaction', measure: 'count', dateField: 'completedAt' };
    expect(setMetricMeasure(metric, 'sum', 'amount')).toMatchObject({ measure: 'sum', field: 'amount' });
    expect('field' in setMetricMeasure({ ...metric, measure: 'sum', field: 'amount' }, 'count', 'amount')).toBe(false);
  });

  it('writes skeletons of both kinds', () => {
    expect(skeletonAggregate('by-owner', 'deal', ['en'])).toMatchObject({ type: 'aggregate', entity: 'deal', groupBy: [{ field: 'owner' }], measures: [{ fn: 'count' }] });
    const fields = [
      { name: 'employee', type: 'user' as const, label: {} },
      { name: 'period', type: 'date' as const, label: {} },
      { name: 'metric', type: 'enum' as const, label: {}, options: [{ value: 'calls', label: {} }] },
      { name: 'target', type: 'integer' as const, label: {} },
    ];
    const planFact = skeletonPlanFact('kpi', 'kpi_plan', fields, ['en']);
    expect(planFact.plan).toEqual({ entity: 'kpi_plan', employeeField: 'employee', periodField: 'period', metricField: 'metric', targetField: 'target' });
    expect(planFact.metrics[0]).toMatchObject({ name: 'calls', entity: 'kpi_plan', measure: 'count', dateField: 'period' });
  });
});
