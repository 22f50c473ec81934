/**
 * Message and title templates: text with `{{ path }}` placeholders, e.g.
 * "Meeting with {{counterparty.brand}}". A path is a dot path of identifiers; there is no
 * logic in templates (computed values belong in formula fields). Pure: no I/O.
 */
import { FORBIDDEN_SEGMENTS, readPath, toText } from './values.js';

export class TemplateError extends Error {
  /** 0-based character offset of the problem in the template text. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.name = 'TemplateError';
    this.index = index;
  }
}

const PATH_RE = /^[a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*$/;

type Part = { readonly text: string } | { readonly path: string; readonly segments: readonly string[] };

/** Splits a template into text and placeholders; throws TemplateError where it is malformed. */
function parseTemplate(text: string): Part[] {
  const parts: Part[] = [];
  let position = 0;
  for (;;) {
    const open = text.indexOf('{{', position);
    const close = text.indexOf('}}', position);
    if (close !== -1 && (open === -1 || close < open)) throw new TemplateError('"}}" without a matching "{{"', close);
    if (open === -1) break;
    const end = text.indexOf('}}', open + 2);
    if (end === -1) throw new TemplateError('"{{" is not closed by "}}"', open);
    const inner = text.slice(open + 2, end);
    const path = inner.trim();
    const pathIndex = open + 2 + (inner.length - inner.trimStart().length);
    if (!PATH_RE.test(path)) throw new TemplateError(`"${path}" is not a field path such as counterparty.brand`, pathIndex);
    const segments = path.split('.');
    const forbidden = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
    if (forbidden !== undefined) throw new TemplateError(`"${forbidden}" is not allowed in a path`, pathIndex);
    if (open > position) parts.push({ text: text.slice(position, open) });
    parts.push({ path, segments });
    position = end + 2;
  }
  if (position < text.length) parts.push({ text: text.slice(position) });
  return parts;
}

/** The distinct paths of the placeholders, in order of first appearance. */
export function templatePaths(text: string): string[] {
  const paths = new Set<string>();
  for (const part of parseTemplate(text)) if ('path' in part) paths.add(part.path);
  return [...paths];
}

export interface RenderOptions {
  /** Formats a present, non-null value; by default Date → ISO string, arrays joined by ", ". */
  format?: (value: unknown, path: string) => string;
}

/**
 * Fills the placeholders from `data` (own properties of plain objects only). A missing or
 * null value renders as '' without calling `format`.
 */
export function renderTemplate(text: string, data: Readonly<Record<string, unknown>>, options: RenderOptions = {}): string {
  const format = options.format ?? toText;
  let out = '';
  for (const part of parseTemplate(text)) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const value = readPath(data, part.segments);
    out += value === null ? '' : format(value, part.path);
  }
  return out;
}
