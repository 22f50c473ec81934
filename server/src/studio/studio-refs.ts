import { readFile, realpath, rename as move, unlink, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { CardoError } from '../errors.js';
import { DocxTemplateError, docxTags } from '../metadata/docx-template.js';
import { loadMetadataDir } from '../metadata/load.js';
import { indexReferences, type Item, type Reference } from '../metadata/references.js';
import { filesOf, itemExists, itemOfFile, planRename, type FileEdit, type Rename } from '../metadata/rename.js';
import { etagOf, resolveMetadataPath } from './studio-files.js';

/** Where an item is referenced, its own file(s) excluded when `outside` is set. */
export async function referencesOf(dir: string, item: Item): Promise<Reference[]> {
  const { files } = await loadMetadataDir(dir);
  if (!itemExists(files, item)) throw new CardoError('CARDO_ERR_STUDIO_FILE_NOT_FOUND', `There is no ${item.kind} "${item.entity ? `${item.entity}.` : ''}${item.name}".`);
  return (await indexReferences(files)).to(item);
}

/**
 * Deletes a metadata file (a template's .json and .docx together), refused with the list of
 * references while anything outside the item's own files refers to it.
 */
export async function deleteStudioFile(dir: string, relative: string, ifMatch: string | undefined): Promise<{ deleted: string[] }> {
  const { file, kind, name } = await resolveMetadataPath(dir, relative);
  const item = itemOfFile(kind, name);
  if (!item) throw new CardoError('CARDO_ERR_STUDIO_UNDELETABLE', `${relative} holds the application's ${kind === 'app' ? 'settings' : 'roles'}; it is edited, not deleted.`);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CardoError('CARDO_ERR_STUDIO_FILE_NOT_FOUND', `${relative} does not exist.`);
    throw error;
  });
  if (ifMatch !== undefined && ifMatch !== '*' && etagOf(bytes) !== ifMatch.replace(/^"|"$/g, '')) throw new CardoError('CARDO_ERR_STUDIO_STALE', `${relative} was changed since it was read; reload it first.`, { extra: { etag: etagOf(bytes) } });
  const { files } = await loadMetadataDir(dir);
  const own = new Set(filesOf(item));
  const references = (await indexReferences(files)).to(item).filter((r) => !own.has(r.file));
  if (references.length > 0) {
    throw new CardoError('CARDO_ERR_STUDIO_REFERENCED', `${relative} is referenced in ${references.length} place(s); remove or change them first.`, { extra: { references } });
  }
  const deleted = filesOf(item).filter((p) => files.some((f) => f.path === p));
  await writeEdits(dir, deleted.map((p) => ({ path: p, bytes: null })));
  return { deleted };
}

/** Renames an item and every reference to it, all files written as one operation. */
export async function renameItem(dir: string, rename: Rename): Promise<{ changed: Array<{ path: string; status: 'modified' | 'added' | 'deleted' }>; references: Reference[] }> {
  const { files } = await loadMetadataDir(dir);
  const { edits, references } = await planRename(files, rename);
  await writeEdits(dir, edits);
  const before = new Set(files.map((f) => f.path));
  return {
    changed: edits.map((e) => ({ path: e.path, status: e.bytes === null ? 'deleted' : before.has(e.path) ? 'modified' : 'added' })),
    references,
  };
}

export const MAX_TEMPLATE_BYTES = 5 * 1024 * 1024;
export const DOCX_TYPES = ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/octet-stream'];

/** Stores templates/<name>.docx after checking it is a Word document whose tags parse; whether its placeholders exist is validation's answer. */
export async function uploadTemplate(dir: string, name: string, bytes: Buffer, ifMatch: string | undefined): Promise<{ path: string; created: boolean; etag: string; size: number }> {
  const relative = `templates/${name}.docx`;
  const { file } = await resolveMetadataPath(dir, relative);
  // A .docx is a zip: refuse anything else before handing it to the template parser.
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) throw new CardoError('CARDO_ERR_STUDIO_DOCX', 'The file is not a .docx (Word) document.');
  try {
    docxTags(bytes);
  } catch (error) {
    if (!(error instanceof DocxTemplateError)) throw error;
    throw new CardoError('CARDO_ERR_STUDIO_DOCX', `The template cannot be read: ${error.problems.join('; ')}`, { extra: { problems: error.problems } });
  }
  const previous = await readFile(file).catch(() => null);
  if (ifMatch !== undefined && ifMatch !== '*' && (previous === null || etagOf(previous) !== ifMatch.replace(/^"|"$/g, ''))) {
    throw new CardoError('CARDO_ERR_STUDIO_STALE', `${relative} was changed since it was read; reload it first.`, { extra: previous ? { etag: etagOf(previous) } : {} });
  }
  await writeEdits(dir, [{ path: relative, bytes }]);
  return { path: relative, created: previous === null, etag: etagOf(bytes), size: bytes.length };
}

/**
 * Writes several files as one operation: every new content goes to a temporary dot file
 * first (a failure there changes nothing), then each is renamed in place and removed files
 * are unlinked; a failure in that second step puts back what was already replaced.
 */
export async function writeEdits(dir: string, edits: readonly FileEdit[]): Promise<void> {
  const root = await realpath(dir);
  const stamp = `${process.pid}.${Date.now()}`;
  const staged: Array<{ target: string; temp: string | null; previous: Buffer | null }> = [];
  try {
    for (const edit of edits) {
      const { file } = await resolveMetadataPath(root, edit.path);
      const previous = await readFile(file).catch(() => null);
      let temp: string | null = null;
      if (edit.bytes) {
        await mkdir(path.dirname(file), { recursive: true });
        temp = path.join(path.dirname(file), `.${path.basename(file)}.${stamp}.tmp`);
        await writeFile(temp, edit.bytes);
      }
      staged.push({ target: file, temp, previous });
    }
  } catch (error) {
    await Promise.all(staged.map((s) => (s.temp ? unlink(s.temp).catch(() => undefined) : undefined)));
    throw error;
  }
  const done: typeof staged = [];
  try {
    for (const s of staged) {
      if (s.temp) await move(s.temp, s.target);
      else await unlink(s.target).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
      done.push(s);
    }
  } catch (error) {
    for (const s of done.reverse()) {
      if (s.previous) await writeFile(s.target, s.previous).catch(() => undefined);
      else await unlink(s.target).catch(() => undefined);
    }
    await Promise.all(staged.filter((s) => !done.includes(s) && s.temp).map((s) => unlink(s.temp as string).catch(() => undefined)));
    throw error;
  }
}
