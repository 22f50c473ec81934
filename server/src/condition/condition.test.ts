import { describe, expect, it } from '@jest/globals';
import { CardoError } from '../errors.js';
import type { Condition } from '../generated/metadata.js';
import { CONDITION_LIMITS, checkCondition, resolveVariable, toPredicate } from './condition.js';
import type { ConditionField, FieldResolver } from './condition.js';

const ME = '0190a5b4-7c3e-7d2a-9f10-1a2b3c4d5e6f';
const OTHER = '0190a5b4-7c3e-7d2a-9f10-ffffffffffff';
const NOW = new Date('2024-05-15T10:30:00.000Z');

const FIELDS: Readonly<Record<string, ConditionField>> = {
  name: { type: 'string' },
  notes: { type: 'text' },
  email: { type: 'email' },
  amount: { type: 'money' },
  count: { type: 'integer' },
  active: { type: 'boolean' },
  due: { type: 'date' },
  createdAt: { type: 'datetime' },
  status: { type: 'enum', options: ['open', 'won', 'lost'] },
  stage: { type: 'stage', options: ['lead', 'deal'] },
  tags: { type: 'multiEnum', options: ['vip', 'new'] },
  watchers: { type: 'user', multiple: true },
  owner: { type: 'user' },
  counterparty: { type: 'reference' },
  attachment: { type: 'file' },
  total: { type: 'decimal' },
  'counterparty.status': { type: 'enum', options: ['key', 'regular'] },
  'counterparty.name': { type: 'string' },
  'counterparty.owner': { type: 'user' },
};

const resolve: FieldResolver = (path) => {
  if (Object.hasOwn(FIELDS, path)) return FIELDS[path] as ConditionField;
  const first = path.split('.')[0] ?? '';
  if (path.includes('.') && Object.hasOwn(FIELDS, first) && FIELDS[first]?.type !== 'reference') {
    return { error: 'CARDO_ERR_META_NOT_A_REFERENCE', message: `"${first}" is not a reference` };
  }
  return { error: 'CARDO_ERR_META_UNKNOWN_FIELD', message: `No field "${path}"` };
};

/** A condition nested `levels` deep through $not. */
function nested(levels: number): Record<string, unknown> {
  let condition: Record<string, unknown> = { status: 'open' };
  for (let i = 1; i < levels; i++) condition = { $not: condition };
  return condition;
}

describe('checkCondition accepts', () => {
  it.each<[string, unknown]>([
    ['an empty condition', {}],
    ['a plain enum value', { status: 'open' }],
    ['a plain null on any field', { attachment: null, tags: null }],
    ['IS NOT NULL on a multi-valued field', { tags: { $ne: null } }],
    ['$null on a file', { attachment: { $null: false } }],
    ['numbers for numeric fields', { amount: { $gte: 10.5, $lt: 1000 }, count: 3, total: { $in: [1, 2.5, null] } }],
    ['booleans', { active: false }],
    ['dates and $today with shifts', { due: { $gte: '$today-P14D', $lte: '2024-12-31', $ne: '$today+P1M2W' } }],
    ['date-times, dates and $now', { createdAt: { $gte: '$today', $lt: '$now+PT1H', $ne: '2024-05-01T09:00:00+03:00' } }],
    ['$me and UUIDs', { owner: { $in: ['$me', ME] }, counterparty: OTHER }],
    ['text operators', { name: { $contains: 'acme', $startsWith: 'A', $gt: 'M' }, email: { $contains: '@' } }],
    ['$contains on a multiEnum', { tags: { $contains: 'vip' } }],
    ['$contains $me on a multi-valued user field', { watchers: { $contains: '$me' } }],
    ['dot paths', { 'counterparty.status': 'key', 'counterparty.owner': '$me' }],
    ['stage values', { stage: { $nin: ['lead'] } }],
    ['$and, $or and $not', { $and: [{ status: 'open' }, { $or: [{ active: true }, { $not: { count: 0 } }] }] }],
    [`${CONDITION_LIMITS.maxDepth} levels`, nested(CONDITION_LIMITS.maxDepth)],
    [`${CONDITION_LIMITS.maxTerms} terms`, { $and: Array.from({ length: CONDITION_LIMITS.maxTerms }, () => ({ status: 'open' })) }],
  ])('%s', (_name, condition) => {
    expect(checkCondition(condition, resolve)).toEqual([]);
  });
});

