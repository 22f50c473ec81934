import { describe, expect, it } from '@jest/globals';
import type { DuplicateRule, Entity } from '../types.js';
import { freshName, newDuplicateRule, newSection, newStage, newTab, removeAt, setMatch, withoutKey } from './entity-edit.js';
import { toPreviewUiSchema } from './preview-ui.js';

const entity = {
  name: 'deal',
  label: { en: 'Deal' },
  pluralLabel: { en: 'Deals' },
  fields: [{ name: 'title', label: { en: 'Title' }, type: 'string' }],
  form: { tabs: [{ name: 'main', label: { en: 'Main' }, sections: [{ name: 'general', fields: ['title'] }] }, { name: 'tab_1', label: { en: 'X' }, kind: 'history' }] },
  lists: [{ name: 'all', label: { en: 'All' }, columns: ['title'] }],
} as Entity;

describe('entity edits for stages, duplicate rules and tabs', () => {
  it.each([
    ['tab', [], 'tab_1'],
    ['tab', ['tab_1', 'tab_2'], 'tab_3'],
    ['stage', ['stage_2'], 'stage_1'],
  ])('freshName(%s, %j) is %s', (prefix, taken, expected) => {
    expect(freshName(prefix, taken)).toBe(expected);
  });

  it('continues the probabilities of the stages, up to 100', () => {
    expect(newStage([], ['en', 'ru'])).toEqual({ value: 'stage_1', label: { en: '', ru: '' }, probability: 10 });
    expect(newStage([{ value: 'stage_1', label: { en: 'A' }, probability: 95 }], ['en']).probability).toBe(100);
  });

  it('drops the threshold when a rule becomes exact, keeps it when fuzzy', () => {
    const fuzzy: DuplicateRule = { name: 'r', label: { en: 'R' }, fields: ['title'], match: 'fuzzy', threshold: 0.7, action: 'warn' };
    expect(setMatch(fuzzy, 'exact')).toEqual({ name: 'r', label: { en: 'R' }, fields: ['title'], match: 'exact', action: 'warn' });
    expect(setMatch(setMatch(fuzzy, 'exact'), 'fuzzy')).not.toHaveProperty('threshold');
    expect(setMatch(fuzzy, 'fuzzy').threshold).toBe(0.7);
    expect(newDuplicateRule([{ ...fuzzy, name: 'rule_1' }], 'title', ['en'])).toEqual({ name: 'rule_2', label: { en: '' }, fields: ['title'], match: 'exact', action: 'warn' });
  });

  it('names new tabs and sections after the existing ones', () => {
    expect(newTab(entity, ['en'], 'fields')).toEqual({ name: 'tab_2', label: { en: '' }, sections: [{ name: 'section_1', label: { en: '' }, fields: [] }] });
    expect(newTab(entity, ['en'], 'related')).toMatchObject({ name: 'tab_2', kind: 'related', entity: '', via: '' });
    expect(newSection({ name: 'x', label: { en: 'X' }, sections: [{ name: 'section_1', fields: ['a'] }] }, ['en']).name).toBe('section_2');
  });

  it('removes by index and omits absent keys', () => {
    expect(removeAt(['a', 'b', 'c'], 1)).toEqual(['a', 'c']);
    expect(withoutKey({ a: 1, b: 2 } as { a: number; b?: number }, 'b')).toEqual({ a: 1 });
  });
});

describe('form preview uiSchema', () => {
  it('swaps the runtime-only widgets for standard ones and keeps the rest', () => {
    const ui = { 'ui:order': ['stage', 'amount', '*'], stage: { 'ui:title': 'Stage', 'ui:widget': 'stage', 'ui:enumNames': ['A'] }, amount: { 'ui:widget': 'money', 'ui:options': { currency: 'RUB' } }, notes: { 'ui:widget': 'textarea' } };
    expect(toPreviewUiSchema(ui)).toEqual({
      'ui:order': ['stage', 'amount', '*'],
      'ui:submitButtonOptions': { norender: true },
      stage: { 'ui:title': 'Stage', 'ui:widget': 'select', 'ui:enumNames': ['A'] },
      amount: { 'ui:widget': 'updown', 'ui:options': { currency: 'RUB' } },
      notes: { 'ui:widget': 'textarea' },
    });
  });
});
