/**
 * The small pieces every SQL builder in query/ shares: a parameter list, identifier quoting
 * and LIKE escaping. Values only ever reach SQL as parameters; identifiers come from the
 * compiled model and are quoted anyway.
 */

/** Collects parameter values and hands out their placeholders ($1, $2, …) in order. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value; `cast` is a type name from this module's code, never from input. */
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast === undefined ? `$${this.values.length}` : `$${this.values.length}::${cast}`;
  }

  get length(): number {
    return this.values.length;
  }
}

/** A double-quoted SQL identifier. */
export function ident(name: string): string {
  // Model names never hold a quote; the check is cheaper than the replace on the hot path.
  return name.includes('"') ? `"${name.replaceAll('"', '""')}"` : `"${name}"`;
}

/** `alias.column`, both quoted. */
export function qualified(alias: string, column: string): string {
  return `${ident(alias)}.${ident(column)}`;
}

/** Escapes LIKE wildcards so the text matches literally (PostgreSQL's default escape is \). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

/** A validated non-negative integer for LIMIT/OFFSET; anything else is a bug upstream. */
export function sqlInteger(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Not a non-negative integer: ${String(value)}`);
  return String(value);
}
