import { describe, expect, it } from '@jest/globals';
import type { ListView } from '../types.js';
import { validateMetadata } from '../validate/meta-validate.js';
import { formatSort, newQuickFilter, parseSort, setListKey } from './list-edit.js';

const list: ListView = { name: 'all', label: { en: 'All' }, columns: ['title'] };

describe('list view edits: sort, filters, grouping', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['brand', [{ field: 'brand', descending: false }]],
    ['-createdAt,counterparty.brand', [{ field: 'createdAt', descending: true }, { field: 'counterparty.brand', descending: false }]],
  ])('parseSort(%j)', (sort, keys) => {
    expect(parseSort(sort)).toEqual(keys);
    expect(formatSort(keys)).toBe(sort || undefined);
  });

  it('keeps the order of the sort keys', () => {
    expect(formatSort([{ field: 'amount', descending: true }, { field: 'title', descending: false }])).toBe('-amount,title');
  });

  it('sets an optional key and drops it when empty', () => {
    const sorted = setListKey(list, 'sort', '-amount');
    expect(sorted.sort).toBe('-amount');
    expect('sort' in setListKey(sorted, 'sort', undefined)).toBe(false);
    expect(setListKey(list, 'groupBy', ['stage', 'owner']).groupBy).toEqual(['stage', 'owner']);
    expect('groupBy' in setListKey({ ...list, groupBy: ['stage'] }, 'groupBy', [])).toBe(false);
    expect(setListKey(list, 'filter', { stage: 'won' }).filter).toEqual({ stage: 'won' });
    expect('filter' in setListKey({ ...list, filter: { stage: 'won' } }, 'filter', {})).toBe(false);
    expect('quickFilters' in setListKey(list, 'quickFilters', [])).toBe(false);
    expect(list).toEqual({ name: 'all', label: { en: 'All' }, columns: ['title'] });
  });

  it('names new quick filters apart from the others', () => {
    const first = newQuickFilter(list, ['en', 'ru']);
    expect(first).toEqual({ name: 'filter_1', label: { en: '', ru: '' }, filter: {} });
    expect(newQuickFilter({ ...list, quickFilters: [first] }, ['en']).name).toBe('filter_2');
  });

  it('produces list views the meta-schema accepts', () => {
    let next = setListKey(list, 'sort', formatSort([{ field: 'createdAt', descending: true }, { field: 'title', descending: false }]));
    next = setListKey(next, 'groupBy', ['owner']);
    next = setListKey(next, 'filter', { title: { $contains: 'a' } });
    next = setListKey(next, 'quickFilters', [{ ...newQuickFilter(next, ['en']), label: { en: 'Mine' }, filter: { owner: '$me' } }]);
    const entity = { name: 'deal', label: { en: 'Deal' }, pluralLabel: { en: 'Deals' }, fields: [{ name: 'title', label: { en: 'Title' }, type: 'string' }], form: { tabs: [{ name: 'main', label: { en: 'Main' }, sections: [{ name: 'general', fields: ['title'] }] }] }, lists: [next] };
    expect(validateMetadata('entity', entity)).toEqual([]);
  });
});
