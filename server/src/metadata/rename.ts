import { CardoError } from '../errors.js';
import type { Entity, Roles } from '../generated/metadata.js';
import type { EntityIndex } from './entity-index.js';
import { parseJson, type MetadataFile } from './load.js';
import { indexReferences, type Item, type ItemKind, type Reference } from './references.js';
import { serializeMetadata } from './serialize.js';
import { validateFiles } from './validate.js';

export interface Rename {
  kind: ItemKind;
  from: string;
  to: string;
  /** For a field: its entity. */
  entity?: string;
}

/** The new bytes of a file, or null when the file goes away (moved to another path). */
export interface FileEdit {
  path: string;
  bytes: Buffer | null;
}

/** Items that are files: their folder and extension(s); renaming moves the file(s). */
const FILE_ITEMS: Partial<Record<ItemKind, { dir: string; ext: string[] }>> = {
  entity: { dir: 'entities', ext: ['.json'] },
  workflow: { dir: 'workflows', ext: ['.bpmn'] },
  template: { dir: 'templates', ext: ['.json', '.docx'] },
  notification: { dir: 'notifications', ext: ['.json'] },
  automation: { dir: 'automations', ext: ['.json'] },
  report: { dir: 'reports', ext: ['.json'] },
  calendar: { dir: 'calendars', ext: ['.json'] },
};

const NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;

/** The files that define an item (its own file(s), or the entity / roles file that declares it). */
export function filesOf(item: Item): string[] {
  const spec = FILE_ITEMS[item.kind];
  if (spec) return spec.ext.map((ext) => `${spec.dir}/${item.name}${ext}`);
  if (item.kind === 'field') return [`entities/${item.entity ?? ''}.json`];
  return ['roles.json'];
}

/** The item a metadata file defines, for deleting it. */
export function itemOfFile(kind: MetadataFile['kind'], name: string): Item | undefined {
  if (kind === 'templateDocx') return { kind: 'template', name };
  const found = (Object.keys(FILE_ITEMS) as ItemKind[]).find((k) => k === kind);
  return found ? { kind: found, name } : undefined;
}

/** Whether the metadata defines the item. */
export function itemExists(files: readonly MetadataFile[], item: Item): boolean {
  if (FILE_ITEMS[item.kind]) return filesOf(item).some((p) => files.some((f) => f.path === p));
  if (item.kind === 'field') {
    const entity = files.find((f) => f.path === `entities/${item.entity ?? ''}.json`)?.json as Entity | undefined;
    return Array.isArray(entity?.fields) && entity.fields.some((f) => f.name === item.name);
  }
  const roles = files.find((f) => f.kind === 'roles')?.json as Roles | undefined;
  return Array.isArray(roles?.roles) && roles.roles.some((r) => r.name === item.name);
}

/**
 * Renames an item and rewrites every reference to it (the same references index the studio
 * lists), JSON through the canonical serializer. Pure: files in, edits out. Refused when the
 * item is missing, the new name is taken, or the result has problems the metadata did not have.
 */
export async function planRename(files: readonly MetadataFile[], rename: Rename): Promise<{ edits: FileEdit[]; references: Reference[] }> {
  const item: Item = { kind: rename.kind, name: rename.from, ...(rename.kind === 'field' ? { entity: rename.entity } : {}) };
  const fail = (message: string, extra: Record<string, unknown> = {}) => new CardoError('CARDO_ERR_STUDIO_RENAME', message, { extra });
  if (!NAME.test(rename.to)) throw fail(`"${rename.to}" is not a name: letters, digits, _ and -, starting with a letter.`);
  if (rename.from === rename.to) throw fail('The new name is the old one.');
  if (!itemExists(files, item)) throw fail(`There is no ${rename.kind} "${rename.kind === 'field' ? `${rename.entity ?? ''}.` : ''}${rename.from}".`);
  if (itemExists(files, { ...item, name: rename.to })) throw fail(`A ${rename.kind} named "${rename.to}" exists already.`);

  const refs = await indexReferences(files);
  const references = refs.to(item);
  const json = new Map<string, unknown>();
  const text = new Map<string, string>();
  const byPath = new Map(files.map((f) => [f.path, f]));
  for (const ref of references) {
    const file = byPath.get(ref.file);
    if (!file) continue;
    if (file.kind === 'workflow') text.set(file.path, rewriteBpmn(text.get(file.path) ?? file.bytes.toString('utf8'), ref, rename, refs.index));
    else if (file.json !== undefined) {
      if (!json.has(file.path)) json.set(file.path, structuredClone(file.json));
      rewriteJson(json.get(file.path), ref, rename, refs.index);
    }
  }
  // The definition itself.
  if (rename.kind === 'field' || rename.kind === 'role') {
    const path = filesOf(item)[0] as string;
    if (!json.has(path)) json.set(path, structuredClone(byPath.get(path)?.json));
    const def = json.get(path) as { fields?: Array<{ name: string }>; roles?: Array<{ name: string }> };
    const named = (rename.kind === 'field' ? def.fields : def.roles)?.find((x) => x.name === rename.from);
    if (named) named.name = rename.to;
  }
  if (rename.kind === 'entity') {
    const path = filesOf(item)[0] as string;
    if (!json.has(path)) json.set(path, structuredClone(byPath.get(path)?.json));
    (json.get(path) as { name: string }).name = rename.to;
  }

  const edits = new Map<string, Buffer | null>();
  for (const [path, value] of json) edits.set(path, Buffer.from(serializeMetadata(byPath.get(path)?.kind ?? 'entity', value)));
  for (const [path, value] of text) edits.set(path, Buffer.from(value));
  if (FILE_ITEMS[rename.kind]) {
    const to = filesOf({ ...item, name: rename.to });
    filesOf(item).forEach((from, i) => {
      const current = edits.get(from) ?? byPath.get(from)?.bytes;
      if (!current) return;
      edits.set(from, null);
      edits.set(to[i] as string, current);
    });
  }
  const result = [...edits].map(([path, bytes]) => ({ path, bytes }));
  await assertStillValid(files, result, rename);
  return { edits: result, references };
}

