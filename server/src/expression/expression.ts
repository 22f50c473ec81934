/**
 * Cardo's one safe expression language: formula fields, BPMN gateway conditions
 * (`outcome == 'approve'`), assignee expressions and automation values.
 *
 * Text is parsed by jsep into a small AST of our own and interpreted here; metadata text is
 * never given to eval, Function or node:vm. The language has literals (numbers, strings,
 * true/false/null, arrays), field paths (`record.amount`, identifiers only), the operators
 * `+ - * / % == != < <= > >= && || !` and `? :`, and calls of the functions in
 * EXPRESSION_FUNCTIONS by name.
 *
 * Evaluation never throws for bad data; it gives null instead:
 * - a missing path, or a step through null, is null;
 * - arithmetic with null is null; division or remainder by zero is null; numeric strings
 *   ("12.50", as PostgreSQL returns numeric columns) are numbers;
 * - `+` adds when both sides are numbers or numeric strings, otherwise concatenates when
 *   either side is a string ('1' + '2' is 3; use concat() to join digits as text);
 * - `==`/`!=` compare numbers numerically (12.5 == "12.50"), dates by instant, null == null;
 * - `<` `<=` `>` `>=` give null when either side is null or the kinds are unrelated; dates
 *   (Date objects and ISO strings) order by instant, other strings by code units;
 * - `&&`, `||`, `!` and `? :` use truthiness (null, false, 0, '' and NaN are false) and
 *   `&&`/`||`/`!` always give a boolean.
 * The only runtime errors are calls of manager()/head() when the caller did not supply them.
 */
import jsep from 'jsep';
import {
  FORBIDDEN_SEGMENTS,
  compareValues,
  isDateOnly,
  readPath,
  toDate,
  toIsoDate,
  toNumber,
  toText,
} from './values.js';

export class ExpressionError extends Error {
  /** 0-based character offset of the problem in the expression text. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = 'ExpressionError';
    this.index = index;
  }
}

// ---------------------------------------------------------------------------------------
// Functions

export interface ExpressionFunctionSpec {
  readonly minArgs: number;
  readonly maxArgs: number;
  /** Needs the database: evaluation takes it from the caller's `functions` option. */
  readonly runtime: boolean;
}

const VARIADIC = Number.POSITIVE_INFINITY;

/** The functions an expression may call, with their arity. */
export const EXPRESSION_FUNCTIONS = Object.freeze({
  now: { minArgs: 0, maxArgs: 0, runtime: false },
  today: { minArgs: 0, maxArgs: 0, runtime: false },
  daysBetween: { minArgs: 2, maxArgs: 2, runtime: false },
  addDuration: { minArgs: 2, maxArgs: 2, runtime: false },
  coalesce: { minArgs: 1, maxArgs: VARIADIC, runtime: false },
  lower: { minArgs: 1, maxArgs: 1, runtime: false },
  upper: { minArgs: 1, maxArgs: 1, runtime: false },
  concat: { minArgs: 1, maxArgs: VARIADIC, runtime: false },
  round: { minArgs: 1, maxArgs: 2, runtime: false },
  abs: { minArgs: 1, maxArgs: 1, runtime: false },
  min: { minArgs: 1, maxArgs: VARIADIC, runtime: false },
  max: { minArgs: 1, maxArgs: VARIADIC, runtime: false },
  len: { minArgs: 1, maxArgs: 1, runtime: false },
  contains: { minArgs: 2, maxArgs: 2, runtime: false },
  manager: { minArgs: 1, maxArgs: 1, runtime: true },
  head: { minArgs: 1, maxArgs: 1, runtime: true },
} as const satisfies Record<string, ExpressionFunctionSpec>);

export type ExpressionFunctionName = keyof typeof EXPRESSION_FUNCTIONS;

function isFunctionName(name: string): name is ExpressionFunctionName {
  return Object.hasOwn(EXPRESSION_FUNCTIONS, name);
}

