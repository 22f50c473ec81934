/**
 * Generating a document from a template (metadata/templates/<name>.docx + .json): the record
 * and everything the template reads are loaded (within the caller's read scope), the .docx is
 * filled, stored as a file (sys_file + its bytes), attached to the record's file field when
 * the template says so, and recorded in the record's history — all in one transaction.
 */
import type { Access } from '../access/access.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { toPredicate } from '../condition/condition.js';
import { quoteIdent, type Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import { renderTemplate, templatePaths } from '../expression/template.js';
import type { Condition, DocumentTemplate } from '../generated/metadata.js';
import { addTextPaths, bindTags, docxTags, DocxTemplateError, type Needs } from '../metadata/docx-template.js';
import { ROOT_ALIAS } from '../query/condition-sql.js';
import { SqlParams } from '../query/sql.js';
import { writeAudit } from '../records/audit.js';
import { toApiRecord } from '../records/record-mapping.js';
import { assertUuid, updateRecord, type Actor, type RecordWriteHook } from '../records/records.service.js';
import { fillDocx, modelSchema, RecordNode, type RefState } from './fill.js';
import type { FormatContext } from './format.js';
import { storeFile } from './files.service.js';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Rows of a related list a document shows at most (a table of thousands of rows is not a document). */
export const MAX_LIST_ROWS = 1000;

export interface GenerateInput {
  template: string;
  entity: string;
  id: string;
  /** One of the application's locales; default: the caller's language, else the application's default. */
  locale?: string | undefined;
}

export interface GenerateOptions {
  actor: Actor;
  /** The caller's access; absent for the runtime's own work (a workflow's service task). */
  access?: Access;
  hooks?: readonly RecordWriteHook[];
  now?: Date;
}

export interface GeneratedDocument {
  file: { id: string; name: string; mimeType: string; size: number; url: string };
  record: { entity: string; id: string; version: number };
  template: string;
  locale: string;
  /** The file field the document was put in, if the template names one. */
  attachedTo: string | null;
}

export interface CompiledTemplate {
  name: string;
  def: DocumentTemplate;
  docx: Buffer;
  needs: Needs;
}

const compiled = new WeakMap<CompiledModel, Map<string, CompiledTemplate>>();

/** The model's template by name, its tags bound once per model. */
export function templateOf(model: CompiledModel, name: string): CompiledTemplate {
  let byName = compiled.get(model);
  if (!byName) compiled.set(model, (byName = new Map()));
  const known = byName.get(name);
  if (known) return known;
  const t = model.templates.find((x) => x.name === name);
  if (!t) throw new CardoError('CARDO_ERR_DOCUMENT_TEMPLATE_UNKNOWN', `There is no document template "${name.slice(0, 64)}".`);
  if (!t.docx) throw new CardoError('CARDO_ERR_DOCUMENT_TEMPLATE_BROKEN', `templates/${t.name}.docx is missing.`);
  let needs: Needs;
  try {
    const bound = bindTags(modelSchema(model), t.def.entity, docxTags(t.docx));
    if (bound.problems.length > 0) throw new DocxTemplateError(bound.problems.map((p) => p.error));
    needs = bound.needs;
  } catch (error) {
    // Validated metadata never gets here; a template broken on disk is the consultant's to fix.
    if (error instanceof DocxTemplateError) throw new CardoError('CARDO_ERR_DOCUMENT_TEMPLATE_BROKEN', `templates/${t.name}.docx: ${error.problems.join(' ')}`);
    throw error;
  }
  addTextPaths(modelSchema(model), t.def.entity, templatePaths(t.def.fileName), needs);
  const out: CompiledTemplate = { name: t.name, def: t.def, docx: t.docx, needs };
  byName.set(name, out);
  return out;
}

/** Whether the template is offered for this record (its `when` condition). */
export function templateApplies(template: CompiledTemplate, record: Readonly<Record<string, unknown>>, me: string | null, now: Date): boolean {
  return !template.def.when || toPredicate(template.def.when as Condition, { me, now })(record);
}

/** The templates of an entity, each with whether it applies to the record. */
export function templatesFor(model: CompiledModel, entity: string): CompiledTemplate[] {
  return model.templates.filter((t) => t.def.entity === entity && t.docx).map((t) => templateOf(model, t.name));
}

export function chooseLocale(model: CompiledModel, requested: string | undefined, userLocale: string | null | undefined): string {
  if (requested !== undefined) {
    if (!model.locales.includes(requested)) throw new CardoError('CARDO_ERR_API_VALIDATION', `locale must be one of ${model.locales.join(', ')}.`, { errors: [{ path: '/locale', message: `Must be one of ${model.locales.join(', ')}.` }] });
    return requested;
  }
  return userLocale && model.locales.includes(userLocale) ? userLocale : model.defaultLocale;
}

export async function generateDocument(db: Db, model: CompiledModel, input: GenerateInput, options: GenerateOptions): Promise<GeneratedDocument> {
  const now = options.now ?? new Date();
  const { access } = options;
  const template = templateOf(model, input.template);
  const entity = access ? access.entity(input.entity) : model.entities.get(input.entity);
  if (!entity) throw new CardoError('CARDO_ERR_API_UNKNOWN_ENTITY', `There is no entity "${input.entity.slice(0, 64)}".`);
  if (template.def.entity !== entity.name) throw new CardoError('CARDO_ERR_DOCUMENT_TEMPLATE_ENTITY', `The template "${template.name}" fills ${template.def.entity} records, not ${entity.name}.`, { errors: [{ path: '/entity', message: `Must be ${template.def.entity}.` }] });
  assertUuid(input.id);
  const attachTo = template.def.attachTo ?? null;
  return db.transaction(async (tx) => {
    const [row] = await tx.query(`SELECT * FROM ${quoteIdent(entity.table)} WHERE id = $1 FOR UPDATE`, [input.id]);
    if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${entity.name} ${input.id}.`);
    if (access) {
      // Generating changes the record (its file, its history): the caller must be able to update it.
      access.assertRow(entity, 'update', row, input.id);
      if (attachTo) access.assertWritableFields(entity, { [attachTo]: null });
    }
    const record = toApiRecord(entity, row);
    if (!templateApplies(template, record, options.actor.userId, now)) {
      throw new CardoError('CARDO_ERR_DOCUMENT_NOT_APPLICABLE', `The template "${template.name}" is for ${entity.name} records where ${JSON.stringify(template.def.when)}.`);
    }
    const locale = chooseLocale(model, input.locale, await userLocale(tx, options.actor.userId));
    const ctx: FormatContext = { locale, defaultLocale: model.defaultLocale, timeZone: model.app.timezone ?? 'UTC' };
    const root = await loadNode(tx, model, entity, record, template.needs, access);
    let filled: ReturnType<typeof fillDocx>;
    try {
      filled = fillDocx(model, template.docx, root, ctx);
    } catch (error) {
      if (error instanceof DocxTemplateError) throw new CardoError('CARDO_ERR_DOCUMENT_TEMPLATE_BROKEN', `templates/${template.name}.docx: ${error.problems.join(' ')}`);
      throw error;
    }
    if (filled.missing.length > 0) {
      const list = filled.missing.map((m) => m.path).join(', ');
      throw new CardoError('CARDO_ERR_DOCUMENT_MISSING_VALUES', `The document cannot be filled: ${list} ${filled.missing.length === 1 ? 'has' : 'have'} no value. Fill ${filled.missing.length === 1 ? 'it' : 'them'} in, or mark the placeholder optional ({{path?}}) in the template.`, {
        errors: filled.missing.map((m) => ({ path: `/${m.path.replaceAll('.', '/')}`, message: m.message })),
        extra: { missing: filled.missing },
      });
    }
    const name = `${fileNameOf(renderTemplate(template.def.fileName, root.toPlain(), { format: (v) => String(v) }), template.name)}.docx`;
    const file = await storeFile(tx, model, { name, mimeType: DOCX_MIME, bytes: filled.bytes, recordEntity: entity.name, recordId: record.id }, { actor: options.actor, now, ...(access ? { access } : {}) });
    let version = record.version;
    if (attachTo) {
      const updated = await updateRecord(tx, model, entity, record.id, { [attachTo]: file.id }, record.version, { actor: options.actor, now, ...(access ? { access } : {}), ...(options.hooks ? { hooks: options.hooks } : {}) });
      version = updated.version;
    }
    const actor = access ? access.actorFor(record.owner) : options.actor;
    await writeAudit(tx, { entity: entity.name, recordId: record.id, action: 'generate', actor, changes: { document: { from: null, to: { template: template.name, file: file.id, name, locale } } }, now });
    return {
      file: { id: file.id, name, mimeType: DOCX_MIME, size: filled.bytes.length, url: `/api/files/${file.id}` },
      record: { entity: entity.name, id: record.id, version },
      template: template.name,
      locale,
      attachedTo: attachTo,
    };
  });
}

async function userLocale(db: Db, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const [row] = await db.query<{ locale: string | null }>('SELECT locale FROM sys_user WHERE id = $1', [userId]);
  return row?.locale ?? null;
}

/** A file name safe on every system: no path separators, control or reserved characters. */
export function fileNameOf(text: string, fallback: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  const clean = text.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^[.\s]+|[.\s]+$/g, '');
  return (clean || fallback).slice(0, 200);
}

/** A row of an entity within the caller's read scope, or why there is none. */
async function loadRef(db: Db, target: EntityModel, id: unknown, access: Access | undefined): Promise<Record<string, unknown> | 'none' | 'forbidden'> {
  if (typeof id !== 'string' || id === '') return 'none';
  const [row] = await db.query(`SELECT * FROM ${quoteIdent(target.table)} WHERE id = $1`, [id]);
  if (!row) return 'none';
  if (access && !access.canRow(target.name, 'read', row)) return 'forbidden';
  return row;
}

/** The record with the references and related lists the template needs, as the caller may see them. */
async function loadNode(db: Db, model: CompiledModel, entity: EntityModel, record: Record<string, unknown>, needs: Needs, access: Access | undefined): Promise<RecordNode> {
  const node = new RecordNode(entity, record as RecordNode['record'], access ? access.fieldRules(entity.name).hidden : new Set());
  for (const [name, sub] of needs.refs) {
    const target = model.entities.get(sub.entity);
    if (!target) continue;
    const row = node.hidden.has(name) ? 'forbidden' : await loadRef(db, target, record[name], access);
    let state: RefState = row === 'none' || row === 'forbidden' ? row : 'none';
    if (typeof row === 'object') state = await loadNode(db, model, target, toApiRecord(target, row), sub, access);
    node.refs.set(name, state);
  }
  for (const [name, sub] of needs.lists) {
    const target = model.entities.get(sub.entity);
    const via = target?.field.get(sub.via);
    if (!target || !via) continue;
    if (access && !access.can(target.name, 'read')) {
      node.lists.set(name, []);
      continue;
    }
    const params = new SqlParams();
    const scope = access ? ` AND ${access.scopeSql(target.name, 'read', params)}` : '';
    const rows = await db.query(
      `SELECT * FROM ${quoteIdent(target.table)} AS ${quoteIdent(ROOT_ALIAS)} WHERE ${quoteIdent(ROOT_ALIAS)}.${quoteIdent(via.column)} = ${params.add(record.id)}${scope} ORDER BY ${quoteIdent(ROOT_ALIAS)}.created_at, ${quoteIdent(ROOT_ALIAS)}.id LIMIT ${MAX_LIST_ROWS}`,
      params.values,
    );
    const items: RecordNode[] = [];
    for (const r of rows) items.push(await loadNode(db, model, target, toApiRecord(target, r), sub, access));
    node.lists.set(name, items);
  }
  return node;
}
