import type { FastifyRequest } from 'fastify';
import type { RoutePlugin } from '../api/app.js';
import { localeOf, toEntityMeta } from '../api/meta.routes.js';
import { loadModel } from '../compile/load-model.js';
import { CardoError } from '../errors.js';
import { applyMigration } from '../plan/apply.js';
import { planMigration } from '../plan/plan.js';
import { listStudioFiles, problemsOf, readStudioFile, resolveMetadataPath, writeStudioFile, type StudioWrite } from './studio-files.js';
import { gitCommit, gitDiff, gitLog, gitStatus } from './studio-git.js';
import { deleteStudioFile, DOCX_TYPES, MAX_TEMPLATE_BYTES, referencesOf, renameItem, uploadTemplate } from './studio-refs.js';
import type { Item, ItemKind } from '../metadata/references.js';

const putBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: { json: {}, content: { type: 'string' } },
} as const;
const previewBody = {
  type: 'object',
  additionalProperties: false,
  required: ['json'],
  properties: { json: { type: 'object' }, locale: { type: 'string', maxLength: 35 } },
} as const;
const previewParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' } } } as const;
const commitBody = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: { message: { type: 'string', minLength: 1, maxLength: 5000, pattern: '\\S' } },
} as const;

const logQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
    // Query strings are not coerced here: limit is digits, 1 to 200.
  properties: { path: { type: 'string', minLength: 1, maxLength: 500 }, limit: { type: 'string', pattern: '^([1-9][0-9]?|1[0-9]{2}|200)$' } },
} as const;

