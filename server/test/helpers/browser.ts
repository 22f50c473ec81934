// Browser tests: Debian's Chromium driven by playwright-core (never a downloaded browser),
// against the real server listening on a free port with the built runtime UI.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { CompiledModel } from '../../src/compile/compile.js';
import { createTestApp, TEST_PASSWORD, type TestApp } from './test-app.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const UI_DIST = path.join(REPO, 'runtime-ui/dist');
/** Screenshots the browser tests keep (CI keeps the folder as an artifact). */
export const ARTIFACTS = path.join(REPO, 'test-artifacts');
const CHROMIUM = process.env.CARDO_CHROMIUM ?? '/usr/bin/chromium';

export interface UiServer extends TestApp {
  url: string;
}

export async function startUiServer(options: { model?: CompiledModel; env?: NodeJS.ProcessEnv } = {}): Promise<UiServer> {
  if (!existsSync(path.join(UI_DIST, 'index.html'))) throw new Error(`The runtime UI is not built (${UI_DIST}); run npm run build --workspace runtime-ui`);
  const t = await createTestApp({ ...options, env: { CARDO_UI_DIR: UI_DIST, ...options.env } });
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...t, url: address };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags Chromium keeps dialing out of a closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh browser context in the given UI language (and time zone: the machine's by default), signed in through the login page. */
export async function signIn(browser: Browser, server: UiServer, login: string, locale: 'en' | 'ru' = 'en', timezoneId?: string): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 }, ...(timezoneId ? { timezoneId } : {}) });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(server.url);
  await page.getByTestId('login-name').fill(login);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();
  // The header's menu grows when the calendars and reports it lists arrive: let it settle, or a
  // click aimed under a moving layout can land elsewhere on a slow machine.
  await page.waitForLoadState('networkidle');
  return page;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** A fresh browser context that signed in on the studio's login page (in English); the caller waits for what the studio shows that user. */
export async function studioSignIn(browser: Browser, server: UiServer, login: string, viewport = { width: 1600, height: 1000 }): Promise<Page> {
  const context = await browser.newContext({ locale: 'en', viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${server.url}/studio`);
  await page.getByTestId('login-name').fill(login);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  return page;
}

/**
 * Picks the option of an antd Select whose text matches `option` (exactly, when a string),
 * typing `text` to filter first; waits for the list to open and to close, so a slow page
 * cannot race it.
 */
export async function chooseOption(page: Page, select: Locator, text: string, option: string | RegExp = text): Promise<void> {
  const exact = typeof option === 'string' ? new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : option;
  const dropdown = page.locator('.ant-select-dropdown:visible');
  await select.click();
  await dropdown.waitFor();
  await page.keyboard.type(text);
  const item = dropdown.locator('.ant-select-item-option').filter({ hasText: exact }).first();
  // Under load a click can land while the filtered list re-renders and be lost: click again
  // while the list is still open (a chosen option closes it).
  for (let attempt = 1; ; attempt++) {
    await item.click();
    try {
      await dropdown.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      if (!(await dropdown.isVisible())) return;
    }
  }
}

/**
 * Clicks `target` until `shown` appears: under load a click that lands while an antd menu is
 * still animating open can be lost (the explorer's "+ New …" items open a dialog).
 */
export async function clickUntilShown(target: Locator, shown: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await target.click();
    try {
      await shown.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (await shown.isVisible()) return;
      if (attempt === 3) throw error;
    }
  }
}
