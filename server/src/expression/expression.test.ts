import { describe, expect, it } from '@jest/globals';
import {
  EXPRESSION_FUNCTIONS,
  ExpressionError,
  addDurationTo,
  evaluateExpression,
  expressionPaths,
  parseDuration,
  parseExpression,
} from './expression.js';

const NOW = new Date('2024-05-15T10:30:00.000Z');

function parseError(text: string): ExpressionError {
  try {
    parseExpression(text);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`"${text}" parsed without an error`);
}

function run(text: string, scope: Record<string, unknown> = {}, functions?: Record<string, (...args: unknown[]) => unknown>): unknown {
  return evaluateExpression(parseExpression(text), scope, { now: NOW, ...(functions ? { functions } : {}) });
}

describe('parseExpression refuses', () => {
  it.each([
    // [text, index, message part]
    ['', 0, 'empty'],
    ['a +', 3, 'Expected expression'],
    ['(a', 2, 'Unclosed ('],
    ["'open", 5, 'Unclosed quote'],
    ["a['x']", 1, 'Computed member'],
    ['record[0]', 6, 'Computed member'],
    ['a?.b', 1, 'null-safe'],
    ['constructor', 0, '"constructor" is not allowed'],
    ['record.constructor', 7, '"constructor" is not allowed'],
    ['a.__proto__.b', 2, '"__proto__" is not allowed'],
    ['record.amount.prototype', 14, '"prototype" is not allowed'],
    ['this', 0, '"this" is not allowed'],
    ['this.x + 1', 0, '"this" is not allowed'],
    ['foo(1)', 0, 'Unknown function "foo"'],
    ['1 + eval("x")', 4, 'Unknown function "eval"'],
    ['Function("return 1")()', 0, 'Unknown function "Function"'],
    ['record.owner.toString()', 21, 'Only functions can be called'],
    ['now()()', 5, 'Only functions can be called'],
    ['(a + b)(x)', 7, 'Only functions can be called'],
    ['lower()', 0, 'lower() takes 1 argument'],
    ['round(1, 2, 3)', 0, 'round() takes 1 to 2 arguments'],
    ['coalesce()', 0, 'at least 1 argument'],
    ['lower(a b)', 8, 'Expected "," or ")"'],
    ['lower(a,)', 8, 'Unexpected ")"'],
    ['[1,,2]', 3, 'Unexpected ","'],
    ['a; b', 1, 'Unexpected ";"'],
    ['a, b', 1, 'Unexpected ","'],
    ['a b', 2, 'Unexpected "b"'],
    ['new Date()', 4, 'Unexpected "D"'],
    ["(1 + 2).x", 7, 'Only field paths have members'],
    ["'abc'.length", 5, 'Only field paths have members'],
    ['$me', 0, 'Unexpected "$"'],
    ['привет', 0, 'Invalid name'],
    ["addDuration(record.due, 'P3X')", 0, 'not an ISO-8601 duration'],
  ])('%j at %i (%s)', (text, index, message) => {
    const error = parseError(text);
    expect(error.index).toBe(index);
    expect(error.message).toContain(message);
  });

  it.each(['a === b', 'a !== b', 'a ?? b', 'a ** 2', 'a & b', 'a | b', 'a << 1', '~a', '+a', 'a = 1', 'x => x', 'a in b'])(
    'the operator in %j',
    (text) => {
      expect(() => parseExpression(text)).toThrow(ExpressionError);
    },
  );

  it('deep nesting as an ExpressionError, not a crash', () => {
    expect(() => parseExpression(`${'('.repeat(20_000)}1${')'.repeat(20_000)}`)).toThrow(ExpressionError);
  });
});

describe('expressionPaths', () => {
  it.each([
    ['record.amount * 2 > old.amount', ['record.amount', 'old.amount']],
    ['manager(record.owner)', ['record.owner']],
    ['a + a.b + a', ['a', 'a.b']],
    ["x ? [y.z, 1] : 'w'", ['x', 'y.z']],
    ['!done && coalesce(record.total, 0) >= 10', ['done', 'record.total']],
    ['now()', []],
    ["outcome == 'approve'", ['outcome']],
  ])('%j reads %j', (text, paths) => {
    expect(expressionPaths(parseExpression(text))).toEqual(paths);
  });
});

