import type { CompiledModel } from '../compile/compile.js';

/** How long a pause waits for the requests already running before it goes ahead anyway. */
const DRAIN_MS = 10_000;

/**
 * The model requests are served with. Each request takes the current model once when it
 * starts (`enter`) and keeps it to the end (`leave`), so swapping in a newly applied model
 * never changes a request midway. A schema change that removes what the served model reads
 * (a dropped column) runs while the holder is paused: no request is running on the old model
 * when the column goes, and the requests arriving meanwhile wait and then get the new one.
 */
export class ModelHolder {
  #current: CompiledModel;
  readonly #watchers = new Set<(model: CompiledModel) => void>();
  #inFlight = 0;
  /** Resolves when the current pause ends; null when not paused. */
  #paused: Promise<void> | null = null;
  #drained: (() => void) | null = null;
  #drainBelow = 0;

  constructor(model: CompiledModel) {
    this.#current = model;
  }
  get current(): CompiledModel {
    return this.#current;
  }
  swap(model: CompiledModel): void {
    this.#current = model;
    for (const watcher of this.#watchers) watcher(model);
  }
  /** Calls fn after every swap; returns the function that stops it. */
  watch(fn: (model: CompiledModel) => void): () => void {
    this.#watchers.add(fn);
    return () => void this.#watchers.delete(fn);
  }

  /** The model for a request that starts now (after a pause, if one is on); pair with leave(). */
  async enter(): Promise<CompiledModel> {
    while (this.#paused) await this.#paused;
    this.#inFlight++;
    return this.#current;
  }
  leave(): void {
    this.#inFlight--;
    if (this.#drained && this.#inFlight <= this.#drainBelow) this.#drained();
  }

  /**
   * Holds new requests and waits until at most `running` requests are in flight (the caller's
   * own request counts), or DRAIN_MS for a longer one. Returns the function that lets the held
   * requests go — called after the change is committed and the new model swapped in.
   */
  async pause(running = 1, drainMs = DRAIN_MS): Promise<() => void> {
    while (this.#paused) await this.#paused;
    let resume!: () => void;
    this.#paused = new Promise<void>((resolve) => (resume = resolve));
    if (this.#inFlight > running) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#drainBelow = running;
        this.#drained = resolve;
        timer = setTimeout(resolve, drainMs).unref();
      });
      clearTimeout(timer);
      this.#drained = null;
    }
    return () => {
      this.#paused = null;
      resume();
    };
  }
}
