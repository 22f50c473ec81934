import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/api/app.js';
import { createAuthRoutes, SESSION_COOKIE } from '../src/auth/auth.routes.js';
import { createUser } from '../src/auth/users.js';
import { readConfig } from '../src/config.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './helpers/test-app.js';

// Logins run scrypt (~0.15 s each, more on a loaded machine); several tests log in a dozen times.
jest.setTimeout(60_000);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse) => JSON.parse(r.body) as Json;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

function expectProblem(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(json(r)).toMatchObject({ status, code });
}

let ipSeq = 1;
const freshIp = () => `10.7.${Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`;

function expectSecurityHeaders(r: LightMyRequestResponse) {
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['x-frame-options']).toBe('DENY');
  expect(r.headers['referrer-policy']).toBe('no-referrer');
  expect(r.headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
  expect(r.headers['strict-transport-security']).toBeUndefined();
}

describe('security headers', () => {
  it('are on API answers, with a closed CSP and no-store', async () => {
    const r = await t.as('hdr-admin', { method: 'GET', url: '/api/auth/me' });
    expect(r.statusCode).toBe(200);
    expectSecurityHeaders(r);
    expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(r.headers['cache-control']).toBe('no-store');
  });

  it.each([
    ['401', { method: 'GET', url: '/api/data/counterparty' }, 401],
    ['404 outside /api', { method: 'GET', url: '/no-such-page' }, 404],
    ['415', { method: 'POST', url: '/api/auth/login', payload: 'x', headers: { 'content-type': 'text/plain' } }, 415],
    ['400', { method: 'POST', url: '/api/auth/login', payload: {} }, 400],
  ] as Array<[string, InjectOptions, number]>)('are on error answers (%s)', async (_name, options, status) => {
    const r = await t.app.inject(options);
    expect(r.statusCode).toBe(status);
    expectSecurityHeaders(r);
    expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('let Swagger UI load its own files under /api/docs/', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expectSecurityHeaders(page);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    // No inline script is allowed, and the page has none.
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
    const css = await t.app.inject({ method: 'GET', url: '/api/docs/swagger-ui.css' });
    expect(css.statusCode).toBe(200);
    expectSecurityHeaders(css);
    // A route's own caching is kept.
    expect(css.headers['cache-control']).toBe('public, max-age=86400');
    const doc = await t.as('hdr-admin', { method: 'GET', url: '/api/openapi.json' });
    expectSecurityHeaders(doc);
    expect(doc.headers['cache-control']).toBe('no-cache');
  });

  it('include HSTS only over https', async () => {
    const proxied = await buildApp({ db: t.db, models: t.models, config: readConfig({}, process.cwd()), target: { db: t.db } }, [createAuthRoutes()], { logger: false, trustProxy: true });
    try {
      const https = await proxied.inject({ method: 'GET', url: '/api/auth/me', headers: { 'x-forwarded-proto': 'https' } });
      expect(https.statusCode).toBe(401);
      expect(https.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const http = await proxied.inject({ method: 'GET', url: '/api/auth/me' });
      expect(http.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });
});

describe('CORS', () => {
  it('grants no other origin anything', async () => {
    const { token } = await t.login('cors-admin');
    const get = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { ...bearer(token), origin: 'https://evil.example' } });
    expect(Object.keys(get.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/data/counterparty',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, x-requested-with' },
    });
    expect(preflight.statusCode).toBeGreaterThanOrEqual(400);
    expect(Object.keys(preflight.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('CSRF protection of cookie sessions', () => {
  let token: string;
  let id: string;
  beforeAll(async () => {
    ({ token, id } = await t.login('csrf-admin'));
  });

  async function patch(headers: Record<string, string>) {
    const current = await t.app.inject({ method: 'GET', url: `/api/data/sys_user/${id}`, headers: bearer(token) });
    const version = (json(current) as { version: number }).version;
    return t.app.inject({ method: 'PATCH', url: `/api/data/sys_user/${id}`, headers, payload: { position: `Tester ${version}`, version } });
  }

  it.each([
    ['no Origin and no Referer', {}],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a foreign Origin with the same host on another port', { origin: 'http://localhost:8080' }],
    ['Origin null', { origin: 'null' }],
    ['a foreign Referer', { referer: 'https://evil.example/page' }],
    ['a foreign Origin with a same-site Referer', { origin: 'https://evil.example', referer: 'http://localhost/app' }],
    ['another X-Requested-With', { 'x-requested-with': 'XMLHttpRequest' }],
  ])('refuses a cookie-authenticated PATCH with %s', async (_case, headers) => {
    expectProblem(await patch({ ...cookie(token), ...headers }), 403, 'CARDO_ERR_AUTH_CSRF');
  });

  it.each([
    ['a same-origin Origin', { origin: 'http://localhost' }],
    ['a same-origin Origin with the explicit port', { origin: 'http://localhost:80' }],
    ['a same-origin Referer', { referer: 'http://localhost/app/records' }],
    ['X-Requested-With: cardo', { 'x-requested-with': 'cardo' }],
  ])('allows a cookie-authenticated PATCH with %s', async (_case, headers) => {
    expect((await patch({ ...cookie(token), ...headers })).statusCode).toBe(200);
  });

  it('allows a bearer-authenticated PATCH without Origin, and cookie reads without one', async () => {
    expect((await patch(bearer(token))).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookie(token) })).statusCode).toBe(200);
  });

  it('refuses a login from a foreign page, and allows one without Origin or from this site', async () => {
    await createUser(t.db, { login: 'csrf-login', fullName: 'CSRF', roles: ['sales_manager'], password: TEST_PASSWORD });
    const payload = { login: 'csrf-login', password: TEST_PASSWORD };
    const foreign = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: { origin: 'https://evil.example' }, remoteAddress: freshIp() });
    expectProblem(foreign, 403, 'CARDO_ERR_AUTH_CSRF');
    expect(foreign.cookies).toHaveLength(0);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: { origin: 'http://localhost' }, remoteAddress: freshIp() })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress: freshIp() })).statusCode).toBe(200);
  });
});

