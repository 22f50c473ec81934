/**
 * Waking servers up for workflow timers. wf_timer is the truth about every timer; these only
 * decide when a server looks at one:
 * - PostgreSQL: a pg-boss job per timer, sent in the transaction that arms the timer (so a
 *   rolled-back step leaves no job), fetched with SKIP LOCKED by whichever server is free;
 * - embedded PGlite (one process by nature): a poll of wf_timer for due rows.
 * A job delivered twice, or two servers polling at once, find the timer fired and do nothing:
 * firing locks the instance row and checks the timer is still armed.
 */
import { PgBoss } from 'pg-boss';
import type { Db } from '../db/db.js';
import type { TimerScheduler } from './run.js';
import type { Workflows } from './workflows.service.js';

export const TIMER_QUEUE = 'cardo-workflow-timer';

export interface TimerService extends TimerScheduler {
  start(workflows: Workflows): Promise<void>;
  stop(): Promise<void>;
}

export class PgBossTimers implements TimerService {
  private readonly boss: PgBoss;
  private started = false;

  constructor(connectionString: string, options: { schema?: string; pollingIntervalSeconds?: number } = {}) {
    this.boss = new PgBoss({ connectionString, schema: options.schema ?? 'pgboss', max: 4, schedule: false });
    this.polling = options.pollingIntervalSeconds ?? 2;
    this.boss.on('error', (error: unknown) => {
      this.onError(error);
    });
  }

  private readonly polling: number;
  /** Where pg-boss's background errors go (the server logs them). */
  onError: (error: unknown) => void = () => undefined;

  async start(workflows: Workflows): Promise<void> {
    await this.boss.start();
    this.started = true;
    const queues = await this.boss.getQueues();
    if (!queues.some((q) => q.name === TIMER_QUEUE)) await this.boss.createQueue(TIMER_QUEUE, { retryLimit: 5, retryDelay: 5 });
    await this.boss.work<{ timerId: string }>(TIMER_QUEUE, { pollingIntervalSeconds: this.polling }, async (jobs) => {
      for (const job of jobs) await workflows.fireTimer(job.data.timerId);
    });
    // Timers that fell due while no server ran (or were armed before jobs existed).
    await workflows.fireDueTimers();
  }

  async schedule(tx: Db, timer: { id: string; fireAt: Date }): Promise<void> {
    if (!this.started) throw new Error('pg-boss is not started');
    const db = { executeSql: async (text: string, values?: unknown[]) => ({ rows: await tx.query(text, values) }) };
    await this.boss.send(TIMER_QUEUE, { timerId: timer.id }, { startAfter: timer.fireAt, singletonKey: timer.id, db });
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, timeout: 5000 });
    this.started = false;
  }
}

export class PollingTimers implements TimerService {
  private handle: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly intervalMs = 15_000) {}

  async start(workflows: Workflows): Promise<void> {
    const tick = () => {
      this.running = workflows.fireDueTimers().catch(() => 0);
    };
    tick();
    this.handle = setInterval(tick, this.intervalMs);
    this.handle.unref();
  }

  async schedule(): Promise<void> {
    // The table is the queue: the next poll finds the timer when it is due.
  }

  async stop(): Promise<void> {
    if (this.handle) clearInterval(this.handle);
    this.handle = null;
    await this.running;
  }
}
