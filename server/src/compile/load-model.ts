import type { Problem } from '../errors.js';
import { loadMetadataDir, loadMetadataSources, type MetadataFile } from '../metadata/load.js';
import { validateFiles } from '../metadata/validate.js';
import { compile, type CompiledModel, type MetadataSource } from './compile.js';

/** load → validate → compile a metadata directory: a model, or every problem. */
export async function loadModel(dir: string): Promise<{ model?: CompiledModel; problems: Problem[] }> {
  return compileLoaded(await loadMetadataDir(dir));
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
