import { CardoError } from '../errors.js';

/** The authenticated caller of a request. */
export interface SessionUser {
  id: string;
  login: string;
  fullName: string;
  roles: readonly string[];
  locale: string | null;
  /** The session's id (cookie or bearer token), to log it out. */
  sessionId: string;
}

/** The caller of a route behind the auth hook; throws CARDO_ERR_AUTH_REQUIRED if there is none. */
export function assertUser(user: SessionUser | null): SessionUser {
  if (!user) throw new CardoError('CARDO_ERR_AUTH_REQUIRED');
  return user;
}
