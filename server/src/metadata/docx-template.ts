/**
 * The language of .docx document templates, shared by `cardo validate` (which checks every
 * placeholder names a real field) and the generator (which fills them). Parsing the Word XML
 * — text split across runs, table rows repeated by loops — is docxtemplater's job; this module
 * says what a tag means:
 *
 * - `{{path}}` a value: a field of the record, or through references (`counterparty.legalName`).
 *   A missing value is an error when the document is generated, unless written `{{path?}}`.
 * - `{{#list}}…{{/list}}` repeats its content (a table row when it sits in one) for each record
 *   of a related list (`{{#deal.documents}}`), with the list's records as the scope of the tags
 *   inside; around a reference (`{{#contact}}…{{/contact}}`) it shows its content with the
 *   referenced record as scope, only when there is one; around another field, only when the
 *   field has a value. `{{^path}}…{{/path}}` shows its content only when there is none.
 *
 * Inside a loop a tag is looked up in the loop's record first, then outwards. Pure: no I/O.
 */
import Docxtemplater from 'docxtemplater';
import inspectModule from 'docxtemplater/js/inspect-module.js';
import PizZip from 'pizzip';
import type { Entity, Field } from '../generated/metadata.js';
import { FORBIDDEN_SEGMENTS } from '../expression/values.js';

export const DOCX_DELIMITERS = { start: '{{', end: '}}' } as const;

const PATH_RE = /^[a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z_][a-zA-Z0-9_]*)*$/;

export interface DocxTag {
  /** value: {{path}}; section: {{#path}}…{{/path}}; inverted: {{^path}}…{{/path}}. */
  kind: 'value' | 'section' | 'inverted';
  path: string;
  /** {{path?}}: rendered empty when there is no value. */
  optional: boolean;
  children: DocxTag[];
}

/** A template that cannot be used, with every reason found. */
export class DocxTemplateError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** docx: the file is not a Word document; template: its tags are malformed. */
    readonly kind: 'docx' | 'template' = 'template',
  ) {
    super(problems.join(' '));
    this.name = 'DocxTemplateError';
  }
}

/** A parsed tag text: `path` or `path?`, spaces around allowed. */
export function parseTagText(text: string): { path: string; optional: boolean } | { error: string } {
  let path = text.trim();
  const optional = path.endsWith('?');
  if (optional) path = path.slice(0, -1).trim();
  if (!PATH_RE.test(path)) return { error: `"{{${text}}}": "${path}" is not a field path such as counterparty.legalName (write {{path}}, {{path?}}, {{#list}}…{{/list}}).` };
  const forbidden = path.split('.').find((s) => FORBIDDEN_SEGMENTS.has(s));
  if (forbidden) return { error: `"{{${text}}}": "${forbidden}" is not allowed in a path.` };
  return { path, optional };
}

export interface DocxOptions {
  parser?: (tag: string) => { get(scope: unknown, context: DocxParserContext): unknown };
  nullGetter?: (part: DocxPart) => unknown;
  modules?: unknown[];
}

export interface DocxPart {
  type: string;
  value: string;
  module?: string;
  inverted?: boolean;
  subparsed?: DocxPart[];
}

export interface DocxParserContext {
  scopeList: unknown[];
  meta?: { part?: DocxPart };
}

/** docxtemplater over the bytes, compiled; malformed tags become a DocxTemplateError. */
export function openDocx(bytes: Buffer | Uint8Array, options: DocxOptions = {}): Docxtemplater {
  let zip: PizZip;
  try {
    zip = new PizZip(bytes);
  } catch (error) {
    throw new DocxTemplateError([`Not a Word document: ${(error as Error).message}`], 'docx');
  }
  if (!zip.file('word/document.xml')) throw new DocxTemplateError(['Not a Word document: word/document.xml is missing.'], 'docx');
  try {
    return new Docxtemplater(zip, {
      delimiters: DOCX_DELIMITERS,
      paragraphLoop: true,
      linebreaks: true,
      // Problems are returned to the caller, not printed.
      errorLogging: false,
      ...(options.parser ? { parser: options.parser as never } : {}),
      ...(options.nullGetter ? { nullGetter: options.nullGetter as never } : {}),
      modules: (options.modules ?? []) as never,
    });
  } catch (error) {
    throw new DocxTemplateError(explain(error));
  }
}

