import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { createUser } from '../../src/auth/users.js';
import type { CompiledModel } from '../../src/compile/compile.js';
import { readConfig } from '../../src/config.js';
import type { Db } from '../../src/db/db.js';
import { ModelHolder } from '../../src/runtime/model-holder.js';
import { ROUTES } from '../../src/server.js';
import { createAppDatabase } from './app-db.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  model: CompiledModel;
  models: ModelHolder;
  /** A bearer token per login, created on first use with the given roles. */
  login(login: string, roles?: readonly string[]): Promise<{ token: string; id: string }>;
  /** app.inject as a logged-in user (default: an administrator). */
  as(login: string, options: InjectOptions, roles?: readonly string[]): Promise<Awaited<ReturnType<FastifyInstance['inject']>>>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/** The full runtime (every route) on a fresh test schema with the CRM metadata applied. */
/** `env` adds settings (CARDO_UI_DIR, CARDO_EXPORT_MAX_ROWS…) as the environment would. */
export async function createTestApp(options: { model?: CompiledModel; env?: NodeJS.ProcessEnv } = {}): Promise<TestApp> {
  const appDb = await createAppDatabase(options.model ? { model: options.model } : {});
  const models = new ModelHolder(appDb.model);
  const config = readConfig({ CARDO_METADATA_DIR: '../metadata', ...options.env }, process.cwd());
  const app = await buildApp({ db: appDb.db, models, config, target: { db: appDb.db, url: appDb.url, schema: appDb.schema } }, ROUTES, { logger: process.env.CARDO_TEST_LOG ? { level: process.env.CARDO_TEST_LOG } : false });
  const tokens = new Map<string, { token: string; id: string }>();
  const login = async (name: string, roles: readonly string[] = ['administrator']) => {
    const known = tokens.get(name);
    if (known) return known;
    const { id } = await createUser(appDb.db, { login: name, fullName: `Test ${name}`, roles, password: TEST_PASSWORD });
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: name, password: TEST_PASSWORD } });
    if (response.statusCode !== 200) throw new Error(`login ${name} failed: ${response.body}`);
    const session = { token: (response.json() as { token: string }).token, id };
    tokens.set(name, session);
    return session;
  };
  return {
    app,
    db: appDb.db,
    model: appDb.model,
    models,
    login,
    async as(name, injectOptions, roles) {
      const { token } = await login(name, roles);
      return app.inject({ ...injectOptions, headers: { ...injectOptions.headers, authorization: `Bearer ${token}` } });
    },
    async close() {
      await app.close();
      await appDb.close();
    },
  };
}
