/**
 * Value semantics shared by the expression evaluator, templates and the in-memory condition
 * predicate, so that "12.50", dates and references mean the same thing in all three.
 * Pure: no I/O.
 */

/** Path segments that would reach into JavaScript internals; refused everywhere. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** A decimal number as PostgreSQL prints numeric columns ("12.50", "-3", "1e3"). */
const NUMERIC_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A date-time needs an explicit zone: without one, JS and PostgreSQL would read it differently. */
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

const DAY_MS = 86_400_000;

/** Only plain data objects are traversed; class instances (Date, Map…) are opaque values. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Reads a dot path through nested plain objects, own properties only. Anything missing, or
 * a step through a non-object (null, a string id, a Date), gives null: reading is null-safe.
 */
export function readPath(root: unknown, segments: readonly string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return null;
    current = current[segment];
  }
  return current === undefined ? null : current;
}

export function isNumericString(value: string): boolean {
  return NUMERIC_RE.test(value.trim());
}

/** A finite number, or a numeric string; anything else (booleans, dates, '') is not a number. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && isNumericString(value)) {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** `YYYY-MM-DD` naming a real calendar day. */
export function isDateOnly(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An ISO-8601 date-time with a zone (`Z` or `±HH:MM`) that names a real instant. */
export function isDateTime(value: string): boolean {
  return DATETIME_RE.test(value) && isDateOnly(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** A Date, an ISO date or an ISO date-time as a valid Date (dates are midnight UTC); else null. */
export function toDate(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== 'string') return null;
  if (isDateOnly(value)) return new Date(`${value}T00:00:00.000Z`);
  if (isDateTime(value)) return new Date(value);
  return null;
}

/** The UTC calendar day of a date, as `YYYY-MM-DD`. */
export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function startOfUtcDay(date: Date): Date {
  return new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
}

function isTemporal(value: unknown): boolean {
  return value instanceof Date || (typeof value === 'string' && (isDateOnly(value) || isDateTime(value)));
}

export interface CompareOptions {
  /**
   * true: two numeric strings compare as numbers (expressions, where "12.50" from a numeric
   * column must order numerically). false: a numeric comparison needs at least one real
   * number (conditions, where a string field's '007' must not equal '7').
   */
  numericStrings: boolean;
}

/**
 * Orders two non-null values: negative, zero or positive, or null when they are of
 * unrelated kinds. Numbers (and numeric strings, see CompareOptions) compare numerically;
 * dates compare by instant, a date-only value meaning midnight UTC (two date-only values
 * compare as strings); other strings by UTF-16 code units, UUIDs ignoring case; booleans
 * false < true.
 */
export function compareValues(a: unknown, b: unknown, options: CompareOptions): number | null {
  if (options.numericStrings || typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    if (x !== null && y !== null) return Math.sign(x - y);
  }
  if (isTemporal(a) && isTemporal(b)) {
    if (typeof a === 'string' && typeof b === 'string' && isDateOnly(a) && isDateOnly(b)) return compareStrings(a, b);
    const x = toDate(a);
    const y = toDate(b);
    if (x !== null && y !== null) return Math.sign(x.getTime() - y.getTime());
  }
  if (typeof a === 'string' && typeof b === 'string') {
    // PostgreSQL compares uuid values ignoring the case of hex digits.
    if (isUuid(a) && isUuid(b)) return compareStrings(a.toLowerCase(), b.toLowerCase());
    return compareStrings(a, b);
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return null;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * How a value reads inside text: null → '', Date → ISO string, arrays joined with ", ",
 * plain objects (an expanded reference, say) → '' because they have no canonical text.
 */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (Array.isArray(value)) return value.map(toText).join(', ');
  return '';
}

/** NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its pair (not Unicode text). */
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE_RE.test(text);
}

/**
 * The JSON pointer of the first string (value or key) in `value` that is not storable text,
 * or undefined. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function unstorableTextPath(value: unknown, base = ''): string | undefined {
  const stack: Array<[unknown, string]> = [[value, base]];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      if (!isStorableText(current)) return path;
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => stack.push([item, `${path}/${i}`]));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        const child = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (!isStorableText(key)) return child;
        stack.push([item, child]);
      }
    }
  }
  return undefined;
}
