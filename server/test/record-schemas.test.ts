import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { createSchema, patchSchema, recordCodecs, recordSchema } from '../src/api/record-schemas.js';
import { toEntityModel, type CompiledModel } from '../src/compile/compile.js';
import { loadModel } from '../src/compile/load-model.js';
import { CardoError } from '../src/errors.js';
import type { Entity, Label } from '../src/generated/metadata.js';

const l = (en: string): Label => ({ en, ru: en });
const opt = (value: string) => ({ value, label: l(value) });

/** One field of every type, with the constraints the schemas must carry. */
const ALL_TYPES: Entity = {
  name: 'all_types',
  label: l('All types'),
  pluralLabel: l('All types'),
  titleField: 'title',
  fields: [
    { name: 'title', label: l('Title'), type: 'string', required: true, maxLength: 20 },
    { name: 'code', label: l('Code'), type: 'string', minLength: 3, pattern: '^[A-Z]+$' },
    { name: 'plain', label: l('Plain'), type: 'string' },
    { name: 'notes', label: l('Notes'), type: 'text' },
    { name: 'qty', label: l('Quantity'), type: 'integer', min: 0, max: 10 },
    { name: 'big', label: l('Big'), type: 'integer' },
    { name: 'ratio', label: l('Ratio'), type: 'decimal' },
    { name: 'price', label: l('Price'), type: 'money', min: 0 },
    { name: 'share', label: l('Share'), type: 'percent' },
    { name: 'active', label: l('Active'), type: 'boolean' },
    { name: 'day', label: l('Day'), type: 'date' },
    { name: 'at', label: l('At'), type: 'datetime' },
    { name: 'color', label: l('Color'), type: 'enum', options: [opt('red'), opt('green')] },
    { name: 'tags', label: l('Tags'), type: 'multiEnum', options: [opt('a'), opt('b'), opt('c')] },
    { name: 'parent', label: l('Parent'), type: 'reference', target: 'all_types' },
    { name: 'manager', label: l('Manager'), type: 'user' },
    { name: 'attachment', label: l('Attachment'), type: 'file' },
    { name: 'mail', label: l('Mail'), type: 'email' },
    { name: 'phone', label: l('Phone'), type: 'phone' },
    { name: 'site', label: l('Site'), type: 'url' },
    { name: 'phase', label: l('Phase'), type: 'stage' },
    { name: 'total', label: l('Total'), type: 'formula', expression: 'price * qty', resultType: 'money' },
    { name: 'locked', label: l('Locked'), type: 'string', readOnly: true },
    { name: 'kind', label: l('Kind'), type: 'enum', required: true, default: 'x', options: [opt('x'), opt('y')] },
  ],
  stages: [
    { value: 'open', label: l('Open'), probability: 10 },
    { value: 'won', label: l('Won'), probability: 100, outcome: 'won' },
  ],
  form: { tabs: [{ name: 'main', label: l('Main'), sections: [{ name: 'main', fields: ['title', 'phone', 'locked', 'owner'] }] }] },
  lists: [{ name: 'all', label: l('All'), columns: ['title'] }],
};

const UUID = '01890a5d-ac96-774b-bcce-b302099a8057';

let model: CompiledModel;
beforeAll(async () => {
  const { model: crm, problems } = await loadModel(fileURLToPath(new URL('../../metadata/', import.meta.url)));
  expect(problems).toEqual([]);
  const base = crm as CompiledModel;
  model = { ...base, entities: new Map([...base.entities, ['all_types', toEntityModel(ALL_TYPES, false)]]) };
});

/** The CardoError a validator throws, or undefined when the body is valid. */
function errorOf(run: () => void): CardoError | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof CardoError) return error;
    throw error;
  }
}

const create = (body: unknown) => errorOf(() => recordCodecs(model).get('all_types').validateCreate(body));
const patch = (body: unknown) => errorOf(() => recordCodecs(model).get('all_types').validatePatch(body));
const paths = (error: CardoError | undefined) => [...new Set((error?.errors ?? []).map((e) => e.path))].sort();

