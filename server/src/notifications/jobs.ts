/**
 * What wakes servers up for notifications:
 * - PostgreSQL: a pg-boss job per scheduled occurrence, sent (and cancelled) in the
 *   transaction that schedules it, fetched with SKIP LOCKED by whichever server is free;
 * - embedded PGlite (one process by nature): a poll of ntf_schedule for due rows.
 * Both also run the sweep (writes that ran no hook) and the e-mail outbox on an interval.
 * A job delivered twice, or two servers at once, find the occurrence sent and do nothing.
 */
import { PgBoss } from 'pg-boss';
import type { Db } from '../db/db.js';
import type { Notifications } from './notifications.service.js';
import type { DueJob, DueScheduler } from './schedule.js';

export const DUE_QUEUE = 'cardo-notification-due';

export interface NotificationJobs extends DueScheduler {
  /** Where background errors go (the server logs them). */
  onError: (error: unknown) => void;
  start(notifications: Notifications): Promise<void>;
  stop(): Promise<void>;
}

export interface IntervalOptions {
  /** How often the outbox is looked at (ms). */
  emailMs?: number;
  /** How often changed records are swept (ms). */
  sweepMs?: number;
  /** How often due occurrences are polled for (ms; the embedded database only). */
  pollMs?: number;
}

/** The periodic work both kinds share: sweep, outbox, and (when asked) the due poll. */
class Loops {
  private readonly handles: NodeJS.Timeout[] = [];
  private readonly running = new Set<Promise<unknown>>();
  onError: (error: unknown) => void = () => undefined;

  every(ms: number, work: () => Promise<unknown>): void {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const p = work()
        .catch((error: unknown) => this.onError(error))
        .finally(() => {
          busy = false;
          this.running.delete(p);
        });
      this.running.add(p);
    };
    const handle = setInterval(tick, ms);
    handle.unref();
    this.handles.push(handle);
  }

  async stop(): Promise<void> {
    for (const h of this.handles) clearInterval(h);
    this.handles.length = 0;
    await Promise.all([...this.running]);
  }
}

export class PgBossNotificationJobs implements NotificationJobs {
  private readonly boss: PgBoss;
  private started = false;
  private readonly loops = new Loops();
  private readonly polling: number;

  constructor(
    connectionString: string,
    private readonly options: IntervalOptions & { schema?: string; pollingIntervalSeconds?: number; batchSize?: number; concurrency?: number } = {},
  ) {
    this.boss = new PgBoss({ connectionString, schema: options.schema ?? 'pgboss', max: 4, schedule: false });
    this.polling = options.pollingIntervalSeconds ?? 2;
    this.boss.on('error', (error: unknown) => this.onError(error));
    this.loops.onError = (error) => this.onError(error);
  }

  /** Where background errors go (the server logs them). */
  onError: (error: unknown) => void = () => undefined;

  /** Starts pg-boss and makes sure the queue exists (jobs can be sent from here on). */
  async open(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    this.started = true;
    const queues = await this.boss.getQueues();
    if (!queues.some((q) => q.name === DUE_QUEUE)) {
      await this.boss.createQueue(DUE_QUEUE, { retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 600 }).catch(async (error: unknown) => {
        // Another server created it at the same moment.
        if (!(await this.boss.getQueues()).some((q) => q.name === DUE_QUEUE)) throw error;
      });
    }
  }

  /** Starts this server's workers on the queue. */
  async work(notifications: Notifications): Promise<void> {
    await this.boss.work<{ scheduleId: string }>(DUE_QUEUE, { pollingIntervalSeconds: this.polling, batchSize: this.options.batchSize ?? 50, burstWhenBatchFull: true, localConcurrency: this.options.concurrency ?? 2 }, async (jobs) => {
      await notifications.fireMany(jobs.map((j) => j.data.scheduleId));
    });
  }

  async start(notifications: Notifications): Promise<void> {
    await this.open();
    await this.work(notifications);
    // Occurrences that fell due while no server ran, and records written while none listened.
    await notifications.sweep();
    await notifications.fireDue();
    this.loops.every(this.options.sweepMs ?? 60_000, () => notifications.sweep());
    this.loops.every(this.options.emailMs ?? 2_000, () => notifications.sendEmails());
  }

  private db(tx: Db) {
    return { executeSql: async (text: string, values?: unknown[]) => ({ rows: await tx.query(text, values) }) };
  }

  async schedule(tx: Db, jobs: readonly DueJob[]): Promise<void> {
    if (!this.started) throw new Error('pg-boss is not started');
    for (let i = 0; i < jobs.length; i += 5000) {
      const chunk = jobs.slice(i, i + 5000);
      await this.boss.insert(DUE_QUEUE, chunk.map((j) => ({ id: j.id, data: { scheduleId: j.scheduleId }, startAfter: j.dueAt })), { db: this.db(tx) });
    }
  }

  async cancel(tx: Db, jobIds: readonly string[]): Promise<void> {
    if (!this.started || jobIds.length === 0) return;
    await this.boss.cancel(DUE_QUEUE, [...jobIds], { db: this.db(tx) });
  }

  async stop(): Promise<void> {
    await this.loops.stop();
    if (this.started) await this.boss.stop({ graceful: true, timeout: 5000 });
    this.started = false;
  }
}

export class PollingNotificationJobs implements NotificationJobs {
  private readonly loops = new Loops();

  constructor(private readonly options: IntervalOptions = {}) {}

  onError: (error: unknown) => void = () => undefined;

  async start(notifications: Notifications): Promise<void> {
    this.loops.onError = (error) => this.onError(error);
    await notifications.sweep();
    await notifications.fireDue();
    this.loops.every(this.options.pollMs ?? 15_000, () => notifications.fireDue());
    this.loops.every(this.options.sweepMs ?? 60_000, () => notifications.sweep());
    this.loops.every(this.options.emailMs ?? 2_000, () => notifications.sendEmails());
  }

  async schedule(): Promise<void> {
    // The table is the queue: the next poll finds the occurrence when it is due.
  }

  async cancel(): Promise<void> {
    // Nothing queued besides the row itself.
  }

  async stop(): Promise<void> {
    await this.loops.stop();
  }
}
