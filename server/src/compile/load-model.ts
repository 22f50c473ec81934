import type { Problem } from '../errors.js';
import { loadMetadataDir, parseJson, type MetadataFile } from '../metadata/load.js';
import { validateFiles } from '../metadata/validate.js';
import { compile, type CompiledModel } from './compile.js';

/** A JSON file's text used instead of the one on disk (or added): the studio's unsaved draft. */
export interface DraftFile {
  path: string;
  kind: MetadataFile['kind'];
  name: string;
  text: string;
}

/** load → validate → compile a metadata directory: a model, or every problem. */
export async function loadModel(dir: string, draft?: DraftFile): Promise<{ model?: CompiledModel; problems: Problem[] }> {
  const loaded = await loadMetadataDir(dir);
  if (draft) {
    const parsed = parseJson(draft.path, draft.text);
    const file: MetadataFile = { path: draft.path, kind: draft.kind, name: draft.name, bytes: Buffer.from(draft.text), ...(parsed.tree ? { json: parsed.json, tree: parsed.tree } : {}) };
    loaded.files = [...loaded.files.filter((f) => f.path !== draft.path), file];
    loaded.problems = [...loaded.problems.filter((p) => p.file !== draft.path), ...parsed.problems];
  }
  const { set, problems } = await validateFiles(loaded.files);
  const all = [...loaded.problems, ...problems];
  if (all.length > 0) return { problems: all };
  return { model: compile(set, loaded.files), problems: [] };
}
