import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../api/app.js';
import { CardoError } from '../errors.js';
import { generatePassword, hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.js';
import { assertUser } from './session-user.js';
import { isSameSiteRequest, isStateChanging } from './csrf.js';
import { attachOrg } from '../access/access.js';
import { createSession, findSession, revokeSession, revokeSessionByToken, SESSION_MAX_AGE_SECONDS } from './sessions.js';
import { LoginThrottle, type LoginThrottleOptions } from './throttle.js';
import { findUserByLogin, userRoles } from './users.js';

export const SESSION_COOKIE = 'cardo_session';

/** API routes reachable without a session; everything else under /api/ requires one. */
export function isPublicApiPath(path: string): boolean {
  // The OpenAPI document is per caller (entities and fields they may see), so it needs a session.
  // The calendar feed is read by calendar clients, which send no session: its URL carries a feed token.
  return path === '/api/auth/login' || path === '/api/docs' || path.startsWith('/api/docs/') || path === '/api/calendar.ics';
}

function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

interface LoginBody {
  login: string;
  password: string;
}

const loginBody = {
  type: 'object',
  required: ['login', 'password'],
  additionalProperties: false,
  properties: {
    login: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: PASSWORD_MAX_LENGTH },
  },
} as const;

const userShape = {
  id: { type: 'string' },
  login: { type: 'string' },
  fullName: { type: 'string' },
  roles: { type: 'array', items: { type: 'string' } },
} as const;

const loginResponse = {
  type: 'object',
  required: ['token', 'user'],
  properties: {
    token: { type: 'string' },
    user: { type: 'object', required: ['id', 'login', 'fullName', 'roles'], properties: userShape },
  },
} as const;

const meResponse = {
  type: 'object',
  required: ['id', 'login', 'fullName', 'roles', 'locale'],
  properties: { ...userShape, locale: { type: ['string', 'null'] } },
} as const;

function cookieToken(app: FastifyInstance, request: FastifyRequest): string | undefined {
  // Parse here if no cookie hook ran before this one (the plugin registered after us).
  const cookies = request.cookies ?? app.parseCookie(request.headers.cookie ?? '');
  return cookies[SESSION_COOKIE];
}

/** The session token of a request and where it came from: the bearer token when there is one, else the cookie. */
function requestToken(app: FastifyInstance, request: FastifyRequest): { token: string; via: 'bearer' | 'cookie' } | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
    if (match?.[1]) return { token: match[1], via: 'bearer' };
  }
  const token = cookieToken(app, request);
  return token ? { token, via: 'cookie' } : undefined;
}

function unauthorized(reply: FastifyReply, code: 'CARDO_ERR_AUTH_REQUIRED' | 'CARDO_ERR_AUTH_INVALID'): CardoError {
  reply.header('www-authenticate', 'Bearer realm="cardo"');
  return new CardoError(code);
}

export interface AuthRoutesOptions {
  throttle?: Partial<LoginThrottleOptions>;
}

/**
 * Login, logout, me, and the hook that authenticates every /api/ request. Given the root app
 * (as every RoutePlugin is), its onRequest hook reaches every route, also those registered
 * before it or inside encapsulated plugins, and the not-found handler.
 */
export function createAuthRoutes(options: AuthRoutesOptions = {}): RoutePlugin {
  return async (app, { db }) => {
    if (!app.hasDecorator('parseCookie')) await app.register(fastifyCookie);
    const throttle = new LoginThrottle(options.throttle);
    // Unknown logins are checked against this hash too, so their answer takes as long as a wrong password.
    let decoy: Promise<string> | undefined;

    app.addHook('onRequest', async (request, reply) => {
      const rawPath = request.url.split(/[?#]/, 1)[0] ?? '';
      // The matched route decides, so percent-encoded variants of a path cannot slip past;
      // the raw path covers requests that match no route (they get 401, not 404).
      const path = request.routeOptions.url ?? rawPath;
      if (!isApiPath(path) && !isApiPath(rawPath)) return;
      if (isPublicApiPath(path)) return;
      const credential = requestToken(app, request);
      const session = credential ? await findSession(db, credential.token) : null;
      if (!session) throw unauthorized(reply, 'CARDO_ERR_AUTH_REQUIRED');
      // The browser attaches the cookie to requests any site makes; a bearer token it never adds by itself.
      if (credential?.via === 'cookie' && isStateChanging(request.method) && !isSameSiteRequest(request)) throw new CardoError('CARDO_ERR_AUTH_CSRF');
      request.user = session.user;
      attachOrg(request, session.org);
    });

    app.post<{ Body: LoginBody }>('/api/auth/login', { schema: { body: loginBody, response: { 200: loginResponse } } }, async (request, reply) => {
      // Login CSRF: a foreign page must not log the browser into an account of its choosing.
      if (request.headers.origin !== undefined && !isSameSiteRequest(request)) throw new CardoError('CARDO_ERR_AUTH_CSRF');
      const login = request.body.login.toLowerCase();
      const attempt = throttle.acquire(login, request.ip);
      if (!attempt.ok) {
        reply.header('retry-after', String(attempt.retryAfterSeconds));
        throw new CardoError('CARDO_ERR_AUTH_THROTTLED');
      }
      const user = await findUserByLogin(db, login);
      const hash = user?.passwordHash ?? (await (decoy ??= hashPassword(generatePassword())));
      const matches = await verifyPassword(request.body.password, hash);
      // One answer for unknown login, wrong password, no password and inactive user: no enumeration.
      if (!user || !user.passwordHash || !matches || !user.active) {
        throttle.failed(login, request.ip);
        throw unauthorized(reply, 'CARDO_ERR_AUTH_INVALID');
      }
      throttle.succeeded(login);

      // Session rotation: the session this browser held before (fixated or not) ends here.
      const previous = cookieToken(app, request);
      if (previous) await revokeSessionByToken(db, previous);

      const session = await createSession(db, user.id);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
        secure: request.protocol === 'https',
        maxAge: SESSION_MAX_AGE_SECONDS,
      });
      reply.header('cache-control', 'no-store');
      return { token: session.token, user: { id: user.id, login: user.login, fullName: user.fullName, roles: await userRoles(db, user.id) } };
    });

    app.post('/api/auth/logout', async (request, reply) => {
      const user = assertUser(request.user);
      await revokeSession(db, user.sessionId);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    });

    app.get('/api/auth/me', { schema: { response: { 200: meResponse } } }, async (request, reply) => {
      const { sessionId: _sessionId, ...user } = assertUser(request.user);
      reply.header('cache-control', 'no-store');
      return user;
    });
  };
}

/** The auth routes with the default throttle (5 failures a minute per login and per IP). */
export const authRoutes: RoutePlugin = createAuthRoutes();
