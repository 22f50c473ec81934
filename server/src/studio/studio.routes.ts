import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../api/app.js';
import { loadModel } from '../compile/load-model.js';
import { CardoError } from '../errors.js';
import { applyMigration } from '../plan/apply.js';
import { planMigration } from '../plan/plan.js';

/** Studio and administrators only: roles with studio: true or admin: true. */
function assertStudio(request: FastifyRequest): void {
  const allowed = request.model.roles.filter((r) => r.studio === true || r.admin === true).map((r) => r.name);
  if (!request.user?.roles.some((r) => allowed.includes(r))) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'Only consultants and administrators may plan and apply metadata.');
}

/**
 * Metadata publishing: plan shows the schema changes the files on disk need; apply migrates
 * and swaps the model in, without a restart (requests in flight keep the model they began with).
 */
export const studioRoutes: RoutePlugin = (app, { models, config, target }) => {
  const load = async () => {
    const { model, problems } = await loadModel(config.metadataDir);
    if (!model) throw new CardoError('CARDO_ERR_META_INVALID', `${problems.length} problem(s) in the metadata.`, { extra: { problems } });
    return model;
  };

  app.post('/api/studio/validate', async (request) => {
    assertStudio(request);
    const { problems } = await loadModel(config.metadataDir);
    return { valid: problems.length === 0, problems };
  });

  app.post('/api/studio/plan', async (request) => {
    assertStudio(request);
    const model = await load();
    const plan = await planMigration(target, model);
    return { hash: model.hash, current: request.model.hash, ...plan };
  });

  app.post<{ Body: { allowDestructive?: boolean } | undefined }>('/api/studio/apply', async (request) => {
    assertStudio(request);
    // No body means {}; a JSON null is not an object and is refused like any other non-object.
    const body = request.body === undefined ? {} : request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).some((k) => k !== 'allowDestructive') || (body.allowDestructive !== undefined && typeof body.allowDestructive !== 'boolean')) {
      throw new CardoError('CARDO_ERR_API_VALIDATION', 'The body is {allowDestructive?: boolean}.', { errors: [{ path: '', message: 'Only allowDestructive (boolean) is accepted.' }] });
    }
    const model = await load();
    const { plan, applied } = await applyMigration(target, model, { allowDestructive: body.allowDestructive === true, actor: request.user?.id ?? null });
    models.swap(model);
    return { hash: model.hash, applied, changes: plan.changes };
  });
};