// ---------------------------------------------------------------------------------------
// AST

export type BinaryOperator = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
export type UnaryOperator = '-' | '!';

export type Expr =
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null }
  | { readonly kind: 'path'; readonly path: string; readonly segments: readonly string[] }
  | { readonly kind: 'array'; readonly elements: readonly Expr[] }
  | { readonly kind: 'unary'; readonly operator: UnaryOperator; readonly argument: Expr }
  | { readonly kind: 'binary'; readonly operator: BinaryOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'conditional'; readonly test: Expr; readonly consequent: Expr; readonly alternate: Expr }
  | {
      readonly kind: 'call';
      readonly name: ExpressionFunctionName;
      readonly args: readonly Expr[];
      /** Offset of the function name, for runtime errors. */
      readonly index: number;
    };

// ---------------------------------------------------------------------------------------
// Parser: jsep, configured once here (its operator tables are global) and subclassed so
// that every forbidden construct is refused at the exact offset where it starts.

const BINARY_OPERATORS: ReadonlySet<string> = new Set<BinaryOperator>(['+', '-', '*', '/', '%', '==', '!=', '<', '<=', '>', '>=', '&&', '||']);
const UNARY_OPERATORS: ReadonlySet<string> = new Set<UnaryOperator>(['-', '!']);
const BINARY_PRECEDENCE: Readonly<Record<BinaryOperator, number>> = {
  '||': 1, '&&': 2, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

for (const op of Object.keys(jsep.binary_ops)) if (!BINARY_OPERATORS.has(op)) jsep.removeBinaryOp(op);
for (const [op, precedence] of Object.entries(BINARY_PRECEDENCE)) jsep.addBinaryOp(op, precedence);
for (const op of Object.keys(jsep.unary_ops)) if (!UNARY_OPERATORS.has(op)) jsep.removeUnaryOp(op);
for (const op of UNARY_OPERATORS) jsep.addUnaryOp(op);
jsep.removeIdentifierChar('$');

const IDENTIFIER_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORBIDDEN_IDENTIFIERS: ReadonlySet<string> = new Set([...FORBIDDEN_SEGMENTS, 'this']);

const CODE = { period: 46, comma: 44, openParen: 40, closeParen: 41, openBracket: 91, question: 63 } as const;

interface JsepNode {
  type: string;
  [key: string]: unknown;
}

/** The parts of jsep's (untyped) parser class this module builds on. */
interface JsepParser {
  readonly expr: string;
  index: number;
  readonly code: number;
  readonly char: string;
  parse(): JsepNode;
  gobbleSpaces(): void;
  gobbleExpression(): JsepNode | false | undefined;
  gobbleExpressions(untilICode?: number): JsepNode[];
  gobbleIdentifier(): JsepNode;
  gobbleArguments(termination: number): JsepNode[];
  gobbleTokenProperty(node: JsepNode): JsepNode;
  throwError(message: string): never;
}

const JsepBase = (jsep as unknown as { Jsep: new (text: string) => JsepParser }).Jsep;

class CardoParser extends JsepBase {
  /** Moves to `index` and fails there. */
  failAt(index: number, message: string): never {
    this.index = index;
    return this.throwError(message);
  }

  /** One expression only: jsep would otherwise accept `a; b`, `a, b` or even `a b`. */
  override gobbleExpressions(untilICode?: number): JsepNode[] {
    const nodes: JsepNode[] = [];
    for (;;) {
      this.gobbleSpaces();
      if (this.index >= this.expr.length || this.code === untilICode) return nodes;
      if (nodes.length > 0) this.throwError(`Unexpected "${this.char}"`);
      const node = this.gobbleExpression();
      if (!node) this.throwError(`Unexpected "${this.char}"`);
      nodes.push(node);
    }
  }

  /** ASCII names only, and none that reach JavaScript internals. */
  override gobbleIdentifier(): JsepNode {
    const start = this.index;
    const node = super.gobbleIdentifier();
    const name = String(node.name);
    if (!IDENTIFIER_RE.test(name)) this.failAt(start, `Invalid name "${name}"`);
    if (FORBIDDEN_IDENTIFIERS.has(name)) this.failAt(start, `"${name}" is not allowed`);
    return { ...node, start };
  }

  /** Comma-separated, no holes, no trailing comma (jsep also takes `f(a b)` and `[1,,2]`). */
  override gobbleArguments(termination: number): JsepNode[] {
    const close = String.fromCharCode(termination);
    const args: JsepNode[] = [];
    this.gobbleSpaces();
    if (this.code === termination) {
      this.index++;
      return args;
    }
    for (;;) {
      const node = this.gobbleExpression();
      if (!node) this.throwError(this.index >= this.expr.length ? `Expected "${close}"` : `Unexpected "${this.char}"`);
      args.push(node);
      this.gobbleSpaces();
      if (this.code === CODE.comma) {
        this.index++;
        continue;
      }
      if (this.code === termination) {
        this.index++;
        return args;
      }
      this.throwError(this.index >= this.expr.length ? `Expected "${close}"` : `Expected "," or "${close}"`);
    }
  }

  /** Members by name on paths only; calls by bare whitelisted name with the right arity. */
  override gobbleTokenProperty(node: JsepNode): JsepNode {
    let current = node;
    this.gobbleSpaces();
    for (;;) {
      const ch = this.code;
      if (ch === CODE.openBracket) {
        this.throwError('Computed member access a[b] is not allowed; write a.b');
      } else if (ch === CODE.question && this.expr.charCodeAt(this.index + 1) === CODE.period && !isDigit(this.expr.charCodeAt(this.index + 2))) {
        this.throwError('"?." is not needed: member access is already null-safe');
      } else if (ch === CODE.period) {
        if (current.type !== 'Identifier' && current.type !== 'MemberExpression') this.throwError('Only field paths have members');
        this.index++;
        this.gobbleSpaces();
        current = { type: 'MemberExpression', computed: false, object: current, property: this.gobbleIdentifier() };
      } else if (ch === CODE.openParen) {
        if (current.type !== 'Identifier') this.throwError('Only functions can be called, by their name');
        const name = String(current.name);
        const start = Number(current.start);
        if (!isFunctionName(name)) this.failAt(start, `Unknown function "${name}"`);
        this.index++;
        const args = this.gobbleArguments(CODE.closeParen);
        const spec = EXPRESSION_FUNCTIONS[name];
        if (args.length < spec.minArgs || args.length > spec.maxArgs) this.failAt(start, `${name}() takes ${arityText(spec)}`);
        current = { type: 'CallExpression', callee: current, arguments: args, start };
      } else {
        return current;
      }
      this.gobbleSpaces();
    }
  }
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function arityText(spec: ExpressionFunctionSpec): string {
  const count = (n: number) => `${n} argument${n === 1 ? '' : 's'}`;
  if (spec.maxArgs === VARIADIC) return `at least ${count(spec.minArgs)}`;
  if (spec.minArgs === spec.maxArgs) return count(spec.minArgs);
  return `${spec.minArgs} to ${count(spec.maxArgs)}`;
}

export function parseExpression(text: string): Expr {
  if (text.trim() === '') throw new ExpressionError('The expression is empty', 0);
  let node: JsepNode;
  try {
    node = new CardoParser(text).parse();
  } catch (error) {
    if (error instanceof RangeError) throw new ExpressionError('The expression is nested too deeply', 0);
    const { index, description } = error as { index?: unknown; description?: unknown };
    if (typeof index === 'number') {
      throw new ExpressionError(typeof description === 'string' ? description : String(error), Math.min(index, text.length));
    }
    throw error;
  }
  return toExpr(node);
}

/** jsep's nodes to ours; the parser has already refused everything not handled here. */
function toExpr(node: JsepNode): Expr {
  switch (node.type) {
    case 'Literal': {
      const value = node.value;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) {
        return { kind: 'literal', value };
      }
      break;
    }
    case 'Identifier':
    case 'MemberExpression': {
      const segments = memberSegments(node);
      return { kind: 'path', path: segments.join('.'), segments };
    }
    case 'ArrayExpression':
      return { kind: 'array', elements: (node.elements as JsepNode[]).map(toExpr) };
    case 'UnaryExpression':
      return { kind: 'unary', operator: node.operator as UnaryOperator, argument: toExpr(node.argument as JsepNode) };
    case 'BinaryExpression':
      return {
        kind: 'binary',
        operator: node.operator as BinaryOperator,
        left: toExpr(node.left as JsepNode),
        right: toExpr(node.right as JsepNode),
      };
    case 'ConditionalExpression':
      return {
        kind: 'conditional',
        test: toExpr(node.test as JsepNode),
        consequent: toExpr(node.consequent as JsepNode),
        alternate: toExpr(node.alternate as JsepNode),
      };
    case 'CallExpression': {
      const callee = node.callee as JsepNode;
      const index = Number(node.start);
      const args = (node.arguments as JsepNode[]).map(toExpr);
      const name = String(callee.name) as ExpressionFunctionName;
      const duration = args[1];
      // A literal duration is checked now, so `cardo validate` reports it.
      if (name === 'addDuration' && duration?.kind === 'literal' && typeof duration.value === 'string') {
        try {
          parseDuration(duration.value);
        } catch {
          throw new ExpressionError(`"${duration.value}" is not an ISO-8601 duration such as P3D or -PT30M`, index);
        }
      }
      return { kind: 'call', name, args, index };
    }
  }
  throw new ExpressionError(`Unsupported expression (${node.type})`, 0);
}

function memberSegments(node: JsepNode): string[] {
  if (node.type === 'Identifier') return [String(node.name)];
  return [...memberSegments(node.object as JsepNode), String((node.property as JsepNode).name)];
}

/** The distinct field paths an expression reads, in order of first appearance. */
export function expressionPaths(expr: Expr): string[] {
  const paths = new Set<string>();
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'literal':
        return;
      case 'path':
        paths.add(e.path);
        return;
      case 'array':
        e.elements.forEach(visit);
        return;
      case 'unary':
        visit(e.argument);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'conditional':
        visit(e.test);
        visit(e.consequent);
        visit(e.alternate);
        return;
      case 'call':
        e.args.forEach(visit);
        return;
    }
  };
  visit(expr);
  return [...paths];
}

