import type { Problem } from '../errors.js';
import { loadMetadataDir } from '../metadata/load.js';
import { validateFiles } from '../metadata/validate.js';
import { compile, type CompiledModel } from './compile.js';

/** load → validate → compile a metadata directory: a model, or every problem. */
export async function loadModel(dir: string): Promise<{ model?: CompiledModel; problems: Problem[] }> {
  const loaded = await loadMetadataDir(dir);
  const { set, problems } = await validateFiles(loaded.files);
  const all = [...loaded.problems, ...problems];
  if (all.length > 0) return { problems: all };
  return { model: compile(set, loaded.files), problems: [] };
}
