import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { CardoError } from '../errors.js';

/** One changed path under the metadata directory, relative to it. */
export interface GitChange {
  path: string;
  /** Two-letter porcelain status: index then work tree (`??` untracked, ` M` modified, `A ` added…). */
  status: string;
}

export interface GitStatus {
  branch: string | null;
  head: string | null;
  changes: GitChange[];
}

/** git's empty tree: what a repository without commits is compared to. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const MAX_OUTPUT = 32 * 1024 * 1024;

interface Run {
  stdout: string;
  code: number;
}

/** git with arguments as an array (no shell), in the metadata directory; never prompts. */
function git(cwd: string, args: readonly string[], options: { env?: Record<string, string>; okCodes?: readonly number[] } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, maxBuffer: MAX_OUTPUT, timeout: 60_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...options.env } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (error && !(options.okCodes ?? []).includes(code)) {
        reject(new CardoError('CARDO_ERR_STUDIO_GIT', `git ${args[0] ?? ''} failed: ${String(stderr).trim().split('\n').slice(-3).join(' ') || error.message}`));
        return;
      }
      resolve({ stdout: String(stdout), code });
    });
  });
}

/** The repository the metadata directory belongs to, with the directory's path inside it. */
async function repositoryOf(dir: string): Promise<{ cwd: string; prefix: string }> {
  const cwd = await realpath(dir);
  const inside = await git(cwd, ['rev-parse', '--is-inside-work-tree'], { okCodes: [128] }).catch(() => ({ stdout: '', code: 128 }));
  if (inside.code !== 0 || inside.stdout.trim() !== 'true') throw new CardoError('CARDO_ERR_STUDIO_NOT_GIT', `The metadata directory ${dir} is not inside a git repository; run git init there (or in a parent) to track changes.`);
  const prefix = (await git(cwd, ['rev-parse', '--show-prefix'])).stdout.trim();
  return { cwd, prefix };
}

async function headOf(cwd: string): Promise<string | null> {
  const head = await git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD'], { okCodes: [1, 128] });
  return head.code === 0 ? head.stdout.trim() : null;
}

/** Changed, added and untracked files under the metadata directory (paths relative to it). */
export async function gitStatus(dir: string): Promise<GitStatus> {
  const { cwd, prefix } = await repositoryOf(dir);
  const out = await git(cwd, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', '.']);
  const changes: GitChange[] = [];
  const entries = out.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] ?? '';
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    const file = entry.slice(3);
    // A rename is followed by its source path; the destination is what the studio shows.
    if (status.includes('R') || status.includes('C')) i++;
    changes.push({ path: file.startsWith(prefix) ? file.slice(prefix.length) : file, status });
  }
  const branch = (await git(cwd, ['symbolic-ref', '--short', '--quiet', 'HEAD'], { okCodes: [1, 128] })).stdout.trim() || null;
  return { branch, head: await headOf(cwd), changes };
}

/** A unified diff of the metadata directory against the last commit, untracked files included. */
export async function gitDiff(dir: string): Promise<string> {
  const { cwd } = await repositoryOf(dir);
  const base = (await headOf(cwd)) ?? EMPTY_TREE;
  const tracked = await git(cwd, ['diff', '--no-color', '--no-ext-diff', '--relative', base, '--', '.']);
  const untracked = (await git(cwd, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.'])).stdout.split('\0').filter(Boolean);
  const parts = [tracked.stdout];
  for (const file of untracked) {
    // --no-index exits with 1 when the files differ, which is always the case here.
    parts.push((await git(cwd, ['diff', '--no-color', '--no-ext-diff', '--no-index', '--', '/dev/null', file], { okCodes: [1] })).stdout);
  }
  return parts.join('');
}

/**
 * Commits every change under the metadata directory (and nothing else staged in the
 * repository) with the studio user as the author. The committer is git's configured identity,
 * or "Cardo studio" where none is configured.
 */
export async function gitCommit(dir: string, message: string, author: { name: string; email: string }): Promise<{ commit: string; files: GitChange[] }> {
  const { cwd } = await repositoryOf(dir);
  const { changes } = await gitStatus(dir);
  if (changes.length === 0) throw new CardoError('CARDO_ERR_STUDIO_NOTHING_TO_COMMIT');
  await git(cwd, ['add', '--all', '--', '.']);
  const configured = (await git(cwd, ['config', 'user.email'], { okCodes: [1] })).stdout.trim();
  const env: Record<string, string> = { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email };
  if (!configured) Object.assign(env, { GIT_COMMITTER_NAME: 'Cardo studio', GIT_COMMITTER_EMAIL: 'studio@cardo.invalid' });
  // Paths given to commit: only the metadata directory is committed, whatever else is staged.
  await git(cwd, ['commit', '--quiet', '--no-edit', '-m', message, '--', '.'], { env });
  return { commit: (await headOf(cwd)) ?? '', files: changes };
}

/** One commit that changed a file, newest first. */
export interface GitLogEntry {
  commit: string;
  author: string;
  /** ISO-8601 author date. */
  date: string;
  subject: string;
}

/**
 * The history of one metadata file (followed across renames), newest first; empty while the
 * repository has no commits. `file` is a path relative to the metadata directory, already
 * checked to be one of its files.
 */
export async function gitLog(dir: string, file: string, limit: number): Promise<GitLogEntry[]> {
  const { cwd } = await repositoryOf(dir);
  if ((await headOf(cwd)) === null) return [];
  // Fields and records separated by the ASCII unit and record separators, which subjects do not hold.
  const out = await git(cwd, ['log', '--follow', `--max-count=${limit}`, '--format=%H%x1f%an%x1f%aI%x1f%s%x1e', '--', file]);
  return out.stdout
    .split('\x1e')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((record) => {
      const [commit = '', author = '', date = '', subject = ''] = record.split('\x1f');
      return { commit, author, date, subject };
    });
}
