import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Problem } from '../errors.js';
import { fileKindOf, type FileKind } from './file-kind.js';

export { fileKindOf, type FileKind };

export interface MetadataFile {
  /** Relative to the metadata directory, with forward slashes. */
  path: string;
  kind: FileKind;
  /** The file's name without directory and extension: the name it is referenced by. */
  name: string;
  bytes: Buffer;
  /** For JSON files that parsed: the value, and the syntax tree to find lines by pointer. */
  json?: unknown;
  tree?: Node;
}

/** Documentation and editor files that may sit in metadata/ without being metadata. */
const IGNORED = /(^|\/)(\.[^/]*|README\.md|[^/]*\.md)$/;

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(dir, prefix), { withFileTypes: true });
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (IGNORED.test(rel)) continue;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Parses JSON text, reporting every syntax error with its line and column. */
export function parseJson(file: string, text: string): { json?: unknown; tree?: Node; problems: Problem[] } {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  // After the first syntax error the rest are mostly its echoes: report the first only.
  const problems: Problem[] = errors.slice(0, 1).map((error) => {
    const { line, column } = lineColumn(text, error.offset);
    return {
      code: 'CARDO_ERR_META_JSON_SYNTAX',
      file,
      pointer: '',
      line,
      column,
      message: `line ${line}, column ${column}: ${describeParseError(printParseErrorCode(error.error))}`,
    };
  });
  if (tree) problems.push(...duplicateKeys(file, text, tree));
  if (problems.length > 0 || !tree) return { problems };
  return { json: JSON.parse(text) as unknown, tree, problems };
}

function describeParseError(code: string): string {
  const words = code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** JSON.parse silently keeps the last of duplicate keys; a metadata file must not have any. */
function duplicateKeys(file: string, text: string, node: Node, pointer = ''): Problem[] {
  const problems: Problem[] = [];
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode) continue;
      const key = String(keyNode.value);
      const childPointer = `${pointer}/${escapePointer(key)}`;
      if (seen.has(key)) {
        const { line, column } = lineColumn(text, keyNode.offset);
        problems.push({ code: 'CARDO_ERR_META_JSON_SYNTAX', file, pointer: childPointer, line, column, message: `line ${line}, column ${column}: Duplicate key "${key}"` });
      }
      seen.add(key);
      if (valueNode) problems.push(...duplicateKeys(file, text, valueNode, childPointer));
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, i) => problems.push(...duplicateKeys(file, text, child, `${pointer}/${i}`)));
  }
  return problems;
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function escapePointer(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** One file's bytes as a metadata file (JSON parsed), or the problems that make it none. */
function toMetadataFile(rel: string, bytes: Buffer): { file?: MetadataFile; problems: Problem[] } {
  const kind = fileKindOf(rel);
  if (!kind) {
    return { problems: [{ code: 'CARDO_ERR_META_UNKNOWN_FILE', file: rel, pointer: '', message: `${rel} is not a metadata file: expected app.json, roles.json, entities/*.json, automations/*.json, notifications/*.json, calendars/*.json, reports/*.json, templates/*.json|docx or workflows/*.bpmn.` }] };
  }
  const name = path.posix.basename(rel).replace(/\.(json|docx|bpmn)$/, '');
  const file: MetadataFile = { path: rel, kind, name, bytes };
  if (!rel.endsWith('.json')) return { file, problems: [] };
  const parsed = parseJson(rel, bytes.toString('utf8'));
  if (parsed.tree) {
    file.json = parsed.json;
    file.tree = parsed.tree;
  }
  return { file, problems: parsed.problems };
}

/** Metadata files given as paths and bytes (a directory's, or an applied version stored in the database). */
export function loadMetadataSources(sources: ReadonlyArray<{ path: string; bytes: Buffer }>): { files: MetadataFile[]; problems: Problem[] } {
  const files: MetadataFile[] = [];
  const problems: Problem[] = [];
  for (const source of sources) {
    const parsed = toMetadataFile(source.path, source.bytes);
    problems.push(...parsed.problems);
    if (parsed.file) files.push(parsed.file);
  }
  return { files, problems };
}

/** Reads every file of a metadata directory; JSON is parsed, other kinds are kept as bytes. */
export async function loadMetadataDir(dir: string): Promise<{ files: MetadataFile[]; problems: Problem[] }> {
  let paths: string[];
  try {
    paths = await listFiles(dir);
  } catch (error) {
    return { files: [], problems: [{ code: 'CARDO_ERR_META_READ', file: '', pointer: '', message: `Cannot read the metadata directory ${dir}: ${(error as Error).message}` }] };
  }
  // Files of an unknown kind are reported, not read.
  const sources = await Promise.all(paths.map(async (rel) => ({ path: rel, bytes: fileKindOf(rel) ? await readFile(path.join(dir, rel)) : Buffer.alloc(0) })));
  return loadMetadataSources(sources);
}
