// Who is signed in and the application model they may use (GET /api/auth/me, GET /api/meta).
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthorizedHandler } from './api.js';
import { isUiLocale, useI18n } from './i18n.js';
import type { AppMeta, EntitySummaryMeta, FieldMeta, Me } from './types.js';

export interface Session {
  me: Me;
  meta: AppMeta;
  entity(name: string): EntitySummaryMeta | undefined;
  field(entity: string, name: string): FieldMeta | undefined;
  logout(): Promise<void>;
}

type State = { status: 'loading' } | { status: 'anonymous' } | { status: 'error'; error: ApiError } | { status: 'ready'; session: Session };

const SessionContext = createContext<Session | null>(null);

function toSession(me: Me, meta: AppMeta, logout: () => Promise<void>): Session {
  const entities = new Map(meta.entities.map((e) => [e.name, e]));
  const fields = new Map(meta.entities.map((e) => [e.name, new Map(e.fields.map((f) => [f.name, f]))]));
  return { me, meta, entity: (name) => entities.get(name), field: (entity, name) => fields.get(entity)?.get(name), logout };
}

/** Loads the session; renders `anonymous` (the login page) without one, `children` with one. */
export function SessionProvider({ children, anonymous, loading, failed }: { children: ReactNode; anonymous: (onLogin: () => void) => ReactNode; loading: ReactNode; failed: (error: ApiError, retry: () => void) => ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const { setLocale, locale } = useI18n();

  const logout = useCallback(async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setState({ status: 'anonymous' });
  }, []);

  const load = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const me = await api<Me>('GET', '/api/auth/me');
      const meta = await api<AppMeta>('GET', '/api/meta');
      // The user's saved language wins once, at sign-in, unless they chose one in this browser.
      if (!localStorage.getItem('cardo.locale') && isUiLocale(me.locale) && me.locale !== locale) setLocale(me.locale);
      setState({ status: 'ready', session: toSession(me, meta, logout) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ status: 'anonymous' });
      else setState({ status: 'error', error: error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) }) });
    }
  }, [logout]);

  useEffect(() => {
    setUnauthorizedHandler(() => setState({ status: 'anonymous' }));
    void load();
  }, [load]);

  switch (state.status) {
    case 'loading':
      return <>{loading}</>;
    case 'anonymous':
      return <>{anonymous(() => void load())}</>;
    case 'error':
      return <>{failed(state.error, () => void load())}</>;
    case 'ready':
      return <SessionContext.Provider value={state.session}>{children}</SessionContext.Provider>;
  }
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
