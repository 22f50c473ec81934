import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { minimalMetadata, writeFixture } from '../helpers/metadata-fixture.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/cardo.js', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The built `cardo` command with the embedded database: no DATABASE_URL. */
async function cardo(args: string[], env: Record<string, string>) {
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...rest, ...env }, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('cardo start on the embedded database', () => {
  it('validates the metadata, opens PGlite in CARDO_DATA_DIR, and says what it does not serve', async () => {
    const metadata = await writeFixture(minimalMetadata());
    const data = await mkdtemp(path.join(tmpdir(), 'cardo-data-'));
    dirs.push(metadata, data);
    const result = await cardo(['start'], { CARDO_METADATA_DIR: metadata, CARDO_DATA_DIR: data });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^metadata: .* — 2 entities, 2 roles/m);
    expect(result.stdout).toMatch(/^database: embedded PGlite in .*pglite \(PostgreSQL \d+\.\d+.*\) — reachable$/m);
    expect(result.stdout).toMatch(/nothing is served/);
    expect(existsSync(path.join(data, 'pglite', 'PG_VERSION'))).toBe(true);
  }, 90_000);

  it('refuses to start on invalid metadata, naming the problem', async () => {
    const files = minimalMetadata() as Record<string, { fields: Array<{ type: string }> }>;
    (files['entities/client.json'] as { fields: Array<{ type: string }> }).fields[0]!.type = 'varchar';
    const metadata = await writeFixture(files);
    const data = await mkdtemp(path.join(tmpdir(), 'cardo-data-'));
    dirs.push(metadata, data);
    const result = await cardo(['start'], { CARDO_METADATA_DIR: metadata, CARDO_DATA_DIR: data });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/entities\/client\.json:\/fields\/0\/type CARDO_ERR_META_SCHEMA/);
    expect(existsSync(path.join(data, 'pglite'))).toBe(false);
  }, 60_000);
});
