import type { FastifyRequest } from 'fastify';
import { Access, accessOf } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { assertUser } from '../auth/session-user.js';
import type { Config } from '../config.js';
import { CardoError, type FieldError } from '../errors.js';
import { localeOf, loadEvents, localized, parseCalendarQuery, parseCategories, type CalendarEvent } from './events.js';
import { feedTokenCreatedAt, findFeedOwner, revokeFeedToken, rotateFeedToken } from './feed-tokens.js';
import { toIcal } from './ical.js';
import { addDays, localDay, startOfDay, timeZoneOf } from './zoned.js';

/** The feed covers this many days before today and after it. */
export const FEED_PAST_DAYS = 30;
export const FEED_FUTURE_DAYS = 180;
/** Clients are asked to refetch the feed this often. */
const FEED_REFRESH_MINUTES = 60;

export const eventSchema = {
  type: 'object',
  required: ['id', 'calendar', 'entity', 'recordId', 'title', 'start', 'end', 'allDay', 'category', 'color'],
  properties: {
    id: { type: 'string' },
    calendar: { type: 'string' },
    entity: { type: 'string' },
    recordId: { type: 'string' },
    title: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    allDay: { type: 'boolean' },
    category: { type: 'string' },
    color: { type: 'string' },
  },
} as const;

export const eventsResponse = {
  type: 'object',
  required: ['events'],
  properties: { events: { type: 'array', items: eventSchema }, truncated: { type: 'boolean' } },
} as const;

export const calendarsResponse = {
  type: 'object',
  required: ['calendars'],
  properties: {
    calendars: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'label', 'categories'],
        properties: {
          name: { type: 'string' },
          label: { type: 'string' },
          categories: { type: 'array', items: { type: 'object', required: ['name', 'label', 'color'], properties: { name: { type: 'string' }, label: { type: 'string' }, color: { type: 'string' } } } },
          // Where the events come from, so the UI can create a record in a free slot and move one by its fields.
          sources: { type: 'array', items: { type: 'object', required: ['entity', 'start'], properties: { entity: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' }, duration: { type: 'string' } } } },
        },
      },
    },
  },
} as const;

export const feedTokenResponse = {
  type: 'object',
  required: ['url', 'webcalUrl', 'createdAt'],
  properties: { url: { type: 'string' }, webcalUrl: { type: 'string' }, createdAt: { type: 'string' } },
} as const;

/** Where the runtime is reached from outside: CARDO_PUBLIC_URL, else the request's own scheme and host. */
function baseUrl(config: Config, request: FastifyRequest): string {
  return (config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
}

/** `/api/calendar*`: events for the runtime UI, the category legend, the iCalendar feed and its token. */
export const calendarRoutes: RoutePlugin = (app, { db, config }) => {
  app.get('/api/calendar', { schema: { response: { 200: eventsResponse } } }, async (request) => {
    const user = assertUser(request.user);
    const window = parseCalendarQuery(request.model, request.query as Record<string, unknown>, user.locale);
    const access = await accessOf(request);
    return loadEvents(db, request.model, access, window);
  });

  app.get('/api/calendar/calendars', { schema: { response: { 200: calendarsResponse } } }, async (request) => {
    const user = assertUser(request.user);
    const errors: FieldError[] = [];
    const locale = localeOf(request.model, (request.query as Record<string, unknown>).locale, user.locale, errors);
    if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', 'locale: not a language of the application.', { errors });
    const model = request.model;
    const access = await accessOf(request);
    return {
      calendars: model.calendars.map(({ name, def }) => ({
        name,
        label: localized(def.label, locale, model),
        categories: def.categories.map((c) => ({ name: c.name, label: localized(c.label, locale, model), color: c.color })),
        // One per entity and set of fields, of entities the caller may read.
        sources: [...new Map(def.sources.filter((s) => access.can(s.entity, 'read')).map((s) => [`${s.entity}:${s.start}:${s.end ?? ''}:${s.duration ?? ''}`, { entity: s.entity, start: s.start, ...(s.end ? { end: s.end } : {}), ...(s.duration ? { duration: s.duration } : {}) }])).values()],
      })),
    };
  });

  app.get('/api/calendar/feed-token', async (request) => {
    const user = assertUser(request.user);
    return { createdAt: await feedTokenCreatedAt(db, user.id) };
  });

  // The URL is shown once: only its hash is kept. Asking again replaces it, and the old one stops working.
  app.post('/api/calendar/feed-token', { schema: { response: { 201: feedTokenResponse } } }, async (request, reply) => {
    const user = assertUser(request.user);
    const { token, createdAt } = await rotateFeedToken(db, user.id);
    const url = `${baseUrl(config, request)}/api/calendar.ics?token=${token}`;
    return reply.status(201).send({ url, webcalUrl: url.replace(/^https?:/, 'webcal:'), createdAt });
  });

  app.delete('/api/calendar/feed-token', async (request, reply) => {
    const user = assertUser(request.user);
    await revokeFeedToken(db, user.id);
    return reply.status(204).send();
  });

  // Public (see isPublicApiPath): the token in the URL is the credential.
  app.get('/api/calendar.ics', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const model = request.model;
    const errors: FieldError[] = [];
    for (const key of Object.keys(query).filter((k) => !['token', 'categories', 'locale'].includes(k))) errors.push({ path: `/query/${key.slice(0, 64)}`, message: 'Unknown parameter; use token, categories, locale.' });
    if (typeof query.token !== 'string' || query.token === '') errors.push({ path: '/query/token', message: 'Required: the feed token from POST /api/calendar/feed-token.' });
    const categories = parseCategories(model, query.categories, errors);
    if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => e.message).join(' '), { errors });
    const now = new Date();
    const owner = await findFeedOwner(db, query.token as string, now);
    if (!owner) throw new CardoError('CARDO_ERR_CALENDAR_FEED_UNKNOWN');
    const locale = localeOf(model, query.locale, owner.locale, errors);
    if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', 'locale: not a language of the application.', { errors });

    const zone = timeZoneOf(model.app);
    const today = localDay(now, zone);
    const window = { from: startOfDay(addDays(today, -FEED_PAST_DAYS), zone), to: startOfDay(addDays(today, FEED_FUTURE_DAYS + 1), zone), categories, locale };
    // The feed owner's access, built as for any request of theirs: the same scopes as GET /api/calendar.
    const access = new Access(model, owner.org);
    const { events } = await loadEvents(db, model, access, window, now);
    const base = baseUrl(config, request);
    const labels = new Map(model.calendars.flatMap(({ def }) => def.categories.map((c) => [c.name, localized(c.label, locale, model)] as const)));
    const body = toIcal({
      productId: `-//Cardo//${model.app.name}//EN`,
      name: localized(model.app.label, locale, model),
      refreshMinutes: FEED_REFRESH_MINUTES,
      events: events.map((e: CalendarEvent) => ({
        uid: `${e.calendar}-${e.recordId}@${model.app.name}.cardo`,
        stamp: new Date(e.updatedAt),
        summary: e.title,
        start: e.allDay ? e.start : new Date(e.start),
        end: e.end === e.start ? undefined : e.allDay ? e.end : new Date(e.end),
        categories: [labels.get(e.category) ?? e.category],
        url: `${base}/data/${encodeURIComponent(e.entity)}/${encodeURIComponent(e.recordId)}`,
      })),
    });
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', `inline; filename="${model.app.name}.ics"`)
      .send(body);
  });
};
