import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../api/app.js';
import { recordCodecs } from '../api/record-schemas.js';
import { accessOf, type Access } from '../access/access.js';
import type { EntityModel } from '../compile/compile.js';
import { CardoError } from '../errors.js';
import { executeGroupBy } from '../query/group-query.js';
import { parseListParams } from '../query/list-params.js';
import { executeList } from '../query/list-query.js';
import { attachTitles } from '../query/titles.js';
import { recordHistory } from './audit.js';
import { createLink, deleteLink, linksOf, redactLinkHistory } from './links.js';
import { assertUuid, createRecord, deleteRecord, duplicatesOf, getRecord, updateRecord, type Actor } from './records.service.js';

type EntityParams = { entity: string };
type RecordParams = { entity: string; id: string };

function actorOf(request: FastifyRequest): Actor {
  return { userId: request.user?.id ?? null };
}

function queryContext(request: FastifyRequest) {
  return { me: request.user?.id ?? null, now: new Date() };
}

function asObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CardoError('CARDO_ERR_API_VALIDATION', 'The body must be a JSON object.', { errors: [{ path: '', message: 'Must be an object.' }] });
  return body as Record<string, unknown>;
}

const TRIMMED = new Set(['string', 'email', 'phone', 'url']);

/** Leading and trailing blanks in one-line fields are typing noise, not data. */
function trimmed(entity: EntityModel, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string' && TRIMMED.has(entity.field.get(name)?.type ?? '')) out[name] = value.trim();
  }
  return out;
}

function confirmDuplicates(request: FastifyRequest): boolean {
  const confirm = (request.query as Record<string, unknown> | undefined)?.confirm;
  if (confirm !== undefined && confirm !== 'duplicates') throw new CardoError('CARDO_ERR_API_VALIDATION', 'confirm accepts only "duplicates".', { errors: [{ path: '/query/confirm', message: 'Must be "duplicates".' }] });
  return confirm === 'duplicates';
}

function titlesWanted(request: FastifyRequest): boolean {
  const titles = (request.query as Record<string, unknown> | undefined)?.titles;
  if (titles !== undefined && titles !== 'true' && titles !== 'false') throw new CardoError('CARDO_ERR_API_VALIDATION', 'titles must be true or false.', { errors: [{ path: '/query/titles', message: 'Must be true or false.' }] });
  return titles === 'true';
}

/** The version a PATCH was made against: If-Match (a plain or quoted number) or body.version. */
function expectedVersion(request: FastifyRequest, body: Record<string, unknown>): number {
  const header = request.headers['if-match'];
  const raw = typeof header === 'string' ? header.replace(/^W\//, '').replaceAll('"', '').trim() : body.version;
  if (raw === undefined || raw === null || raw === '') throw new CardoError('CARDO_ERR_RECORD_VERSION_REQUIRED');
  const version = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(version) || version < 1) throw new CardoError('CARDO_ERR_API_VALIDATION', 'The version must be a positive integer.', { errors: [{ path: typeof header === 'string' ? '/headers/if-match' : '/version', message: 'Must be a positive integer.' }] });
  return version;
}

function sendRecord(reply: FastifyReply, request: FastifyRequest, access: Access, entity: EntityModel, record: Record<string, unknown>, status = 200) {
  reply.header('etag', `"${String(record.version)}"`);
  return reply.status(status).type('application/json').send(recordCodecs(request.model).get(entity.name).serializeRecord(access.strip(entity, record)));
}

