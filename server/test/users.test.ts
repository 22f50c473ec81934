import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '../src/auth/auth.routes.js';
import { createUser } from '../src/auth/users.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './helpers/test-app.js';

// Logins run scrypt (~0.15 s each, more on a loaded machine); several tests log in a dozen times.
jest.setTimeout(60_000);

let t: TestApp;
let admin: { token: string; id: string };
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('users-admin');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

type Json = Record<string, unknown>;
const json = (r: LightMyRequestResponse) => JSON.parse(r.body) as Json;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const NEW_PASSWORD = 'a new and long passphrase';

function expectProblem(r: LightMyRequestResponse, status: number, code: string) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(json(r)).toMatchObject({ status, code });
}

let ipSeq = 1;
const freshIp = () => `10.8.${Math.floor(ipSeq / 250)}.${(ipSeq++ % 250) + 1}`;
const login = (name: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { login: name, password }, remoteAddress: freshIp() });
async function session(name: string, password = TEST_PASSWORD): Promise<string> {
  const r = await login(name, password);
  if (r.statusCode !== 200) throw new Error(`login ${name}: ${r.body}`);
  return (json(r) as { token: string }).token;
}
const me = (token: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });

let seq = 0;
async function newUser(roles: string[] = ['sales_manager']) {
  const name = `member${++seq}`;
  const { id } = await createUser(t.db, { login: name, fullName: `Member ${seq}`, roles, password: TEST_PASSWORD });
  return { id, login: name };
}

