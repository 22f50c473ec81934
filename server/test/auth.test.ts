import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse, RouteOptions } from 'fastify';
import { buildApp, type AppDeps, type RoutePlugin } from '../src/api/app.js';
import { healthRoutes } from '../src/api/health.routes.js';
import { authRoutes, SESSION_COOKIE } from '../src/auth/auth.routes.js';
import { ensureAdministrator } from '../src/auth/bootstrap.js';
import { findSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import { readConfig } from '../src/config.js';
import { ModelHolder } from '../src/runtime/model-holder.js';
import { createAppDatabase, type AppDatabase } from './helpers/app-db.js';


const PASSWORD = 'correct horse battery staple';

let t: AppDatabase;
let app: FastifyInstance;
/** Every route the app registered, to prove none under /api/ answers without a session. */
const routes: RouteOptions[] = [];

const collectRoutes: RoutePlugin = (instance) => {
  instance.addHook('onRoute', (route) => void routes.push(route));
};
/** Test-only: echoes request.user, so the hook's result is observable on a route auth does not own. */
const probeRoutes: RoutePlugin = (instance) => {
  instance.get('/api/probe', async (request) => request.user);
  instance.post('/api/probe/:id', async (request) => request.user);
};

function deps(db: AppDatabase): AppDeps {
  return { db: db.db, models: new ModelHolder(db.model), config: readConfig({}, process.cwd()), target: { db: db.db } };
}

beforeAll(async () => {
  t = await createAppDatabase();
  app = await buildApp(deps(t), [collectRoutes, healthRoutes, authRoutes, probeRoutes], { logger: false });
  await app.ready();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await t?.close();
});

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse) => JSON.parse(r.body) as Json;

/** Each caller gets its own client address, so the per-IP throttle of one test does not leak into another. */
let nextIp = 1;
const freshIp = () => `10.1.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;

function login(payload: unknown, options: Partial<InjectOptions> = {}) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: payload as InjectOptions['payload'], remoteAddress: freshIp(), ...options });
}

async function loginOk(name: string, password = PASSWORD): Promise<{ token: string; cookie: string; body: Json }> {
  const r = await login({ login: name, password });
  if (r.statusCode !== 200) throw new Error(`login ${name}: ${r.statusCode} ${r.body}`);
  const cookie = r.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  return { token: (json(r) as { token: string }).token, cookie: cookie.value, body: json(r) };
}

const me = (headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/auth/me', headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookieHeader = (token: string) => ({ cookie: `${SESSION_COOKIE}=${token}` });

function expectProblem(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(json(r)).toMatchObject({ status, code, type: `https://cardo.dev/errors/${code}` });
  expect(r.body).not.toMatch(/at .*\.ts:\d+|SELECT|sys_/);
}

let userSeq = 0;
async function newUser(options: { roles?: string[]; active?: boolean; password?: string | null; locale?: string } = {}) {
  const name = `user${++userSeq}`;
  const { id } = await createUser(t.db, {
    login: name,
    fullName: `User ${userSeq}`,
    roles: options.roles ?? ['sales_manager'],
    active: options.active ?? true,
    locale: options.locale ?? null,
    ...(options.password === null ? {} : { password: options.password ?? PASSWORD }),
  });
  return { id, login: name };
}

