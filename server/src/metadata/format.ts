import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Problem } from '../errors.js';
import { loadMetadataDir } from './load.js';
import { serializeMetadata } from './serialize.js';

/** Rewrites every JSON metadata file canonically; with check, only reports what would change. */
export async function formatMetadataDir(dir: string, options: { check?: boolean } = {}): Promise<{ changed: string[]; problems: Problem[] }> {
  const { files, problems } = await loadMetadataDir(dir);
  const changed: string[] = [];
  for (const file of files) {
    if (file.json === undefined) continue;
    const text = serializeMetadata(file.kind, file.json);
    if (text === file.bytes.toString('utf8')) continue;
    changed.push(file.path);
    if (!options.check) await writeFile(path.join(dir, file.path), text);
  }
  return { changed, problems };
}
