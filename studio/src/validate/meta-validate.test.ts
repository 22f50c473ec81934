import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { describeError, simplifyErrors, validatorFor } from '../../../server/src/metadata/meta-schema.js';
import type { Entity } from '../types.js';
import { issuesAt, issuesUnder, schemaKindOf, validateMetadata } from './meta-validate.js';

/** The studio's generated (standalone) validators against the server's ajv, on the same inputs. */
const entitiesDir = new URL('../../../metadata/entities/', import.meta.url);
const entities = readdirSync(entitiesDir).filter((f) => f.endsWith('.json')).sort();
const read = (file: string) => JSON.parse(readFileSync(new URL(file, entitiesDir), 'utf8')) as Entity;
const deal = read('deal.json');

function serverIssues(json: unknown) {
  const validate = validatorFor('entity');
  if (!validate || validate(json)) return [];
  return simplifyErrors(validate.errors ?? []).map(describeError);
}

const broken: Array<[string, (e: Entity) => Entity, string]> = [
  ['a stage probability above 100', (e) => ({ ...e, stages: e.stages?.map((s, i) => (i === 1 ? { ...s, probability: 150 } : s)) }), '/stages/1/probability'],
  ['a threshold on an exact duplicate rule', (e) => ({ ...e, duplicateRules: [{ name: 'same_title', label: { en: 'Same' }, fields: ['title'], match: 'exact', threshold: 0.5, action: 'warn' }] }), '/duplicateRules/0'],
  ['a section without fields', (e) => ({ ...e, form: { tabs: [...e.form.tabs, { name: 'extra', label: { en: 'Extra' }, sections: [{ name: 'one', fields: [] }] }] } }), `/form/tabs/${deal.form.tabs.length}/sections/0/fields`],
  ['a related tab without its entity', (e) => ({ ...e, form: { tabs: [...e.form.tabs, { name: 'rel', label: { en: 'Related' }, kind: 'related', via: 'deal' } as never] } }), `/form/tabs/${deal.form.tabs.length}`],
  ['a stage value that is not lower_snake', (e) => ({ ...e, stages: e.stages?.map((s, i) => (i === 0 ? { ...s, value: 'First' } : s)) }), '/stages/0/value'],
  ['a field pattern that is not a regular expression (format regex)', (e) => ({ ...e, fields: e.fields.map((f, i) => (i === 0 ? { ...f, pattern: '(' } : f)) }), '/fields/0/pattern'],
  ['an unknown property', (e) => ({ ...e, colour: 'red' }) as Entity, '/colour'],
];

describe('in-browser meta-schema validation (generated standalone validators)', () => {
  it.each(entities)('accepts metadata/entities/%s like the server', (file) => {
    expect(validateMetadata('entity', read(file))).toEqual([]);
    expect(serverIssues(read(file))).toEqual([]);
  });

  it.each(broken)('reports %s at the value, with the server\'s wording', (_, mutate, pointer) => {
    const json = mutate(deal);
    const issues = validateMetadata('entity', json);
    expect(issuesUnder(issues, pointer).length).toBeGreaterThan(0);
    expect(issues).toEqual(serverIssues(json));
  });

  it('tells the issues at a value from those inside it', () => {
    const issues = [{ pointer: '/stages/1/probability', message: 'a' }, { pointer: '/stages/1', message: 'b' }, { pointer: '/stages/10', message: 'c' }];
    expect(issuesAt(issues, '/stages/1').map((i) => i.message)).toEqual(['b']);
    expect(issuesUnder(issues, '/stages/1').map((i) => i.message)).toEqual(['a', 'b']);
  });
});

describe('schemaKindOf', () => {
  it.each([
    ['entities/deal.json', 'entity'],
    ['notifications/task-overdue.json', 'notification'],
    ['automations/deal-close-date.json', 'automation'],
    ['calendars/tasks.json', 'calendar'],
    ['reports/funnel.json', 'report'],
    ['roles.json', 'roles'],
    ['app.json', 'app'],
    ['templates/contract.json', 'template'],
    ['templates/contract.docx', undefined],
    ['workflows/document-approval.bpmn', undefined],
    ['entities/nested/deal.json', undefined],
  ])('%s is %s', (path, kind) => expect(schemaKindOf(path)).toBe(kind));
});
