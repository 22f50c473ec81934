import { describe, expect, it } from '@jest/globals';
import type { RJSFSchema } from '@rjsf/utils';
import type { ApiRecord } from '../api.js';
import { fieldOfPath, toCreateBody, toExtraErrors, toPatch } from './record-data.js';

const schema: RJSFSchema = { type: 'object', properties: { brand: { type: 'string' }, phone: { type: ['string', 'null'] }, tags: { type: 'array' } } };
const record = { id: '1', version: 3, brand: 'Альфа', phone: '+7 495 111-22-33', tags: ['a'], owner: 'u' } as ApiRecord;

describe('card data ↔ the record API', () => {
  it('patches only what changed, a cleared field as null', () => {
    expect(toPatch(schema, record, { brand: 'Альфа', phone: '', tags: ['a'] })).toEqual({ phone: null });
    expect(toPatch(schema, record, { brand: 'Бета', phone: '+7 495 111-22-33', tags: ['a', 'b'] })).toEqual({ brand: 'Бета', tags: ['a', 'b'] });
    expect(toPatch(schema, record, { brand: 'Альфа', phone: '+7 495 111-22-33', tags: ['a'] })).toEqual({});
  });

  it('creates with the filled fields only', () => {
    expect(toCreateBody({ brand: 'Альфа', phone: '', inn: undefined, active: false })).toEqual({ brand: 'Альфа', active: false });
  });

  it('puts the server errors on their fields and keeps the rest for the summary', () => {
    expect(fieldOfPath('/body/brand')).toBe('brand');
    expect(fieldOfPath('/tags/0')).toBe('tags');
    const { extraErrors, unplaced } = toExtraErrors({ status: 400, errors: [{ path: '/phone', message: 'Not a phone number.' }, { path: '/query/confirm', message: 'Bad.' }] }, schema);
    expect(extraErrors).toEqual({ phone: { __errors: ['Not a phone number.'] } });
    expect(unplaced).toEqual(['Bad.']);
  });
});
