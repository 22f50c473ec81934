import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps, type RoutePlugin } from './api/app.js';
import { calendarRoutes } from './calendar/calendar.routes.js';
import { reportRoutes } from './reports/reports.routes.js';
import { healthRoutes } from './api/health.routes.js';
import { metaRoutes } from './api/meta.routes.js';
import { openapiRoutes } from './api/openapi.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { userRoutes } from './auth/users.routes.js';
import { ensureAdministrator } from './auth/bootstrap.js';
import { loadModel } from './compile/load-model.js';
import type { Config } from './config.js';
import { openConfiguredDb, type Db } from './db/db.js';
import { demoSeeded, seedDemo } from './demo/seed.js';
import { applyMigration } from './plan/apply.js';
import { notificationRoutes } from './notifications/notifications.routes.js';
import { exportRoutes } from './records/export.routes.js';
import { documentRoutes } from './documents/documents.routes.js';
import { recordRoutes } from './records/records.routes.js';
import { savedViewRoutes } from './records/saved-views.routes.js';
import { ModelHolder } from './runtime/model-holder.js';
import { ModelSync } from './runtime/model-sync.js';
import { studioRoutes } from './studio/studio.routes.js';
import { uiRoutes } from './api/ui.routes.js';
import { PgBossTimers, PollingTimers, type TimerService } from './workflows/timers.js';
import { PgBossNotificationJobs, PollingNotificationJobs, type NotificationJobs } from './notifications/jobs.js';
import { workflowRoutes } from './workflows/workflows.routes.js';
import { automationRoutes } from './automations/automations.routes.js';

/**
 * Every route module of the runtime, in registration order (auth first: it guards /api; the
 * web apps last: their catch-all GET serves whatever no other route claims).
 */
export const ROUTES: readonly RoutePlugin[] = [healthRoutes, authRoutes, userRoutes, metaRoutes, openapiRoutes, recordRoutes, exportRoutes, savedViewRoutes, calendarRoutes, reportRoutes, notificationRoutes, workflowRoutes, automationRoutes, documentRoutes, studioRoutes, uiRoutes];

export interface Runtime {
  app: FastifyInstance;
  db: Db;
  models: ModelHolder;
  /** Lines to show the person who started the server (URL, generated passwords). */
  notes: string[];
  close(): Promise<void>;
}

export class StartupError extends Error {}

/**
 * Brings the runtime up: metadata → database (safe schema changes applied) → first
 * administrator → demo data on the first start → HTTP routes. Does not listen.
 */
export async function createRuntime(config: Config, options: { logger?: boolean | object } = {}): Promise<Runtime> {
  const { model, problems } = await loadModel(config.metadataDir);
  if (!model) {
    const listed = problems.slice(0, 50).map((p) => `${p.file}:${p.pointer} ${p.code} ${p.message}`);
    throw new StartupError([...listed, `The metadata in ${config.metadataDir} has ${problems.length} problem(s); fix them (\`cardo validate\`) and start again.`].join('\n'));
  }
  const db = await openConfiguredDb(config);
  const notes: string[] = [];
  try {
    const target = { db, url: config.databaseUrl };
    const { plan } = await applyMigration(target, model, { allowDestructive: false, actor: null });
    if (!plan.empty) notes.push(`database: applied ${plan.changes.length} schema change(s)`);
    const admin = await ensureAdministrator(db, model, { password: config.adminPassword });
    if (admin.created) notes.push(admin.password ? `administrator: login "admin", password "${admin.password}" (generated; shown once — set CARDO_ADMIN_PASSWORD to choose it)` : 'administrator: login "admin" with the password from CARDO_ADMIN_PASSWORD');
    if (config.demo && !(await demoSeeded(db))) notes.push(...(await seedDemo(db, model, config)));
    const models = new ModelHolder(model);
    const deps: AppDeps = { db, models, config, target };
    const app = await buildApp(deps, ROUTES, { logger: options.logger ?? { level: config.logLevel } });
    // Workflow timers: durable pg-boss jobs on PostgreSQL; a poll of wf_timer on the embedded database.
    const timers: TimerService = config.databaseUrl ? new PgBossTimers(config.databaseUrl) : new PollingTimers();
    if (timers instanceof PgBossTimers) timers.onError = (error) => app.log.error({ err: error }, 'workflow timers');
    app.workflows.scheduler = timers;
    await timers.start(app.workflows);
    // Notification date rules: pg-boss jobs on PostgreSQL, a poll of ntf_schedule on the embedded database.
    const jobs: NotificationJobs = config.databaseUrl ? new PgBossNotificationJobs(config.databaseUrl) : new PollingNotificationJobs();
    jobs.onError = (error) => app.log.error({ err: error }, 'notification jobs');
    app.notifications.scheduler = jobs;
    await jobs.start(app.notifications);
    // Other instances on the same PostgreSQL may apply metadata; the embedded database has no others.
    const sync = config.databaseUrl ? new ModelSync({ db, url: config.databaseUrl, metadataDir: config.metadataDir, models, log: app.log }) : null;
    await sync?.start();
    return {
      app,
      db,
      models,
      notes,
      async close() {
        await sync?.stop();
        await jobs.stop();
        await timers.stop();
        await app.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** `cardo start`: the runtime, listening, until SIGINT/SIGTERM (in-flight requests finish). */
export async function startServer(config: Config, print: (line: string) => void): Promise<Runtime> {
  const runtime = await createRuntime(config);
  await runtime.app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
  for (const note of runtime.notes) print(note);
  print(`Cardo is running at ${url} — API docs at ${url}/api/docs; log in with POST ${url}/api/auth/login`);
  const stop = async () => {
    await runtime.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return runtime;
}