/** The record API (DESIGN.md §5), generic over every entity of the current model. */
export const recordRoutes: RoutePlugin = (app, { db }) => {
  app.get<{ Params: EntityParams }>('/api/data/:entity', async (request, reply) => {
    const access = await accessOf(request);
    // The caller's view of the entity: hidden fields are unknown to every parameter.
    const entity = access.view(access.entity(request.params.entity));
    const params = parseListParams(request.query as Record<string, unknown>, entity);
    const options = { restrict: access.restrict(entity.name) };
    if (params.groupBy) return executeGroupBy(db, request.model, entity, params, queryContext(request), options);
    const page = await executeList(db, request.model, entity, params, queryContext(request), options);
    if (params.titles) await attachTitles(db, request.model, entity, page.items, (name) => access.can(name, 'read'));
    return reply.type('application/json').send(recordCodecs(request.model).get(entity.name).serializeList(page));
  });

  app.post<{ Params: EntityParams }>('/api/data/:entity', async (request, reply) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    const body = trimmed(entity, asObject(request.body));
    access.assertWritableFields(entity, body);
    recordCodecs(request.model).get(entity.name).validateCreate(body);
    if (entity.name === 'sys_link') return createLinkRecord(request, reply, access, body);
    const record = await createRecord(db, request.model, entity, body, { actor: actorOf(request), access, confirmDuplicates: confirmDuplicates(request), hooks: app.recordHooks });
    reply.header('location', `/api/data/${entity.name}/${record.id}`);
    return sendRecord(reply, request, access, entity, record, 201);
  });

  app.post<{ Params: EntityParams }>('/api/data/:entity/duplicates', async (request) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    const { id, ...values } = trimmed(entity, asObject(request.body));
    if (id !== undefined) assertUuid(String(id));
    recordCodecs(request.model).get(entity.name).validatePatch({ ...values, version: 1 });
    return { duplicates: await duplicatesOf(db, request.model, entity, values, id === undefined ? null : String(id), access) };
  });

  app.get<{ Params: RecordParams }>('/api/data/:entity/:id', async (request, reply) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    const withTitles = titlesWanted(request);
    const record = await getRecord(db, entity, request.params.id, access);
    if (withTitles) await attachTitles(db, request.model, access.view(entity), [record], (name) => access.can(name, 'read'));
    return sendRecord(reply, request, access, entity, record);
  });

  app.patch<{ Params: RecordParams }>('/api/data/:entity/:id', async (request, reply) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    const body = trimmed(entity, asObject(request.body));
    if (entity.name === 'sys_link') throw new CardoError('CARDO_ERR_LINK_IMMUTABLE');
    const version = expectedVersion(request, body);
    assertUuid(request.params.id);
    const { version: _version, ...changes } = body;
    access.assertWritableFields(entity, changes);
    recordCodecs(request.model).get(entity.name).validatePatch(body);
    const record = await updateRecord(db, request.model, entity, request.params.id, body, version, { actor: actorOf(request), access, confirmDuplicates: confirmDuplicates(request), hooks: app.recordHooks });
    return sendRecord(reply, request, access, entity, record);
  });

  app.delete<{ Params: RecordParams }>('/api/data/:entity/:id', async (request, reply) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    if (entity.name === 'sys_link') await deleteLink(db, request.params.id, { actor: actorOf(request), access });
    else await deleteRecord(db, request.model, entity, request.params.id, { actor: actorOf(request), access, hooks: app.recordHooks });
    return reply.status(204).send();
  });

  app.get<{ Params: RecordParams }>('/api/data/:entity/:id/history', async (request) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    await getRecord(db, entity, request.params.id, access);
    const items = await redactLinkHistory(db, request.model, await recordHistory(db, entity.name, request.params.id), access);
    return { items: items.map((item) => ({ ...item, changes: access.strip(entity, item.changes) })) };
  });

  app.get<{ Params: RecordParams }>('/api/data/:entity/:id/links', async (request) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    await getRecord(db, entity, request.params.id, access);
    return { items: await linksOf(db, request.model, { entity: entity.name, id: request.params.id }, access) };
  });

  app.get<{ Params: RecordParams & { relation: string } }>('/api/data/:entity/:id/related/:relation', async (request, reply) => {
    const access = await accessOf(request);
    const entity = access.entity(request.params.entity);
    await getRecord(db, entity, request.params.id, access);
    const related = relationOf(request.model.entities, entity, request.params.relation);
    if (!access.can(related.other.name, 'read')) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `"${request.params.relation.slice(0, 64)}" is not a related list of ${entity.name}.`);
    const other = access.view(related.other);
    const { via } = related;
    const query = { ...(request.query as Record<string, unknown>) };
    const extra = { [via]: request.params.id };
    const userFilter = typeof query.filter === 'string' ? query.filter : undefined;
    query.filter = JSON.stringify(userFilter ? { $and: [extra, parseJsonFilter(userFilter)] } : extra);
    const params = parseListParams(query, other);
    const page = await executeList(db, request.model, other, params, queryContext(request), { restrict: access.restrict(other.name) });
    if (params.titles) await attachTitles(db, request.model, other, page.items, (name) => access.can(name, 'read'));
    return reply.type('application/json').send(recordCodecs(request.model).get(other.name).serializeList(page));
  });

  /** POST /api/data/sys_link makes a link like POST /api/links: checked, deduplicated, audited. */
  async function createLinkRecord(request: FastifyRequest, reply: FastifyReply, access: Access, body: Record<string, unknown>) {
    if (body.kind !== undefined && body.kind !== null) assertLinkKind(body.kind, '/kind');
    const from = { entity: String(body.fromEntity), id: String(body.fromId) };
    const to = { entity: String(body.toEntity), id: String(body.toId) };
    const link = await createLink(db, request.model, from, to, typeof body.kind === 'string' ? body.kind : 'related', { actor: actorOf(request), access });
    const entity = request.model.entities.get('sys_link') as EntityModel;
    const record = await getRecord(db, entity, link.id, access);
    reply.header('location', `/api/data/sys_link/${link.id}`);
    return sendRecord(reply, request, access, entity, record, link.created ? 201 : 200);
  }

  app.post('/api/links', async (request, reply) => {
    const body = asObject(request.body);
    const { from, to, kind } = body as { from?: unknown; to?: unknown; kind?: unknown };
    const ref = (value: unknown, path: string) => {
      const v = value as { entity?: unknown; id?: unknown } | undefined;
      if (!v || typeof v !== 'object' || typeof v.entity !== 'string' || typeof v.id !== 'string') throw new CardoError('CARDO_ERR_API_VALIDATION', `${path} must be {entity, id}.`, { errors: [{ path, message: 'Must be {entity, id}.' }] });
      return { entity: v.entity, id: v.id };
    };
    const unknownKeys = Object.keys(body).filter((k) => !['from', 'to', 'kind'].includes(k));
    if (unknownKeys.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', `Unknown properties: ${unknownKeys.join(', ')}.`, { errors: unknownKeys.map((k) => ({ path: `/${k}`, message: 'Unknown property.' })) });
    if (kind !== undefined) assertLinkKind(kind, '/kind');
    const access = await accessOf(request);
    const link = await createLink(db, request.model, ref(from, '/from'), ref(to, '/to'), typeof kind === 'string' ? kind : 'related', { actor: actorOf(request), access });
    return reply.status(link.created ? 201 : 200).send({ id: link.id });
  });

  app.delete<{ Params: { id: string } }>('/api/links/:id', async (request, reply) => {
    await deleteLink(db, request.params.id, { actor: actorOf(request), access: await accessOf(request) });
    return reply.status(204).send();
  });
};