describe('POST /api/users/:id/password (administrators)', () => {
  it('sets a new password and ends the user\'s sessions', async () => {
    const u = await newUser();
    const old = await session(u.login);
    const r = await t.app.inject({ method: 'POST', url: `/api/users/${u.id}/password`, headers: bearer(admin.token), payload: { password: NEW_PASSWORD } });
    expect(r.statusCode).toBe(204);
    expectProblem(await me(old), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await login(u.login, TEST_PASSWORD), 401, 'CARDO_ERR_AUTH_INVALID');
    expect((await me(await session(u.login, NEW_PASSWORD))).statusCode).toBe(200);
    // The administrator's own session is untouched.
    expect((await me(admin.token)).statusCode).toBe(200);
  });

  it('is refused to anyone without an admin role', async () => {
    const u = await newUser();
    const caller = await newUser(['sales_manager', 'lawyer']);
    const token = await session(caller.login);
    const r = await t.app.inject({ method: 'POST', url: `/api/users/${u.id}/password`, headers: bearer(token), payload: { password: NEW_PASSWORD } });
    expectProblem(r, 403, 'CARDO_ERR_AUTH_FORBIDDEN');
    expect((await login(u.login, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it.each([
    ['a short password', '0190a000-0000-7000-8000-000000000000', { password: 'short' }, 400, 'CARDO_ERR_API_VALIDATION'],
    ['an extra property', '0190a000-0000-7000-8000-000000000000', { password: NEW_PASSWORD, admin: true }, 400, 'CARDO_ERR_API_VALIDATION'],
    ['an id that is not a UUID', 'nope', { password: NEW_PASSWORD }, 400, 'CARDO_ERR_API_VALIDATION'],
    ['an unknown user', '0190a000-0000-7000-8000-000000000000', { password: NEW_PASSWORD }, 404, 'CARDO_ERR_API_NOT_FOUND'],
  ])('refuses %s', async (_case, id, payload, status, code) => {
    expectProblem(await t.app.inject({ method: 'POST', url: `/api/users/${id}/password`, headers: bearer(admin.token), payload }), status, code);
  });
});

describe('PUT /api/users/:id/roles (administrators)', () => {
  it('replaces the roles and ends the user\'s sessions', async () => {
    const u = await newUser(['sales_manager']);
    const old = await session(u.login);
    const r = await t.app.inject({ method: 'PUT', url: `/api/users/${u.id}/roles`, headers: bearer(admin.token), payload: { roles: ['lawyer', 'lawyer'] } });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toEqual({ id: u.id, roles: ['lawyer'] });
    expectProblem(await me(old), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expect(json(await me(await session(u.login))).roles).toEqual(['lawyer']);
  });

  it('refuses an unknown role and changes nothing', async () => {
    const u = await newUser(['sales_manager']);
    const token = await session(u.login);
    const r = await t.app.inject({ method: 'PUT', url: `/api/users/${u.id}/roles`, headers: bearer(admin.token), payload: { roles: ['lawyer', 'emperor'] } });
    expectProblem(r, 400, 'CARDO_ERR_API_VALIDATION');
    expect(json(r).errors).toEqual([{ path: '/roles/1', message: expect.stringContaining('emperor') }]);
    expect(json(await me(token)).roles).toEqual(['sales_manager']);
  });

  it('is refused to anyone without an admin role, who cannot promote themselves', async () => {
    const u = await newUser(['sales_manager']);
    const token = await session(u.login);
    const r = await t.app.inject({ method: 'PUT', url: `/api/users/${u.id}/roles`, headers: bearer(token), payload: { roles: ['administrator'] } });
    expectProblem(r, 403, 'CARDO_ERR_AUTH_FORBIDDEN');
    expect(json(await me(token)).roles).toEqual(['sales_manager']);
  });
});

describe('POST /api/auth/password (own password)', () => {
  it('changes the password, keeps this session and ends the others', async () => {
    const u = await newUser();
    const current = await session(u.login);
    const other = await session(u.login);
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: bearer(current), payload: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(r.statusCode).toBe(204);
    expect((await me(current)).statusCode).toBe(200);
    expectProblem(await me(other), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await login(u.login, TEST_PASSWORD), 401, 'CARDO_ERR_AUTH_INVALID');
    expect((await login(u.login, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses a wrong current password without changing anything', async () => {
    const u = await newUser();
    const current = await session(u.login);
    const other = await session(u.login);
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: bearer(current), payload: { currentPassword: 'not the password', newPassword: NEW_PASSWORD } });
    expectProblem(r, 400, 'CARDO_ERR_API_VALIDATION');
    expect(json(r).errors).toEqual([{ path: '/currentPassword', message: 'Wrong password.' }]);
    expect((await me(current)).statusCode).toBe(200);
    expect((await me(other)).statusCode).toBe(200);
    expect((await login(u.login, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles guesses at the current password', async () => {
    const u = await newUser();
    const current = await session(u.login);
    const change = (currentPassword: string) => t.app.inject({ method: 'POST', url: '/api/auth/password', headers: bearer(current), payload: { currentPassword, newPassword: NEW_PASSWORD } });
    for (let i = 0; i < 5; i++) expect((await change(`guess ${i}`)).statusCode).toBe(400);
    expectProblem(await change(TEST_PASSWORD), 429, 'CARDO_ERR_AUTH_THROTTLED');
  });

  it('needs a session, and from a cookie a same-site request', async () => {
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/auth/password', payload: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } }), 401, 'CARDO_ERR_AUTH_REQUIRED');
    const u = await newUser();
    const token = await session(u.login);
    const r = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: 'https://evil.example' }, payload: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } });
    expectProblem(r, 403, 'CARDO_ERR_AUTH_CSRF');
  });
});

describe('deactivation through the record API', () => {
  it('ends the user\'s sessions for good', async () => {
    const u = await newUser();
    const token = await session(u.login);
    const record = json(await t.app.inject({ method: 'GET', url: `/api/data/sys_user/${u.id}`, headers: bearer(admin.token) })) as { version: number };
    const off = await t.app.inject({ method: 'PATCH', url: `/api/data/sys_user/${u.id}`, headers: bearer(admin.token), payload: { active: false, version: record.version } });
    expect(off.statusCode).toBe(200);
    expectProblem(await me(token), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expectProblem(await login(u.login, TEST_PASSWORD), 401, 'CARDO_ERR_AUTH_INVALID');
    const rows = await t.db.query('SELECT 1 FROM sys_session WHERE user_id = $1', [u.id]);
    expect(rows).toHaveLength(0);
    // Reactivated, the user logs in afresh; the old token stays dead.
    const on = await t.app.inject({ method: 'PATCH', url: `/api/data/sys_user/${u.id}`, headers: bearer(admin.token), payload: { active: true, version: record.version + 1 } });
    expect(on.statusCode).toBe(200);
    expectProblem(await me(token), 401, 'CARDO_ERR_AUTH_REQUIRED');
    expect((await login(u.login, TEST_PASSWORD)).statusCode).toBe(200);
  });
});