// ---------------------------------------------------------------------------------------
// Evaluation

export type RuntimeFunction = (...args: unknown[]) => unknown;

export interface EvaluateOptions {
  /** The clock for now() and today(); the current time if absent. */
  now?: Date;
  /**
   * The runtime functions (manager, head), synchronous: load what they need beforehand.
   * Built-in functions cannot be replaced.
   */
  functions?: Partial<Record<string, RuntimeFunction>>;
}

interface EvalContext {
  readonly scope: Readonly<Record<string, unknown>>;
  readonly now: Date;
  readonly functions: Partial<Record<string, RuntimeFunction>>;
}

export function evaluateExpression(
  expr: Expr,
  scope: Readonly<Record<string, unknown>>,
  options: EvaluateOptions = {},
): unknown {
  return evaluate(expr, { scope, now: options.now ?? new Date(), functions: options.functions ?? {} });
}

function evaluate(expr: Expr, ctx: EvalContext): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return readPath(ctx.scope, expr.segments);
    case 'array':
      return expr.elements.map((e) => evaluate(e, ctx));
    case 'unary': {
      const value = evaluate(expr.argument, ctx);
      if (expr.operator === '!') return !truthy(value);
      const n = toNumber(value);
      return n === null ? null : 0 - n;
    }
    case 'conditional':
      return truthy(evaluate(expr.test, ctx)) ? evaluate(expr.consequent, ctx) : evaluate(expr.alternate, ctx);
    case 'binary':
      if (expr.operator === '&&') return truthy(evaluate(expr.left, ctx)) && truthy(evaluate(expr.right, ctx));
      if (expr.operator === '||') return truthy(evaluate(expr.left, ctx)) || truthy(evaluate(expr.right, ctx));
      return binary(expr.operator, evaluate(expr.left, ctx), evaluate(expr.right, ctx));
    case 'call':
      return call(expr, ctx);
  }
}