const ITEM_KINDS: ItemKind[] = ['entity', 'field', 'role', 'workflow', 'template', 'notification', 'automation', 'report', 'calendar'];
const NAME = { type: 'string', minLength: 1, maxLength: 100 } as const;
const referencesQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'name'],
  properties: { kind: { enum: ITEM_KINDS.filter((k) => k !== 'field') }, name: NAME, field: NAME },
} as const;
const renameBody = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'from', 'to'],
  properties: { kind: { enum: ITEM_KINDS }, from: NAME, to: NAME, entity: NAME },
  // A field is renamed within its entity.
  if: { properties: { kind: { const: 'field' } } },
  then: { required: ['entity'] },
} as const;
const templateParams = { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' } } } as const;

/** Studio and administrators only: roles with studio: true or admin: true. */
function assertStudio(request: FastifyRequest): void {
  const allowed = request.model.roles.filter((r) => r.studio === true || r.admin === true).map((r) => r.name);
  if (!request.user?.roles.some((r) => allowed.includes(r))) throw new CardoError('CARDO_ERR_AUTH_FORBIDDEN', 'Only consultants and administrators may plan and apply metadata.');
}

/**
 * Metadata publishing: plan shows the schema changes the files on disk need; apply migrates
 * and swaps the model in, without a restart (requests in flight keep the model they began with).
 */
export const studioRoutes: RoutePlugin = async (app, { models, config, target }) => {
  const load = async () => {
    const { model, problems } = await loadModel(config.metadataDir);
    if (!model) throw new CardoError('CARDO_ERR_META_INVALID', `${problems.length} problem(s) in the metadata.`, { extra: { problems } });
    return model;
  };

  // The metadata tree and its files (DESIGN §5). Paths are relative to the metadata directory.
  app.get('/api/studio/files', async (request) => {
    assertStudio(request);
    return { files: await listStudioFiles(config.metadataDir) };
  });

  app.get<{ Params: { '*': string } }>('/api/studio/files/*', async (request) => {
    assertStudio(request);
    const file = await readStudioFile(config.metadataDir, request.params['*']);
    const { problems } = await loadModel(config.metadataDir);
    return { ...file, problems: problemsOf(problems, file.path) };
  });

  // Saving a draft that does not validate is allowed (its problems come back); publishing is not.
  app.put<{ Params: { '*': string }; Body: StudioWrite }>('/api/studio/files/*', { schema: { body: putBody } }, async (request, reply) => {
    assertStudio(request);
    const ifMatch = request.headers['if-match'];
    const { file, created, changed } = await writeStudioFile(config.metadataDir, request.params['*'], request.body, typeof ifMatch === 'string' ? ifMatch : undefined);
    const { problems } = await loadModel(config.metadataDir);
    reply.status(created ? 201 : 200);
    return { ...file, changed, valid: problems.length === 0, problems };
  });

  // Every place that references an item: ?kind=entity&name=deal[&field=amount] (a field of the entity).
  app.get<{ Querystring: { kind: ItemKind; name: string; field?: string } }>('/api/studio/references', { schema: { querystring: referencesQuery } }, async (request) => {
    assertStudio(request);
    const { kind, name, field } = request.query;
    if (field !== undefined && kind !== 'entity') throw new CardoError('CARDO_ERR_API_VALIDATION', 'field names a field of an entity: kind must be entity.', { errors: [{ path: '/field', message: 'Only with kind=entity.' }] });
    const item: Item = field === undefined ? { kind, name } : { kind: 'field', entity: name, name: field };
    return { item, references: await referencesOf(config.metadataDir, item) };
  });

  // Refused (409 CARDO_ERR_STUDIO_REFERENCED, with the references) while other metadata uses the item.
  app.delete<{ Params: { '*': string } }>('/api/studio/files/*', async (request) => {
    assertStudio(request);
    const ifMatch = request.headers['if-match'];
    const { deleted } = await deleteStudioFile(config.metadataDir, request.params['*'], typeof ifMatch === 'string' ? ifMatch : undefined);
    const { problems } = await loadModel(config.metadataDir);
    return { deleted, valid: problems.length === 0, problems };
  });

  app.post<{ Body: { kind: ItemKind; from: string; to: string; entity?: string } }>('/api/studio/rename', { schema: { body: renameBody } }, async (request) => {
    assertStudio(request);
    const result = await renameItem(config.metadataDir, request.body);
    const { problems } = await loadModel(config.metadataDir);
    return { ...result, valid: problems.length === 0, problems };
  });

  // A .docx template as raw bytes, in a scope of its own: every other studio route speaks JSON only.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(DOCX_TYPES, { parseAs: 'buffer', bodyLimit: MAX_TEMPLATE_BYTES }, (_request, body, done) => done(null, body));
    scope.put<{ Params: { name: string } }>('/api/studio/templates/:name', { schema: { params: templateParams } }, async (request, reply) => {
      assertStudio(request);
      const ifMatch = request.headers['if-match'];
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const file = await uploadTemplate(config.metadataDir, request.params.name, bytes, typeof ifMatch === 'string' ? ifMatch : undefined);
      const { problems } = await loadModel(config.metadataDir);
      reply.status(file.created ? 201 : 200);
      return { ...file, valid: problems.length === 0, problems, templateProblems: problems.filter((p) => p.file === file.path || p.file === `templates/${request.params.name}.json`) };
    });
  });

  app.get('/api/studio/git/status', async (request) => {
    assertStudio(request);
    return gitStatus(config.metadataDir);
  });

  app.get('/api/studio/git/diff', async (request) => {
    assertStudio(request);
    return { diff: await gitDiff(config.metadataDir) };
  });

  // The history of one file: ?path=<path relative to the metadata directory>&limit=1..200.
  app.get<{ Querystring: { path: string; limit?: string } }>('/api/studio/git/log', { schema: { querystring: logQuery } }, async (request) => {
    assertStudio(request);
    await resolveMetadataPath(config.metadataDir, request.query.path);
    return { path: request.query.path, commits: await gitLog(config.metadataDir, request.query.path, Number(request.query.limit ?? 50)) };
  });

  app.post<{ Body: { message: string } }>('/api/studio/git/commit', { schema: { body: commitBody } }, async (request) => {
    assertStudio(request);
    const user = request.user;
    return gitCommit(config.metadataDir, request.body.message.trim(), { name: user?.fullName || user?.login || 'Cardo studio', email: `${user?.login ?? 'studio'}@cardo.invalid` });
  });

  app.post('/api/studio/validate', async (request) => {
    assertStudio(request);
    const { problems } = await loadModel(config.metadataDir);
    return { valid: problems.length === 0, problems };
  });

  // The card form an unsaved entity draft gives: the draft is compiled with the other files on
  // disk and the runtime's own schema and uiSchema builders, so the preview is what publishing shows.
  app.post<{ Params: { name: string }; Body: { json: object; locale?: string } }>('/api/studio/preview/entities/:name', { schema: { params: previewParams, body: previewBody } }, async (request) => {
    assertStudio(request);
    const { name } = request.params;
    const path = `entities/${name}.json`;
    const { model, problems } = await loadModel(config.metadataDir, { path, kind: 'entity', name, text: JSON.stringify(request.body.json) });
    const entity = model?.entities.get(name);
    if (!model || !entity) return { valid: false, problems: problemsOf(problems, path), otherProblems: problems.filter((p) => p.file !== path).length };
    return { valid: true, problems: [], otherProblems: 0, meta: toEntityMeta(model, entity, localeOf(model, request.body.locale, request.user?.locale)) };
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
    // A destructive change waits for the requests on the old model and holds new ones until
    // the new model is in: a request never reads a column that is being dropped.
    let resume: (() => void) | undefined;
    try {
      const beforeDestructive = async () => void (resume = await models.pause());
      const { plan, applied } = await applyMigration(target, model, { allowDestructive: body.allowDestructive === true, actor: request.user?.id ?? null, beforeDestructive });
      models.swap(model);
      return { hash: model.hash, applied, changes: plan.changes };
    } finally {
      resume?.();
    }
  });
};
