import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import secureJson from 'secure-json-parse';
import type { SessionUser } from '../auth/session-user.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { unstorableTextPath } from '../expression/values.js';
import type { RecordWriteHook } from '../records/records.service.js';
import type { ModelHolder } from '../runtime/model-holder.js';
import { toProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The compiled model this request is served with (taken once, when it starts). */
    model: CompiledModel;
    /** Whether the request still counts as in flight on its model (ModelHolder.enter/leave). */
    holdsModel: boolean;
    /** The authenticated caller; null on public routes. */
    user: SessionUser | null;
  }
  interface FastifyInstance {
    /** Run inside the transaction of every record write (create, update, delete) made through the API: workflow triggers, automations, notification rules. */
    recordHooks: RecordWriteHook[];
  }
}

/** What route modules need: the database, the current model, the settings. */
export interface AppDeps {
  db: Db;
  models: ModelHolder;
  config: Config;
  /** For schema changes at runtime: the PostgreSQL URL and schema the db is bound to. */
  target: { db: Db; url?: string | undefined; schema?: string | undefined };
}

export type RoutePlugin = (app: FastifyInstance, deps: AppDeps) => Promise<void> | void;

export const BODY_LIMIT = 1024 * 1024;
/** Longest query string accepted; filters are JSON in the query, and none needs more. */
export const QUERY_LIMIT = 8 * 1024;
/** Longest path parameter (ids are 36-character UUIDs, entity names shorter still). */
export const PARAM_LIMIT = 100;

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** Swagger UI loads its own script and style files (no inline script) and inline-styles some elements. */
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

const isApiPath = (path: string) => path === '/api' || path.startsWith('/api/');

/**
 * Headers every answer carries (OWASP ASVS 14.4), errors and 404s included. A route that sets
 * its own Content-Security-Policy or Cache-Control keeps it (the docs' files are cacheable).
 */
function securityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split(/[?#]/, 1)[0] ?? '';
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', path === '/api/docs' || path.startsWith('/api/docs/') ? DOCS_CSP : API_CSP);
  // API answers carry personal data: no shared or browser cache keeps them unless a route says so.
  if (isApiPath(path) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  // Only over https: over plain HTTP the header is ignored and would only mislead.
  if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}

/** JSON bodies, refusing keys that could reach an object's prototype (named as such, not as bad JSON). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let body: unknown;
  try {
    body = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    // secure-json-parse reports forbidden keys as SyntaxErrors too; tell them apart by message.
    if (!/forbidden (prototype|constructor)/.test((error as Error).message)) throw new CardoError('CARDO_ERR_API_BAD_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
    throw new CardoError('CARDO_ERR_API_VALIDATION', 'The body uses a forbidden key (__proto__ or constructor.prototype).', { errors: [{ path: '', message: 'Forbidden key.' }] });
  }
  assertStorableText(body, '');
  return body;
}

/** Text with NUL or an unpaired surrogate cannot be stored or searched: refuse it as bad input, not as a 500. */
export function assertStorableText(value: unknown, base: string): void {
  const path = unstorableTextPath(value, base);
  if (path !== undefined) throw new CardoError('CARDO_ERR_API_VALIDATION', `${path || '(body)'}: text must not contain NUL characters or unpaired surrogates.`, { errors: [{ path, message: 'Contains a NUL character or an unpaired surrogate.' }] });
}

/** Secrets that travel in a URL (the calendar feed's `token`), replaced before a URL is logged. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');
}

/** Request log lines as Fastify writes them, with secrets in the query string redacted. */
function requestSerializer(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** The logger options with the redacting request serializer (unless the caller brings its own). */
function withRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return logger;
  const base = logger === true ? {} : (logger as Record<string, unknown>);
  return { ...base, serializers: { req: requestSerializer, ...(base.serializers as object | undefined) } } as FastifyServerOptions['logger'];
}

/** The Fastify app with the shared behaviour every route relies on, and the given route modules. */
export async function buildApp(deps: AppDeps, routes: readonly RoutePlugin[], options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  if (options.logger) options = { ...options, logger: withRedaction(options.logger) };
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: PARAM_LIMIT },
    // The router's own refusals (a too-long parameter, a malformed percent-encoding) bypass the
    // error handler and hooks; answer them as problem+json with the usual headers too.
    frameworkErrors: (error, request, routerReply) => {
      const reply = routerReply as FastifyReply;
      const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'CARDO_ERR_API_URI_TOO_LONG' : 'CARDO_ERR_API_VALIDATION';
      const problem = toProblem(new CardoError(code, code === 'CARDO_ERR_API_URI_TOO_LONG' ? `A path segment is over ${PARAM_LIMIT} characters.` : 'The URL is malformed.'));
      securityHeaders(request, reply);
      void reply.status(problem.status).type('application/problem+json').send(problem);
    },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false } },
    ...options,
  });
  // The API speaks JSON only: other bodies are refused with 415 instead of reaching handlers as text.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, text, done) => {
    try {
      done(null, parseJsonBody(String(text)));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.decorateRequest('model', null as unknown as CompiledModel);
  app.decorateRequest('holdsModel', false);
  app.decorateRequest('user', null);
  app.decorate('recordHooks', [] as RecordWriteHook[]);
  app.addHook('onRequest', async (request) => {
    request.model = await deps.models.enter();
    request.holdsModel = true;
    const query = request.url.indexOf('?');
    if (query >= 0 && request.url.length - query - 1 > QUERY_LIMIT) throw new CardoError('CARDO_ERR_API_URI_TOO_LONG', `The query string is over ${QUERY_LIMIT} bytes.`);
    assertStorableText(request.query, '/query');
    assertStorableText(request.params, '/params');
  });
  // Answered or abandoned, the request no longer holds its model (a paused apply waits for it).
  const leaveModel = async (request: FastifyRequest) => {
    if (!request.holdsModel) return;
    request.holdsModel = false;
    deps.models.leave();
  };
  app.addHook('onResponse', leaveModel);
  app.addHook('onRequestAbort', leaveModel);
  // onSend also runs for answers made by the error and not-found handlers.
  app.addHook('onSend', async (request, reply, payload) => {
    securityHeaders(request, reply);
    return payload;
  });

  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error);
    // 503: the database is away (an outage, a restart) — expected, logged without a stack.
    if (problem.status === 503) {
      request.log.warn({ code: problem.code, cause: (error as { cause?: { message?: string } }).cause?.message }, problem.title);
      void reply.header('retry-after', '2');
    } else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code }, problem.title);
    return reply.status(problem.status).type('application/problem+json').send(problem);
  });
  app.setNotFoundHandler(async (request, reply) => {
    const problem = toProblem(new CardoError('CARDO_ERR_API_ROUTE_NOT_FOUND', `${request.method} ${request.url.split('?')[0] ?? ''} does not exist.`));
    return reply.status(404).type('application/problem+json').send(problem);
  });

  for (const route of routes) await route(app, deps);
  return app;
}
