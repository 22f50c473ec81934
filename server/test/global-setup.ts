// Without DATABASE_URL, start one in-memory PGlite for the whole run and serve it over the
// PostgreSQL protocol, so every test file talks to a database the same way.
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

declare global {
  var __cardoPglite: { db: PGlite; server: PGLiteSocketServer } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL || globalThis.__cardoPglite) return;
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  // Same extensions as createPglite() in src/db (global setup cannot import project ESM).
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const db = await PGlite.create('memory://', { extensions: { pg_trgm } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  const address = server.getServerConn();
  process.env.CARDO_TEST_DATABASE_URL = `postgres://postgres@${address}/postgres?sslmode=disable`;
  globalThis.__cardoPglite = { db, server };
}