describe('login', () => {
  it('rotates the session: the cookie the browser came with stops working', async () => {
    await createUser(t.db, { login: 'rotation', fullName: 'Rotation', roles: ['sales_manager'], password: TEST_PASSWORD });
    const payload = { login: 'rotation', password: TEST_PASSWORD };
    const first = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress: freshIp() });
    const old = (json(first) as { token: string }).token;
    const other = (json(await t.app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress: freshIp() })) as { token: string }).token;
    const second = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload, headers: cookie(old), remoteAddress: freshIp() });
    expect(second.statusCode).toBe(200);
    const fresh = (json(second) as { token: string }).token;
    expect(fresh).not.toBe(old);
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(old) }), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: cookie(fresh) })).statusCode).toBe(200);
    // Sessions in other browsers are not this browser's to end.
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(other) })).statusCode).toBe(200);
  });

  it('locks a login after 10 failures in 15 minutes, even with the right password from elsewhere', async () => {
    // A loose short-term throttle, so the ten failures can happen within a test.
    const app = await buildApp({ db: t.db, models: t.models, config: readConfig({}, process.cwd()), target: { db: t.db } }, [createAuthRoutes({ throttle: { maxFailures: 100 } })], { logger: false });
    try {
      await createUser(t.db, { login: 'lockout', fullName: 'Lockout', roles: ['sales_manager'], password: TEST_PASSWORD });
      const attempt = (password: string) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: 'lockout', password }, remoteAddress: freshIp() });
      for (let i = 0; i < 10; i++) expectProblem(await attempt(`wrong ${i}`), 401, 'CARDO_ERR_AUTH_INVALID');
      const locked = await attempt(TEST_PASSWORD);
      expectProblem(locked, 429, 'CARDO_ERR_AUTH_THROTTLED');
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
      expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    } finally {
      await app.close();
    }
  });
});

describe('request size limits', () => {
  it('refuses a query string over 8 KB with 414 problem+json', async () => {
    const { token } = await t.login('size-admin');
    const r = await t.app.inject({ method: 'GET', url: `/api/data/counterparty?q=${'a'.repeat(9000)}`, headers: bearer(token) });
    expectProblem(r, 414, 'CARDO_ERR_API_URI_TOO_LONG');
    expectSecurityHeaders(r);
    const ok = await t.app.inject({ method: 'GET', url: `/api/data/counterparty?q=${'a'.repeat(100)}`, headers: bearer(token) });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses an over-long path parameter without reaching a handler', async () => {
    const { token } = await t.login('size-admin');
    const r = await t.app.inject({ method: 'GET', url: `/api/data/counterparty/${'a'.repeat(500)}`, headers: bearer(token) });
    expectProblem(r, 414, 'CARDO_ERR_API_URI_TOO_LONG');
    expectSecurityHeaders(r);
  });

  it('refuses a malformed percent-encoding in the path with 400 problem+json', async () => {
    const { token } = await t.login('size-admin');
    const r = await t.app.inject({ method: 'GET', url: '/api/data/counterparty/%E0%A4%A', headers: bearer(token) });
    expectProblem(r, 400, 'CARDO_ERR_API_VALIDATION');
    expectSecurityHeaders(r);
  });
});