export function truthy(value: unknown): boolean {
  return !(value === null || value === undefined || value === false || value === 0 || value === '' || Number.isNaN(value));
}

function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

const NUMERIC_STRINGS = { numericStrings: true } as const;

/** Equality for `==`: null equals only null; arrays element by element. */
function equals(a: unknown, b: unknown): boolean {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equals(x, b[i]));
  }
  return compareValues(a, b, NUMERIC_STRINGS) === 0;
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function binary(operator: Exclude<BinaryOperator, '&&' | '||'>, a: unknown, b: unknown): unknown {
  switch (operator) {
    case '==':
      return equals(a, b);
    case '!=':
      return !equals(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      if (isNull(a) || isNull(b)) return null;
      const c = compareValues(a, b, NUMERIC_STRINGS);
      if (c === null) return null;
      return operator === '<' ? c < 0 : operator === '<=' ? c <= 0 : operator === '>' ? c > 0 : c >= 0;
    }
  }
  if (isNull(a) || isNull(b)) return null;
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === null || y === null) {
    if (operator === '+' && (typeof a === 'string' || typeof b === 'string')) return toText(a) + toText(b);
    return null;
  }
  switch (operator) {
    case '+':
      return finite(x + y);
    case '-':
      return finite(x - y);
    case '*':
      return finite(x * y);
    case '/':
      return y === 0 ? null : finite(x / y);
    case '%':
      return y === 0 ? null : finite(x % y);
  }
}

