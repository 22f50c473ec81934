import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import secureJson from 'secure-json-parse';
import type { SessionUser } from '../auth/session-user.js';
import type { CompiledModel } from '../compile/compile.js';
import type { Config } from '../config.js';
import type { Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { ModelHolder } from '../runtime/model-holder.js';
import { toProblem } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The compiled model this request is served with (taken once, when it starts). */
    model: CompiledModel;
    /** The authenticated caller; null on public routes. */
    user: SessionUser | null;
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

/** JSON bodies, refusing keys that could reach an object's prototype (named as such, not as bad JSON). */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (error) {
    // secure-json-parse reports forbidden keys as SyntaxErrors too; tell them apart by message.
    if (!/forbidden (prototype|constructor)/.test((error as Error).message)) throw new CardoError('CARDO_ERR_API_BAD_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
    throw new CardoError('CARDO_ERR_API_VALIDATION', 'The body uses a forbidden key (__proto__ or constructor.prototype).', { errors: [{ path: '', message: 'Forbidden key.' }] });
  }
}

/** The Fastify app with the shared behaviour every route relies on, and the given route modules. */
export async function buildApp(deps: AppDeps, routes: readonly RoutePlugin[], options: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
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
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    request.model = deps.models.current;
  });

  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
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
