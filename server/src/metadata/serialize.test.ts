import { describe, expect, it } from '@jest/globals';
import { serializeMetadata } from './serialize.js';

describe('serializeMetadata', () => {
  it('orders keys as the meta-schema declares them and sorts map keys', () => {
    const text = serializeMetadata('entity', {
      lists: [{ columns: ['name'], label: { ru: 'Все', en: 'All' }, name: 'all' }],
      name: 'client',
      $schema: '../../server/schema/entity.schema.json',
    });
    expect(text).toBe(
      '{\n  "$schema": "../../server/schema/entity.schema.json",\n  "name": "client",\n  "lists": [\n    {\n      "name": "all",\n      "label": {\n        "en": "All",\n        "ru": "Все"\n      },\n      "columns": [\n        "name"\n      ]\n    }\n  ]\n}\n',
    );
  });

  it.each([
    ['a field default', 'entity', { fields: [{ name: 'a', type: 'string', required: false, label: { en: 'A' } }] }, { fields: [{ name: 'a', label: { en: 'A' }, type: 'string' }] }],
    ['onDelete restrict', 'entity', { fields: [{ name: 'a', type: 'reference', target: 'b', onDelete: 'restrict', label: { en: 'A' } }] }, { fields: [{ name: 'a', label: { en: 'A' }, type: 'reference', target: 'b' }] }],
    ['a tab of kind fields', 'entity', { form: { tabs: [{ kind: 'fields', name: 't', label: { en: 'T' }, sections: [] }] } }, { form: { tabs: [{ name: 't', label: { en: 'T' }, sections: [] }] } }],
    ['a page size of 50', 'entity', { lists: [{ pageSize: 50, name: 'all' }] }, { lists: [{ name: 'all' }] }],
    ['an enabled automation', 'automation', { enabled: true, label: { en: 'X' } }, { label: { en: 'X' } }],
  ])('omits %s', (_name, kind, input, expected) => {
    expect(serializeMetadata(kind as 'entity', input)).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('keeps values that differ from the default', () => {
    const text = serializeMetadata('entity', { fields: [{ name: 'a', label: { en: 'A' }, type: 'string', required: true }] });
    expect(JSON.parse(text)).toEqual({ fields: [{ name: 'a', label: { en: 'A' }, type: 'string', required: true }] });
  });

  it('orders action keys by the branch the discriminator picks', () => {
    const text = serializeMetadata('automation', { do: [{ values: { b: 1, a: { $expr: 'record.x' } }, target: 'deal', action: 'setField' }] });
    expect(text).toBe(`${JSON.stringify({ do: [{ action: 'setField', target: 'deal', values: { a: { $expr: 'record.x' }, b: 1 } }] }, null, 2)}\n`);
  });

  it('orders report keys by its type', () => {
    const text = serializeMetadata('report', { measures: [], entity: 'deal', type: 'aggregate', label: { en: 'R' } });
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['type', 'label', 'entity', 'measures']);
  });

  it('gives identical bytes when re-written', () => {
    const once = serializeMetadata('entity', { name: 'x', fields: [{ label: { ru: 'Б', en: 'B' }, name: 'b', type: 'enum', options: [{ label: { en: 'V' }, value: 'v', color: '#fff' }] }] });
    expect(serializeMetadata('entity', JSON.parse(once))).toBe(once);
  });
});
