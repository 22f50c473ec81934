// One GET's state for a tab: data, error, loading and a reload, ignoring answers that arrive
// after the key changed.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api.js';

export interface Loaded<T> {
  data?: T | undefined;
  error?: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

export function useLoad<T>(url: string | undefined): Loaded<T> {
  const [state, setState] = useState<{ url?: string; data?: T; error?: ApiError }>({});
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    if (!url) return;
    const mine = ++seq.current;
    api<T>('GET', url).then(
      (data) => mine === seq.current && setState({ url, data }),
      (error: unknown) => mine === seq.current && setState({ url, error: error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) }) }),
    );
  }, [url, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const current = state.url === url;
  return { data: current ? state.data : undefined, error: current ? state.error : undefined, loading: !!url && (!current || (state.data === undefined && state.error === undefined)), reload };
}
