// The one way the UI talks to the server: same-origin fetch with the session cookie, the
// header the server's CSRF check accepts, and problem+json turned into ApiError.

/** An RFC 9457 problem as the server sends it (DESIGN.md §5). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: Array<{ path: string; message: string }>;
  duplicates?: Array<{ id?: string; title?: string; rule: string; fields?: string[]; action?: 'block' | 'warn'; exists?: boolean; entity?: string }>;
  currentVersion?: number;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

/** Called on any 401, so the app can show the login page. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { 'x-requested-with': 'cardo', accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError({ status: 0, title: 'Network error', detail: 'The server cannot be reached.' });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    // A proxy's HTML error page: the status alone must do.
  }
  if (!response.ok) {
    if (response.status === 401 && !url.endsWith('/api/auth/login')) onUnauthorized();
    const problem = data && typeof data === 'object' ? (data as Problem) : { status: response.status, title: response.statusText };
    throw new ApiError({ ...problem, status: response.status });
  }
  return data as T;
}

/** A query string from the defined entries. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export type ApiRecord = Record<string, unknown> & {
  id: string;
  version: number;
  $color?: string | null;
  $colorLabel?: Record<string, string> | null;
  $titles?: Record<string, string>;
};

export interface Page {
  items: ApiRecord[];
  total: number;
  totalEstimated?: boolean;
  limit: number;
  offset: number;
}

export interface Group {
  key: string | boolean | null;
  label?: Record<string, string> | string | null;
  count: number;
  sums?: Record<string, number>;
}