/** docxtemplater's errors (a "multi error" of tag problems, or one) as sentences. */
export function explain(error: unknown): string[] {
  const e = error as { properties?: { errors?: unknown[]; explanation?: string }; message?: string };
  const list = e.properties?.errors;
  if (Array.isArray(list) && list.length > 0) return list.flatMap((inner) => explain(inner));
  return [e.properties?.explanation ?? e.message ?? String(error)];
}

/** The tags of a template as a tree (loops hold their content), or a DocxTemplateError. */
export function docxTags(bytes: Buffer | Uint8Array): DocxTag[] {
  // The module's file exports a factory (its typings describe an ES default export).
  const inspect = (inspectModule as unknown as () => { getAllStructuredTags(): unknown[] })();
  openDocx(bytes, { modules: [inspect], parser: () => ({ get: () => null }) });
  const problems: string[] = [];
  const tags = toTags(inspect.getAllStructuredTags() as DocxPart[], problems);
  if (problems.length > 0) throw new DocxTemplateError(problems);
  return tags;
}

function toTags(parts: readonly DocxPart[], problems: string[]): DocxTag[] {
  const out: DocxTag[] = [];
  for (const part of parts) {
    if (part.type !== 'placeholder') continue;
    if (part.module !== undefined && part.module !== 'loop') {
      problems.push(`"{{${part.module === 'rawxml' ? '@' : ''}${part.value}}}" is not supported: a tag is {{path}}, {{path?}}, {{#list}}…{{/list}} or {{^path}}…{{/path}}.`);
      continue;
    }
    const parsed = parseTagText(part.value);
    if ('error' in parsed) {
      problems.push(parsed.error);
      continue;
    }
    if (part.module === 'loop') {
      out.push({ kind: part.inverted ? 'inverted' : 'section', path: parsed.path, optional: true, children: toTags(part.subparsed ?? [], problems) });
    } else {
      out.push({ kind: 'value', path: parsed.path, optional: parsed.optional, children: [] });
    }
  }
  return out;
}

/** What the binder needs to know about entities (the validator's index, or the compiled model). */
export interface TemplateSchema {
  entity(name: string): Entity | undefined;
  field(entity: string, name: string): Field | undefined;
  entities(): Iterable<Entity>;
}

/** A related list of an entity: a form tab listing another entity via a reference, or the entity with exactly one reference to it. */
export function relatedList(schema: TemplateSchema, entityName: string, name: string): { entity: string; via: string } | undefined {
  const entity = schema.entity(entityName);
  const tab = entity?.form.tabs.find((t) => t.name === name && t.entity && t.via);
  if (tab?.entity && tab.via) return { entity: tab.entity, via: tab.via };
  const other = schema.entity(name);
  if (!other) return undefined;
  const refs = other.fields.filter((f) => f.type === 'reference' && f.target === entityName);
  return refs.length === 1 ? { entity: other.name, via: (refs[0] as Field).name } : undefined;
}

/** The record a reference, user or file field points to. */
export function targetOf(field: Field): string | undefined {
  if (field.type === 'user') return 'sys_user';
  if (field.type === 'file') return 'sys_file';
  if (field.type === 'reference') return field.target;
  return undefined;
}

export type Step =
  | { kind: 'ref'; name: string; entity: string; target: string }
  | { kind: 'field'; name: string; entity: string; field: Field }
  | { kind: 'list'; name: string; entity: string; target: string; via: string };

/** A path bound to a scope: which enclosing record (0 = the document's record) and the steps from it. */
export interface BoundPath {
  level: number;
  steps: Step[];
  /** The path goes through a reference to an entity that is unknown (reported where it is declared): past it nothing is known. */
  opaque?: true;
}

/**
 * Binds a path to the innermost scope whose entity has its first segment, then follows it:
 * every segment but the last is a reference; the last is a field, a reference or (for a
 * loop) a related list.
 */
export type BindError = { error: string; code: 'CARDO_ERR_META_UNKNOWN_FIELD' | 'CARDO_ERR_META_NOT_A_REFERENCE' };

