/** JSON Schemas of the report and forecast answers, for the OpenAPI document (and the UI's reading of it). */
const num = { type: 'number' } as const;
const str = { type: 'string' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] });

const bucket = { count: { type: 'integer' }, amount: num, weighted: num } as const;

export const reportListSchema = {
  type: 'object',
  required: ['reports', 'maxPeriods', 'grains'],
  properties: {
    reports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'type', 'label', 'description', 'entity', 'chart', 'formats', 'parameters'],
        properties: {
          name: str,
          type: { enum: ['planFact', 'aggregate'] },
          label: str,
          description: nullable('string'),
          entity: { ...str, description: 'The entity an aggregate report is about; a planFact report\'s plan entity.' },
          chart: { type: ['string', 'null'], enum: ['bar', 'line', 'funnel', 'pie', null] },
          formats: { type: 'array', items: { enum: ['json', 'xlsx', 'pdf'] } },
          parameters: {
            type: 'array',
            items: {
              type: 'object',
              required: ['name', 'label', 'type', 'required'],
              properties: {
                name: str,
                label: str,
                type: { enum: ['period', 'date', 'user', 'department', 'metrics', 'condition'] },
                required: { type: 'boolean' },
                options: { type: 'array', items: { type: 'object', required: ['value', 'label'], properties: { value: str, label: str } } },
                default: str,
              },
            },
          },
        },
      },
    },
    maxPeriods: { type: 'integer' },
    grains: { type: 'array', items: { enum: ['month', 'quarter', 'year'] } },
  },
} as const;

const format = { enum: ['text', 'integer', 'number', 'money', 'percent', 'date'] } as const;

export const reportResultSchema = {
  type: 'object',
  required: ['name', 'type', 'label', 'description', 'locale', 'params', 'columns', 'rows'],
  properties: {
    name: str,
    type: { enum: ['planFact', 'aggregate'] },
    label: str,
    description: nullable('string'),
    locale: str,
    params: { type: 'object', description: 'The parameters as applied. planFact: period, from, to, periods [{key, from, to}], metrics [{name, label, format}], department, employee, scope (all|subordinates). aggregate: entity, from, to, filter, chart, truncated.' },
    columns: { type: 'array', items: { type: 'object', required: ['key', 'label', 'format'], properties: { key: str, label: str, format } } },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind', 'cells', 'keys'],
        properties: {
          kind: { enum: ['data', 'subtotal', 'total'] },
          cells: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] }, description: 'Display values by column key (labels for groups; numbers for measures; percent as 0–100).' },
          keys: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] }, description: 'The raw group values by column key: option values, record ids, period keys (2026-11, 2026-Q4, 2026).' },
          formats: { type: 'object', additionalProperties: format, description: 'Per-cell formats where they differ from the column\'s.' },
          color: { type: 'string', description: '#rrggbb: the stage/option color, or % done (green ≥ 100, amber ≥ 70, red below).' },
        },
      },
    },
  },
} as const;

export const forecastSchema = {
  type: 'object',
  required: ['entity', 'amountField', 'closeDateField', 'asOf', 'from', 'to', 'totals', 'months', 'records', 'recordsTotal'],
  properties: {
    entity: str,
    amountField: str,
    closeDateField: str,
    asOf: { ...str, description: 'Today in the application\'s time zone; predictions are never before it.' },
    from: { ...str, description: 'First month of `months` (YYYY-MM).' },
    to: { ...str, description: 'Last month of `months` (YYYY-MM).' },
    totals: { type: 'object', required: ['count', 'amount', 'weighted'], properties: bucket },
    byStage: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stage', 'label', 'color', 'probability', 'count', 'amount', 'weighted', 'medianDaysToWin', 'basis'],
        properties: { stage: str, label: str, color: nullable('string'), probability: num, ...bucket, medianDaysToWin: { type: ['number', 'null'], description: 'Median days from entering this stage to being won, over won records.' }, basis: { type: 'integer', description: 'How many won records the median is taken over.' } },
      },
    },
    byMonth: { type: 'array', items: { type: 'object', required: ['month', 'count', 'amount', 'weighted'], properties: { month: { type: ['string', 'null'], description: 'Expected close month (YYYY-MM); null: no date.' }, ...bucket } } },
    byOwner: { type: 'array', items: { type: 'object', required: ['owner', 'name', 'count', 'amount', 'weighted'], properties: { owner: nullable('string'), name: nullable('string'), ...bucket } } },
    months: {
      type: 'array',
      items: {
        type: 'object',
        required: ['month', 'expectedWeighted', 'predictedWeighted', 'predictedCount', 'won', 'wonCount'],
        properties: { month: str, expectedWeighted: num, predictedWeighted: num, predictedCount: { type: 'integer' }, won: num, wonCount: { type: 'integer' } },
      },
    },
    records: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'title', 'owner', 'stage', 'amount', 'probability', 'weighted', 'expectedCloseDate', 'stageEnteredAt', 'predictedCloseDate'],
        properties: { id: str, title: str, owner: nullable('string'), stage: str, amount: num, probability: num, weighted: num, expectedCloseDate: nullable('string'), stageEnteredAt: nullable('string'), predictedCloseDate: nullable('string') },
      },
    },
    recordsTotal: { type: 'integer', description: 'Open records in scope; `records` holds the first `limit` of them.' },
  },
} as const;
