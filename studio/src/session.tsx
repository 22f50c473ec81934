// Who is signed in, whether they may use the studio, and the metadata tree and app settings.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, fileUrl, setUnauthorizedHandler } from './api.js';
import type { App, Me, StudioFile, StudioFileEntry } from './types.js';

export interface Session {
  me: Me;
  files: StudioFileEntry[];
  /** The application's locales (app.json): every label is edited in each of them. */
  locales: string[];
  /** Re-reads the file tree (after a file is created). */
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

type State = { status: 'loading' } | { status: 'anonymous' } | { status: 'forbidden'; me: Me } | { status: 'error'; error: ApiError } | { status: 'ready'; session: Session };

const SessionContext = createContext<Session | null>(null);

interface Props {
  children: ReactNode;
  anonymous: (onLogin: () => void) => ReactNode;
  forbidden: (me: Me, logout: () => Promise<void>) => ReactNode;
  loading: ReactNode;
  failed: (error: ApiError, retry: () => void) => ReactNode;
}

export function SessionProvider({ children, anonymous, forbidden, loading, failed }: Props) {
  const [state, setState] = useState<State>({ status: 'loading' });

  const logout = useCallback(async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setState({ status: 'anonymous' });
  }, []);

  const load = useCallback(async () => {
    try {
      const me = await api<Me>('GET', '/api/auth/me');
      let files: StudioFileEntry[];
      try {
        files = (await api<{ files: StudioFileEntry[] }>('GET', '/api/studio/files')).files;
      } catch (error) {
        // The server decides who may use the studio (roles with studio or admin access).
        if (error instanceof ApiError && error.status === 403) return setState({ status: 'forbidden', me });
        throw error;
      }
      const app = await api<StudioFile>('GET', fileUrl('app.json')).catch(() => null);
      const locales = ((app?.json as App | undefined)?.locales as string[] | undefined) ?? ['en', 'ru'];
      const session: Session = {
        me,
        files,
        locales,
        refresh: async () => {
          const next = (await api<{ files: StudioFileEntry[] }>('GET', '/api/studio/files')).files;
          setState((s) => (s.status === 'ready' ? { status: 'ready', session: { ...s.session, files: next } } : s));
        },
        logout,
      };
      setState({ status: 'ready', session });
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
    case 'forbidden':
      return <>{forbidden(state.me, logout)}</>;
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
