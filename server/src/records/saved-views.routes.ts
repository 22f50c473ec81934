import { accessOf } from '../access/access.js';
import type { RoutePlugin } from '../api/app.js';
import { CardoError } from '../errors.js';
import { assertUuid } from './records.service.js';
import { deleteSavedView, listSavedViews, parseSavedViewInput, saveView } from './saved-views.js';

function userIdOf(user: { id: string } | null): string {
  if (!user) throw new CardoError('CARDO_ERR_AUTH_REQUIRED');
  return user.id;
}

/** `/api/views`: the caller's own saved list views (docs/runtime.md, "Saved views"). */
export const savedViewRoutes: RoutePlugin = (app, { db }) => {
  app.get('/api/views', async (request) => {
    const userId = userIdOf(request.user);
    const query = request.query as Record<string, unknown>;
    const unknown = Object.keys(query).filter((k) => k !== 'entity');
    if (unknown.length > 0) throw new CardoError('CARDO_ERR_API_VALIDATION', `Unknown parameters: ${unknown.join(', ')}; use entity.`, { errors: unknown.map((k) => ({ path: `/query/${k}`, message: 'Unknown parameter.' })) });
    if (query.entity !== undefined && typeof query.entity !== 'string') throw new CardoError('CARDO_ERR_API_VALIDATION', 'entity is given more than once.', { errors: [{ path: '/query/entity', message: 'Must be a single value.' }] });
    const access = await accessOf(request);
    if (query.entity !== undefined) return { items: await listSavedViews(db, userId, access.entity(query.entity).name) };
    // Views of entities the caller can no longer read (a role taken away, an entity removed) stay stored but unseen.
    const items = (await listSavedViews(db, userId)).filter((v) => request.model.entities.has(v.entity) && access.can(v.entity, 'read'));
    return { items };
  });

  app.post('/api/views', async (request, reply) => {
    const userId = userIdOf(request.user);
    const input = parseSavedViewInput(request.body);
    const access = await accessOf(request);
    if (!request.model.entities.has(input.entity) || !access.can(input.entity, 'read')) {
      throw new CardoError('CARDO_ERR_API_VALIDATION', `There is no entity "${input.entity.slice(0, 64)}".`, { errors: [{ path: '/entity', message: 'No such entity.' }] });
    }
    const { view, created } = await saveView(db, userId, input);
    reply.header('location', `/api/views/${view.id}`);
    return reply.status(created ? 201 : 200).send(view);
  });

  app.delete<{ Params: { id: string } }>('/api/views/:id', async (request, reply) => {
    const userId = userIdOf(request.user);
    assertUuid(request.params.id);
    // Someone else's view is as missing as one that never existed.
    if (!(await deleteSavedView(db, userId, request.params.id))) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no saved view ${request.params.id}.`);
    return reply.status(204).send();
  });
};
