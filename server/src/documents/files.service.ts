/**
 * Stored files: a sys_file record (name, type, size, the record it belongs to) and its bytes
 * in sys_file_content, written in the caller's transaction. Who may download a file: whoever
 * may read the sys_file record (roles' sys_file scope), or may read the record it is attached
 * to — a document's file is readable by whoever reads the document.
 */
import type { Access } from '../access/access.js';
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { quoteIdent, type Db } from '../db/db.js';
import { CardoError } from '../errors.js';
import type { ApiRecord } from '../records/record-mapping.js';
import { assertUuid, createRecord, updateRecord, type Actor, type RecordWriteHook } from '../records/records.service.js';

/** storageKey of files whose bytes are in sys_file_content. */
export const DB_STORAGE = 'db';

export interface NewFile {
  name: string;
  mimeType: string;
  bytes: Buffer;
  recordEntity: string | null;
  recordId: string | null;
}

/** Creates the sys_file record and stores its bytes, in the transaction `tx`. */
export async function storeFile(tx: Db, model: CompiledModel, file: NewFile, options: { actor: Actor; now: Date; access?: Access }): Promise<ApiRecord> {
  const sysFile = model.entities.get('sys_file') as EntityModel;
  const record = await createRecord(tx, model, sysFile, { name: file.name, mimeType: file.mimeType, size: file.bytes.length, recordEntity: file.recordEntity, recordId: file.recordId, storageKey: DB_STORAGE }, options);
  await tx.query('INSERT INTO sys_file_content (file_id, content) VALUES ($1, $2)', [record.id, file.bytes]);
  return record;
}

export interface StoredFile {
  id: string;
  name: string;
  mimeType: string;
  bytes: Buffer;
}

/** A file the caller may read with its bytes; 404 for one they may not (never 403: it would confirm it exists). */
export async function readFile(db: Db, model: CompiledModel, id: string, access: Access | undefined): Promise<StoredFile> {
  assertUuid(id);
  const notFound = () => new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no file ${id}.`);
  const [row] = await db.query<Record<string, unknown>>('SELECT f.*, c.content FROM sys_file f LEFT JOIN sys_file_content c ON c.file_id = f.id WHERE f.id = $1', [id]);
  if (!row) throw notFound();
  if (access && !access.canRow('sys_file', 'read', row) && !(await attachedRecordReadable(db, model, row, access))) throw notFound();
  if (row.content === null || row.content === undefined) throw notFound();
  return { id, name: String(row.name), mimeType: typeof row.mime_type === 'string' && row.mime_type !== '' ? row.mime_type : 'application/octet-stream', bytes: Buffer.from(row.content as Uint8Array) };
}

async function attachedRecordReadable(db: Db, model: CompiledModel, row: Readonly<Record<string, unknown>>, access: Access): Promise<boolean> {
  const entity = typeof row.record_entity === 'string' ? model.entities.get(row.record_entity) : undefined;
  if (!entity || typeof row.record_id !== 'string' || !access.can(entity.name, 'read')) return false;
  const [record] = await db.query(`SELECT owner FROM ${quoteIdent(entity.table)} WHERE id::text = $1`, [row.record_id]);
  return record !== undefined && access.canRow(entity.name, 'read', record);
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 8187). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** The largest upload, whatever a field allows (the bytes are held in memory and in one row). */
export const MAX_UPLOAD = 25 * 1024 * 1024;

export interface UploadInput {
  entity: string;
  id: string;
  /** A file field of the record that receives the file; without it the file is only attached to the record. */
  field?: string | undefined;
  name: string;
  mimeType: string;
  bytes: Buffer;
}

/** Whether a file name or type is among a field's accepted extensions (".pdf") and media types ("image/*"). */
export function accepts(accept: readonly string[] | undefined, name: string, mimeType: string): boolean {
  if (!accept || accept.length === 0) return true;
  const lowerName = name.toLowerCase();
  const type = mimeType.toLowerCase();
  return accept.some((a) => (a.startsWith('.') ? lowerName.endsWith(a) : a.endsWith('/*') ? type.startsWith(a.slice(0, -1)) : type === a));
}

/**
 * Stores an uploaded file for a record and, with `field`, puts it in that file field — in one
 * transaction, with the record's update access checked as for any edit.
 */
export async function uploadFile(db: Db, model: CompiledModel, input: UploadInput, options: { actor: Actor; access: Access; hooks?: readonly RecordWriteHook[]; now?: Date }): Promise<{ file: ApiRecord; version: number }> {
  const now = options.now ?? new Date();
  const { access } = options;
  const entity = access.entity(input.entity);
  assertUuid(input.id, '/query/id');
  const name = input.name.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (name === '' || name.length > 255 || /[\u0000-\u001f\u007f/\\]/.test(name)) {
    throw new CardoError('CARDO_ERR_API_VALIDATION', 'name must be a file name (1–255 characters, no path separators or control characters).', { errors: [{ path: '/query/name', message: 'Not a file name.' }] });
  }
  const field = input.field === undefined ? undefined : entity.field.get(input.field);
  if (input.field !== undefined && (!field || field.type !== 'file')) throw new CardoError('CARDO_ERR_API_VALIDATION', `${entity.name} has no file field "${input.field.slice(0, 64)}".`, { errors: [{ path: '/query/field', message: 'Not a file field.' }] });
  if (field && !accepts(field.def.accept, name, input.mimeType)) throw new CardoError('CARDO_ERR_FILE_TYPE', `${field.name} accepts ${(field.def.accept ?? []).join(', ')}; "${name}" (${input.mimeType}) is not one of them.`, { errors: [{ path: '/query/name', message: 'Not an accepted kind of file.' }] });
  const limit = Math.min(field?.def.maxSize ?? MAX_UPLOAD, MAX_UPLOAD);
  if (input.bytes.length > limit) throw new CardoError('CARDO_ERR_API_PAYLOAD_TOO_LARGE', `The file is ${input.bytes.length} bytes; at most ${limit} are accepted here.`, { extra: { maxSize: limit } });
  if (input.bytes.length === 0) throw new CardoError('CARDO_ERR_API_VALIDATION', 'The file is empty.', { errors: [{ path: '', message: 'Empty body.' }] });
  return db.transaction(async (tx) => {
    const [row] = await tx.query(`SELECT * FROM ${quoteIdent(entity.table)} WHERE id = $1 FOR UPDATE`, [input.id]);
    if (!row) throw new CardoError('CARDO_ERR_API_NOT_FOUND', `There is no ${entity.name} ${input.id}.`);
    access.assertRow(entity, 'update', row, input.id);
    if (field) access.assertWritableFields(entity, { [field.name]: null });
    const file = await storeFile(tx, model, { name, mimeType: input.mimeType, bytes: input.bytes, recordEntity: entity.name, recordId: input.id }, { actor: options.actor, now, access });
    let version = Number(row.version);
    if (field) version = (await updateRecord(tx, model, entity, input.id, { [field.name]: file.id }, version, { actor: options.actor, access, now, ...(options.hooks ? { hooks: options.hooks } : {}) })).version;
    return { file, version };
  });
}
