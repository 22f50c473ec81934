// GET /api/openapi.json and Swagger UI at /api/docs/.
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { accessOf } from '../access/access.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import type { RoutePlugin } from './app.js';
import { toOpenApi } from './openapi.js';

/** swagger-ui-dist's directory (its package has no ESM entry giving the path). */
const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const SWAGGER_UI_VERSION = (createRequire(import.meta.url)('swagger-ui-dist/package.json') as { version: string }).version;

/**
 * The files the page needs, by name, and nothing else of the package (its own index.html and
 * initializer point at the pet store). A fixed list rather than @fastify/static: that plugin
 * needs content-disposition 3, an ES module that Jest cannot require() before Node 24.9.
 */
const SWAGGER_UI_FILES: ReadonlyMap<string, string> = new Map([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['favicon-16x16.png', 'image/png'],
  ['favicon-32x32.png', 'image/png'],
]);

// Relative URLs, so the page also works behind a reverse proxy that mounts Cardo under a prefix.
// No inline script: a Content-Security-Policy without 'unsafe-inline' still allows the page.
const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Cardo API</title>
  <link rel="stylesheet" href="swagger-ui.css">
  <link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="swagger-ui-bundle.js"></script>
  <script src="cardo-init.js"></script>
</body>
</html>
`;

const INIT_JS = `// Swagger UI for the document at /api/openapi.json (relative to /api/docs/).
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('../openapi.json', window.location.href).toString(),
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;

/**
 * The document a caller may see: only entities they can read, without fields hidden from
 * them (no user only when the app is built without the auth plugin, in tests).
 */
async function visibleModel(request: FastifyRequest): Promise<{ model: CompiledModel; key: string }> {
  const model = request.model;
  if (!request.user) return { model, key: 'all' };
  const access = await accessOf(request);
  const entities = new Map<string, EntityModel>();
  const parts: string[] = [];
  for (const entity of model.entities.values()) {
    if (!access.can(entity.name, 'read')) continue;
    const view = access.view(entity);
    entities.set(entity.name, view);
    parts.push(`${entity.name}:${entity.fields.filter((f) => !view.field.has(f.name)).map((f) => f.name).join(',')}`);
  }
  return { model: { ...model, entities }, key: createHash('sha256').update(parts.join(';')).digest('hex').slice(0, 16) };
}

export const openapiRoutes: RoutePlugin = (app) => {
  // One document per model and per set of visible entities and fields, serialized once.
  const documents = new WeakMap<CompiledModel, Map<string, string>>();

  app.get('/api/openapi.json', async (request, reply) => {
    const { model, key } = await visibleModel(request);
    const etag = `"${request.model.hash}-${key}"`;
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    let perModel = documents.get(request.model);
    if (!perModel) documents.set(request.model, (perModel = new Map()));
    let body = perModel.get(key);
    if (body === undefined) {
      body = JSON.stringify(toOpenApi(model));
      perModel.set(key, body);
    }
    return reply.type('application/json; charset=utf-8').send(body);
  });

  // Relative, so it holds behind a path prefix: /api/docs → /api/docs/.
  app.get('/api/docs', async (_request, reply) => reply.redirect('docs/', 302));
  app.get('/api/docs/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(INDEX_HTML));
  app.get('/api/docs/cardo-init.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INIT_JS));

  app.get<{ Params: { file: string } }>('/api/docs/:file', async (request, reply) => {
    const { file } = request.params;
    const type = SWAGGER_UI_FILES.get(file);
    if (!type) return reply.callNotFound();
    // The files change only with the package version, which is the validator.
    const etag = `"swagger-ui-${SWAGGER_UI_VERSION}-${file}"`;
    reply.header('etag', etag).header('cache-control', 'public, max-age=86400');
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type(type).send(createReadStream(path.join(SWAGGER_UI_DIR, file)));
  });
};