describe('bootstrap: the first administrator', () => {
  const adminRoles = () => t.model.roles.filter((r) => r.admin === true).map((r) => r.name);

  async function emptyUsers() {
    await t.db.query('DELETE FROM sys_session');
    await t.db.query('DELETE FROM sys_credential');
    await t.db.query('DELETE FROM sys_role_assignment');
    await t.db.query('DELETE FROM sys_user');
  }

  it('creates admin once, with every admin role and a generated password that works', async () => {
    expect(adminRoles()).toEqual(['administrator']);
    await emptyUsers();
    const first = await ensureAdministrator(t.db, t.model, {});
    expect(first.created).toBe(true);
    expect(first.password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    const second = await ensureAdministrator(t.db, t.model, {});
    expect(second).toEqual({ created: false });

    const users = await t.db.query<{ id: string; login: string; full_name: string; active: boolean; version: number }>('SELECT id, login, full_name, active, version FROM sys_user');
    expect(users).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/), login: 'admin', full_name: 'Administrator', active: true, version: 1 }]);
    const roles = await t.db.query<{ role: string }>('SELECT role FROM sys_role_assignment WHERE "user" = $1', [users[0]!.id]);
    expect(roles.map((r) => r.role)).toEqual(['administrator']);
    const [credential] = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM sys_credential WHERE user_id = $1', [users[0]!.id]);
    expect(credential!.password_hash).toMatch(/^scrypt\$/);
    expect(credential!.password_hash).not.toContain(first.password!);

    const session = await loginOk('admin', first.password);
    expect(session.body.user).toEqual({ id: users[0]!.id, login: 'admin', fullName: 'Administrator', roles: ['administrator'] });
  });

  it('takes the password from CARDO_ADMIN_PASSWORD and does not echo it', async () => {
    await emptyUsers();
    const config = readConfig({ CARDO_ADMIN_PASSWORD: 'chosen-by-the-operator' }, process.cwd());
    const result = await ensureAdministrator(t.db, t.model, { password: config.adminPassword });
    expect(result).toEqual({ created: true });
    await loginOk('admin', 'chosen-by-the-operator');
    expect((await login({ login: 'admin', password: 'admin' })).statusCode).toBe(401);
    expect(await ensureAdministrator(t.db, t.model, { password: 'something-else-entirely' })).toEqual({ created: false });
    const [count] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM sys_user');
    expect(count!.n).toBe(1);
  });

  it('does nothing when other users exist', async () => {
    await emptyUsers();
    await newUser();
    expect(await ensureAdministrator(t.db, t.model, {})).toEqual({ created: false });
    const rows = await t.db.query('SELECT 1 FROM sys_user WHERE login = $1', ['admin']);
    expect(rows).toHaveLength(0);
  });

  it('refuses a CARDO_ADMIN_PASSWORD too short to be a password', async () => {
    await emptyUsers();
    await expect(ensureAdministrator(t.db, t.model, { password: 'admin' })).rejects.toMatchObject({ code: 'CARDO_ERR_API_VALIDATION', message: expect.stringContaining('CARDO_ADMIN_PASSWORD') });
    const rows = await t.db.query('SELECT 1 FROM sys_user');
    expect(rows).toHaveLength(0);
  });
});

