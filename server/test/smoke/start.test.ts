import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { minimalMetadata, writeFixture } from '../helpers/metadata-fixture.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/cardo.js', import.meta.url));
const metadataDir = fileURLToPath(new URL('../../../metadata/', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** The environment of a fresh machine: no DATABASE_URL, so the embedded PGlite. */
function embeddedEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { DATABASE_URL: _ignored, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'warn', ...env };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('cardo start on the embedded database (what `npm start` runs)', () => {
  it('serves the CRM with demo data: log in as a demo user and list counterparties', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'cardo-data-'));
    dirs.push(data);
    const port = await freePort();
    const child = spawn(process.execPath, [bin, 'start'], { env: embeddedEnv({ CARDO_METADATA_DIR: metadataDir, CARDO_DATA_DIR: data, PORT: String(port), CARDO_DEMO_PASSWORD: 'demo-password-1' }) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (output.includes('Cardo is running at')) {
            clearInterval(timer);
            resolve();
          }
          if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`cardo start exited: ${output}`));
          }
        }, 200);
      });
      expect(output).toMatch(/administrator: login "admin", password "[a-z0-9-]{20,}"/);
      expect(output).toMatch(/demo data: .*300 counterparty/);
      expect(output).toContain(`Cardo is running at http://127.0.0.1:${port}`);
      const base = `http://127.0.0.1:${port}`;
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'sales1', password: 'demo-password-1' }) });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const auth = { authorization: `Bearer ${token}` };
      const me = (await (await fetch(`${base}/api/auth/me`, { headers: auth })).json()) as { id: string };
      const list = await fetch(`${base}/api/data/counterparty?limit=5&fields=brand,owner`, { headers: auth });
      expect(list.status).toBe(200);
      const page = (await list.json()) as { items: Array<{ owner: string }>; total: number };
      // A sales manager sees their own clients only (roles.json), out of the 300 seeded.
      expect(page.items).toHaveLength(5);
      expect(page.total).toBeGreaterThan(5);
      expect(page.total).toBeLessThan(300);
      expect(page.items.every((item) => item.owner === me.id)).toBe(true);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      // The runtime UI is served at / (npm start builds it), its script with it.
      const home = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
      expect(home.status).toBe(200);
      const html = await home.text();
      expect(html).toContain('<div id="root"></div>');
      const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1];
      expect(script).toMatch(/^\/assets\/index-.*\.js$/);
      expect((await fetch(`${base}${script ?? ''}`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(child.exitCode).toBe(0);
    expect(existsSync(path.join(data, 'pglite', 'PG_VERSION'))).toBe(true);
  }, 240_000);

  it('refuses to start on invalid metadata, naming the problem', async () => {
    const files = minimalMetadata() as Record<string, { fields: Array<{ type: string }> }>;
    (files['entities/client.json'] as { fields: Array<{ type: string }> }).fields[0]!.type = 'varchar';
    const metadata = await writeFixture(files);
    const data = await mkdtemp(path.join(tmpdir(), 'cardo-data-'));
    dirs.push(metadata, data);
    const result = await run(process.execPath, [bin, 'start'], { env: embeddedEnv({ CARDO_METADATA_DIR: metadata, CARDO_DATA_DIR: data }), timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/entities\/client\.json:\/fields\/0\/type CARDO_ERR_META_SCHEMA/);
    expect(result.stderr).toMatch(/1 problem\(s\)/);
    expect(existsSync(path.join(data, 'pglite'))).toBe(false);
  }, 60_000);
});

describe('cardo apply and cardo seed on the embedded database', () => {
  it('applies the schema, seeds the demo data once, and refuses a second seed', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'cardo-data-'));
    dirs.push(data);
    const env = embeddedEnv({ CARDO_METADATA_DIR: metadataDir, CARDO_DATA_DIR: data, CARDO_DEMO_PASSWORD: 'demo-password-1', CARDO_ADMIN_PASSWORD: 'admin-password-1' });
    const cardo = (...args: string[]) =>
      run(process.execPath, [bin, ...args], { env, timeout: 180_000 }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const apply = await cardo('apply');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toMatch(/Applied \d+ statements in one transaction/);
    const seed = await cardo('seed');
    expect(seed.stderr).toBe('');
    expect(seed.stdout).toMatch(/demo data: .*300 counterparty/);
    const again = await cardo('seed');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already has the demo users/);
  }, 300_000);
});
