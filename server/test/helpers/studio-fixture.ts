// The studio's browser tests: a copy of the application's metadata in a fresh git repository,
// the server serving the built studio over it, and Chromium.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { loadTestModel } from './app-db.js';
import { launchBrowser, startUiServer, type UiServer } from './browser.js';
import { metadataRepo } from './metadata-repo.js';

const STUDIO_DIST = fileURLToPath(new URL('../../../studio/dist/', import.meta.url));

export interface StudioFixture {
  /** The git repository (the metadata committed as its first commit); the metadata is its `metadata/` folder. */
  repo: string;
  dir: string;
  git(...args: string[]): string;
  server: UiServer;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the fixture with the given logins (login → roles) created. */
export async function startStudio(name: string, logins: Record<string, readonly string[]>): Promise<StudioFixture> {
  if (!existsSync(path.join(STUDIO_DIST, 'index.html'))) throw new Error('The studio is not built; run npm run build --workspace studio');
  const { repo, dir, git, remove } = await metadataRepo(`cardo-studio-${name}-`);
  const server = await startUiServer({ model: await loadTestModel(dir), env: { CARDO_METADATA_DIR: dir, CARDO_STUDIO_DIR: STUDIO_DIST } });
  for (const [login, roles] of Object.entries(logins)) await server.login(login, roles);
  const browser = await launchBrowser();
  return {
    repo,
    dir,
    git,
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      await remove();
    },
  };
}
