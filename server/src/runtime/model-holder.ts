import type { CompiledModel } from '../compile/compile.js';

/**
 * The model requests are served with. Each request takes `current` once when it starts and
 * keeps it to the end, so swapping in a newly applied model never changes a request midway.
 */
export class ModelHolder {
  #current: CompiledModel;
  readonly #watchers = new Set<(model: CompiledModel) => void>();
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
}
