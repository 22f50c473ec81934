// A list's state lives in the URL (shareable, back/forward work) and in saved views.
import type { ListMeta } from '../types.js';

export interface ListState {
  view: string | undefined;
  q: string;
  quickFilter: string | undefined;
  /** The condition language, as JSON text. */
  filter: string | undefined;
  sort: string | undefined;
  page: number;
  pageSize: number | undefined;
  groupBy: string | undefined;
  columns: string[] | undefined;
}

export function readListState(params: URLSearchParams): ListState {
  const number = (name: string) => {
    const n = Number(params.get(name));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    view: params.get('view') ?? undefined,
    q: params.get('q') ?? '',
    quickFilter: params.get('quickFilter') ?? undefined,
    filter: params.get('filter') ?? undefined,
    sort: params.get('sort') ?? undefined,
    page: number('page') ?? 1,
    pageSize: number('pageSize'),
    groupBy: params.get('groupBy') ?? undefined,
    columns: params.get('columns')?.split(',').filter(Boolean),
  };
}

export function writeListState(state: ListState): URLSearchParams {
  const params = new URLSearchParams();
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') params.set(name, String(value));
  };
  set('view', state.view);
  set('q', state.q);
  set('quickFilter', state.quickFilter);
  set('filter', state.filter);
  set('sort', state.sort);
  if (state.page > 1) set('page', state.page);
  set('pageSize', state.pageSize);
  set('groupBy', state.groupBy);
  if (state.columns) set('columns', state.columns.join(','));
  return params;
}

/** The part of the state a saved view keeps (not the page). */
export type SavedState = Omit<ListState, 'page'>;

export function toSavedState(state: ListState): SavedState {
  const { page: _page, ...rest } = state;
  return rest;
}

export function fromSavedState(saved: Partial<SavedState>): ListState {
  return { view: saved.view, q: saved.q ?? '', quickFilter: saved.quickFilter, filter: saved.filter, sort: saved.sort, page: 1, pageSize: saved.pageSize, groupBy: saved.groupBy, columns: saved.columns };
}

/** The list API's query for a state: what the table, the groups and the export send. */
export function listQuery(state: ListState, view: ListMeta | undefined): Record<string, string | number | undefined> {
  return {
    view: view?.name,
    q: state.q || undefined,
    quickFilter: state.quickFilter,
    filter: state.filter,
    sort: state.sort,
  };
}
