import type { FastifyRequest } from 'fastify';
import { accessOf } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { CardoError } from '../errors.js';
import { workflowsOf } from './definitions.js';
import { Workflows } from './workflows.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The workflow runtime of this app (timers are wired to it by the server). */
    workflows: Workflows;
  }
}

function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new CardoError('CARDO_ERR_API_VALIDATION', 'The body must be a JSON object.', { errors: [{ path: '', message: 'Must be an object.' }] });
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw new CardoError('CARDO_ERR_API_VALIDATION', `${key} is required.`, { errors: [{ path: `/${key}`, message: 'Required.' }] });
    return undefined;
  }
  if (typeof value !== 'string') throw new CardoError('CARDO_ERR_API_VALIDATION', `${key} must be a string.`, { errors: [{ path: `/${key}`, message: 'Must be a string.' }] });
  return value;
}

function intParam(query: Record<string, unknown>, key: string, fallback: number, max: number): number {
  const raw = query[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new CardoError('CARDO_ERR_API_VALIDATION', `${key} must be an integer from 0 to ${max}.`, { errors: [{ path: `/query/${key}`, message: `Integer 0–${max}.` }] });
  return n;
}

const TASK_STATUSES = new Set(['open', 'completed', 'cancelled', 'all']);

/** Workflows (start, instances) and the task inbox (DESIGN.md §5). */
export const workflowRoutes: RoutePlugin = (app, { db, models }) => {
  // The app's hooks array itself: hooks registered later (automations) run for service tasks too.
  const workflows = new Workflows(db, models, { hooks: app.recordHooks });
  app.decorate('workflows', workflows);
  app.recordHooks.push((tx, change) => workflows.onRecordWrite(tx, change.model, change.entity, change.before, change.after, change.actor, change.chain));

  app.post<{ Params: { process: string } }>('/api/workflows/:process/start', async (request, reply) => {
    const access = await accessOf(request);
    const body = bodyOf(request);
    const entity = text(body, 'entity', true) as string;
    const id = text(body, 'id', true) as string;
    const instanceId = await workflows.start(request.model, request.params.process, entity, id, access);
    return reply.status(201).send(await workflows.instance(request.model, instanceId, access));
  });

  app.get<{ Params: { id: string } }>('/api/workflows/instances/:id', async (request) => {
    const access = await accessOf(request);
    return workflows.instance(request.model, request.params.id, access);
  });

  app.get('/api/workflows/instances', async (request) => {
    const access = await accessOf(request);
    const query = request.query as Record<string, unknown>;
    const entity = text(query, 'entity', true) as string;
    const id = text(query, 'id', true) as string;
    return { items: await workflows.instancesOf(request.model, entity, id, access) };
  });

  // The processes of the entities the caller may read (the runtime UI offers the manual ones on a card).
  app.get('/api/workflows', async (request) => {
    const access = await accessOf(request);
    const query = request.query as Record<string, unknown>;
    const unknown = Object.keys(query).filter((k) => k !== 'entity');
    if (unknown.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', 'Unknown parameter; use entity.', { errors: unknown.map((k) => ({ path: `/query/${k.slice(0, 64)}`, message: 'Unknown parameter; use entity.' })) });
    const entity = text(query, 'entity', false);
    const defs = [...(await workflowsOf(request.model)).values()].filter((d) => (entity === undefined || d.entity === entity) && access.can(d.entity, 'read'));
    return { items: defs.map((d) => ({ process: d.name, label: d.label, entity: d.entity, startOn: d.startOn, canStart: access.can(d.entity, 'update') })) };
  });

  app.get('/api/tasks', async (request) => {
    const access = await accessOf(request);
    const query = request.query as Record<string, unknown>;
    const assignee = query.assignee ?? 'me';
    if (assignee !== 'me') throw new CardoError('CARDO_ERR_API_VALIDATION', 'assignee accepts only "me".', { errors: [{ path: '/query/assignee', message: 'Must be "me".' }] });
    const status = String(query.status ?? 'open');
    if (!TASK_STATUSES.has(status)) throw new CardoError('CARDO_ERR_API_VALIDATION', 'status must be open, completed, cancelled or all.', { errors: [{ path: '/query/status', message: 'open, completed, cancelled or all.' }] });
    return workflows.inbox(request.model, access, { status, limit: intParam(query, 'limit', 50, 500), offset: intParam(query, 'offset', 0, 1_000_000) });
  });

  app.post<{ Params: { id: string } }>('/api/tasks/:id/complete', async (request) => {
    const access = await accessOf(request);
    const body = bodyOf(request);
    const values = body.values;
    if (values !== undefined && values !== null && (typeof values !== 'object' || Array.isArray(values))) throw new CardoError('CARDO_ERR_API_VALIDATION', 'values must be an object.', { errors: [{ path: '/values', message: 'Must be an object.' }] });
    const outcome = text(body, 'outcome', false);
    const comment = text(body, 'comment', false);
    const task = await workflows.completeTask(request.model, request.params.id, {
      ...(outcome !== undefined ? { outcome } : {}),
      ...(comment !== undefined ? { comment } : {}),
      ...(values ? { values: values as Record<string, unknown> } : {}),
    }, access);
    return task;
  });
};
