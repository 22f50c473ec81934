import { describe, expect, it } from '@jest/globals';
import { TemplateError, renderTemplate, templatePaths } from './template.js';

describe('templatePaths', () => {
  it.each([
    ['Meeting with {{counterparty.brand}}', ['counterparty.brand']],
    ['{{ a }} and {{a}}, {{\tb.c_d\n}}', ['a', 'b.c_d']],
    ['{{_x}}{{X1}}', ['_x', 'X1']],
    ['No placeholders, { single } braces', []],
    ['{{a}}}', ['a']],
    ['', []],
  ])('%j → %j', (text, paths) => {
    expect(templatePaths(text)).toEqual(paths);
  });

  it.each([
    // [text, index, message part]
    ['Hello {{name', 6, 'not closed'],
    ['Hello }} there', 6, 'without a matching'],
    ['{{a}} }}', 6, 'without a matching'],
    ['{{ a b }}', 3, 'not a field path'],
    ['{{}}', 2, 'not a field path'],
    ['{{   }}', 5, 'not a field path'],
    ['{{ 1a }}', 3, 'not a field path'],
    ['{{a.}}', 2, 'not a field path'],
    ['{{a..b}}', 2, 'not a field path'],
    ["{{ a['b'] }}", 3, 'not a field path'],
    ['{{ a + 1 }}', 3, 'not a field path'],
    ['{{{a}}}', 2, 'not a field path'],
    ['x {{ a {{ b }}', 5, 'not a field path'],
    ['{{ a.__proto__ }}', 3, '"__proto__" is not allowed'],
    ['{{constructor}}', 2, '"constructor" is not allowed'],
  ])('%j fails at %i (%s)', (text, index, message) => {
    let caught: unknown;
    try {
      templatePaths(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).index).toBe(index);
    expect((caught as TemplateError).message).toContain(message);
  });
});

describe('renderTemplate', () => {
  const data = {
    name: 'Ann',
    counterparty: { brand: 'Acme', owner: null },
    amount: 12.5,
    zero: 0,
    active: false,
    due: new Date('2024-05-15T10:30:00.000Z'),
    tags: ['vip', 'new'],
    empty: null,
  };

  it.each([
    ['Hi {{ name }}!', 'Hi Ann!'],
    ['Meeting with {{counterparty.brand}}', 'Meeting with Acme'],
    ['[{{missing}}]', '[]'],
    ['[{{missing.deeper}}]', '[]'],
    ['[{{empty}}]', '[]'],
    ['[{{counterparty.owner.name}}]', '[]'],
    ['{{amount}} / {{zero}}', '12.5 / 0'],
    ['{{active}}', 'false'],
    ['{{due}}', '2024-05-15T10:30:00.000Z'],
    ['{{tags}}', 'vip, new'],
    ['{{counterparty}}', ''],
    ['[{{name.length}}]', '[]'],
    ['[{{toString}}]', '[]'],
    ['plain { text }', 'plain { text }'],
  ])('%j → %j', (text, expected) => {
    expect(renderTemplate(text, data)).toBe(expected);
  });

  it('reads own properties only', () => {
    const polluted = JSON.parse('{"__proto__": {"secret": "s"}}') as Record<string, unknown>;
    expect(renderTemplate('[{{secret}}]', polluted)).toBe('[]');
    expect(renderTemplate('[{{x.secret}}]', { x: Object.create({ secret: 's' }) as unknown })).toBe('[]');
  });

  it('formats present values with the given format and leaves missing ones empty', () => {
    const seen: string[] = [];
    const format = (value: unknown, path: string): string => {
      seen.push(path);
      return `<${String(value)}>`;
    };
    expect(renderTemplate('{{name}} {{amount}} [{{missing}}] [{{empty}}]', data, { format })).toBe('<Ann> <12.5> [] []');
    expect(seen).toEqual(['name', 'amount']);
  });

  it('throws TemplateError for a malformed template', () => {
    expect(() => renderTemplate('Hello {{name', data)).toThrow(TemplateError);
  });
});
