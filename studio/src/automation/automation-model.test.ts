import { describe, expect, it } from '@jest/globals';
import type { Automation } from '../../../server/src/generated/metadata.js';
import { ACTION_KINDS, isExpression, newAction, removeValue, renameValue, setValue, withWrites } from './automation-model.js';

const automation: Automation = { label: { en: 'a' }, entity: 'deal', on: ['create', 'update'], fields: ['stage'], do: [{ action: 'link', to: 'counterparty' }] };

describe('withWrites', () => {
  it('keeps the watched fields while updates are among the writes', () => {
    expect(withWrites(automation, ['update', 'delete']).fields).toEqual(['stage']);
  });
  it('drops them without updates, as the server would refuse them', () => {
    const next = withWrites(automation, ['create']);
    expect(next.on).toEqual(['create']);
    expect('fields' in next).toBe(false);
    expect(automation.fields).toEqual(['stage']);
  });
  it('writes them in the schema order whatever order they are ticked in', () => {
    expect(withWrites(automation, ['delete', 'create']).on).toEqual(['create', 'delete']);
  });
});

describe('newAction', () => {
  it.each(ACTION_KINDS)('%s has its discriminator and the keys its schema requires', (kind) => {
    const action = newAction(kind, ['en', 'ru']);
    expect(action.action).toBe(kind);
    const required: Record<typeof kind, string[]> = { createRecord: ['entity', 'values'], setField: ['values'], link: ['to'], startWorkflow: ['process'], notify: ['recipients', 'subject'] };
    for (const key of required[kind]) expect(action).toHaveProperty(key);
  });
  it('gives a notification every locale', () => {
    expect(newAction('notify', ['en', 'ru'])).toMatchObject({ subject: { en: '', ru: '' }, recipients: ['owner'] });
  });
});

describe('values', () => {
  const values = { a: 1, b: { $expr: 'now()' }, c: 'x' };
  it('renames in place', () => {
    expect(Object.keys(renameValue(values, 'b', 'z'))).toEqual(['a', 'z', 'c']);
    expect(renameValue(values, 'b', 'z').z).toEqual({ $expr: 'now()' });
  });
  it('does not rename onto another value', () => {
    expect(renameValue(values, 'a', 'c')).toBe(values);
  });
  it('sets and removes', () => {
    expect(setValue(values, 'a', { $expr: 'record.amount' })).toEqual({ ...values, a: { $expr: 'record.amount' } });
    expect(removeValue(values, 'b')).toEqual({ a: 1, c: 'x' });
  });
  it('tells expressions from literals', () => {
    expect([1, 'x', null, { $expr: 'now()' }].map(isExpression)).toEqual([false, false, false, true]);
  });
});
