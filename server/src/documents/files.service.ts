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
import { assertUuid, createRecord, type Actor } from '../records/records.service.js';

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
