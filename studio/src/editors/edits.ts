// Immutable edits shared by the structured editors.
import type { JsonCondition } from '../condition/condition-model.js';

export const replaceAt = <T>(list: readonly T[], index: number, next: T): T[] => list.map((x, i) => (i === index ? next : x));
export const removeAt = <T>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);

/** Sets an object's `when`; an empty condition is no condition, so the key is dropped rather than written as {}. */
export function withWhen<T extends { when?: unknown }>(target: T, when: JsonCondition): T {
  const { when: _w, ...rest } = target;
  return (Object.keys(when).length === 0 ? rest : { ...rest, when }) as T;
}

/** The object without one key (so it is not written as null or undefined). */
export function omit<T extends object, K extends keyof T>(target: T, key: K): Omit<T, K> {
  const { [key]: _drop, ...rest } = target;
  return rest;
}