describe('field validation, per type', () => {
  // [field, valid values, [invalid value, the error paths it gives]]
  const cases: Array<[string, unknown[], Array<[unknown, string[]]>]> = [
    ['title', ['A', 'x'.repeat(20)], [['x'.repeat(21), ['/title']], [5, ['/title']], [null, ['/title']]]],
    ['code', ['ABC', null], [['abc', ['/code']], ['AB', ['/code']]]],
    ['plain', ['x'.repeat(255), ''], [['x'.repeat(256), ['/plain']], [1, ['/plain']]]],
    ['notes', ['x'.repeat(1_000_000)], [['x'.repeat(1_000_001), ['/notes']], [{}, ['/notes']]]],
    ['qty', [0, 10, null], [[-1, ['/qty']], [11, ['/qty']], [1.5, ['/qty']], ['3', ['/qty']]]],
    ['big', [2147483647, -2147483648], [[2147483648, ['/big']]]],
    ['ratio', [1.2345, -5], [[1e14, ['/ratio']], ['1.5', ['/ratio']]]],
    ['price', [0, 99.99], [[-0.01, ['/price']], [1e16, ['/price']], ['10', ['/price']]]],
    ['share', [0, 55.5, 100], [[-1, ['/share']], [100.01, ['/share']]]],
    ['active', [true, false, null], [['true', ['/active']], [1, ['/active']]]],
    ['day', ['2024-02-29'], [['2023-02-29', ['/day']], ['2024-02-01T00:00:00Z', ['/day']], ['01.02.2024', ['/day']]]],
    ['at', ['2024-02-01T10:00:00Z', '2024-02-01T10:00:00+03:00'], [['2024-02-01T10:00:00', ['/at']], ['2024-02-01', ['/at']], ['now', ['/at']]]],
    ['color', ['red', null], [['blue', ['/color']], [1, ['/color']]]],
    ['tags', [[], ['a', 'b'], null], [[['a', 'a'], ['/tags']], [['z'], ['/tags/0']], ['a', ['/tags']]]],
    ['parent', [UUID, null], [['not-a-uuid', ['/parent']], [123, ['/parent']]]],
    ['manager', [UUID], [['me', ['/manager']]]],
    ['attachment', [UUID], [['file.pdf', ['/attachment']]]],
    ['mail', ['a@b.ru', null], [['a@', ['/mail']], [`${'x'.repeat(320)}@b.ru`, ['/mail']]]],
    ['phone', ['+7 495 123-45-67', '8 (495) 123-45-67'], [['not a phone', ['/phone']], ['12', ['/phone']]]],
    ['site', ['https://example.com/a?b=1', 'http://example.com'], [['javascript:alert(1)', ['/site']], ['example.com', ['/site']]]],
    ['phase', ['open', 'won'], [['closed', ['/phase']]]],
    ['owner', [UUID, null], [['admin', ['/owner']]]],
    ['kind', ['y'], [[null, ['/kind']], ['z', ['/kind']]]],
  ];

  describe.each(cases)('%s', (field, valid, invalid) => {
    it.each(valid.map((v) => [v]))('accepts %j', (value) => {
      expect(create({ title: 'T', [field]: value })?.errors).toBeUndefined();
      if (field !== 'title' || value !== null) expect(patch({ [field]: value })?.errors).toBeUndefined();
    });
    it.each(invalid)('refuses %j', (value, expected) => {
      const error = create({ title: 'T', [field]: value });
      expect(error?.code).toBe('CARDO_ERR_API_VALIDATION');
      expect(paths(error)).toEqual(expected);
      for (const e of error?.errors ?? []) expect(e.message).toContain(`"${field}"`);
      expect(paths(patch({ [field]: value }))).toEqual(expected);
    });
  });
});