function assertLinkKind(kind: unknown, path: string): void {
  if (typeof kind !== 'string' || !/^[a-z][a-z0-9_]{0,62}$/.test(kind)) throw new CardoError('CARDO_ERR_API_VALIDATION', 'kind is a lower_snake name.', { errors: [{ path, message: 'Must be a lower_snake name.' }] });
}

function parseJsonFilter(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CardoError('CARDO_ERR_API_BAD_CONDITION', 'filter is not valid JSON.', { errors: [{ path: '/query/filter', message: 'Not valid JSON.' }] });
  }
}

/** A related list: a related/timeline tab of the form, or an entity with one reference to this one. */
function relationOf(entities: ReadonlyMap<string, EntityModel>, entity: EntityModel, relation: string): { other: EntityModel; via: string } {
  const tab = entity.def.form.tabs.find((t) => t.name === relation && t.entity && t.via);
  if (tab?.entity && tab.via) {
    const other = entities.get(tab.entity);
    if (other) return { other, via: tab.via };
  }
  const other = entities.get(relation);
  const refs = other?.fields.filter((f) => f.type === 'reference' && f.target === entity.name) ?? [];
  if (other && refs.length === 1) return { other, via: (refs[0] as { name: string }).name };
  throw new CardoError('CARDO_ERR_API_NOT_FOUND', `"${relation.slice(0, 64)}" is not a related list of ${entity.name}.`);
}
