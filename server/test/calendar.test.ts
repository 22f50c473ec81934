import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import type { EntityModel } from '../src/compile/compile.js';
import { createOrgUser, seedRecord } from './helpers/access-org.js';
import type { CalendarEvent } from '../src/calendar/events.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

type Json = Record<string, unknown>;
type Event = CalendarEvent;

let t: TestApp;
let interaction: EntityModel;
const u = {} as Record<'seller' | 'peer', { id: string; token: string }>;
const rec = {} as Record<'sellerMeeting' | 'sellerCall' | 'peerMeeting' | 'sellerLater' | 'straddling' | 'atEnd' | 'contract' | 'otherDocument', string>;
const brand = { seller: 'Calendar Seller Brand', peer: 'Calendar Peer Brand' };

const DAY = 24 * 60 * 60 * 1000;
/** Event times relative to now, so they fall inside the feed's window (30 days back, 180 ahead). */
const base = new Date(Math.floor(Date.now() / DAY) * DAY + 10 * DAY + 9 * 60 * 60 * 1000);
const at = (minutes: number) => new Date(base.getTime() + minutes * 60_000).toISOString();
const day = (offset: number) => new Date(base.getTime() + offset * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  interaction = t.model.entities.get('interaction') as EntityModel;
  const counterparty = t.model.entities.get('counterparty') as EntityModel;
  const document = t.model.entities.get('document') as EntityModel;
  u.seller = await createOrgUser(t.db, 'cal_seller', ['sales_manager']);
  u.peer = await createOrgUser(t.db, 'cal_peer', ['sales_manager']);
  const cpSeller = await seedRecord(t.db, t.model, counterparty, u.seller.id, {}, { brand: brand.seller });
  const cpPeer = await seedRecord(t.db, t.model, counterparty, u.peer.id, {}, { brand: brand.peer });
  const seedInteraction = (owner: string, cp: string, values: Json) => seedRecord(t.db, t.model, interaction, owner, { counterparty: cp }, values);
  rec.sellerMeeting = await seedInteraction(u.seller.id, cpSeller, { type: 'meeting', plannedAt: at(0), durationMinutes: 60 });
  rec.sellerCall = await seedInteraction(u.seller.id, cpSeller, { type: 'outgoing_call', plannedAt: at(120) });
  rec.peerMeeting = await seedInteraction(u.peer.id, cpPeer, { type: 'meeting', plannedAt: at(30), durationMinutes: 30 });
  rec.sellerLater = await seedInteraction(u.seller.id, cpSeller, { type: 'meeting', plannedAt: at(60 * 24 * 40), durationMinutes: 15 });
  // Starts 30 minutes before a window opening at base and lasts an hour: it overlaps the window.
  rec.straddling = await seedInteraction(u.seller.id, cpSeller, { type: 'showing', plannedAt: at(-30), durationMinutes: 60 });
  rec.atEnd = await seedInteraction(u.seller.id, cpSeller, { type: 'meeting', plannedAt: at(24 * 60), durationMinutes: 30 });
  rec.contract = await seedRecord(t.db, t.model, document, u.seller.id, { counterparty: cpSeller }, { type: 'contract', number: 'CAL-1', validTo: day(1) });
  rec.otherDocument = await seedRecord(t.db, t.model, document, u.seller.id, { counterparty: cpSeller }, { type: (document.field.get('type')?.options ?? []).find((o) => o !== 'contract'), number: 'CAL-2', validTo: day(2) });
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const get = (who: keyof typeof u | 'admin', url: string) =>
  who === 'admin' ? t.as('cal_admin', { method: 'GET', url }) : t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${u[who].token}` } });
const post = (who: keyof typeof u, url: string) => t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${u[who].token}` } });
const windowQuery = (from: string, to: string, extra = '') => `/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}${extra}`;
const eventsOf = (r: { json(): unknown }) => (r.json() as { events: Event[] }).events;
const byRecord = (events: Event[]) => new Map(events.map((e) => [e.recordId, e]));
const optionLabel = (entity: EntityModel, field: string, value: string, locale: string) => (entity.field.get(field)?.def.options?.find((o) => o.value === value)?.label as Record<string, string>)[locale];

