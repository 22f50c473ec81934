import { describe, expect, it } from '@jest/globals';
import { attributeProblem, problemElementId } from './cardo-attributes.js';

/** The modeler's as-you-type checks of cardo: attributes (the server's rules in check-bpmn.ts). */
describe('attributeProblem', () => {
  it.each<[string, string, ReturnType<typeof attributeProblem>]>([
    ['due', '', null],
    ['due', 'P2D', null],
    ['due', 'PT4H', null],
    ['due', 'P1DT12H', null],
    ['due', 'P', 'duration'],
    ['due', 'PT', 'duration'],
    ['due', '2 days', 'duration'],
    ['timeDuration', 'P5D', null],
    ['timeDuration', '5d', 'duration'],
    ['assignee', '${record.responsible}', null],
    ['assignee', 'record.responsible', 'wrapped'],
    ['recipient', '${manager(record.owner)}', null],
    ['candidateDepartment', '${}', 'wrapped'],
    ['outcomes', 'approve,return', null],
    ['outcomes', 'approve, return', 'outcomes'],
    ['outcomes', 'Approve', 'outcomes'],
    ['outcomes', 'approve,,return', 'outcomes'],
    ['values', '{"subject": "record.number"}', null],
    ['values', '[1]', 'json'],
    ['startWhen', '{', 'json'],
    ['title', 'anything {{goes}}', null],
  ])('%s = %j → %s', (attribute, value, expected) => {
    expect(attributeProblem(attribute, value)).toBe(expected);
  });
});

describe('problemElementId', () => {
  it.each<[string, string | null]>([
    ['', null],
    ['/lawyer_review', 'lawyer_review'],
    ['/lawyer_review/cardo:due', 'lawyer_review'],
    ['/set_field/cardo:values/amount', 'set_field'],
    ['/a~1b/cardo:due', 'a/b'],
  ])('%j → %j', (pointer, id) => {
    expect(problemElementId(pointer)).toBe(id);
  });
});
