// The studio's browser tests: a copy of the application's metadata in a fresh git repository,
// the server serving the built studio over it, and Chromium.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { APP_METADATA_DIR, loadTestModel } from './app-db.js';
import { launchBrowser, startUiServer, type UiServer } from './browser.js';

const STUDIO_DIST = fileURLToPath(new URL('../../../studio/dist/', import.meta.url));

export interface StudioFixture {
  /** The git repository; the metadata is its `metadata/` folder. */
  repo: string;
  dir: string;
  server: UiServer;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the fixture with the given logins (login → roles) created. */
export async function startStudio(name: string, logins: Record<string, readonly string[]>): Promise<StudioFixture> {
  if (!existsSync(path.join(STUDIO_DIST, 'index.html'))) throw new Error('The studio is not built; run npm run build --workspace studio');
  const repo = await mkdtemp(path.join(tmpdir(), `cardo-studio-${name}-`));
  const dir = path.join(repo, 'metadata');
  await cp(APP_METADATA_DIR, dir, { recursive: true });
  execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: repo });
  const server = await startUiServer({ model: await loadTestModel(dir), env: { CARDO_METADATA_DIR: dir, CARDO_STUDIO_DIR: STUDIO_DIST } });
  for (const [login, roles] of Object.entries(logins)) await server.login(login, roles);
  const browser = await launchBrowser();
  return {
    repo,
    dir,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await rm(repo, { recursive: true, force: true });
    },
  };
}
