import { describe, expect, it } from '@jest/globals';
import { fromSavedState, readListState, toSavedState, writeListState } from './list-state.js';

describe('list state in the URL', () => {
  it('round-trips through the query string, leaving defaults out', () => {
    const state = readListState(new URLSearchParams('view=key&q=Альфа&filter={"status":"key"}&sort=-brand&page=3&pageSize=100&groupBy=owner&columns=brand,phone'));
    expect(state).toEqual({ view: 'key', q: 'Альфа', quickFilter: undefined, filter: '{"status":"key"}', sort: '-brand', page: 3, pageSize: 100, groupBy: 'owner', columns: ['brand', 'phone'] });
    expect(readListState(writeListState(state))).toEqual(state);
    expect(writeListState(readListState(new URLSearchParams('page=1'))).toString()).toBe('');
  });

  it('ignores a page that is not a positive whole number', () => {
    expect(readListState(new URLSearchParams('page=-2')).page).toBe(1);
    expect(readListState(new URLSearchParams('page=abc&pageSize=0')).pageSize).toBeUndefined();
  });

  it('saves everything but the page', () => {
    const state = readListState(new URLSearchParams('quickFilter=mine&page=4'));
    expect(toSavedState(state)).not.toHaveProperty('page');
    expect(fromSavedState(toSavedState(state))).toEqual({ ...state, page: 1 });
  });
});
