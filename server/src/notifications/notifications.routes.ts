import type { FastifyRequest } from 'fastify';
import { accessOf } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { CardoError, type FieldError } from '../errors.js';
import { isUuid } from '../expression/values.js';
import { smtpMailer } from './email.js';
import { countInbox, listInbox, markAllRead, markRead, type Inbox } from './inbox.js';
import { Notifications } from './notifications.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Notification rules at run time (the server wires their jobs to it). */
    notifications: Notifications;
  }
}

export const INBOX_DEFAULT_LIMIT = 50;
export const INBOX_MAX_LIMIT = 200;

export const notificationSchema = {
  type: 'object',
  required: ['id', 'subject', 'body', 'recordEntity', 'recordId', 'recipient', 'readAt', 'createdAt'],
  properties: {
    id: { type: 'string' },
    subject: { type: 'string' },
    body: { type: ['string', 'null'] },
    recordEntity: { type: ['string', 'null'] },
    recordId: { type: ['string', 'null'] },
    recipient: { type: 'string' },
    onBehalfOf: { type: 'string' },
    readAt: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const;

export const notificationPageSchema = {
  type: 'object',
  required: ['items', 'total', 'limit', 'offset'],
  properties: { items: { type: 'array', items: notificationSchema }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
} as const;

export const countSchema = { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } as const;

/** The caller's inbox: their own notices and, during a substitution, the absent user's (from Access's org context). */
async function inboxOf(request: FastifyRequest): Promise<Inbox> {
  const access = await accessOf(request);
  return { userId: access.org.userId, recipients: access.org.principals };
}

function integer(value: unknown, name: string, min: number, max: number, fallback: number, errors: FieldError[]): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    errors.push({ path: `/query/${name}`, message: `Must be a whole number from ${min} to ${max}.` });
    return fallback;
  }
  return n;
}

function parseInboxQuery(query: Readonly<Record<string, unknown>>): { unread: boolean; limit: number; offset: number } {
  const errors: FieldError[] = [];
  for (const key of Object.keys(query).filter((k) => !['unread', 'limit', 'offset'].includes(k))) errors.push({ path: `/query/${key.slice(0, 64)}`, message: 'Unknown parameter; use unread, limit, offset.' });
  let unread = false;
  if (query.unread !== undefined) {
    if (query.unread === 'true' || query.unread === 'false') unread = query.unread === 'true';
    else errors.push({ path: '/query/unread', message: 'Must be true or false.' });
  }
  const limit = integer(query.limit, 'limit', 1, INBOX_MAX_LIMIT, INBOX_DEFAULT_LIMIT, errors);
  const offset = integer(query.offset, 'offset', 0, 1_000_000, 0, errors);
  if (errors.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => `${e.path.replace('/query/', '')}: ${e.message}`).join('; '), { errors });
  return { unread, limit, offset };
}

/** `/api/notifications`: the caller's in-app notices, newest first; marking them read. */
export const notificationRoutes: RoutePlugin = (app, { db, models, config }) => {
  const notifications = new Notifications(db, models, { from: config.mailFrom, ...(config.smtpUrl ? { mailer: smtpMailer(config.smtpUrl) } : {}) });
  app.decorate('notifications', notifications);
  app.recordHooks.push((tx, change) =>
    change.action === 'delete' ? notifications.onRecordDelete(tx, change.model, change.entity, change.before?.id ?? change.after.id) : notifications.onRecordWrite(tx, change));
  app.addHook('onClose', async () => notifications.mailer?.close());

  app.get('/api/notifications', { schema: { response: { 200: notificationPageSchema } } }, async (request) => {
    const options = parseInboxQuery(request.query as Record<string, unknown>);
    return listInbox(db, await inboxOf(request), options);
  });

  app.get('/api/notifications/unread-count', { schema: { response: { 200: countSchema } } }, async (request) => {
    return { count: await countInbox(db, await inboxOf(request), true) };
  });

  app.post('/api/notifications/read-all', { schema: { response: { 200: countSchema } } }, async (request) => {
    return { count: await markAllRead(db, await inboxOf(request)) };
  });

  app.post<{ Params: { id: string } }>('/api/notifications/:id/read', { schema: { response: { 200: notificationSchema } } }, async (request) => {
    const { id } = request.params;
    if (!isUuid(id)) throw new CardoError('CARDO_ERR_API_VALIDATION', `"${id.slice(0, 64)}" is not a notification id (UUID).`, { errors: [{ path: '/id', message: 'Must be a UUID.' }] });
    const item = await markRead(db, await inboxOf(request), id);
    // Someone else's notice is as missing as one that never existed.
    if (!item) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no notification ${id}.`);
    return item;
  });
};