describe('evaluateExpression', () => {
  const record = {
    amount: '12.50',
    tax: '1.25',
    count: 3,
    number: 42,
    name: 'Acme',
    missing: null,
    flag: true,
    tags: ['vip', 'new'],
    due: '2024-05-10',
    createdAt: new Date('2024-01-02T03:04:05.000Z'),
    counterparty: { status: 'key', owner: null },
    owner: 'u1',
  };
  const scope = { record, old: { amount: '9.00' }, outcome: 'approve' };

  it.each([
    // arithmetic
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 % 3', 1],
    ['10 / 4', 2.5],
    ['10 / 0', null],
    ['10 % 0', null],
    ['-record.count', -3],
    ['record.amount * 2', 25],
    ['record.amount + record.tax', 13.75],
    ['record.amount - 0.5', 12],
    ["'1' + '2'", 3],
    ["'Order ' + record.number", 'Order 42'],
    ["record.name + ' Ltd'", 'Acme Ltd'],
    ['record.missing + 1', null],
    ['record.nothing * 2', null],
    ['true + 1', null],
    ["'abc' * 2", null],
    ['record.tags + 1', null],
    // comparisons
    ["outcome == 'approve'", true],
    ["outcome != 'approve'", false],
    ['record.amount == 12.5', true],
    ['record.amount > old.amount', true],
    ['record.count >= 3 && record.count < 10', true],
    ['record.missing == null', true],
    ['record.nothing == null', true],
    ['record.name == null', false],
    ['record.missing > 1', null],
    ["record.name > 1", null],
    ['record.due < today()', true],
    ["record.due == '2024-05-10'", true],
    ["record.createdAt > '2024-01-01'", true],
    ["record.createdAt == '2024-01-02T03:04:05Z'", true],
    ["record.tags == ['vip', 'new']", true],
    // logic
    ["record.flag ? 'yes' : 'no'", 'yes'],
    ['record.flag ?.5 : 1', 0.5],
    ["record.missing ? 'yes' : 'no'", 'no'],
    ['record.flag && record.name', true],
    ['record.missing || 0', false],
    ['!record.missing', true],
    ['!record.count', false],
    ["record.count > 5 ? 'big' : record.count > 1 ? 'medium' : 'small'", 'medium'],
    // null-safe paths, own properties only
    ['record.counterparty.status', 'key'],
    ['record.counterparty.owner.name', null],
    ['record.owner.name', null],
    ['record.nothing.deeper.still', null],
    ['record.name.length', null],
    ['record.toString', null],
    ['record.createdAt.getTime', null],
    ['globalThis.process', null],
    ['process.env.HOME', null],
    ['toString', null],
    // functions
    ['now()', '2024-05-15T10:30:00.000Z'],
    ['today()', '2024-05-15'],
    ["daysBetween('2024-01-01', '2024-03-01')", 60],
    ["daysBetween('2024-03-01', '2024-01-01')", -60],
    ["daysBetween(record.due, today())", 5],
    ["daysBetween('2024-05-14T12:00:00Z', now())", 0],
    ['daysBetween(record.missing, now())', null],
    ["addDuration('2024-01-31', 'P1M')", '2024-02-29'],
    ["addDuration('2024-03-10T10:00:00Z', '-PT30M')", '2024-03-10T09:30:00.000Z'],
    ["addDuration(record.due, '-P1W')", '2024-05-03'],
    ["addDuration(record.createdAt, 'P1D')", '2024-01-03T03:04:05.000Z'],
    ["addDuration(now(), record.name)", null],
    ["addDuration(record.missing, 'P1D')", null],
    ["coalesce(record.missing, record.nothing, record.name, 'x')", 'Acme'],
    ['coalesce(record.missing)', null],
    ["lower('AbC')", 'abc'],
    ["upper('äb')", 'ÄB'],
    ['upper(record.missing)', null],
    ["concat('a', 1, record.missing, true)", 'a1true'],
    ["concat('#', record.tags)", '#vip, new'],
    ['round(1.005, 2)', 1.01],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ["round('12.345', 1)", 12.3],
    ['round(1234, -2)', 1200],
    ['round(1, 1.5)', null],
    ['round(record.missing)', null],
    ['abs(-3)', 3],
    ['abs(record.amount)', 12.5],
    ['min(3, record.missing, 1, 2)', 1],
    ['max(record.count, record.amount)', '12.50'],
    ["max('2024-01-01', record.due)", '2024-05-10'],
    ["min(1, 'a')", null],
    ["len('héllo')", 5],
    ['len(record.tags)', 2],
    ['len(record.count)', null],
    ["contains(record.tags, 'vip')", true],
    ["contains(record.tags, 'old')", false],
    ["contains(record.name, 'CM')", true],
    ["contains(record.missing, 'a')", null],
    ['[1, record.count]', [1, 3]],
  ])('%s → %j', (text, expected) => {
    expect(run(text, scope)).toEqual(expected);
  });

  it('calls runtime functions supplied by the caller', () => {
    const functions = { manager: (user: unknown) => `boss-of-${String(user)}`, head: (dept: unknown) => `head-of-${String(dept)}` };
    expect(run('manager(record.owner)', scope, functions)).toBe('boss-of-u1');
    expect(run("head('Sales')", scope, functions)).toBe('head-of-Sales');
  });

  it.each([
    ['manager(record.owner)', 0],
    ["1 + head('Sales')", 4],
  ])('%j without the runtime function fails at %i', (text, index) => {
    let caught: unknown;
    try {
      run(text, scope);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).index).toBe(index);
  });

  it('does not let the caller replace built-in functions', () => {
    expect(run("lower('A')", scope, { lower: () => 'hacked' })).toBe('a');
  });

  it('reads only own properties of plain objects', () => {
    const polluted = JSON.parse('{"__proto__": {"secret": 1}}') as Record<string, unknown>;
    const instance = new (class {
      secret = 1;
    })();
    expect(run('record.secret', { record: polluted })).toBeNull();
    expect(run('record.secret', { record: instance })).toBeNull();
    expect(run('secret', Object.create({ secret: 1 }) as Record<string, unknown>)).toBeNull();
  });

  it('uses the current time when no clock is given', () => {
    const before = Date.now();
    const value = evaluateExpression(parseExpression('now()'), {});
    expect(typeof value).toBe('string');
    expect(Date.parse(value as string)).toBeGreaterThanOrEqual(before - 1);
  });
});

