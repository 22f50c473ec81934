// The studio talks to the server the way the runtime UI does (same-origin fetch with the session
// cookie, the CSRF header, problem+json as ApiError): one client, imported from there.
export { api, ApiError, setUnauthorizedHandler, type Problem } from '../../runtime-ui/src/api.js';

/** A file path as a URL path: each segment encoded, the slashes kept. */
export const fileUrl = (path: string): string => `/api/studio/files/${path.split('/').map(encodeURIComponent).join('/')}`;
