import { execFile } from 'node:child_process';
import { appendFile, copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';

const run = promisify(execFile);
const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** Each generator and the committed file it writes: the metadata types, the studio's standalone validators. */
const GENERATED: Array<[string, string, string]> = [
  ['metadata types', here('../scripts/gen-types.mjs'), here('../src/generated/metadata.ts')],
  ['studio meta-schema validators', here('../scripts/gen-validators.mjs'), here('../../studio/src/generated/meta-validators.ts')],
];

async function check(script: string, file?: string): Promise<number> {
  try {
    await run(process.execPath, [script, '--check', ...(file ? [file] : [])]);
    return 0;
  } catch (error) {
    return (error as { code: number }).code;
  }
}

describe.each(GENERATED)('generated %s', (_, script, generated) => {
  it('are up to date with server/schema (run `npm run gen --workspace server` after changing a schema)', async () => {
    expect(await check(script)).toBe(0);
  }, 30_000);

  it('are reported stale when they differ from what the schema gives', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cardo-gen-'));
    const copy = path.join(dir, path.basename(generated));
    await copyFile(generated, copy);
    await appendFile(copy, 'export type Edited = true;\n');
    expect(await check(script, copy)).toBe(1);
    await rm(dir, { recursive: true });
  }, 30_000);

  it('say they are generated in their first line', async () => {
    expect((await readFile(generated, 'utf8')).split('\n')[0]).toMatch(/^\/\/ Generated .* do not edit\.$/);
  });
});

describe('studio meta-schema validators', () => {
  it('compile nothing at runtime and require nothing (the studio CSP is script-src \'self\')', async () => {
    const text = await readFile(GENERATED[1]![2], 'utf8');
    expect(text).not.toMatch(/new Function|\beval\(|require\(/);
  });
});