describe('GET /api/calendar', () => {
  it('merges the calendars: timed events with duration, all-day contract expiries, titles, categories and colors', async () => {
    const response = await get('admin', windowQuery(at(0), at(24 * 60), '&locale=en'));
    expect(response.statusCode).toBe(200);
    const events = byRecord(eventsOf(response));
    const calendars = t.model.calendars;
    const meetings = calendars.find((c) => c.name === 'interactions')?.def.categories.find((c) => c.name === 'meetings');
    expect(events.get(rec.sellerMeeting)).toEqual({
      id: `interactions:${rec.sellerMeeting}`,
      calendar: 'interactions',
      entity: 'interaction',
      recordId: rec.sellerMeeting,
      title: `${optionLabel(interaction, 'type', 'meeting', 'en')}: ${brand.seller}`,
      start: at(0),
      end: at(60),
      allDay: false,
      category: 'meetings',
      color: meetings?.color,
    });
    expect(events.get(rec.sellerCall)).toMatchObject({ category: 'calls', start: at(120), end: at(120) });
    expect(events.get(rec.contract)).toMatchObject({ calendar: 'contracts', entity: 'document', allDay: true, start: day(1), end: day(2), category: 'contract_expiration', title: `CAL-1 — ${brand.seller}` });
    // The contracts calendar's condition leaves other document types out.
    expect(events.has(rec.otherDocument)).toBe(false);
    // Overlapping the window's start counts; starting exactly at its (exclusive) end does not; later is out.
    expect(events.has(rec.straddling)).toBe(true);
    expect(events.has(rec.atEnd)).toBe(false);
    expect(events.has(rec.sellerLater)).toBe(false);
    const starts = eventsOf(response).filter((e) => !e.allDay).map((e) => e.start);
    expect(starts).toEqual([...starts].sort());
  });

  it("localizes titles in the user's language by default and in ?locale=", async () => {
    const ru = byRecord(eventsOf(await get('admin', windowQuery(at(0), at(60), '&locale=ru'))));
    expect(ru.get(rec.sellerMeeting)?.title).toBe(`${optionLabel(interaction, 'type', 'meeting', 'ru')}: ${brand.seller}`);
    await t.db.query("UPDATE sys_user SET locale = 'en' WHERE id = $1", [u.seller.id]);
    const en = byRecord(eventsOf(await get('seller', windowQuery(at(0), at(60)))));
    expect(en.get(rec.sellerMeeting)?.title).toBe(`${optionLabel(interaction, 'type', 'meeting', 'en')}: ${brand.seller}`);
  });

  it("scopes by access: a sales manager with scope own sees only own events, never a peer's", async () => {
    const seller = byRecord(eventsOf(await get('seller', windowQuery(at(-60), at(24 * 60)))));
    expect(seller.has(rec.sellerMeeting)).toBe(true);
    expect(seller.has(rec.contract)).toBe(true);
    expect(seller.has(rec.peerMeeting)).toBe(false);
    const peer = byRecord(eventsOf(await get('peer', windowQuery(at(-60), at(24 * 60)))));
    expect([...peer.keys()]).toEqual([rec.peerMeeting]);
  });

  it('filters by categories', async () => {
    const events = eventsOf(await get('admin', windowQuery(at(-60), at(24 * 60), '&categories=meetings,contract_expiration')));
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(['meetings', 'contract_expiration']));
    expect(events.map((e) => e.recordId).sort()).toEqual([rec.sellerMeeting, rec.peerMeeting, rec.contract].sort());
  });

  it.each([
    ['no from or to', '/api/calendar', ['/query/from', '/query/to']],
    ['to before from', windowQuery(at(60), at(0)), ['/query/to']],
    ['to equal to from', windowQuery(at(0), at(0)), ['/query/to']],
    ['a window over 366 days', windowQuery('2026-01-01', '2027-01-03'), ['/query/to']],
    ['a date-time without a zone', windowQuery('2026-12-01T09:00:00', '2026-12-02'), ['/query/from']],
    ['not a date', windowQuery('tomorrow', '2026-12-02'), ['/query/from']],
    ['an unknown category', windowQuery('2026-12-01', '2026-12-02', '&categories=meetings,parties'), ['/query/categories']],
    ['an unknown locale', windowQuery('2026-12-01', '2026-12-02', '&locale=fr'), ['/query/locale']],
    ['an unknown parameter', windowQuery('2026-12-01', '2026-12-02', '&limit=5'), ['/query/limit']],
  ])('refuses %s with a 400 problem naming the parameter', async (_name, url, paths) => {
    const response = await get('admin', url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json() as { code: string; errors: Array<{ path: string }> };
    expect(problem.code).toBe('CARDO_ERR_API_VALIDATION');
    expect(problem.errors.map((e) => e.path).sort()).toEqual(paths);
  });

  it('has indexes for the windows it asks for: the start date, and with the owner for own-scope callers', async () => {
    const rows = await t.db.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'sys_task'");
    const defs = rows.map((r) => r.indexdef);
    expect(defs.some((d) => / \(due_at\)$/.test(d))).toBe(true);
    expect(defs.some((d) => / \(owner, due_at, id\)$/.test(d))).toBe(true);
  });

  it('needs a session', async () => {
    const response = await t.app.inject({ method: 'GET', url: windowQuery('2026-12-01', '2026-12-02') });
    expect(response.statusCode).toBe(401);
  });

  it('lists the calendars and their categories, localized', async () => {
    const response = await get('admin', '/api/calendar/calendars?locale=en');
    const calendars = (response.json() as { calendars: Array<{ name: string; label: string; categories: Array<{ name: string; label: string; color: string }> }> }).calendars;
    expect(calendars.map((c) => c.name).sort()).toEqual(t.model.calendars.map((c) => c.name).sort());
    expect(calendars.find((c) => c.name === 'contracts')?.categories[0]).toEqual({ name: 'contract_expiration', label: 'Contract expires', color: '#f5222d' });
    // The sources' entities and fields, once per distinct set (the four interaction sources share theirs).
    expect((calendars as Array<{ name: string; sources?: unknown }>).find((c) => c.name === 'interactions')?.sources).toEqual([{ entity: 'interaction', start: 'plannedAt', duration: 'durationMinutes' }]);
    expect((calendars as Array<{ name: string; sources?: unknown }>).find((c) => c.name === 'contracts')?.sources).toEqual([{ entity: 'document', start: 'validTo' }]);
  });
});

