// Bringing the real runtime up against the bench database: createRuntime from server/dist,
// configured through the same readConfig the CLI uses.
import os from 'node:os';
import path from 'node:path';
import { importDist, ROOT_DIR } from './dist.mjs';

/**
 * The administrator's password on the bench database (created on its first start). The
 * database is a throwaway on the local server, dropped and recreated by each seeding.
 */
export const ADMIN_LOGIN = 'admin';
export const ADMIN_PASSWORD = process.env.CARDO_BENCH_ADMIN_PASSWORD || 'cardo-bench-admin';

export function runtimeEnv(databaseUrl, extra = {}) {
  return {
    DATABASE_URL: databaseUrl,
    CARDO_DEMO: 'false',
    LOG_LEVEL: 'warn',
    CARDO_ADMIN_PASSWORD: ADMIN_PASSWORD,
    CARDO_DATA_DIR: path.join(os.tmpdir(), 'cardo-bench-data'),
    CARDO_METADATA_DIR: path.join(ROOT_DIR, 'metadata'),
    ...extra,
  };
}

/** createRuntime(readConfig(env)) — the schema is applied and the administrator created on the way. */
export async function openRuntime(databaseUrl, { logger = false, env = {} } = {}) {
  const [{ createRuntime }, { readConfig }] = await Promise.all([importDist('server.js'), importDist('config.js')]);
  const config = readConfig(runtimeEnv(databaseUrl, env), ROOT_DIR);
  return { runtime: await createRuntime(config, { logger }), config };
}

/** Logs in through the HTTP API (inject or a real URL) and returns the bearer token. */
export async function loginInject(app) {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: ADMIN_LOGIN, password: ADMIN_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body.slice(0, 500)}`);
  return res.json().token;
}

export async function loginHttp(baseUrl) {
  const res = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: ADMIN_LOGIN, password: ADMIN_PASSWORD }) });
  if (res.status !== 200) throw new Error(`login at ${baseUrl} failed: ${res.status} ${(await res.text()).slice(0, 500)}`);
  return (await res.json()).token;
}