describe('bodies', () => {
  it('requires required fields without a default, and reports every problem at once', () => {
    const error = create({ qty: -1, mail: 'nope' });
    expect(error?.errors).toEqual([
      { path: '/title', message: '"title" is required.' },
      { path: '/qty', message: '"qty" must be at least 0.' },
      { path: '/mail', message: '"mail" must be an e-mail address.' },
    ]);
    expect(error?.detail).toContain('"title" is required.');
  });

  it('refuses unknown fields by name', () => {
    expect(create({ title: 'T', nickname: 'x' })?.errors).toEqual([{ path: '/nickname', message: '"nickname" is not a field of all_types.' }]);
  });

  it.each(['id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'version', 'total', 'locked'])('refuses the read-only field %s', (field) => {
    expect(create({ title: 'T', [field]: field === 'version' ? 1 : UUID })?.errors).toEqual([{ path: `/${field}`, message: `"${field}" is read-only.` }]);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses the key %s', (key) => {
    const body = JSON.parse(`{"title": "T", "${key}": {"polluted": true}}`) as unknown;
    expect(create(body)?.errors).toEqual([{ path: `/${key}`, message: `The key "${key}" is not allowed.` }]);
    expect(paths(patch(body))).toEqual([`/${key}`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a 1 MB string in every text field', () => {
    const huge = 'я'.repeat(1024 * 1024);
    expect(paths(create({ title: huge, plain: huge, notes: huge, mail: huge, phone: huge, site: huge }))).toEqual(['/mail', '/notes', '/phone', '/plain', '/site', '/title']);
  });

  it.each([[[]], [null], ['text'], [42], [undefined]])('refuses a body that is not an object: %j', (body) => {
    expect(create(body)?.errors).toEqual([{ path: '', message: 'The body must be a JSON object.' }]);
  });

  it('checks the CRM metadata\'s own constraints', () => {
    const error = errorOf(() => recordCodecs(model).get('counterparty').validateCreate({ brand: 'Ромашка', inn: '12345', status: 'gone', website: 'ftp://x' }));
    expect(paths(error)).toEqual(['/inn', '/status', '/website']);
  });
});

describe('patches', () => {
  it('accepts any subset of the writable fields and a version', () => {
    expect(patch({ version: 3, qty: 2, owner: null })).toBeUndefined();
    expect(patch({ code: null })).toBeUndefined();
  });

  it('refuses an empty patch', () => {
    expect(patch({})?.errors).toEqual([{ path: '', message: 'The patch changes nothing: send at least one field.' }]);
  });

  it('refuses clearing a required field', () => {
    expect(patch({ title: null })?.errors).toEqual([{ path: '/title', message: '"title" must be text.' }]);
  });

  it.each([[0], [1.5], ['2'], [null]])('refuses the version %j', (version) => {
    expect(paths(patch({ version, qty: 1 }))).toEqual(['/version']);
  });

  it('refuses read-only and unknown fields', () => {
    expect(paths(patch({ createdAt: '2024-01-01T00:00:00Z', total: 5, nope: 1 }))).toEqual(['/createdAt', '/nope', '/total']);
  });
});

describe('schemas', () => {
  it('create: writable fields only, owner included, additional properties refused', () => {
    const schema = createSchema(model.entities.get('all_types') as never) as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['owner', 'title', 'tags', 'phase']));
    for (const name of ['id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'version', 'total', 'locked']) expect(schema.properties).not.toHaveProperty(name);
    expect(schema.required).toEqual(['title']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.owner).toEqual({ type: ['string', 'null'], format: 'uuid' });
    expect(schema.properties.color).toEqual({ type: ['string', 'null'], enum: ['red', 'green', null] });
    expect(schema.properties.share).toEqual({ type: ['number', 'null'], minimum: 0, maximum: 100 });
  });

  it('patch: no required fields, a version, at least one property', () => {
    const schema = patchSchema(model.entities.get('all_types') as never) as { properties: Record<string, unknown>; required?: string[]; minProperties: number };
    expect(schema.required).toBeUndefined();
    expect(schema.properties.version).toEqual({ type: 'integer', minimum: 1, maximum: 2147483647 });
    expect(schema.minProperties).toBe(1);
  });

  it('record: every field including system fields and formulas, the row color and the reference titles', () => {
    const schema = recordSchema(model.entities.get('all_types') as never) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual([...(model.entities.get('all_types')?.fields.map((f) => f.name) ?? []), '$color', '$colorLabel', '$titles']);
    expect(schema.properties.id).toEqual({ type: 'string', format: 'uuid' });
    expect(schema.properties.total).toMatchObject({ type: ['number', 'null'] });
  });
});

describe('serializers', () => {
  const record = {
    id: UUID,
    createdAt: '2025-01-02T03:04:05.000Z',
    updatedAt: '2025-01-02T03:04:05.000Z',
    createdBy: UUID,
    updatedBy: null,
    owner: UUID,
    version: 2,
    brand: 'Ромашка "Цветы"',
    legalName: 'ООО «Ромашка»',
    inn: '7701234567',
    status: 'active',
    industry: null,
    segment: 'smb',
    phone: '+74951234567',
    phone2: null,
    email: 'info@romashka.ru',
    website: 'https://romashka.ru',
    address: 'Москва\nул. Ленина, 1',
    source: 'referral',
    preferredChannel: 'email',
    wishes: 'Звонить после 10:00 \u2028 \\ </script>',
    $color: '#52c41a',
    $colorLabel: { en: 'Active', ru: 'Действующий' },
  };

  it('a record serializes exactly as JSON.stringify does', () => {
    expect(recordCodecs(model).get('counterparty').serializeRecord(record)).toBe(JSON.stringify(record));
  });

  it('leaves out internal columns', () => {
    const json = recordCodecs(model).get('counterparty').serializeRecord({ ...record, dup_same_phone: '+74951234567', password_hash: 'x' });
    expect(json).toBe(JSON.stringify(record));
  });

  it('a list serializes exactly as JSON.stringify does', () => {
    const page = { items: [record, { ...record, id: '01890a5d-ac96-774b-bcce-b302099a8058', $color: null, $colorLabel: null }], total: 2, limit: 50, offset: 0, totalEstimated: false };
    expect(recordCodecs(model).get('counterparty').serializeList(page)).toBe(JSON.stringify(page));
  });

  it('every type of the all-types entity round-trips', () => {
    const all = {
      id: UUID, createdAt: '2025-01-02T03:04:05.000Z', updatedAt: '2025-01-02T03:04:05.000Z', createdBy: null, updatedBy: null, owner: null, version: 1,
      title: 'T', code: 'ABC', plain: '', notes: 'n', qty: 3, big: -7, ratio: 1.2345, price: 10.5, share: 12.5, active: false, day: '2025-03-01', at: '2025-03-01T09:30:00.000Z',
      color: 'red', tags: ['a', 'c'], parent: UUID, manager: UUID, attachment: null, mail: 'a@b.ru', phone: '+74951234567', site: 'https://x.ru', phase: 'open', total: 31.5, locked: null, kind: 'x',
    };
    expect(recordCodecs(model).get('all_types').serializeRecord(all)).toBe(JSON.stringify(all));
  });
});

describe('recordCodecs', () => {
  it('compiles once per model and entity', () => {
    const codecs = recordCodecs(model);
    expect(recordCodecs(model)).toBe(codecs);
    expect(codecs.get('counterparty')).toBe(codecs.get('counterparty'));
    expect(recordCodecs({ ...model })).not.toBe(codecs);
  });

  it('names an unknown entity', () => {
    const error = errorOf(() => recordCodecs(model).get('nope'));
    expect(error?.code).toBe('CARDO_ERR_API_UNKNOWN_ENTITY');
  });
});
