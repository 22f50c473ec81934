import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APP_METADATA_DIR } from './app-db.js';

export interface MetadataRepo {
  /** The repository root; the metadata is one level down, as in the real repository. */
  repo: string;
  dir: string;
  git(...args: string[]): string;
  remove(): Promise<void>;
}

/** A copy of metadata/ committed in a new temporary git repository, for the studio's tests. */
export async function metadataRepo(prefix: string): Promise<MetadataRepo> {
  const repo = await mkdtemp(path.join(tmpdir(), prefix));
  const dir = path.join(repo, 'metadata');
  await cp(APP_METADATA_DIR, dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
  return { repo, dir, git, remove: () => rm(repo, { recursive: true, force: true }) };
}