/** The metadata after the edits has no problem it did not have before. */
async function assertStillValid(files: readonly MetadataFile[], edits: readonly FileEdit[], rename: Rename): Promise<void> {
  const before = await validateFiles(files);
  const after = await validateFiles(applyEdits(files, edits));
  const known = new Set(before.problems.map((p) => `${p.code}\0${p.message}`));
  const added = after.problems.filter((p) => !known.has(`${p.code}\0${p.message}`));
  if (added.length > 0) {
    throw new CardoError('CARDO_ERR_STUDIO_RENAME', `Renaming ${rename.from} to ${rename.to} would leave ${added.length} problem(s) the references index cannot rewrite (e.g. placeholders inside .docx templates); nothing was changed.`, { extra: { problems: added } });
  }
}

/** The metadata files after the edits, parsed as the loader parses them. */
export function applyEdits(files: readonly MetadataFile[], edits: readonly FileEdit[]): MetadataFile[] {
  const out = files.filter((f) => !edits.some((e) => e.path === f.path));
  for (const edit of edits) {
    if (!edit.bytes) continue;
    const original = files.find((f) => f.path === edit.path);
    const kind = original?.kind ?? kindOf(edit.path);
    const name = edit.path.replace(/^.*\//, '').replace(/\.(json|docx|bpmn)$/, '');
    const file: MetadataFile = { path: edit.path, kind, name, bytes: edit.bytes };
    if (edit.path.endsWith('.json')) {
      const parsed = parseJson(edit.path, edit.bytes.toString('utf8'));
      file.json = parsed.json;
      file.tree = parsed.tree;
    }
    out.push(file);
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function kindOf(path: string): MetadataFile['kind'] {
  if (path.endsWith('.docx')) return 'templateDocx';
  const entry = Object.entries(FILE_ITEMS).find(([, spec]) => path.startsWith(`${spec.dir}/`));
  return (entry?.[0] ?? 'entity') as MetadataFile['kind'];
}

// ---------------------------------------------------------------------------------------
// Rewriting one reference

/** The text of a reference with the item renamed, for every usage but conditions. */
export function rewriteText(text: string, ref: Reference, rename: Rename, index: EntityIndex): string {
  const path = (entity: string | undefined, p: string) => (entity === undefined ? p : rewritePath(p, entity, rename, index));
  switch (ref.usage) {
    case 'name':
      return text === rename.from ? rename.to : text;
    case 'path':
      return text.split(',').map((key) => key.replace(/^(-?)(.*)$/, (_m, sign: string, p: string) => sign + path(ref.entity, p))).join(',');
    case 'template':
      return text.replace(/\{\{(\s*)([^{}]*?)(\s*)\}\}/g, (_m, a: string, p: string, b: string) => `{{${a}${path(ref.entity, p)}${b}}}`);
    case 'expression':
      return rewriteExpression(text, (p) => {
        if (ref.entity !== undefined) return path(ref.entity, p);
        const [root, ...rest] = p.split('.');
        const entity = ref.roots?.[root as string];
        return entity && rest.length > 0 ? `${root as string}.${path(entity, rest.join('.'))}` : p;
      });
    case 'recipient': {
      if (rename.kind === 'role') return text === `role:${rename.from}` ? `role:${rename.to}` : text;
      const match = /^((?:manager:)?field:)(.+)$/.exec(text);
      return match ? `${match[1] as string}${path(ref.entity, match[2] as string)}` : text;
    }
    case 'condition':
      return text;
  }
}

/** A dot path from an entity with the renamed field's segment replaced. */
export function rewritePath(path: string, entity: string, rename: Rename, index: EntityIndex): string {
  if (rename.kind !== 'field') return path;
  let current: string | undefined = entity;
  return path
    .split('.')
    .map((segment) => {
      const field = current === undefined ? undefined : index.field(current, segment);
      const renamed = current === rename.entity && segment === rename.from;
      current = field ? index.targetOf(field) : undefined;
      return renamed ? rename.to : segment;
    })
    .join('.');
}

/** Rewrites the dot paths of an expression's text, leaving string literals and function names alone. */
export function rewriteExpression(text: string, rewrite: (path: string) => string): string {
  return text.replace(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?<![\w.$])([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)(?!\s*\()/g, (match, literal: string | undefined, path: string | undefined) => {
    if (literal !== undefined || path === undefined) return match;
    return rewrite(path.replace(/\s+/g, ''));
  });
}

/** A condition with its field paths (keys) rewritten, keeping key order. */
function rewriteCondition(condition: unknown, rewrite: (path: string) => string): unknown {
  if (Array.isArray(condition)) return condition.map((c) => rewriteCondition(c, rewrite));
  if (typeof condition !== 'object' || condition === null) return condition;
  return Object.fromEntries(
    Object.entries(condition).map(([key, value]) => {
      if (key === '$and' || key === '$or' || key === '$not') return [key, rewriteCondition(value, rewrite)];
      return [key.startsWith('$') ? key : rewrite(key), value];
    }),
  );
}

function unescape(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Objects whose keys are names: roles' permissions (entities) and their field rules, automations' values (fields). */
const KEYED = new Set(['permissions', 'fields', 'values']);

function rewriteJson(root: unknown, ref: Reference, rename: Rename, index: EntityIndex): void {
  const segments = ref.pointer.split('/').slice(1).map(unescape);
  const last = segments.pop();
  let parent = root as Record<string, unknown>;
  for (const segment of segments) parent = parent?.[segment] as Record<string, unknown>;
  if (last === undefined || typeof parent !== 'object' || parent === null) return;
  const value = parent[last];
  if (ref.usage === 'condition') {
    parent[last] = rewriteCondition(value, (p) => rewritePath(p, ref.entity ?? '', rename, index));
    return;
  }
  if (!Array.isArray(parent) && KEYED.has(segments.at(-1) ?? '')) {
    const renamedKey = rewriteText(last, ref, rename, index);
    if (renamedKey !== last) {
      // Rebuild the object so the key keeps its place; the serializer sorts map keys anyway.
      const entries = Object.entries(parent).map(([k, v]) => [k === last ? renamedKey : k, v] as const);
      for (const key of Object.keys(parent)) delete parent[key];
      Object.assign(parent, Object.fromEntries(entries));
    }
    return;
  }
  if (typeof value === 'string') parent[last] = rewriteText(value, ref, rename, index);
}

// ---------------------------------------------------------------------------------------
// BPMN: attributes of the element the pointer names, edited in the XML text so the rest of the file keeps its bytes

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const xmlEscape = (s: string) => s.replace(/[&<>"]/g, (c) => XML_ESCAPES[c] as string);
const xmlUnescape = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e] as string);

function rewriteBpmn(xml: string, ref: Reference, rename: Rename, index: EntityIndex): string {
  const [, id = '', attribute = '', key] = ref.pointer.split('/').map(unescape);
  const tag = new RegExp(`<[A-Za-z][\\w:.-]*\\s[^>]*\\bid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`).exec(xml);
  if (!tag) return xml;
  if (attribute === 'conditionExpression') {
    const body = /(<(?:\w+:)?conditionExpression\b[^>]*>)([\s\S]*?)(<\/(?:\w+:)?conditionExpression>)/.exec(xml.slice(tag.index));
    if (!body) return xml;
    const start = tag.index + body.index;
    const rewritten = `${body[1] as string}${xmlEscape(rewriteText(xmlUnescape(body[2] as string), ref, rename, index))}${body[3] as string}`;
    return xml.slice(0, start) + rewritten + xml.slice(start + body[0].length);
  }
  const newTag = tag[0].replace(new RegExp(`(\\s${attribute}=")([^"]*)(")`), (_m, a: string, value: string, b: string) => {
    const old = xmlUnescape(value);
    let next: string;
    if (attribute === 'cardo:startWhen') next = JSON.stringify(rewriteCondition(JSON.parse(old) as unknown, (p) => rewritePath(p, ref.entity ?? '', rename, index)));
    else if (key !== undefined) next = rewriteValues(old, key, ref, rename, index);
    else next = rewriteText(old, ref, rename, index);
    return `${a}${xmlEscape(next)}${b}`;
  });
  return xml.slice(0, tag.index) + newTag + xml.slice(tag.index + tag[0].length);
}

/** cardo:values of a createRecord task: JSON of field → expression; a path reference names the key, an expression one the value. */
function rewriteValues(json: string, key: string, ref: Reference, rename: Rename, index: EntityIndex): string {
  const values = JSON.parse(json) as Record<string, string>;
  const entries = Object.entries(values).map(([k, v]) => {
    if (k !== key) return [k, v];
    return ref.usage === 'path' ? [rewriteText(k, ref, rename, index), v] : [k, rewriteText(v, ref, rename, index)];
  });
  return JSON.stringify(Object.fromEntries(entries));
}

