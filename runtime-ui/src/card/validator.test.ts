import { describe, expect, it } from '@jest/globals';
import type { RJSFSchema } from '@rjsf/utils';
import { createRecordValidator } from './validator.js';

const validator = createRecordValidator({
  required: 'required',
  type: 'type',
  enum: 'enum',
  maxLength: (n) => `max ${n}`,
  pattern: 'pattern',
  minimum: (n) => `min ${n}`,
  maximum: (n) => `max ${n}`,
  format: 'format',
});

const schema: RJSFSchema = {
  type: 'object',
  required: ['brand'],
  properties: {
    brand: { type: 'string', maxLength: 5 },
    inn: { type: ['string', 'null'], pattern: '^\\d{10}$' },
    status: { type: ['string', 'null'], enum: ['active', 'key', null] },
    amount: { type: ['number', 'null'], minimum: 0, exclusiveMaximum: 100 },
    closeDate: { type: ['string', 'null'], format: 'date' },
    counterparty: { type: ['string', 'null'], format: 'uuid' },
  },
};

const errorsOf = (data: Record<string, unknown>) => validator.validateFormData(data, schema).errors.map((e) => `${e.property} ${e.message}`);

describe('the CSP-safe record validator', () => {
  it('accepts a valid record, nulls included', () => {
    expect(errorsOf({ brand: 'Альфа', inn: '7707083893', status: null, amount: 99.5, closeDate: '2026-11-27', counterparty: null })).toEqual([]);
    expect(validator.isValid(schema, { brand: 'x' }, schema)).toBe(true);
  });

  it.each([
    [{}, '.brand required'],
    [{ brand: 'Слишком длинно' }, '.brand max 5'],
    [{ brand: 'a', inn: '12' }, '.inn pattern'],
    [{ brand: 'a', status: 'gone' }, '.status enum'],
    [{ brand: 'a', amount: -1 }, '.amount min 0'],
    [{ brand: 'a', amount: 100 }, '.amount max 100'],
    [{ brand: 'a', amount: 'ten' }, '.amount type'],
    [{ brand: 'a', closeDate: '27.11.2026' }, '.closeDate format'],
    [{ brand: 'a', counterparty: 'not-a-uuid' }, '.counterparty format'],
  ])('refuses %j: %s', (data, expected) => {
    expect(errorsOf(data)).toContain(expected);
    expect(validator.isValid(schema, data, schema)).toBe(false);
  });
});
