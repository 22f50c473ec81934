import path from 'node:path';

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
  logLevel: string;
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
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}
