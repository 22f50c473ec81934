import type { RoutePlugin } from './app.js';

/** Liveness (the process answers) and readiness (the database answers too). */
export const healthRoutes: RoutePlugin = (app, { db }) => {
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    try {
      await Promise.race([db.query('SELECT 1'), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref())]);
      return { status: 'ready' };
    } catch {
      return reply.status(503).type('application/problem+json').send({ type: 'https://cardo.dev/errors/CARDO_ERR_API_UNAVAILABLE', title: 'The database does not answer.', status: 503, code: 'CARDO_ERR_API_UNAVAILABLE' });
    }
  });
};
