// Where the built runtime lives, and its modules the harness imports. The bench measures
// the real server (server/dist, built by `npm run build`), never a copy of its logic.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BENCH_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = path.dirname(BENCH_DIR);
export const METADATA_DIR = path.join(ROOT_DIR, 'metadata');

/** server/dist unless CARDO_BENCH_DIST points elsewhere (a scratch build of the same sources). */
export function distDir() {
  return path.resolve(process.env.CARDO_BENCH_DIST ?? path.join(ROOT_DIR, 'server', 'dist'));
}

/** Imports `<dist>/<relative>`; a missing build is a clear message, not a stack trace. */
export async function importDist(relative) {
  const file = path.join(distDir(), relative);
  if (!existsSync(file)) {
    throw new Error(`${file} does not exist: build the server first (npm run build).`);
  }
  return import(pathToFileURL(file).href);
}

/** The compiled CRM model (load → validate → compile), as the runtime builds it. */
export async function loadCompiledModel(metadataDir = METADATA_DIR) {
  const { loadModel } = await importDist('compile/load-model.js');
  const { model, problems } = await loadModel(metadataDir);
  if (!model) throw new Error(`metadata in ${metadataDir} has ${problems.length} problem(s); run npm run validate`);
  return model;
}
