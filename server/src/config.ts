import path from 'node:path';

/** The repository root, from src/ or dist/ alike (both sit one level under server/). */
const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** Settings from the environment (DESIGN.md §7), each with its default. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  metadataDir: string;
  adminPassword: string | undefined;
  demo: boolean;
  demoPassword: string | undefined;
  smtpUrl: string | undefined;
  /** The From of notification e-mails (CARDO_MAIL_FROM). */
  mailFrom: string;
  logLevel: string;
  /** The runtime UI's build (Vite output) served at `/`. */
  uiDir: string;
  /** The studio's build served at `/studio` when it exists. */
  studioDir: string;
  /** Most rows one Excel export may hold; a larger export is refused (CARDO_ERR_EXPORT_TOO_LARGE). */
  exportMaxRows: number;
  /** The URL users reach Cardo at (CARDO_PUBLIC_URL), for links made outside a page: calendar feed URLs. Unset: the request's own scheme and host. */
  publicUrl: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv, cwd: string): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(cwd, env.CARDO_DATA_DIR ?? '.data'),
    metadataDir: path.resolve(cwd, env.CARDO_METADATA_DIR ?? 'metadata'),
    adminPassword: env.CARDO_ADMIN_PASSWORD || undefined,
    // Demo data is on by default for the embedded database only.
    demo: env.CARDO_DEMO !== undefined ? !['0', 'false', 'no', 'off'].includes(env.CARDO_DEMO.toLowerCase()) : !databaseUrl,
    demoPassword: env.CARDO_DEMO_PASSWORD || undefined,
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.CARDO_MAIL_FROM || 'Cardo <cardo@localhost>',
    logLevel: env.LOG_LEVEL ?? 'info',
    uiDir: path.resolve(cwd, env.CARDO_UI_DIR ?? path.join(REPO_ROOT, 'runtime-ui/dist')),
    studioDir: path.resolve(cwd, env.CARDO_STUDIO_DIR ?? path.join(REPO_ROOT, 'studio/dist')),
    exportMaxRows: positiveInteger(env.CARDO_EXPORT_MAX_ROWS, 100_000),
    publicUrl: env.CARDO_PUBLIC_URL || undefined,
  };
}

/** A whole number from the environment; unset, blank or not a positive integer gives the default. */
function positiveInteger(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text !== undefined && text.trim() !== '' && Number.isSafeInteger(n) && n > 0 ? n : fallback;
}
