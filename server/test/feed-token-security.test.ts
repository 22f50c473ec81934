/**
 * Two gaps of the calendar feed closed with issue 8: deactivating a user deletes their feed
 * token in the same transaction, and the token in `/api/calendar.ics?token=` never reaches the
 * request log.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { buildApp, redactUrl } from '../src/api/app.js';
import { readConfig } from '../src/config.js';
import { ModelHolder } from '../src/runtime/model-holder.js';
import { ROUTES } from '../src/server.js';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';


// Real database, SMTP and password hashing on a shared machine: more than Jest's 5 s default.
jest.setTimeout(60_000);
let t: TestApp;
let logged: string[];
let logging: FastifyInstance;

beforeAll(async () => {
  t = await createTestApp();
  logged = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      logged.push(String(chunk));
      callback();
    },
  });
  const config = readConfig({ CARDO_METADATA_DIR: '../metadata' }, process.cwd());
  logging = await buildApp({ db: t.db, models: new ModelHolder(t.model), config, target: { db: t.db } }, ROUTES, { logger: { level: 'info', stream } });
}, 120_000);
afterAll(async () => {
  await logging?.close();
  await t?.close();
});

describe('the calendar feed token', () => {
  it('is deleted when its user is deactivated', async () => {
    const user = await createOrgUser(t.db, 'feed.user', ['sales_manager']);
    const made = await t.app.inject({ method: 'POST', url: '/api/calendar/feed-token', headers: { authorization: `Bearer ${user.token}` } });
    expect(made.statusCode).toBe(201);
    const feedUrl = new URL((made.json() as { url: string }).url);
    expect((await t.app.inject({ method: 'GET', url: `${feedUrl.pathname}${feedUrl.search}` })).statusCode).toBe(200);
    const [row] = await t.db.query<{ version: number }>('SELECT version FROM sys_user WHERE id = $1', [user.id]);
    const patched = await t.as('admin', { method: 'PATCH', url: `/api/data/sys_user/${user.id}`, payload: { active: false, version: row?.version } });
    expect(patched.statusCode).toBe(200);
    expect(await t.db.query('SELECT 1 FROM sys_calendar_feed WHERE user_id = $1', [user.id])).toEqual([]);
    // Reactivating does not bring the old link back.
    const [again] = await t.db.query<{ version: number }>('SELECT version FROM sys_user WHERE id = $1', [user.id]);
    expect((await t.as('admin', { method: 'PATCH', url: `/api/data/sys_user/${user.id}`, payload: { active: true, version: again?.version } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `${feedUrl.pathname}${feedUrl.search}` })).statusCode).toBe(404);
  });

  it('never appears in the request log', async () => {
    const secret = 'A'.repeat(43);
    const response = await logging.inject({ method: 'GET', url: `/api/calendar.ics?categories=meeting&token=${secret}` });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    const text = logged.join('');
    expect(text).toContain('/api/calendar.ics?categories=meeting&token=[redacted]');
    expect(text).not.toContain(secret);
  });

  it.each([
    ['/api/calendar.ics?token=abc', '/api/calendar.ics?token=[redacted]'],
    ['/api/calendar.ics?locale=en&token=abc&categories=x', '/api/calendar.ics?locale=en&token=[redacted]&categories=x'],
    ['/api/data/deal?filter=%7B%7D', '/api/data/deal?filter=%7B%7D'],
    ['/x?TOKEN=abc#frag', '/x?TOKEN=[redacted]#frag'],
  ])('redactUrl(%s)', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
