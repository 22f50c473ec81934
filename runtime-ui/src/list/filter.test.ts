import { describe, expect, it } from '@jest/globals';
import { fromCondition, ruleCount, toCondition, type FilterGroup } from './filter.js';

describe('filter builder ↔ condition language', () => {
  const group: FilterGroup = {
    kind: 'group',
    op: '$and',
    items: [
      { kind: 'rule', field: 'status', op: '$in', value: ['active', 'key'] },
      { kind: 'rule', field: 'phone', op: '$null' },
      { kind: 'group', op: '$or', items: [{ kind: 'rule', field: 'brand', op: '$contains', value: 'Строй' }, { kind: 'rule', field: 'owner', op: '$eq', value: '$me' }] },
      { kind: 'rule', field: 'inn', op: '$eq', value: '' },
    ],
  };

  it('leaves half-made rules out and nests groups', () => {
    expect(toCondition(group)).toEqual({ $and: [{ status: { $in: ['active', 'key'] } }, { phone: { $null: true } }, { $or: [{ brand: { $contains: 'Строй' } }, { owner: { $eq: '$me' } }] }] });
    expect(ruleCount(group)).toBe(4);
    expect(toCondition({ kind: 'group', op: '$and', items: [] })).toBeUndefined();
  });

  it('reads back what it wrote, and plain equality', () => {
    expect(toCondition(fromCondition(toCondition(group)) as FilterGroup)).toEqual(toCondition(group));
    expect(fromCondition({ owner: '$me', status: 'active' })).toEqual({ kind: 'group', op: '$and', items: [{ kind: 'rule', field: 'owner', op: '$eq', value: '$me' }, { kind: 'rule', field: 'status', op: '$eq', value: 'active' }] });
    expect(fromCondition({ amount: { $null: false } })?.items[0]).toEqual({ kind: 'rule', field: 'amount', op: '$notNull' });
  });

  it.each([[{ $not: { status: 'key' } }], [{ status: { $regex: 'x' } }], [{ $and: 'x' }], ['text']])('refuses what the builder cannot show: %j', (condition) => {
    expect(fromCondition(condition)).toBeNull();
  });
});
