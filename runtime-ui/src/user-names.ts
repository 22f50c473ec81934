// Full names of users by id (a deputy's "on behalf of", a task's assignee), read in one list
// query; ids the caller may not read stay unnamed.
import { useEffect, useState } from 'react';
import { api, query, type Page } from './api.js';

export function useUserNames(ids: ReadonlyArray<string | null | undefined>): ReadonlyMap<string, string> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))].sort();
  const key = wanted.join(',');
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    if (!key) return;
    let live = true;
    const list = key.split(',');
    api<Page>('GET', `/api/data/sys_user${query({ filter: JSON.stringify({ id: { $in: list } }), limit: list.length })}`).then(
      (page) => live && setNames(new Map(page.items.map((u) => [u.id, String(u.fullName ?? u.login ?? u.id)]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}