describe('login', () => {
  it('sets an HttpOnly SameSite=Lax session cookie and returns the same token and the user', async () => {
    const u = await newUser({ roles: ['sales_manager', 'lawyer'] });
    const r = await login({ login: u.login, password: PASSWORD });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const body = json(r) as { token: string; user: Json };
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.user).toEqual({ id: u.id, login: u.login, fullName: expect.any(String), roles: ['lawyer', 'sales_manager'] });
    expect(Object.keys(body).sort()).toEqual(['token', 'user']);

    const setCookie = String(r.headers['set-cookie']);
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=${body.token};`));
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; Path=\/(;|$)/);
    expect(setCookie).toMatch(/; Max-Age=604800/);
    // Plain HTTP (a local start): a Secure cookie would never be sent back.
    expect(setCookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure when the request came over https', async () => {
    const proxied = await buildApp(deps(t), [healthRoutes, authRoutes], { logger: false, trustProxy: true });
    try {
      const u = await newUser();
      const r = await proxied.inject({ method: 'POST', url: '/api/auth/login', payload: { login: u.login, password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
      expect(r.statusCode).toBe(200);
      expect(String(r.headers['set-cookie'])).toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });

  it('stores only the sha256 of the token', async () => {
    const u = await newUser();
    const { token } = await loginOk(u.login);
    const rows = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM sys_session WHERE user_id = $1', [u.id]);
    expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);
  });

  it('ignores the case of the login', async () => {
    const u = await newUser();
    const r = await login({ login: u.login.toUpperCase(), password: PASSWORD });
    expect(r.statusCode).toBe(200);
  });

  it('answers a wrong password, an unknown login, an inactive user and a user without password alike', async () => {
    const active = await newUser();
    const inactive = await newUser({ active: false });
    const noPassword = await newUser({ password: null });
    const answers = await Promise.all([
      login({ login: active.login, password: 'wrong password' }),
      login({ login: 'nobody-like-this', password: PASSWORD }),
      login({ login: inactive.login, password: PASSWORD }),
      login({ login: noPassword.login, password: PASSWORD }),
    ]);
    for (const r of answers) {
      expectProblem(r, 401, 'CARDO_ERR_AUTH_INVALID');
      expect(r.cookies).toHaveLength(0);
    }
    const shape = (r: LightMyRequestResponse) => ({ body: r.body, type: r.headers['content-type'], auth: r.headers['www-authenticate'] });
    expect(new Set(answers.map((r) => JSON.stringify(shape(r)))).size).toBe(1);
  });

  it.each([
    ['a missing password', { login: 'someone' }, '/password'],
    ['a missing login', { password: PASSWORD }, '/login'],
    ['an extra property', { login: 'someone', password: PASSWORD, admin: true }, '/admin'],
    ['a number as login', { login: 42, password: PASSWORD }, '/login'],
    ['an object as password', { login: 'someone', password: { $ne: '' } }, '/password'],
    ['an empty login', { login: '', password: PASSWORD }, '/login'],
    ['a 1 MB login', { login: 'a'.repeat(1_000_000), password: PASSWORD }, '/login'],
    ['a password over 256 characters', { login: 'someone', password: 'p'.repeat(257) }, '/password'],
    ['an array', [{ login: 'someone', password: PASSWORD }], ''],
  ])('refuses %s with 400 problem+json', async (_case, payload, path) => {
    const r = await login(payload);
    expectProblem(r, 400, 'CARDO_ERR_API_VALIDATION');
    expect((json(r).errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
    expect(r.body.length).toBeLessThan(2000);
  });

  it('refuses malformed JSON, a __proto__ key and a non-JSON body', async () => {
    expectProblem(await login('{"login": "a", "password":', { headers: { 'content-type': 'application/json' } }), 400, 'CARDO_ERR_API_BAD_JSON');
    const proto = await login('{"login": "a", "password": "b", "__proto__": {"admin": true}}', { headers: { 'content-type': 'application/json' } });
    expect(proto.statusCode).toBe(400);
    expect(json(proto).status).toBe(400);
    expectProblem(await login('login=a&password=b', { headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'CARDO_ERR_API_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('throttling', () => {
  it('answers 429 after five failures for one login, even with the right password and from another address', async () => {
    const u = await newUser();
    for (let i = 0; i < 5; i++) expectProblem(await login({ login: u.login, password: `wrong ${i}` }), 401, 'CARDO_ERR_AUTH_INVALID');
    const throttled = await login({ login: u.login, password: PASSWORD });
    expectProblem(throttled, 429, 'CARDO_ERR_AUTH_THROTTLED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(throttled.cookies).toHaveLength(0);
    // Other logins are not affected.
    const other = await newUser();
    expect((await login({ login: other.login, password: PASSWORD })).statusCode).toBe(200);
  });

  it('answers 429 after five failures from one address, whatever login it tries', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await login({ login: `ghost${i}`, password: PASSWORD }, { remoteAddress: ip })).statusCode).toBe(401);
    const u = await newUser();
    expectProblem(await login({ login: u.login, password: PASSWORD }, { remoteAddress: ip }), 429, 'CARDO_ERR_AUTH_THROTTLED');
    expect((await login({ login: u.login, password: PASSWORD })).statusCode).toBe(200);
  });

  it('holds under a burst of parallel guesses at one login', async () => {
    const u = await newUser();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => login({ login: u.login, password: `guess ${i}` })));
    expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(5);
    expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(7);
  });

  it('forgets failures after a successful login', async () => {
    const u = await newUser();
    for (let i = 0; i < 4; i++) expect((await login({ login: u.login, password: `wrong ${i}` })).statusCode).toBe(401);
    await loginOk(u.login);
    for (let i = 0; i < 4; i++) expect((await login({ login: u.login, password: `wrong ${i}` })).statusCode).toBe(401);
    await loginOk(u.login);
  });
});

describe('sessions', () => {
  it('authenticates /api/auth/me by cookie and by bearer token, without exposing the session id', async () => {
    const u = await newUser({ locale: 'en' });
    const { token, cookie } = await loginOk(u.login);
    expect(cookie).toBe(token);
    const expected = { id: u.id, login: u.login, fullName: expect.any(String), roles: ['sales_manager'], locale: 'en' };
    for (const headers of [cookieHeader(token), bearer(token), { authorization: `bearer  ${token}` }]) {
      const r = await me(headers);
      expect(r.statusCode).toBe(200);
      expect(json(r)).toEqual(expected);
    }
  });

  it('sets request.user for other routes under /api/', async () => {
    const u = await newUser();
    const { token } = await loginOk(u.login);
    const r = await app.inject({ method: 'GET', url: '/api/probe', headers: bearer(token) });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toEqual({ id: u.id, login: u.login, fullName: expect.any(String), roles: ['sales_manager'], locale: null, sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('prefers the bearer token over a cookie', async () => {
    const a = await newUser();
    const b = await newUser();
    const ta = await loginOk(a.login);
    const tb = await loginOk(b.login);
    const r = await me({ ...bearer(tb.token), ...cookieHeader(ta.token) });
    expect(json(r).login).toBe(b.login);
  });

  it('logout ends the session (cookie or bearer) and clears the cookie', async () => {
    const u = await newUser();
    const viaCookie = await loginOk(u.login);
    const viaBearer = await loginOk(u.login);

    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...cookieHeader(viaCookie.token), origin: 'http://localhost' } });
    expect(out.statusCode).toBe(204);
    expect(out.body).toBe('');
    const cleared = out.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cleared?.value).toBe('');
    expect(cleared?.path).toBe('/');
    expect(cleared?.expires?.getTime()).toBeLessThanOrEqual(Date.now());
    expectProblem(await me(cookieHeader(viaCookie.token)), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await app.inject({ method: 'POST', url: '/api/auth/logout', headers: cookieHeader(viaCookie.token) }), 401, 'CARDO_ERR_AUTH_REQUIRED');

    // The other session of the same user lives on until it logs out itself.
    expect((await me(bearer(viaBearer.token))).statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(viaBearer.token) })).statusCode).toBe(204);
    expectProblem(await me(bearer(viaBearer.token)), 401, 'CARDO_ERR_AUTH_REQUIRED');
  });

  it('stops working when the user is deactivated, and so does logging in', async () => {
    const u = await newUser();
    const { token } = await loginOk(u.login);
    expect((await me(bearer(token))).statusCode).toBe(200);
    await t.db.query('UPDATE sys_user SET active = false WHERE id = $1', [u.id]);
    expectProblem(await me(bearer(token)), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await login({ login: u.login, password: PASSWORD }), 401, 'CARDO_ERR_AUTH_INVALID');
    // Reactivated, the unexpired session is honoured again: deactivation is checked, not destructive.
    await t.db.query('UPDATE sys_user SET active = true WHERE id = $1', [u.id]);
    expect((await me(bearer(token))).statusCode).toBe(200);
  });

  it('reflects role changes on the next request', async () => {
    const u = await newUser();
    const { token } = await loginOk(u.login);
    await t.db.query(`INSERT INTO sys_role_assignment (id, "user", role, created_at, updated_at, version) VALUES (gen_random_uuid(), $1, 'lawyer', now(), now(), 1)`, [u.id]);
    expect(json(await me(bearer(token))).roles).toEqual(['lawyer', 'sales_manager']);
  });

  it('expires after 12 idle hours and 7 days after login, and slides with use', async () => {
    const u = await newUser();
    const idle = await loginOk(u.login);
    const old = await loginOk(u.login);
    const used = await loginOk(u.login);
    const hash = (token: string) => createHash('sha256').update(token).digest('hex');

    await t.db.query(`UPDATE sys_session SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [hash(idle.token)]);
    expectProblem(await me(bearer(idle.token)), 401, 'CARDO_ERR_AUTH_REQUIRED');

    await t.db.query(`UPDATE sys_session SET created_at = now() - interval '7 days 1 minute', last_seen_at = now() WHERE token_hash = $1`, [hash(old.token)]);
    expectProblem(await me(bearer(old.token)), 401, 'CARDO_ERR_AUTH_REQUIRED');

    // Used a minute ago with little time left: this use pushes expiry to 12 h from now.
    await t.db.query(`UPDATE sys_session SET last_seen_at = now() - interval '2 minutes', expires_at = now() + interval '1 minute' WHERE token_hash = $1`, [hash(used.token)]);
    expect((await me(bearer(used.token))).statusCode).toBe(200);
    const [slid] = await t.db.query<{ hours: number; seen: string }>(`SELECT extract(epoch FROM expires_at - now()) / 3600 AS hours, last_seen_at AS seen FROM sys_session WHERE token_hash = $1`, [hash(used.token)]);
    expect(slid!.hours).toBeGreaterThan(11.9);
    expect(slid!.hours).toBeLessThanOrEqual(12);
    // Within the minute, further requests do not write.
    expect((await me(bearer(used.token))).statusCode).toBe(200);
    const [again] = await t.db.query<{ seen: string }>(`SELECT last_seen_at AS seen FROM sys_session WHERE token_hash = $1`, [hash(used.token)]);
    expect(again!.seen).toBe(slid!.seen);

    // Sliding never passes the absolute limit.
    await t.db.query(`UPDATE sys_session SET created_at = now() - interval '7 days' + interval '1 hour', last_seen_at = now() - interval '2 minutes' WHERE token_hash = $1`, [hash(used.token)]);
    await findSession(t.db, used.token);
    const [capped] = await t.db.query<{ hours: number }>(`SELECT extract(epoch FROM expires_at - now()) / 3600 AS hours FROM sys_session WHERE token_hash = $1`, [hash(used.token)]);
    expect(capped!.hours).toBeLessThanOrEqual(1);
  });
});