export function bindPath(schema: TemplateSchema, scopes: readonly string[], path: string, allowList: boolean): BoundPath | BindError {
  const segments = path.split('.');
  const first = segments[0] as string;
  let level = scopes.length - 1;
  const has = (entity: string) => schema.field(entity, first) !== undefined || (allowList && segments.length === 1 && relatedList(schema, entity, first) !== undefined);
  while (level > 0 && !has(scopes[level] as string)) level--;
  let entity = scopes[level] as string;
  const steps: Step[] = [];
  for (let i = 0; i < segments.length; i++) {
    const name = segments[i] as string;
    const last = i === segments.length - 1;
    const field = schema.field(entity, name);
    if (!field) {
      const list = last && allowList ? relatedList(schema, entity, name) : undefined;
      if (list) {
        steps.push({ kind: 'list', name, entity, target: list.entity, via: list.via });
        return { level, steps };
      }
      return { code: 'CARDO_ERR_META_UNKNOWN_FIELD', error: `"${path}": ${entity} has no field${allowList && last ? ' or related list' : ''} "${name}".` };
    }
    const target = targetOf(field);
    if (last) {
      steps.push(target ? { kind: 'ref', name, entity, target } : { kind: 'field', name, entity, field });
      return { level, steps };
    }
    if (target && !schema.entity(target)) return { level, steps, opaque: true };
    if (!target) return { code: 'CARDO_ERR_META_NOT_A_REFERENCE', error: `"${path}": "${name}" is a ${field.type} field, not a reference, so it has no fields.` };
    steps.push({ kind: 'ref', name, entity, target });
    entity = target;
  }
  return { code: 'CARDO_ERR_META_UNKNOWN_FIELD', error: `"${path}" is empty.` };
}

/** The references and related lists a template reads, from one record: what to load before filling it. */
export interface Needs {
  refs: Map<string, Needs & { entity: string }>;
  lists: Map<string, Needs & { entity: string; via: string }>;
}

const newNeeds = (): Needs => ({ refs: new Map(), lists: new Map() });

/** Binds every tag from the document's entity; returns what to load and the problems (unknown fields…). */
export function bindTags(schema: TemplateSchema, entity: string, tags: readonly DocxTag[]): { needs: Needs; problems: BindError[] } {
  const root = newNeeds();
  const problems: BindError[] = [];
  const walk = (list: readonly DocxTag[], scopes: string[], needs: Needs[]) => {
    for (const tag of list) {
      const bound = bindPath(schema, scopes, tag.path, tag.kind !== 'value');
      if ('error' in bound) {
        problems.push(bound);
        walk(tag.children, scopes, needs);
        continue;
      }
      if (bound.opaque) continue;
      let at = needs[bound.level] as Needs;
      let inner: { entity: string; needs: Needs } | null = null;
      for (const step of bound.steps) {
        if (step.kind === 'ref') {
          let next = at.refs.get(step.name);
          if (!next) at.refs.set(step.name, (next = { ...newNeeds(), entity: step.target }));
          at = next;
          inner = { entity: step.target, needs: next };
        } else if (step.kind === 'list') {
          let next = at.lists.get(step.name);
          if (!next) at.lists.set(step.name, (next = { ...newNeeds(), entity: step.target, via: step.via }));
          inner = { entity: step.target, needs: next };
        } else {
          inner = null;
        }
      }
      // A section over a reference or a list makes that record the scope inside it.
      if (tag.kind === 'section' && inner) walk(tag.children, [...scopes, inner.entity], [...needs, inner.needs]);
      else walk(tag.children, scopes, needs);
    }
  };
  walk(tags, [entity], [root]);
  return { needs: root, problems };
}

/** Adds the references a `{{path}}` text template (a file name) reads. */
export function addTextPaths(schema: TemplateSchema, entity: string, paths: readonly string[], needs: Needs): void {
  const extra = bindTags(schema, entity, paths.map((path) => ({ kind: 'value', path, optional: true, children: [] }))).needs;
  mergeNeeds(needs, extra);
}

function mergeNeeds(into: Needs, from: Needs): void {
  for (const [name, n] of from.refs) {
    const existing = into.refs.get(name);
    if (existing) mergeNeeds(existing, n);
    else into.refs.set(name, n);
  }
  for (const [name, n] of from.lists) {
    const existing = into.lists.get(name);
    if (existing) mergeNeeds(existing, n);
    else into.lists.set(name, n);
  }
}