describe('checkCondition reports', () => {
  it.each<[string, unknown, string, string]>([
    // [case, condition, code, pointer]
    ['an unknown field', { colour: 'red' }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/colour'],
    ['a dot path through a non-reference', { 'name.first': 'A' }, 'CARDO_ERR_META_NOT_A_REFERENCE', '/name.first'],
    ['an unknown field deep inside', { $or: [{ status: 'open' }, { $not: { colour: 'red' } }] }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/$or/1/$not/colour'],
    ['a malformed field name', { Status: 'open' }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/Status'],
    ['"/" in a key, escaped', { 'a/b': 1 }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/a~1b'],
    ['"~" in a key, escaped', { 'a~b': 1 }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/a~0b'],
    ['__proto__ as a field', JSON.parse('{"__proto__": {"$eq": 1}}'), 'CARDO_ERR_META_UNKNOWN_FIELD', '/__proto__'],
    ['constructor as a field', { constructor: 'x' }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/constructor'],
    ['prototype in a dot path', { 'counterparty.prototype': 'x' }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/counterparty.prototype'],
    ['constructor as an operator', { status: { constructor: 'x' } }, 'CARDO_ERR_META_UNKNOWN_FIELD', '/status/constructor'],
    ['an unknown operator', { status: { $like: 'o%' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/status/$like'],
    ['a key that is not an operator', { status: { eq: 'open' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/status/eq'],
    ['an unknown combinator', { $nor: [{ status: 'open' }] }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/$nor'],
    ['an operator at condition level', { $eq: 1 }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/$eq'],
    ['an empty operator object', { status: {} }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/status'],
    ['$gt on an enum', { status: { $gt: 'open' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/status/$gt'],
    ['$lt on a boolean', { active: { $lt: true } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/active/$lt'],
    ['$contains on a boolean', { active: { $contains: 'x' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/active/$contains'],
    ['$contains on a reference', { counterparty: { $contains: 'x' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/counterparty/$contains'],
    ['$startsWith on a multiEnum', { tags: { $startsWith: 'v' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/tags/$startsWith'],
    ['a plain value on a multiEnum', { tags: 'vip' }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/tags'],
    ['$in on a multiEnum', { tags: { $in: ['vip'] } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/tags/$in'],
    ['$eq on a file', { attachment: { $eq: 'x' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/attachment/$eq'],
    ['$gt on text', { notes: { $gt: 'a' } }, 'CARDO_ERR_META_CONDITION_OPERATOR', '/notes/$gt'],
    ['a string for a number', { amount: { $gt: '10' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/amount/$gt'],
    ['a fraction for an integer', { count: 1.5 }, 'CARDO_ERR_META_CONDITION_VALUE', '/count'],
    ['a string for a boolean', { active: 'true' }, 'CARDO_ERR_META_CONDITION_VALUE', '/active'],
    ['a bad date', { due: '2024-02-30' }, 'CARDO_ERR_META_CONDITION_VALUE', '/due'],
    ['a date-time for a date', { due: { $lt: '2024-05-01T00:00:00Z' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/due/$lt'],
    ['a date-time without a zone', { createdAt: { $gt: '2024-05-01T10:00:00' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/createdAt/$gt'],
    ['$now for a date', { due: { $lt: '$now' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/due/$lt'],
    ['$today shifted by hours', { due: { $lt: '$today+PT1H' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/due/$lt'],
    ['an unknown variable', { due: { $lt: '$yesterday' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/due/$lt'],
    ['a bad duration', { createdAt: { $gt: '$now-P3X' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/createdAt/$gt'],
    ['a shifted $me', { owner: '$me+P1D' }, 'CARDO_ERR_META_CONDITION_VALUE', '/owner'],
    ['$me for a text field', { name: '$me' }, 'CARDO_ERR_META_CONDITION_VALUE', '/name'],
    ['$today for a number', { amount: '$today' }, 'CARDO_ERR_META_CONDITION_VALUE', '/amount'],
    ['a non-UUID for a user', { owner: 'ann' }, 'CARDO_ERR_META_CONDITION_VALUE', '/owner'],
    ['a number for a reference', { counterparty: 42 }, 'CARDO_ERR_META_CONDITION_VALUE', '/counterparty'],
    ['an unknown enum value', { status: 'closed' }, 'CARDO_ERR_META_UNKNOWN_VALUE', '/status'],
    ['an unknown stage', { stage: { $ne: 'won' } }, 'CARDO_ERR_META_UNKNOWN_VALUE', '/stage/$ne'],
    ['an unknown multiEnum value', { tags: { $contains: 'gold' } }, 'CARDO_ERR_META_UNKNOWN_VALUE', '/tags/$contains'],
    ['an unknown value in $in', { status: { $in: ['open', 'closed'] } }, 'CARDO_ERR_META_UNKNOWN_VALUE', '/status/$in/1'],
    ['an unknown value through a dot path', { 'counterparty.status': 'vip' }, 'CARDO_ERR_META_UNKNOWN_VALUE', '/counterparty.status'],
    ['a wrong element in $nin', { amount: { $nin: [1, 'two'] } }, 'CARDO_ERR_META_CONDITION_VALUE', '/amount/$nin/1'],
    ['$in without an array', { status: { $in: 'open' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/status/$in'],
    ['$in with too many values', { count: { $in: Array.from({ length: 1001 }, (_, i) => i) } }, 'CARDO_ERR_META_CONDITION_VALUE', '/count/$in'],
    ['an array as a plain value', { status: ['open', 'won'] }, 'CARDO_ERR_META_CONDITION_VALUE', '/status'],
    ['an object inside $eq', { status: { $eq: { a: 1 } } }, 'CARDO_ERR_META_CONDITION_VALUE', '/status/$eq'],
    ['$null with a string', { status: { $null: 'yes' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/status/$null'],
    ['$gt null', { amount: { $gt: null } }, 'CARDO_ERR_META_CONDITION_VALUE', '/amount/$gt'],
    ['$contains with a number', { name: { $contains: 5 } }, 'CARDO_ERR_META_CONDITION_VALUE', '/name/$contains'],
    ['$startsWith with a variable', { name: { $startsWith: '$me' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/name/$startsWith'],
    ['$and not an array', { $and: { status: 'open' } }, 'CARDO_ERR_META_CONDITION_VALUE', '/$and'],
    ['an empty $or', { $or: [] }, 'CARDO_ERR_META_CONDITION_VALUE', '/$or'],
    ['a non-object inside $and', { $and: [{ status: 'open' }, 'status = open'] }, 'CARDO_ERR_META_CONDITION_VALUE', '/$and/1'],
    ['$not of an array', { $not: [{ status: 'open' }] }, 'CARDO_ERR_META_CONDITION_VALUE', '/$not'],
    ['a condition that is not an object', 'status = open', 'CARDO_ERR_META_CONDITION_VALUE', ''],
    ['a condition that is null', null, 'CARDO_ERR_META_CONDITION_VALUE', ''],
    ['nesting too deep', nested(CONDITION_LIMITS.maxDepth + 1), 'CARDO_ERR_META_CONDITION_DEPTH', ''],
    [
      'too many terms',
      { $and: Array.from({ length: CONDITION_LIMITS.maxTerms + 1 }, () => ({ status: 'open' })) },
      'CARDO_ERR_META_CONDITION_DEPTH',
      '',
    ],
    ['too many operator terms', { amount: Object.fromEntries(['$gt', '$gte', '$lt', '$lte', '$ne'].map((op) => [op, 1])), $or: Array.from({ length: 96 }, () => ({ count: 1 })) }, 'CARDO_ERR_META_CONDITION_DEPTH', ''],
  ])('%s', (_name, condition, code, pointer) => {
    expect(checkCondition(condition, resolve)).toEqual([{ code, pointer, message: expect.any(String) }]);
  });

  it('puts pointers under the base pointer', () => {
    const issues = checkCondition({ $and: [{ status: 'open' }, { colour: 'red' }] }, resolve, '/lists/0/colorRules/1/when');
    expect(issues).toEqual([{ code: 'CARDO_ERR_META_UNKNOWN_FIELD', pointer: '/lists/0/colorRules/1/when/$and/1/colour', message: 'No field "colour"' }]);
    expect(checkCondition(nested(20), resolve, '/filter').map((i) => [i.code, i.pointer])).toEqual([['CARDO_ERR_META_CONDITION_DEPTH', '/filter']]);
  });

  it('returns every issue, in document order after the limits', () => {
    const condition = {
      colour: 'red',
      status: { $gt: 'open', $in: ['open', 'closed'] },
      amount: 'ten',
      $or: Array.from({ length: 100 }, () => ({ count: 1 })),
    };
    expect(checkCondition(condition, resolve).map((i) => [i.code, i.pointer])).toEqual([
      ['CARDO_ERR_META_CONDITION_DEPTH', ''],
      ['CARDO_ERR_META_UNKNOWN_FIELD', '/colour'],
      ['CARDO_ERR_META_CONDITION_OPERATOR', '/status/$gt'],
      ['CARDO_ERR_META_UNKNOWN_VALUE', '/status/$in/1'],
      ['CARDO_ERR_META_CONDITION_VALUE', '/amount'],
    ]);
  });

  it('never throws, whatever it is given', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.$not = cyclic;
    for (const input of [undefined, 42, [], cyclic, { $and: [null, [], 1] }, { status: { $in: [{}, []] } }]) {
      expect(() => checkCondition(input, resolve)).not.toThrow();
    }
  });
});

describe('toPredicate', () => {
  const ctx = { me: ME, now: NOW };
  const record = {
    name: 'Acme Corp',
    code: '007',
    amount: '12.50',
    count: 3,
    active: false,
    due: '2024-05-01',
    createdAt: '2024-05-15T09:00:00.000Z',
    status: 'open',
    tags: ['vip', 'new'],
    watchers: [ME],
    owner: ME,
    counterparty: { id: OTHER, status: 'key', name: 'Globex', owner: null },
    empty: null,
    none: [],
  };

  it.each<[string, Condition, boolean]>([
    // equality and NULL
    ['plain value', { status: 'open' }, true],
    ['plain value, other', { status: 'won' }, false],
    ['plain value on NULL', { empty: 'x' }, false],
    ['plain null: IS NULL', { empty: null }, true],
    ['missing key counts as NULL', { nothing: null }, true],
    ['plain null on a value', { status: null }, false],
    ['$eq', { status: { $eq: 'open' } }, true],
    ['$ne', { status: { $ne: 'won' } }, true],
    ['$ne on the same value', { status: { $ne: 'open' } }, false],
    ['$ne on NULL is UNKNOWN, not true', { empty: { $ne: 'x' } }, false],
    ['$not of UNKNOWN stays UNKNOWN', { $not: { empty: { $ne: 'x' } } }, false],
    ['$not of plain value on NULL', { $not: { empty: 'x' } }, false],
    ['$not of a false term', { $not: { status: 'won' } }, true],
    ['$ne null: IS NOT NULL', { status: { $ne: null } }, true],
    ['$eq null: IS NULL', { status: { $eq: null } }, false],
    ['NULL rows included explicitly', { $or: [{ empty: { $ne: 'x' } }, { empty: null }] }, true],
    ['numeric string equals number', { amount: 12.5 }, true],
    ['boolean false', { active: false }, true],
    ['boolean on NULL', { empty: false }, false],
    // $in / $nin
    ['$in hit', { status: { $in: ['won', 'open'] } }, true],
    ['$in miss', { status: { $in: ['won', 'lost'] } }, false],
    ['$in on NULL', { empty: { $in: ['a'] } }, false],
    ['$in with null element on NULL', { empty: { $in: ['a', null] } }, true],
    ['$in empty', { status: { $in: [] } }, false],
    ['$nin miss', { status: { $nin: ['won', 'lost'] } }, true],
    ['$nin hit', { status: { $nin: ['open'] } }, false],
    ['$nin on NULL is UNKNOWN', { empty: { $nin: ['a'] } }, false],
    ['$nin with null element on NULL', { empty: { $nin: ['a', null] } }, false],
    ['$nin with null element on a value', { status: { $nin: ['won', null] } }, true],
    ['$nin empty on NULL', { empty: { $nin: [] } }, true],
    ['$in numbers vs numeric string', { amount: { $in: [1, 12.5] } }, true],
    // ordering
    ['$gt on numeric string', { amount: { $gt: 10 } }, true],
    ['$gt is numeric, not textual', { amount: { $gt: 9 } }, true],
    ['$lte on numeric string', { amount: { $lte: 12.5 } }, true],
    ['$lt on numeric string', { amount: { $lt: 12.5 } }, false],
    ['$gte and $lt together', { count: { $gte: 3, $lt: 4 } }, true],
    ['$gt on NULL', { empty: { $gt: 1 } }, false],
    ['$not $gt on NULL', { $not: { empty: { $gt: 1 } } }, false],
    ['$gt on strings', { name: { $gt: 'Acme' } }, true],
    ['$lt on dates', { due: { $lt: '2024-05-02' } }, true],
    ['$gte date with $today-P14D (same day)', { due: { $gte: '$today-P14D' } }, true],
    ['$gt date with $today-P14D', { due: { $gt: '$today-P14D' } }, false],
    ['$lt date with $today', { due: { $lt: '$today' } }, true],
    ['datetime $gte $today', { createdAt: { $gte: '$today' } }, true],
    ['datetime $lt $now', { createdAt: { $lt: '$now' } }, true],
    ['datetime $gt $now-PT1H', { createdAt: { $gt: '$now-PT1H' } }, false],
    ['datetime $gte $now-PT1H30M', { createdAt: { $gte: '$now-PT1H30M' } }, true],
    ['datetime vs a date literal means midnight UTC', { createdAt: { $gt: '2024-05-15' } }, true],
    ['datetime vs an offset literal', { createdAt: { $eq: '2024-05-15T12:00:00+03:00' } }, true],
    // text
    ['$contains is case-insensitive', { name: { $contains: 'CORP' } }, true],
    ['$contains miss', { name: { $contains: 'inc' } }, false],
    ['$contains treats % literally', { name: { $contains: '%' } }, false],
    ['$startsWith', { name: { $startsWith: 'acme' } }, true],
    ['$startsWith miss', { name: { $startsWith: 'corp' } }, false],
    ['$contains on NULL', { empty: { $contains: 'a' } }, false],
    ['$eq is case-sensitive', { name: 'acme corp' }, false],
    ['two numeric-looking strings are text', { code: '7' }, false],
    ['two numeric-looking strings order as text', { code: { $lt: '1' } }, true],
    // multi-valued
    ['$contains membership', { tags: { $contains: 'vip' } }, true],
    ['$contains membership miss', { tags: { $contains: 'gold' } }, false],
    ['$contains on an empty array is UNKNOWN', { $not: { none: { $contains: 'vip' } } }, false],
    ['$null on an empty array', { none: { $null: true } }, true],
    ['$null false on an array', { tags: { $null: false } }, true],
    ['$contains $me', { watchers: { $contains: '$me' } }, true],
    // $null
    ['$null true on NULL', { empty: { $null: true } }, true],
    ['$null false on NULL', { empty: { $null: false } }, false],
    ['$null true on a value', { status: { $null: true } }, false],
    // dot paths and references
    ['dot path', { 'counterparty.status': 'key' }, true],
    ['dot path miss', { 'counterparty.status': 'regular' }, false],
    ['dot path to NULL', { 'counterparty.owner': null }, true],
    ['dot path through a missing reference', { 'nobody.status': null }, true],
    ['reference compared as its id', { counterparty: OTHER }, true],
    ['UUIDs compare ignoring case', { counterparty: OTHER.toUpperCase() }, true],
    ['reference $in ids', { counterparty: { $in: [ME, OTHER] } }, true],
    // variables
    ['$me', { owner: '$me' }, true],
    ['$me in $in', { owner: { $in: ['$me'] } }, true],
    // combinators
    ['empty condition', {}, true],
    ['keys are AND-ed', { status: 'open', active: true }, false],
    ['$and', { $and: [{ status: 'open' }, { count: 3 }] }, true],
    ['$and with UNKNOWN', { $and: [{ status: 'open' }, { empty: 'x' }] }, false],
    ['$or with UNKNOWN and TRUE', { $or: [{ empty: 'x' }, { status: 'open' }] }, true],
    ['$or all false', { $or: [{ status: 'won' }, { count: 4 }] }, false],
    ['$not of $or with UNKNOWN and FALSE', { $not: { $or: [{ empty: 'x' }, { status: 'won' }] } }, false],
    ['$not of $and with UNKNOWN and FALSE', { $not: { $and: [{ empty: 'x' }, { status: 'won' }] } }, true],
  ])('%s', (_name, condition, expected) => {
    expect(toPredicate(condition, ctx)(record)).toBe(expected);
  });

  it('matches nothing on $me without a user, not even NULL owners', () => {
    const predicate = toPredicate({ owner: '$me' }, { now: NOW });
    expect(predicate({ owner: ME })).toBe(false);
    expect(predicate({ owner: null })).toBe(false);
    expect(predicate({})).toBe(false);
  });

  it('accepts Date objects for date-times', () => {
    const predicate = toPredicate({ createdAt: { $gte: '$today', $lt: '$now' } }, ctx);
    expect(predicate({ createdAt: new Date('2024-05-15T00:00:00.000Z') })).toBe(true);
    expect(predicate({ createdAt: new Date('2024-05-14T23:59:59.999Z') })).toBe(false);
  });

  it('reads own properties only', () => {
    const predicate = toPredicate({ status: 'open', 'counterparty.status': 'key' }, ctx);
    expect(predicate(JSON.parse('{"__proto__": {"status": "open"}, "counterparty": {"status": "key"}}') as Record<string, unknown>)).toBe(false);
    expect(predicate({ status: 'open', counterparty: Object.create({ status: 'key' }) as unknown })).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['an unknown operator', { status: { $like: 'o%' } }, 'CARDO_ERR_META_CONDITION_OPERATOR'],
    ['an unknown variable', { due: { $lt: '$yesterday' } }, 'CARDO_ERR_META_CONDITION_VALUE'],
    ['a bad shift', { due: { $lt: '$today+P1X' } }, 'CARDO_ERR_META_CONDITION_VALUE'],
    ['a forbidden path', { 'a.constructor': 1 }, 'CARDO_ERR_META_UNKNOWN_FIELD'],
    ['$and not an array', { $and: {} }, 'CARDO_ERR_META_CONDITION_VALUE'],
    ['too deep', nested(CONDITION_LIMITS.maxDepth + 1), 'CARDO_ERR_META_CONDITION_DEPTH'],
  ])('refuses to build from %s', (_name, condition, code) => {
    let caught: unknown;
    try {
      toPredicate(condition as Condition, ctx);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CardoError);
    expect((caught as CardoError).code).toBe(code);
  });
});

describe('resolveVariable', () => {
  const ctx = { me: ME, now: NOW };
  it.each<[unknown, Parameters<typeof resolveVariable>[2], unknown]>([
    ['$today', undefined, '2024-05-15'],
    ['$today', 'date', '2024-05-15'],
    ['$today', 'datetime', '2024-05-15T00:00:00.000Z'],
    ['$today-P14D', undefined, '2024-05-01'],
    ['$today+P1M', 'date', '2024-06-15'],
    ['$today-P1Y', 'datetime', '2023-05-15T00:00:00.000Z'],
    ['$now', undefined, '2024-05-15T10:30:00.000Z'],
    ['$now+PT1H', 'datetime', '2024-05-15T11:30:00.000Z'],
    ['$now-PT30M', undefined, '2024-05-15T10:00:00.000Z'],
    ['$now-P1M', 'date', '2024-04-15'],
    ['$me', 'user', ME],
    ['open', 'enum', 'open'],
    [42, 'integer', 42],
    [null, undefined, null],
  ])('%j as %s → %j', (value, type, expected) => {
    expect(resolveVariable(value, ctx, type)).toEqual(expected);
  });

  it('gives null for $me without a user', () => {
    expect(resolveVariable('$me', { now: NOW })).toBeNull();
  });

  it.each(['$yesterday', '$today+PT1H', '$me-P1D', '$now+3D', '$'])('refuses %j', (value) => {
    expect(() => resolveVariable(value, ctx)).toThrow(CardoError);
  });
});
