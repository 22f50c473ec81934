import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { CompiledModel } from '../compile/compile.js';
import { loadModel, loadModelFromSources } from '../compile/load-model.js';
import type { Db } from '../db/db.js';
import { latestVersion, METADATA_CHANNEL, versionSources } from '../plan/apply.js';
import type { ModelHolder } from './model-holder.js';

export interface ModelSyncOptions {
  /** The instance's pool: where the applied version and its files are read. */
  db: Db;
  /** The PostgreSQL URL a dedicated listening connection is opened to. */
  url: string;
  schema?: string | undefined;
  /** Where to load an applied version from when the database has no files for it (versions recorded before they were kept). */
  metadataDir: string;
  models: ModelHolder;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Waits before reconnection attempt n (1, 2, …); by default 1 s doubling up to 30 s. Tests pass a gate. */
  pause?: (attempt: number, signal: AbortSignal) => Promise<void>;
}

const backoff = (attempt: number, signal: AbortSignal) => sleep(Math.min(1000 * 2 ** (attempt - 1), 30_000), undefined, { signal, ref: false });

/**
 * Keeps this instance on the metadata version last applied to the database, whoever applied it
 * (another instance's studio, `cardo apply`). A dedicated connection LISTENs for the NOTIFY an
 * apply sends on commit; on every (re)connection the latest version is checked, so a notice
 * missed while disconnected is not missed for good. The schema change was made by the applier:
 * here the model is only loaded and swapped (requests in flight keep the one they began with).
 */
export class ModelSync {
  readonly #options: ModelSyncOptions;
  readonly #stop = new AbortController();
  #client: pg.Client | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  /** Set while this sync swaps the model itself, so its own swap does not trigger a check. */
  #swapping = false;
  #unwatch: (() => void) | null = null;
  /** The version last reported as unloadable, so a failing version is logged once, not at every notice. */
  #reported: string | null = null;
  /** Counters, for tests and logs: notices received, connections made. */
  readonly stats = { notices: 0, connections: 0 };

  constructor(options: ModelSyncOptions) {
    this.#options = options;
  }

  /** The server process id of the listening connection (undefined while disconnected). */
  get listenerPid(): number | undefined {
    return (this.#client as { processID?: number } | null)?.processID;
  }

  /** Connects and catches up; a database that is away now is retried in the background. */
  async start(): Promise<void> {
    // Another swap (this instance's studio apply) may land after a newer version another
    // instance applied meanwhile: look again, so the latest version wins.
    this.#unwatch = this.#options.models.watch(() => {
      if (!this.#swapping) void this.#checkLogged();
    });
    if (!(await this.#connect())) void this.#reconnect();
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    this.#unwatch?.();
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
    await this.#running?.catch(() => undefined);
  }

  /** Brings the model up to the latest applied version; concurrent calls coalesce into one more pass. */
  check(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          await this.#sync();
        } while (this.#again && !this.#stop.signal.aborted);
      } finally {
        this.#running = null;
      }
    })();
    return this.#running;
  }

  /** check(), for callers with nobody to report to: a failure (the database away) is logged; the next notice or reconnection retries. */
  #checkLogged(): Promise<void> {
    return this.check().catch((error: unknown) => this.#options.log.warn({ err: error }, 'metadata sync: cannot check the applied version'));
  }

  async #connect(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.#options.url, connectionTimeoutMillis: 5000, application_name: 'cardo-model-sync' });
    // A dropped connection emits 'error' and/or 'end'; either starts one reconnection.
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = null;
      if (!this.#stop.signal.aborted) void this.#reconnect();
    };
    try {
      client.on('notification', (message) => {
        if (message.channel !== METADATA_CHANNEL) return;
        this.stats.notices += 1;
        void this.#checkLogged();
      });
      await client.connect();
      await client.query(`LISTEN ${METADATA_CHANNEL}`);
      if (this.#stop.signal.aborted) {
        await client.end();
        return true;
      }
      client.on('error', onLost);
      client.on('end', onLost);
      this.#client = client;
      this.stats.connections += 1;
    } catch (error) {
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      this.#options.log.warn({ err: error }, 'metadata sync: cannot listen for applied versions');
      return false;
    }
    // Anything applied while this instance was not listening.
    await this.#checkLogged();
    return true;
  }

  async #reconnect(): Promise<void> {
    const pause = this.#options.pause ?? backoff;
    for (let attempt = 1; !this.#stop.signal.aborted; attempt++) {
      try {
        await pause(attempt, this.#stop.signal);
      } catch {
        return; // stopped while waiting
      }
      if (this.#stop.signal.aborted || (await this.#connect())) return;
    }
  }

  async #sync(): Promise<void> {
    const { db, schema, models, log } = this.#options;
    const latest = await latestVersion(db, schema);
    const before = models.current;
    if (!latest || latest.hash === before.hash) return;
    const model = await this.#load(latest);
    if (!model) return;
    // Swapped meanwhile (this instance applied a newer version itself): look again rather than go back.
    if (models.current !== before) {
      this.#again = true;
      return;
    }
    this.#swapping = true;
    try {
      models.swap(model);
    } finally {
      this.#swapping = false;
    }
    this.#reported = null;
    log.info({ from: before.hash.slice(0, 12), to: model.hash.slice(0, 12) }, 'metadata sync: now serving the version applied to the database');
  }

  /** The applied version's model: from the files stored with it, else from the metadata directory when its hash matches. */
  async #load(latest: { id: string; hash: string }): Promise<CompiledModel | undefined> {
    const { db, schema, metadataDir, log } = this.#options;
    const sources = await versionSources(db, latest.id, schema);
    const loaded = sources ? await loadModelFromSources(sources) : await loadModel(metadataDir);
    if (loaded.model?.hash === latest.hash) return loaded.model;
    if (this.#reported !== latest.hash) {
      this.#reported = latest.hash;
      const why = sources ? 'its stored files do not compile to it' : `${metadataDir} holds another version (${loaded.model?.hash.slice(0, 12) ?? `${loaded.problems.length} problem(s)`})`;
      log.warn({ version: latest.hash.slice(0, 12), serving: this.#options.models.current.hash.slice(0, 12) }, `metadata sync: cannot load the applied version: ${why}; restart after deploying it`);
    }
    return undefined;
  }
}
