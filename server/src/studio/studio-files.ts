import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CardoError, type Problem } from '../errors.js';
import { fileKindOf, loadMetadataDir, parseJson, type FileKind } from '../metadata/load.js';
import { serializeMetadata } from '../metadata/serialize.js';

/** One file of the metadata tree as the studio's explorer lists it. */
export interface StudioFileEntry {
  path: string;
  kind: FileKind;
  name: string;
  size: number;
}

/** A file's content: JSON files carry the parsed value (when it parses), BPMN its text; .docx only its size. */
export interface StudioFile extends StudioFileEntry {
  /** sha256 of the bytes on disk: send it back as If-Match so a concurrent edit is not overwritten. */
  etag: string;
  content?: string;
  json?: unknown;
}

/** Files the studio edits as text; .docx templates are binary and uploaded another way (not yet). */
const TEXT_KINDS: ReadonlySet<FileKind> = new Set(['app', 'roles', 'entity', 'automation', 'notification', 'calendar', 'report', 'template', 'workflow']);

export const etagOf = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

export async function listStudioFiles(dir: string): Promise<StudioFileEntry[]> {
  const { files } = await loadMetadataDir(dir);
  return files.map((f) => ({ path: f.path, kind: f.kind, name: f.name, size: f.bytes.length }));
}

/**
 * The absolute path of a metadata file named by a relative path from the URL; refuses
 * anything that is not plainly one of the known kinds of file inside the metadata directory
 * (.., absolute paths, backslashes, dot files, symlinks out of the directory).
 */
export async function resolveMetadataPath(dir: string, relative: string): Promise<{ file: string; kind: FileKind; name: string }> {
  const segments = relative.split('/');
  if (relative === '' || relative.includes('\\') || relative.includes('\0') || segments.some((s) => s === '' || s.startsWith('.'))) {
    throw new CardoError('CARDO_ERR_STUDIO_PATH', `"${relative}" is not a path inside the metadata directory.`);
  }
  const kind = fileKindOf(relative);
  if (!kind) throw new CardoError('CARDO_ERR_META_UNKNOWN_FILE', `${relative} is not a metadata file: expected app.json, roles.json, entities/*.json, automations/*.json, notifications/*.json, calendars/*.json, reports/*.json, templates/*.json|docx or workflows/*.bpmn.`);
  const root = await realpath(dir);
  const file = path.join(root, ...segments);
  // The folder may not exist yet (a first automation); what exists of it must be inside root.
  const parent = await realpath(path.dirname(file)).catch(() => null);
  if (parent !== null && parent !== root && !parent.startsWith(root + path.sep)) throw new CardoError('CARDO_ERR_STUDIO_PATH', `"${relative}" leads outside the metadata directory.`);
  const real = await realpath(file).catch(() => null);
  if (real !== null && !real.startsWith(root + path.sep)) throw new CardoError('CARDO_ERR_STUDIO_PATH', `"${relative}" leads outside the metadata directory.`);
  return { file, kind, name: path.posix.basename(relative).replace(/\.(json|docx|bpmn)$/, '') };
}

export async function readStudioFile(dir: string, relative: string): Promise<StudioFile> {
  const { file, kind, name } = await resolveMetadataPath(dir, relative);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'EISDIR') throw new CardoError('CARDO_ERR_STUDIO_FILE_NOT_FOUND', `${relative} does not exist.`);
    throw error;
  });
  const out: StudioFile = { path: relative, kind, name, size: bytes.length, etag: etagOf(bytes) };
  if (!TEXT_KINDS.has(kind)) return out;
  out.content = bytes.toString('utf8');
  if (relative.endsWith('.json')) {
    const parsed = parseJson(relative, out.content);
    if (parsed.tree) out.json = parsed.json;
  }
  return out;
}

/** What a PUT carries: the JSON value of a .json file, or the text of a file. */
export interface StudioWrite {
  json?: unknown;
  content?: string;
}

/**
 * Writes one file. JSON goes through the canonical serializer, so the bytes are the ones
 * `cardo format` would write for the same value. The file must parse and be of a known kind;
 * whether the metadata as a whole is valid is reported by the caller, not required: a
 * consultant saves drafts whose cross-references are completed in the next edit, and publishing
 * refuses invalid metadata anyway.
 */
export async function writeStudioFile(dir: string, relative: string, body: StudioWrite, ifMatch: string | undefined): Promise<{ file: StudioFile; created: boolean; changed: boolean }> {
  const { file, kind, name } = await resolveMetadataPath(dir, relative);
  if (!TEXT_KINDS.has(kind)) throw new CardoError('CARDO_ERR_STUDIO_BINARY', `${relative} is a binary file; the studio does not edit it as text.`);
  const previous = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (ifMatch !== undefined && ifMatch !== '*' && (previous === null || etagOf(previous) !== ifMatch.replace(/^"|"$/g, ''))) {
    throw new CardoError('CARDO_ERR_STUDIO_STALE', `${relative} was changed since it was read; reload it and apply the edit again.`, { extra: previous ? { etag: etagOf(previous) } : {} });
  }
  let text: string;
  if (relative.endsWith('.json')) {
    let value = body.json;
    if (value === undefined) {
      const parsed = parseJson(relative, body.content ?? '');
      if (!parsed.tree) throw new CardoError('CARDO_ERR_META_JSON_SYNTAX', parsed.problems[0]?.message ?? 'The content is not JSON.', { extra: { problems: parsed.problems } });
      value = parsed.json;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CardoError('CARDO_ERR_STUDIO_NOT_AN_OBJECT', `${relative} must hold a JSON object.`);
    text = serializeMetadata(kind, value);
  } else {
    if (typeof body.content !== 'string') throw new CardoError('CARDO_ERR_API_VALIDATION', `${relative} is written as text: send {content: string}.`, { errors: [{ path: '/content', message: 'Required for this kind of file.' }] });
    text = body.content;
  }
  const changed = previous === null || previous.toString('utf8') !== text;
  if (changed) {
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename: a reader (the planner, git) never sees half a file.
    // A dot file, so a concurrent load of the directory skips it.
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    await writeFile(temp, text);
    await rename(temp, file);
  }
  const size = (await stat(file)).size;
  const out: StudioFile = { path: relative, kind, name, size, etag: etagOf(text), content: text };
  if (relative.endsWith('.json')) out.json = JSON.parse(text) as unknown;
  return { file: out, created: previous === null, changed };
}

/** The problems of the metadata that concern one file, for the editor to show next to it. */
export function problemsOf(problems: readonly Problem[], relative: string): Problem[] {
  return problems.filter((p) => p.file === relative);
}
