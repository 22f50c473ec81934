import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { v7 as uuidv7 } from 'uuid';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

interface Item {
  id: string;
  subject: string;
  recipient: string;
  onBehalfOf?: string;
  readAt: string | null;
  createdAt: string;
}

let t: TestApp;
const u = {} as Record<'anna' | 'boris' | 'deputy', { id: string; token: string }>;

/** A notice as delivery stores it: one row per recipient (the writers are another module). */
async function notify(recipient: string, subject: string, minutesAgo = 0): Promise<string> {
  const id = uuidv7();
  await t.db.query(
    `INSERT INTO sys_notification (id, created_at, updated_at, version, owner, recipient, subject, body, record_entity, record_id)
     VALUES ($1, now() - $4::int * interval '1 minute', now(), 1, $2, $2, $3::text, 'Body of ' || $3::text, 'deal', NULL)`,
    [id, recipient, subject, minutesAgo],
  );
  return id;
}

beforeAll(async () => {
  t = await createTestApp();
  u.anna = await createOrgUser(t.db, 'n_anna', ['sales_manager']);
  u.boris = await createOrgUser(t.db, 'n_boris', ['sales_manager']);
  u.deputy = await createOrgUser(t.db, 'n_deputy', ['sales_manager']);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const call = (who: keyof typeof u, method: 'GET' | 'POST', url: string) => t.app.inject({ method, url, headers: { authorization: `Bearer ${u[who].token}` } });
const items = async (who: keyof typeof u, query = '') => (await call(who, 'GET', `/api/notifications${query}`)).json() as { items: Item[]; total: number; limit: number; offset: number };
const unreadCount = async (who: keyof typeof u) => ((await call(who, 'GET', '/api/notifications/unread-count')).json() as { count: number }).count;

describe('the notification inbox', () => {
  it('lists only the caller\'s own notices, newest first, with paging and an unread filter', async () => {
    const old = await notify(u.anna.id, 'Anna old', 30);
    const recent = await notify(u.anna.id, 'Anna recent', 5);
    const newest = await notify(u.anna.id, 'Anna newest', 1);
    await notify(u.boris.id, 'Boris only');
    const all = await items('anna');
    expect(all.items.map((i) => i.id)).toEqual([newest, recent, old]);
    expect(all.total).toBe(3);
    expect(all.items[0]).toMatchObject({ subject: 'Anna newest', recipient: u.anna.id, readAt: null });
    expect(all.items[0]?.onBehalfOf).toBeUndefined();
    const page = await items('anna', '?limit=1&offset=1');
    expect(page).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect(page.items.map((i) => i.id)).toEqual([recent]);
    expect((await items('boris')).items.map((i) => i.subject)).toEqual(['Boris only']);
    expect(await unreadCount('anna')).toBe(3);
  });

  it("marks one of the caller's notices read; someone else's is a 404 and stays unread", async () => {
    const mine = await notify(u.anna.id, 'Anna to read');
    const theirs = await notify(u.boris.id, 'Boris private');
    const before = await unreadCount('anna');
    const read = await call('anna', 'POST', `/api/notifications/${mine}/read`);
    expect(read.statusCode).toBe(200);
    const readAt = (read.json() as Item).readAt;
    expect(readAt).toEqual(expect.any(String));
    expect(await unreadCount('anna')).toBe(before - 1);
    // Reading again keeps the first reading time.
    expect(((await call('anna', 'POST', `/api/notifications/${mine}/read`)).json() as Item).readAt).toBe(readAt);
    expect((await items('anna', '?unread=true')).items.map((i) => i.id)).not.toContain(mine);

    const foreign = await call('anna', 'POST', `/api/notifications/${theirs}/read`);
    expect(foreign.statusCode).toBe(404);
    expect((foreign.json() as { code: string }).code).toBe('CARDO_ERR_API_NOT_FOUND');
    const [row] = await t.db.query<{ read_at: string | null }>('SELECT read_at FROM sys_notification WHERE id = $1', [theirs]);
    expect(row?.read_at).toBeNull();
    expect((await call('anna', 'POST', `/api/notifications/${uuidv7()}/read`)).statusCode).toBe(404);
    expect((await call('anna', 'POST', '/api/notifications/not-a-uuid/read')).statusCode).toBe(400);
  });

  it("read-all marks the caller's unread notices only", async () => {
    await notify(u.anna.id, 'Anna A');
    await notify(u.anna.id, 'Anna B');
    const borisBefore = await unreadCount('boris');
    const unread = await unreadCount('anna');
    expect(unread).toBeGreaterThanOrEqual(2);
    const response = await call('anna', 'POST', '/api/notifications/read-all');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ count: unread });
    expect(await unreadCount('anna')).toBe(0);
    expect(await unreadCount('boris')).toBe(borisBefore);
    expect((await items('anna', '?unread=true')).items).toEqual([]);
  });

  it("gives a deputy the absent user's notices while the substitution lasts, and lets them mark them read", async () => {
    const notice = await notify(u.boris.id, 'Boris: contract expires');
    expect((await items('deputy')).items.map((i) => i.id)).not.toContain(notice);
    expect((await call('deputy', 'POST', `/api/notifications/${notice}/read`)).statusCode).toBe(404);

    const substitution = uuidv7();
    await t.db.query(
      `INSERT INTO sys_substitution (id, created_at, updated_at, version, absent_user, deputy, "from", "to") VALUES ($1, now(), now(), 1, $2, $3, current_date - 1, current_date + 1)`,
      [substitution, u.boris.id, u.deputy.id],
    );
    const shown = (await items('deputy')).items.find((i) => i.id === notice);
    expect(shown).toMatchObject({ recipient: u.boris.id, onBehalfOf: u.boris.id });
    expect(await unreadCount('deputy')).toBe(await unreadCount('boris'));
    expect((await call('deputy', 'POST', `/api/notifications/${notice}/read`)).statusCode).toBe(200);
    // Read on the absent user's behalf: read for them too.
    expect((await items('boris', '?unread=true')).items.map((i) => i.id)).not.toContain(notice);

    // Over: the deputy's inbox is theirs alone again.
    await t.db.query(`UPDATE sys_substitution SET "from" = current_date - 10, "to" = current_date - 5 WHERE id = $1`, [substitution]);
    expect((await items('deputy')).items.map((i) => i.id)).not.toContain(notice);
    // The absent user never sees the deputy's own notices.
    const own = await notify(u.deputy.id, 'Deputy own');
    expect((await items('boris')).items.map((i) => i.id)).not.toContain(own);
  });

  it.each([
    ['?unread=yes', '/query/unread'],
    ['?limit=0', '/query/limit'],
    ['?limit=201', '/query/limit'],
    ['?offset=-1', '/query/offset'],
    ['?recipient=x', '/query/recipient'],
  ])('refuses %s with a 400 problem', async (query, path) => {
    const response = await call('anna', 'GET', `/api/notifications${query}`);
    expect(response.statusCode).toBe(400);
    expect((response.json() as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([path]);
  });

  it('needs a session', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/notifications/unread-count' })).statusCode).toBe(401);
  });
});