describe('iCalendar feed', () => {
  const feedPath = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  };
  const parseFeed = (text: string) => new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));

  it('is a feed a calendar client can read, with the same events as the JSON API, scoped like it', async () => {
    const created = await post('seller', '/api/calendar/feed-token');
    expect(created.statusCode).toBe(201);
    const { url, webcalUrl } = created.json() as { url: string; webcalUrl: string };
    expect(url).toMatch(/^http:\/\/[^/]+\/api\/calendar\.ics\?token=[A-Za-z0-9_-]{43}$/);
    expect(webcalUrl).toBe(url.replace(/^http:/, 'webcal:'));

    // No cookie, no bearer: the token is the credential.
    const feed = await t.app.inject({ method: 'GET', url: feedPath(url) });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const text = feed.body;
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(new ICAL.Component(ICAL.parse(text)).getFirstPropertyValue('x-wr-calname')).toBeTruthy();

    const parsed = parseFeed(text);
    const ics = parsed.map((e) => ({ uid: e.uid, summary: e.summary, start: e.startDate.isDate ? e.startDate.toString() : e.startDate.toJSDate().toISOString(), allDay: e.startDate.isDate }));
    const from = new Date(Date.now() - 31 * DAY).toISOString();
    const to = new Date(Date.now() + 182 * DAY).toISOString();
    const json = eventsOf(await get('seller', windowQuery(from, to)));
    expect(json.length).toBeGreaterThanOrEqual(5);
    expect(ics.map((e) => e.uid).sort()).toEqual(json.map((e) => `${e.calendar}-${e.recordId}@${t.model.app.name}.cardo`).sort());
    for (const event of json) {
      const match = ics.find((e) => e.uid === `${event.calendar}-${event.recordId}@${t.model.app.name}.cardo`);
      expect(match).toEqual({ uid: match?.uid, summary: event.title, start: event.start, allDay: event.allDay });
    }
    expect(ics.some((e) => e.uid.includes(rec.peerMeeting))).toBe(false);
    const meeting = parsed.find((e) => e.uid.includes(rec.sellerMeeting));
    expect(meeting?.endDate.toJSDate().toISOString()).toBe(at(60));
    const contract = parsed.find((e) => e.uid.includes(rec.contract));
    expect(contract?.endDate.toString()).toBe(day(2));
  });

  it('rotating the token invalidates the old URL; revoking ends the feed', async () => {
    const first = (await post('peer', '/api/calendar/feed-token')).json() as { url: string };
    const second = (await post('peer', '/api/calendar/feed-token')).json() as { url: string };
    expect(second.url).not.toBe(first.url);
    const old = await t.app.inject({ method: 'GET', url: feedPath(first.url) });
    expect(old.statusCode).toBe(404);
    expect((old.json() as { code: string }).code).toBe('CARDO_ERR_CALENDAR_FEED_UNKNOWN');
    const current = await t.app.inject({ method: 'GET', url: feedPath(second.url) });
    expect(current.statusCode).toBe(200);
    expect(parseFeed(current.body).map((e) => e.uid)).toEqual([`interactions-${rec.peerMeeting}@${t.model.app.name}.cardo`]);

    const state = await t.app.inject({ method: 'GET', url: '/api/calendar/feed-token', headers: { authorization: `Bearer ${u.peer.token}` } });
    expect((state.json() as { createdAt: string | null }).createdAt).not.toBeNull();
    const revoked = await t.app.inject({ method: 'DELETE', url: '/api/calendar/feed-token', headers: { authorization: `Bearer ${u.peer.token}` } });
    expect(revoked.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: feedPath(second.url) })).statusCode).toBe(404);
  });

  it("stops and forgets a deactivated user's feed", async () => {
    const user = await createOrgUser(t.db, 'cal_leaver', ['sales_manager']);
    const created = await t.app.inject({ method: 'POST', url: '/api/calendar/feed-token', headers: { authorization: `Bearer ${user.token}` } });
    const path = feedPath((created.json() as { url: string }).url);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    await t.db.query('UPDATE sys_user SET active = false WHERE id = $1', [user.id]);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    await t.db.query('UPDATE sys_user SET active = true WHERE id = $1', [user.id]);
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
  });

  it.each([
    ['no token', '/api/calendar.ics', 400],
    ['a malformed token', '/api/calendar.ics?token=abc', 404],
    ['an unknown token', `/api/calendar.ics?token=${'A'.repeat(43)}`, 404],
  ])('answers %s with a problem', async (_name, url, status) => {
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });
});