function call(expr: Extract<Expr, { kind: 'call' }>, ctx: EvalContext): unknown {
  const args = expr.args.map((a) => evaluate(a, ctx));
  if (EXPRESSION_FUNCTIONS[expr.name].runtime) {
    const fn = Object.hasOwn(ctx.functions, expr.name) ? ctx.functions[expr.name] : undefined;
    if (typeof fn !== 'function') throw new ExpressionError(`${expr.name}() is not available here`, expr.index);
    return fn(...args);
  }
  return BUILTINS[expr.name as BuiltinName](args, ctx);
}

type BuiltinName = Exclude<ExpressionFunctionName, 'manager' | 'head'>;

const BUILTINS: Readonly<Record<BuiltinName, (args: unknown[], ctx: EvalContext) => unknown>> = {
  now: (_args, ctx) => ctx.now.toISOString(),
  // Days are UTC days, as everywhere in Cardo (see $today in conditions).
  today: (_args, ctx) => toIsoDate(ctx.now),
  daysBetween: ([a, b]) => {
    const from = toDate(a);
    const to = toDate(b);
    if (from === null || to === null) return null;
    return Math.trunc((to.getTime() - from.getTime()) / 86_400_000) + 0;
  },
  addDuration: ([value, duration]) => {
    const date = toDate(value);
    if (date === null || typeof duration !== 'string') return null;
    try {
      const result = addDurationTo(date, duration);
      return typeof value === 'string' && isDateOnly(value) ? toIsoDate(result) : result.toISOString();
    } catch {
      return null;
    }
  },
  coalesce: (args) => args.find((a) => !isNull(a)) ?? null,
  lower: ([s]) => (typeof s === 'string' ? s.toLowerCase() : null),
  upper: ([s]) => (typeof s === 'string' ? s.toUpperCase() : null),
  concat: (args) => args.map(toText).join(''),
  round: ([value, digits = 0]) => {
    const n = toNumber(value);
    const d = toNumber(digits);
    if (n === null || d === null || !Number.isInteger(d) || Math.abs(d) > 15) return null;
    return roundHalfAwayFromZero(n, d);
  },
  abs: ([value]) => {
    const n = toNumber(value);
    return n === null ? null : Math.abs(n);
  },
  min: (args) => extreme(args, -1),
  max: (args) => extreme(args, 1),
  len: ([s]) => (typeof s === 'string' ? Array.from(s).length : Array.isArray(s) ? s.length : null),
  contains: ([haystack, needle]) => {
    if (isNull(haystack) || isNull(needle)) return null;
    if (Array.isArray(haystack)) return haystack.some((item) => equals(item, needle));
    // Case-insensitive, like $contains in conditions.
    if (typeof haystack === 'string' && typeof needle === 'string') return haystack.toLowerCase().includes(needle.toLowerCase());
    return null;
  },
};

