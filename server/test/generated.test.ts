import { execFile } from 'node:child_process';
import { copyFile, appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/gen-types.mjs', import.meta.url));
const generated = fileURLToPath(new URL('../src/generated/metadata.ts', import.meta.url));

async function check(file?: string): Promise<number> {
  try {
    await run(process.execPath, [script, '--check', ...(file ? [file] : [])]);
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

describe('generated metadata types', () => {
  it('are up to date with server/schema (run `npm run gen` after changing a schema)', async () => {
    expect(await check()).toBe(0);
  }, 30_000);

  it('are reported stale when they differ from what the schema gives', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cardo-gen-'));
    const copy = path.join(dir, 'metadata.ts');
    await copyFile(generated, copy);
    await appendFile(copy, 'export type Edited = true;\n');
    expect(await check(copy)).toBe(1);
    await rm(dir, { recursive: true });
  }, 30_000);

  it('say they are generated in their first line', async () => {
    const { readFile } = await import('node:fs/promises');
    expect((await readFile(generated, 'utf8')).split('\n')[0]).toMatch(/^\/\/ Generated .* do not edit\.$/);
  });
});
