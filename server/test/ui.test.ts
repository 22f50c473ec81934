import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../src/api/app.js';
import type { CompiledModel } from '../src/compile/compile.js';
import { ModelHolder } from '../src/runtime/model-holder.js';
import { healthRoutes } from '../src/api/health.routes.js';
import { uiRoutes } from '../src/api/ui.routes.js';
import { readConfig } from '../src/config.js';

// The web apps need no database: the app is built with the health and UI routes only.
let dir: string;
const apps: FastifyInstance[] = [];

async function appWith(env: NodeJS.ProcessEnv): Promise<FastifyInstance> {
  const config = readConfig(env, dir);
  const deps = { db: null, models: new ModelHolder(null as unknown as CompiledModel), config, target: { db: null } } as unknown as AppDeps;
  const app = await buildApp(deps, [healthRoutes, uiRoutes], { logger: false });
  apps.push(app);
  return app;
}

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-3f2a9c.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("cardo ui");';
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

function expectProblem(r: LightMyRequestResponse, status: number) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
}

let ui: FastifyInstance;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cardo-ui-'));
  await mkdir(path.join(dir, 'ui/assets'), { recursive: true });
  await writeFile(path.join(dir, 'ui/index.html'), INDEX);
  await writeFile(path.join(dir, 'ui/assets/index-3f2a9c.js'), SCRIPT);
  await writeFile(path.join(dir, 'ui/favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(dir, 'ui/.env'), 'SECRET=1');
  await writeFile(path.join(dir, 'secret.txt'), 'outside the ui');
  await mkdir(path.join(dir, 'studio/assets'), { recursive: true });
  await writeFile(path.join(dir, 'studio/index.html'), '<!doctype html><title>studio</title>');
  await writeFile(path.join(dir, 'studio/assets/studio-77aa.css'), 'body{margin:0}');
  ui = await appWith({ CARDO_UI_DIR: 'ui', CARDO_STUDIO_DIR: 'no-studio' });
});
afterAll(async () => {
  for (const app of apps) await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the runtime UI at /', () => {
  it('serves index.html at / uncached, with a CSP that lets the built app run', async () => {
    const r = await ui.inject({ method: 'GET', url: '/', headers: html });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toBe(INDEX);
    expect(r.headers['cache-control']).toBe('no-cache');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self'");
    expect(r.headers['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets with a year-long immutable cache, other files revalidated', async () => {
    const r = await ui.inject({ method: 'GET', url: '/assets/index-3f2a9c.js' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(SCRIPT);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const icon = await ui.inject({ method: 'GET', url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it.each(['/data/counterparty/0192f0a0-0000-7000-8000-000000000001', '/calendar', '/studio/anything'])('answers the deep link %s with index.html', async (url) => {
    const r = await ui.inject({ method: 'GET', url, headers: html });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe(INDEX);
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('keeps unknown /api paths, probes and non-HTML misses as problem+json 404s', async () => {
    expectProblem(await ui.inject({ method: 'GET', url: '/api/no-such-route', headers: html }), 404);
    expectProblem(await ui.inject({ method: 'GET', url: '/api', headers: html }), 404);
    expectProblem(await ui.inject({ method: 'GET', url: '/assets/missing-1234.js' }), 404);
    expectProblem(await ui.inject({ method: 'POST', url: '/data/counterparty', headers: html, payload: {} }), 404);
    const health = await ui.inject({ method: 'GET', url: '/health', headers: html });
    expect(health.headers['content-type']).toMatch(/^application\/json/);
  });

  it.each(['/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/.env', '/%2e%2e/secret.txt', '/%252e%252e/secret.txt'])('never serves a file outside the build or a dotfile: %s', async (url) => {
    const r = await ui.inject({ method: 'GET', url });
    expect(r.body).not.toContain('outside the ui');
    expect(r.body).not.toContain('SECRET');
    expect(r.statusCode).toBe(404);
  });
});

describe('when a build is missing', () => {
  it('answers / with a page saying the UI is not built, and does not crash', async () => {
    const app = await appWith({ CARDO_UI_DIR: 'nowhere', CARDO_STUDIO_DIR: 'nowhere' });
    const r = await app.inject({ method: 'GET', url: '/', headers: html });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('npm run build');
    expectProblem(await app.inject({ method: 'GET', url: '/assets/x.js' }), 404);
    expectProblem(await app.inject({ method: 'GET', url: '/api/nothing', headers: html }), 404);
  });

  it('serves the studio at /studio once its build exists, with its own SPA fallback', async () => {
    const app = await appWith({ CARDO_UI_DIR: 'ui', CARDO_STUDIO_DIR: 'studio' });
    const root = await app.inject({ method: 'GET', url: '/studio', headers: html });
    expect(root.body).toContain('<title>studio</title>');
    const deep = await app.inject({ method: 'GET', url: '/studio/entities/counterparty', headers: html });
    expect(deep.body).toContain('<title>studio</title>');
    const css = await app.inject({ method: 'GET', url: '/studio/assets/studio-77aa.css' });
    expect(css.body).toBe('body{margin:0}');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // The runtime UI keeps the rest.
    expect((await app.inject({ method: 'GET', url: '/data/deal', headers: html })).body).toBe(INDEX);
  });
});