describe('the /api/ guard', () => {
  it('turns away every route under /api/ without a session, except login', async () => {
    const guarded = routes.filter((r) => r.url.startsWith('/api/') && r.url !== '/api/auth/login');
    expect(guarded.map((r) => r.url)).toEqual(expect.arrayContaining(['/api/auth/me', '/api/auth/logout', '/api/probe', '/api/probe/:id']));
    for (const route of guarded) {
      for (const method of [route.method].flat()) {
        const url = route.url.replace(/:[^/]+/g, 'x');
        const r = await app.inject({ method: method as InjectOptions['method'], url, ...(method === 'POST' ? { payload: {} } : {}) });
        // HEAD answers carry no body to inspect.
        if (method === 'HEAD') expect(r.statusCode).toBe(401);
        else expectProblem(r, 401, 'CARDO_ERR_AUTH_REQUIRED');
        expect(r.headers['www-authenticate']).toBe('Bearer realm="cardo"');
      }
    }
  });

  it.each([
    ['no credentials', {}],
    ['an unknown token', bearer('A'.repeat(43))],
    ['a malformed token', bearer("' OR 1=1 --")],
    ['an empty bearer', { authorization: 'Bearer ' }],
    ['another scheme', { authorization: 'Basic YWRtaW46YWRtaW4=' }],
    ['an unknown cookie', cookieHeader('B'.repeat(43))],
    ['a token of 1 MB', bearer('C'.repeat(1_000_000))],
  ])('answers 401 problem+json for %s', async (_case, headers) => {
    expectProblem(await app.inject({ method: 'GET', url: '/api/probe', headers }), 401, 'CARDO_ERR_AUTH_REQUIRED');
  });

  it('hides which /api/ routes exist from callers without a session', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/api/no/such/route' }), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await app.inject({ method: 'GET', url: '/api' }), 401, 'CARDO_ERR_AUTH_REQUIRED');
    const u = await newUser();
    const { token } = await loginOk(u.login);
    expectProblem(await app.inject({ method: 'GET', url: '/api/no/such/route', headers: bearer(token) }), 404, 'CARDO_ERR_API_ROUTE_NOT_FOUND');
  });

  it('cannot be bypassed by spelling the path differently', async () => {
    for (const url of ['/%61pi/probe', '/api/probe?x=/api/auth/login', '/api/probe#/api/auth/login', '/api/auth/login/../../probe', '/API/probe', '//api/probe']) {
      const r = await app.inject({ method: 'GET', url });
      expect([401, 404]).toContain(r.statusCode);
      expect(r.body).not.toContain('sessionId');
    }
  });

  it('leaves public routes alone', async () => {
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    // Unknown non-API paths are a plain 404, not a login prompt.
    expectProblem(await app.inject({ method: 'GET', url: '/no-such-page' }), 404, 'CARDO_ERR_API_ROUTE_NOT_FOUND');
    // GET on the login URL is public too: it is simply not a route.
    expectProblem(await app.inject({ method: 'GET', url: '/api/auth/login' }), 404, 'CARDO_ERR_API_ROUTE_NOT_FOUND');
  });
});
