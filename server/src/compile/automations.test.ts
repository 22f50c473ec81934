import { describe, expect, it } from '@jest/globals';
import type { Automation } from '../generated/metadata.js';
import { conditionPaths, toAutomationModel } from './automations.js';

const label = { en: 'Test', ru: 'Тест' };

describe('conditionPaths', () => {
  it.each([
    [{ stage: 'won' }, ['stage']],
    [{ 'deal.stage': { $nin: ['won'] }, deal: { $null: false } }, ['deal.stage', 'deal']],
    [{ $or: [{ a: 1 }, { $and: [{ 'b.c': 2 }, { $not: { 'd.e.f': 3 } }] }] }, ['a', 'b.c', 'd.e.f']],
    [{}, []],
    [undefined, []],
  ])('%j → %j', (condition, paths) => {
    expect([...conditionPaths(condition)]).toEqual(paths);
  });
});

describe('toAutomationModel', () => {
  it('parses expressions once and collects the reference paths the automation reads', () => {
    const def: Automation = {
      label,
      entity: 'interaction',
      on: ['create', 'update'],
      fields: ['result'],
      when: { 'deal.stage': { $ne: 'won' }, result: 'contract_signed' },
      do: [
        { action: 'setField', target: 'deal', values: { stage: 'contract', note: { $expr: "concat(record.counterparty.brand, ' ', old.deal.title, record.title)" } } },
        { action: 'notify', recipients: ['owner'], subject: { en: '{{deal.owner.fullName}}: {{title}}' } },
        { action: 'link', to: 'deal' },
      ],
    };
    const model = toAutomationModel('contract', def);
    expect(model).toMatchObject({ name: 'contract', entity: 'interaction', on: ['create', 'update'], fields: ['result'], enabled: true });
    expect([...model.paths].sort()).toEqual(['counterparty.brand', 'deal.owner.fullName', 'deal.stage', 'deal.title']);
    const [setField, , link] = model.actions;
    expect(setField).toMatchObject({ action: 'setField', target: 'deal', values: { stage: { kind: 'literal', value: 'contract' }, note: { kind: 'expr', expr: { kind: 'call' } } } });
    expect(link).toEqual({ action: 'link', to: 'deal', kind: 'related' });
  });

  it('keeps enabled: false, and a syntax error in an expression throws (validation reports it before compile)', () => {
    expect(toAutomationModel('off', { label, entity: 'deal', on: ['create'], enabled: false, do: [{ action: 'startWorkflow', process: 'x' }] }).enabled).toBe(false);
    expect(() => toAutomationModel('bad', { label, entity: 'deal', on: ['create'], do: [{ action: 'setField', values: { a: { $expr: 'record.(' } } }] })).toThrow();
  });
});
