import { describe, expect, it } from '@jest/globals';
import { checkCondition, type ConditionField, type FieldResolver } from '../../../server/src/condition/condition.js';
import type { FieldType } from '../../../server/src/generated/metadata.js';
import { fromCondition, operatorsFor, toCondition, type GroupNode, type Operator, type RuleNode } from './condition-model.js';

/** The studio's condition builder model against the server's condition language. */
const rule = (field: string, op: Operator, value: unknown): RuleNode => ({ kind: 'rule', field, op, value });
const all = (...children: GroupNode['children']): GroupNode => ({ kind: 'group', match: 'all', children });
const any = (...children: GroupNode['children']): GroupNode => ({ kind: 'group', match: 'any', children });

describe('toCondition', () => {
  it.each<[string, GroupNode, unknown]>([
    ['nothing', all(), {}],
    ['an unfinished rule is left out', all(rule('', '$eq', null), rule('status', '$eq', 'key')), { status: 'key' }],
    ['equality the short way', all(rule('status', '$eq', 'key')), { status: 'key' }],
    ['an operator', all(rule('amount', '$gte', 10)), { amount: { $gte: 10 } }],
    ['rules on distinct fields in one object', all(rule('status', '$eq', 'key'), rule('amount', '$gt', 5)), { status: 'key', amount: { $gt: 5 } }],
    ['operators on one field share its object', all(rule('amount', '$gte', 1), rule('amount', '$lt', 9)), { amount: { $gte: 1, $lt: 9 } }],
    ['equality twice on one field needs $and', all(rule('status', '$eq', 'a'), rule('status', '$eq', 'b')), { $and: [{ status: 'a' }, { status: 'b' }] }],
    ['any of', any(rule('status', '$eq', 'key'), rule('owner', '$eq', '$me')), { $or: [{ status: 'key' }, { owner: '$me' }] }],
    ['a lone rule of any', any(rule('status', '$in', ['a', 'b'])), { status: { $in: ['a', 'b'] } }],
    ['nested groups', all(rule('status', '$ne', 'lost'), any(rule('amount', '$gt', 100), rule('segment', '$null', true))), { $and: [{ status: { $ne: 'lost' } }, { $or: [{ amount: { $gt: 100 } }, { segment: { $null: true } }] }] }],
    ['an empty nested group is left out', all(rule('status', '$eq', 'key'), any()), { status: 'key' }],
  ])('%s', (_name, model, expected) => {
    expect(toCondition(model)).toEqual(expected);
  });
});

describe('fromCondition', () => {
  it.each<[string, unknown]>([
    ['empty', {}],
    ['equality', { status: 'key' }],
    ['operators', { amount: { $gte: 1, $lt: 9 }, status: { $nin: ['lost'] } }],
    ['dot paths and variables', { 'counterparty.owner': '$me', createdAt: { $gte: '$today-P30D' } }],
    ['or', { $or: [{ status: 'key' }, { amount: { $gt: 5 } }] }],
    ['and of or', { $and: [{ status: { $ne: 'lost' } }, { $or: [{ amount: { $gt: 100 } }, { segment: { $null: true } }] }] }],
    ['null', { segment: null }],
  ])('reads %s back to the same condition', (_name, condition) => {
    const model = fromCondition(condition);
    expect(model).not.toBeNull();
    expect(toCondition(model as GroupNode)).toEqual(condition);
  });

  it.each<[string, unknown]>([
    ['$not', { $not: { status: 'key' } }],
    ['an unknown operator', { status: { $regex: 'x' } }],
    ['a bare array value', { status: ['a', 'b'] }],
    ['not an object', 'status'],
    ['$and of a non-array', { $and: { status: 'a' } }],
  ])('leaves %s to the JSON editor', (_name, condition) => {
    expect(fromCondition(condition)).toBeNull();
  });
});

describe('operatorsFor', () => {
  // One sample value per type; every operator the builder offers must pass the server's check.
  const samples: Partial<Record<FieldType, unknown>> = { file: null, string: 'a', text: 'a', email: 'a@b.c', phone: '+7', url: 'https://x', integer: 1, decimal: 1.5, money: 10, percent: 5, boolean: true, date: '2024-01-01', datetime: '$now', enum: 'open', multiEnum: 'vip', user: '$me', stage: 'lead' };
  const options: Partial<Record<FieldType, string[]>> = { enum: ['open'], multiEnum: ['vip'], stage: ['lead'] };
  it.each(Object.keys(samples) as FieldType[])('offers only operators the server accepts on a %s field', (type) => {
    const field: ConditionField = { type, ...(options[type] ? { options: options[type] } : {}), ...(type === 'multiEnum' ? { multiple: true } : {}) };
    const resolve: FieldResolver = (path) => (path === 'f' ? field : { error: 'CARDO_ERR_META_UNKNOWN_FIELD', message: path });
    const offered = operatorsFor(type);
    expect(offered).toEqual(expect.arrayContaining(type === 'multiEnum' ? ['$contains', '$null'] : type === 'file' ? ['$null'] : ['$eq', '$ne', '$null']));
    for (const op of offered) {
      const value = op === '$null' ? true : op === '$in' || op === '$nin' ? [samples[type]] : samples[type];
      expect([op, checkCondition(toCondition(all(rule('f', op, value))), resolve)]).toEqual([op, []]);
    }
  });
});
