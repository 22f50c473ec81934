/**
 * Fills a .docx template from a record loaded with everything its tags read (see
 * metadata/docx-template.ts for the tag language). Values are formatted for the document's
 * locale; every value a tag needs and does not find is collected — never rendered as
 * "undefined" — so the caller can refuse the document naming all of them at once.
 * Pure: the data is loaded beforehand.
 */
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { bindPath, DocxTemplateError, explain, openDocx, parseTagText, type DocxParserContext, type TemplateSchema } from '../metadata/docx-template.js';
import { titleOf, type ApiRecord } from '../records/record-mapping.js';
import { formatValue, type FormatContext } from './format.js';

/** Why a reference was not loaded: there is none, or the caller may not read it. */
export type RefState = RecordNode | 'none' | 'forbidden';

/** A record with the referenced records and related lists the template reads. */
export class RecordNode {
  readonly refs = new Map<string, RefState>();
  readonly lists = new Map<string, RecordNode[]>();
  constructor(
    readonly entity: EntityModel,
    readonly record: ApiRecord,
    /** Fields the caller may not see: treated as missing. */
    readonly hidden: ReadonlySet<string>,
  ) {}

  /** The record with its loaded references as nested objects (for `{{path}}` text templates). */
  toPlain(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.record)) if (!this.hidden.has(k)) out[k] = v;
    for (const [name, ref] of this.refs) if (ref instanceof RecordNode) out[name] = ref.toPlain();
    return out;
  }
}

export interface MissingValue {
  /** The tag's path, e.g. counterparty.inn. */
  path: string;
  message: string;
}

const schemas = new WeakMap<CompiledModel, TemplateSchema>();

/** The compiled model as the template binder sees entities. */
export function modelSchema(model: CompiledModel): TemplateSchema {
  let schema = schemas.get(model);
  if (!schema) {
    schema = {
      entity: (name) => model.entities.get(name)?.def,
      field: (entity, name) => model.entities.get(entity)?.field.get(name)?.def,
      entities: () => [...model.entities.values()].map((e) => e.def),
    };
    schemas.set(model, schema);
  }
  return schema;
}

type Resolved = { kind: 'value'; text: string } | { kind: 'node'; node: RecordNode } | { kind: 'list'; nodes: RecordNode[] } | { kind: 'missing'; message: string };

/** Follows a bound path from the scopes (innermost last). */
function resolve(model: CompiledModel, scopes: readonly RecordNode[], path: string, isSection: boolean, ctx: FormatContext): Resolved {
  const bound = bindPath(modelSchema(model), scopes.map((s) => s.entity.name), path, isSection);
  if ('error' in bound) return { kind: 'missing', message: bound.error };
  let node = scopes[bound.level] as RecordNode;
  for (const step of bound.steps) {
    if (node.hidden.has(step.name)) return { kind: 'missing', message: `${step.name} of the ${node.entity.name} is hidden from you.` };
    if (step.kind === 'list') return { kind: 'list', nodes: node.lists.get(step.name) ?? [] };
    if (step.kind === 'field') {
      const field = node.entity.field.get(step.name);
      const text = field ? formatValue(node.entity, field, node.record[step.name], ctx) : null;
      return text === null ? { kind: 'missing', message: `The ${node.entity.name} has no ${step.name}.` } : { kind: 'value', text };
    }
    const ref = node.refs.get(step.name) ?? 'none';
    if (ref === 'none') return { kind: 'missing', message: `The ${node.entity.name} has no ${step.name}.` };
    if (ref === 'forbidden') return { kind: 'missing', message: `You may not read the ${step.name} of the ${node.entity.name}.` };
    node = ref;
  }
  return { kind: 'node', node };
}

/** The filled document and the values it lacked (empty when complete). */
export function fillDocx(model: CompiledModel, template: Buffer, root: RecordNode, ctx: FormatContext): { bytes: Buffer; missing: MissingValue[] } {
  const missing = new Map<string, MissingValue>();
  const miss = (path: string, message: string) => {
    const key = `${path}\0${message}`;
    if (!missing.has(key)) missing.set(key, { path, message });
  };
  const parser = (tag: string) => ({
    get(_scope: unknown, context: DocxParserContext): unknown {
      const part = context.meta?.part;
      const section = part?.module === 'loop';
      const parsed = parseTagText(tag);
      if ('error' in parsed) {
        miss(tag, parsed.error);
        return section ? null : '';
      }
      const scopes = [root, ...context.scopeList.filter((s): s is RecordNode => s instanceof RecordNode && s !== root)];
      const found = resolve(model, scopes, parsed.path, section, ctx);
      if (section) {
        // A list repeats, a present reference scopes, another value shows its content once.
        if (found.kind === 'list') return found.nodes;
        if (found.kind === 'node') return found.node;
        return found.kind === 'value';
      }
      if (found.kind === 'value') return found.text;
      if (found.kind === 'node') return titleOf(found.node.entity, found.node.record);
      if (found.kind === 'list') return String(found.nodes.length);
      if (!parsed.optional) miss(parsed.path, found.message);
      return '';
    },
  });
  const doc = openDocx(template, { parser, nullGetter: () => '' });
  try {
    doc.render({});
  } catch (error) {
    throw new DocxTemplateError(explain(error));
  }
  return { bytes: doc.getZip().generate({ type: 'nodebuffer', compression: 'DEFLATE' }) as Buffer, missing: [...missing.values()] };
}
