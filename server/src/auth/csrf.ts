import type { FastifyRequest } from 'fastify';

/** Methods that change nothing, so a forged one gains an attacker nothing. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** host[:port] in lower case without a default port, so `localhost:80` and `http://localhost` agree. */
function normalizeHost(host: string): string {
  return host.toLowerCase().replace(/:(80|443)$/, '');
}

function hostOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host === '' ? null : normalizeHost(parsed.host);
  } catch {
    return null;
  }
}

/**
 * Whether a request provably comes from a Cardo page (OWASP CSRF cheat sheet: verify origin
 * with standard headers, or a custom header). `X-Requested-With: cardo` suffices because a
 * foreign page cannot add it without a CORS preflight, and Cardo grants none; it also lets a
 * dev proxy that rewrites Host through. Otherwise the Origin — or, when a browser sent none,
 * the Referer — must name this Host. The scheme is not compared: behind a TLS-terminating
 * proxy the app may see http while the browser says https.
 */
export function isSameSiteRequest(request: FastifyRequest): boolean {
  if (String(request.headers['x-requested-with'] ?? '').toLowerCase() === 'cardo') return true;
  const source = request.headers.origin ?? request.headers.referer;
  if (!source) return false;
  const from = hostOf(source);
  return from !== null && from === normalizeHost(request.host);
}