describe('EXPRESSION_FUNCTIONS', () => {
  it('marks the functions that need the database', () => {
    const runtime = Object.entries(EXPRESSION_FUNCTIONS)
      .filter(([, spec]) => spec.runtime)
      .map(([name]) => name);
    expect(runtime).toEqual(['manager', 'head']);
  });
});

describe('parseDuration', () => {
  const zero = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  it.each([
    ['P3D', { ...zero, sign: 1, days: 3 }],
    ['-P3D', { ...zero, sign: -1, days: 3 }],
    ['-PT30M', { ...zero, sign: -1, minutes: 30 }],
    ['P1M', { ...zero, sign: 1, months: 1 }],
    ['PT1M', { ...zero, sign: 1, minutes: 1 }],
    ['P1Y2M3W4DT5H6M7S', { sign: 1, years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });

  it.each(['', 'P', 'PT', '-P', '3D', 'P1.5D', 'P1DT', '+P1D', 'p3d', 'P3D ', 'PT1H2D', 'P99999999999999999999D'])('refuses %j at 0', (text) => {
    let caught: unknown;
    try {
      parseDuration(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect((caught as ExpressionError).index).toBe(0);
  });
});

describe('addDurationTo', () => {
  it.each([
    ['2024-05-15T10:30:00.000Z', 'P3D', '2024-05-18T10:30:00.000Z'],
    ['2024-05-15T10:30:00.000Z', '-P3D', '2024-05-12T10:30:00.000Z'],
    ['2024-05-15T10:30:00.000Z', '-PT30M', '2024-05-15T10:00:00.000Z'],
    ['2024-12-31T23:00:00.000Z', 'PT2H', '2025-01-01T01:00:00.000Z'],
    ['2024-01-31T12:00:00.000Z', 'P1M', '2024-02-29T12:00:00.000Z'],
    ['2024-03-31T00:00:00.000Z', '-P1M', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T00:00:00.000Z', 'P1Y', '2025-02-28T00:00:00.000Z'],
    ['2024-01-31T00:00:00.000Z', 'P1M1D', '2024-03-01T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000Z', 'P1W', '2024-01-08T00:00:00.000Z'],
    ['2024-01-01T00:00:00.000Z', 'PT90S', '2024-01-01T00:01:30.000Z'],
  ])('%s + %s = %s', (from, duration, expected) => {
    expect(addDurationTo(new Date(from), duration).toISOString()).toBe(expected);
  });

  it('refuses a bad duration with an ExpressionError', () => {
    expect(() => addDurationTo(NOW, '3 days')).toThrow(ExpressionError);
  });
});
