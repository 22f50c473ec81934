import type { Problem } from '../errors.js';
import { loadMetadataDir, loadMetadataSources, parseJson, type MetadataFile } from '../metadata/load.js';
import { validateFiles } from '../metadata/validate.js';
import { compile, type CompiledModel, type MetadataSource } from './compile.js';

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
  return compileLoaded(loaded);
}

/** The same from files given as paths and bytes (an applied version stored in the database). */
export async function loadModelFromSources(sources: readonly MetadataSource[]): Promise<{ model?: CompiledModel; problems: Problem[] }> {
  return compileLoaded(loadMetadataSources(sources));
}

async function compileLoaded(loaded: { files: MetadataFile[]; problems: Problem[] }): Promise<{ model?: CompiledModel; problems: Problem[] }> {
  const { set, problems } = await validateFiles(loaded.files);
  const all = [...loaded.problems, ...problems];
  if (all.length > 0) return { problems: all };
  return { model: compile(set, loaded.files), problems: [] };
}
