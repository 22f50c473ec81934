/**
 * The built web apps: the runtime UI at `/` and the studio at `/studio` (DESIGN §1), each a
 * Vite build (index.html + hashed assets/). Whether a build exists is checked per request,
 * so `npm run build` while the server runs takes effect without a restart.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CardoError } from '../errors.js';
import { PARAM_LIMIT, type RoutePlugin } from './app.js';

/**
 * Scripts only from the app's own files; antd styles through CSS-in-JS (inline <style>), so
 * style-src needs 'unsafe-inline'. The API stays same-origin (connect-src 'self').
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite puts content-hashed files here: a new build has new names, so they may be cached for good. */
const HASHED_DIR = 'assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files are revalidated on every load, so a deploy is seen at once. */
const REVALIDATE = 'no-cache';

/** Paths that never fall back to the UI: the API and the probes answer for themselves. */
function isReserved(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/') || pathname === '/health' || pathname === '/ready';
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The file under root a URL path names, or null when it would leave root or is a dotfile. */
function fileUnder(root: string, relative: string): string | null {
  if (relative === '' || relative.split('/').some((segment) => segment.startsWith('.'))) return null;
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cardo</title></head>
<body><h1>Cardo</h1><p>The web interface is not built yet. Run <code>npm run build</code> in the repository root, then reload this page.</p>
<p>The API answers meanwhile: <a href="/api/docs">/api/docs</a>.</p></body></html>
`;

interface Site {
  /** URL prefix without the trailing slash ('' for the root). */
  prefix: string;
  root: string;
}

export const uiRoutes: RoutePlugin = async (app, { config }) => {
  // Only reply.sendFile (ranges, ETag, Last-Modified, content types); routing stays here.
  await app.register(fastifyStatic, { serve: false, decorateReply: true });
  const ui: Site = { prefix: '', root: path.resolve(config.uiDir) };
  const studio: Site = { prefix: '/studio', root: path.resolve(config.studioDir) };

  async function serve(site: Site, pathname: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | null> {
    const relative = pathname.slice(site.prefix.length).replace(/^\/+/, '');
    const file = fileUnder(site.root, relative);
    if (file && (await isFile(file))) {
      reply.header('cache-control', relative.startsWith(HASHED_DIR) ? IMMUTABLE : REVALIDATE);
      reply.header('content-security-policy', UI_CSP);
      return reply.sendFile(relative, site.root, { cacheControl: false, dotfiles: 'deny' });
    }
    // A deep link (/data/counterparty/123) is a route of the single-page app, not a file.
    if (!acceptsHtml(request)) return null;
    if (!(await isFile(path.join(site.root, 'index.html')))) return null;
    reply.header('cache-control', REVALIDATE);
    reply.header('content-security-policy', UI_CSP);
    return reply.sendFile('index.html', site.root, { cacheControl: false });
  }

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(request.url.split(/[?#]/, 1)[0] ?? '/');
    } catch {
      return reply.callNotFound();
    }
    if (isReserved(pathname)) {
      // The router falls back to this wildcard when an API parameter is over its length limit;
      // answer what it would have answered without the wildcard.
      if (pathname.split('/').some((segment) => segment.length > PARAM_LIMIT)) throw new CardoError('CARDO_ERR_API_URI_TOO_LONG', `A path segment is over ${PARAM_LIMIT} characters.`);
      return reply.callNotFound();
    }
    if (pathname.includes('\0')) return reply.callNotFound();
    const inStudio = pathname === studio.prefix || pathname.startsWith(`${studio.prefix}/`);
    // /studio belongs to the studio only once it is built; before that the UI's router gets it.
    if (inStudio && (await isFile(path.join(studio.root, 'index.html')))) {
      return (await serve(studio, pathname, request, reply)) ?? reply.callNotFound();
    }
    const served = await serve(ui, pathname, request, reply);
    if (served) return served;
    if (acceptsHtml(request) && !(await isFile(path.join(ui.root, 'index.html')))) {
      return reply.header('cache-control', 'no-store').header('content-security-policy', "default-src 'none'; frame-ancestors 'none'").type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply.callNotFound();
  };
  // Registered last and as a wildcard: every static and parametric route (the API) wins over it.
  app.get('/', handler);
  app.get('/*', handler);
};