/** Half away from zero, like PostgreSQL's round(numeric); shifting by exponent avoids 1.005 → 1.00. */
function roundHalfAwayFromZero(n: number, digits: number): number {
  const [mantissa = '0', exponent = '0'] = Math.abs(n).toExponential().split('e');
  const shifted = Math.round(Number(`${mantissa}e${Number(exponent) + digits}`));
  const [m2 = '0', e2 = '0'] = shifted.toExponential().split('e');
  const result = Number(`${m2}e${Number(e2) - digits}`);
  return n < 0 && result !== 0 ? -result : result;
}

/** min/max ignore nulls, like SQL LEAST/GREATEST; unrelated kinds give null. */
function extreme(args: unknown[], direction: 1 | -1): unknown {
  let best: unknown = null;
  for (const value of args) {
    if (isNull(value)) continue;
    if (best === null) {
      best = value;
      continue;
    }
    const c = compareValues(value, best, NUMERIC_STRINGS);
    if (c === null) return null;
    if (c * direction > 0) best = value;
  }
  return best;
}

// ---------------------------------------------------------------------------------------
// Durations

export interface Duration {
  sign: 1 | -1;
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** The `duration` of common.schema.json: integers only, optional leading minus. */
const DURATION_RE = /^(-)?P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export function parseDuration(text: string): Duration {
  const m = typeof text === 'string' ? DURATION_RE.exec(text) : null;
  if (!m) throw new ExpressionError(`"${String(text)}" is not an ISO-8601 duration such as P3D or -PT30M`, 0);
  const part = (i: number): number => {
    const n = Number(m[i] ?? 0);
    if (!Number.isSafeInteger(n)) throw new ExpressionError(`"${text}" is too large a duration`, 0);
    return n;
  };
  return {
    sign: m[1] === '-' ? -1 : 1,
    years: part(2),
    months: part(3),
    weeks: part(4),
    days: part(5),
    hours: part(6),
    minutes: part(7),
    seconds: part(8),
  };
}

/**
 * Adds a duration in UTC the way PostgreSQL adds an interval: years and months first, the
 * day clamped to the end of the month (Jan 31 + P1M = Feb 29 in 2024), then weeks, days
 * and time. A negative duration subtracts every part.
 */
export function addDurationTo(date: Date, text: string): Date {
  const d = parseDuration(text);
  if (Number.isNaN(date.getTime())) throw new ExpressionError('Invalid date', 0);
  const result = new Date(date.getTime());
  const months = d.sign * (d.years * 12 + d.months);
  if (months !== 0) {
    const day = result.getUTCDate();
    result.setUTCDate(1);
    result.setUTCMonth(result.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
    result.setUTCDate(Math.min(day, lastDay));
  }
  const seconds = ((d.weeks * 7 + d.days) * 24 + d.hours) * 3600 + d.minutes * 60 + d.seconds;
  result.setTime(result.getTime() + d.sign * seconds * 1000);
  if (Number.isNaN(result.getTime())) throw new ExpressionError(`Adding "${text}" leaves the range of dates`, 0);
  return result;
}
