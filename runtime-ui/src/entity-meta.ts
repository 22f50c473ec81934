// GET /api/meta/entities/:entity (schemas and uiSchema in a locale), cached per session.
import { useEffect, useState } from 'react';
import { api, ApiError } from './api.js';
import type { EntityMeta } from './types.js';

const cache = new Map<string, Promise<EntityMeta>>();

export function loadEntityMeta(entity: string, locale: string): Promise<EntityMeta> {
  const key = `${entity}\0${locale}`;
  let promise = cache.get(key);
  if (!promise) {
    promise = api<EntityMeta>('GET', `/api/meta/entities/${encodeURIComponent(entity)}?locale=${encodeURIComponent(locale)}`);
    promise.catch(() => cache.delete(key));
    cache.set(key, promise);
  }
  return promise;
}

/** Forgets every cached entity meta (after sign-out or a metadata change). */
export function clearEntityMetaCache(): void {
  cache.clear();
}

export function useEntityMeta(entity: string, locale: string): { meta?: EntityMeta; error?: ApiError } {
  const [state, setState] = useState<{ key: string; meta?: EntityMeta; error?: ApiError }>({ key: '' });
  const key = `${entity}\0${locale}`;
  useEffect(() => {
    let live = true;
    loadEntityMeta(entity, locale).then(
      (meta) => live && setState({ key, meta }),
      (error: unknown) => live && setState({ key, error: error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) }) }),
    );
    return () => {
      live = false;
    };
  }, [entity, locale, key]);
  return state.key === key ? state : {};
}
