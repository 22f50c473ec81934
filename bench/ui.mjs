// Issue 6: "lists of 1M counterparties stay responsive: the first page renders within 1 s of
// navigation". Debian's Chromium (playwright-core) drives the built runtime UI served by the
// runtime on the bench database; the baseline is the list request alone, fetched by the same
// page in the same run, so the ratio shows what rendering adds to the API's own time.
//
//   npm run build && node bench/ui.mjs [--runs 20] [--database-url URL]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { startServer } from './lib/children.mjs';
import { DEFAULT_DATABASE_URL, readMarker } from './lib/db.mjs';
import { percentile } from './lib/load.mjs';
import { ADMIN_LOGIN, ADMIN_PASSWORD } from './lib/runtime.mjs';

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    'database-url': { type: 'string', default: process.env.CARDO_BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL },
    chromium: { type: 'string', default: process.env.CARDO_CHROMIUM ?? '/usr/bin/chromium' },
  },
});
const runs = Number(opt.runs);
const url = opt['database-url'];
const TARGET_MS = 1000;
// playwright-core is the server workspace's test dependency.
const { chromium } = createRequire(new URL('../server/package.json', import.meta.url))('playwright-core');

const marker = await readMarker(url);
if (!marker) throw new Error(`${url} holds no seeded bench data: run npm run bench first (it seeds), then this.`);

const stats = (values) => {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted[sorted.length - 1] };
};
const ms = (n) => n.toFixed(0).padStart(6);

const server = await startServer('runtime', 'lib/serve-runtime.mjs', { env: { CARDO_BENCH_DATABASE_URL: url } });
const browser = await chromium.launch({ executablePath: opt.chromium, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await (await browser.newContext({ locale: 'en', viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(server.url);
  await page.getByTestId('login-name').fill(ADMIN_LOGIN);
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('current-user').waitFor();

  const firstRow = page.locator('[data-testid="list-table"] tbody tr[data-testid="list-row"]').first();
  // A row of the counterparty list itself (its first cell links to the card), not of the list before.
  const counterpartyRow = page.locator('[data-testid="list-table"] tbody tr[data-testid="list-row"] a[href^="/data/counterparty/"]').first();
  const menu = (label) => page.getByTestId('main-menu').getByText(label, { exact: true });
  // What the list page asks for on arrival (the view's first page with titles).
  const apiPath = '/api/data/counterparty?limit=50&titles=true';

  const navigation = [];
  const cold = [];
  const api = [];
  for (let i = 0; i < runs + 2; i++) {
    // In-app navigation: from another large list (3.2 M contacts), a click on the menu entry until the first row shows.
    await menu('Contact persons').click();
    await page.waitForURL(/\/data\/contact$/);
    await page.getByTestId('list-title').filter({ hasText: 'Contact persons' }).waitFor();
    await firstRow.waitFor();
    const t0 = Date.now();
    await menu('Counterparties').click();
    await counterpartyRow.waitFor();
    const tNav = Date.now() - t0;
    // A full page load of the list's address (bundle from cache, session, meta, then the list).
    const t1 = Date.now();
    await page.goto(`${server.url}/data/counterparty`);
    await counterpartyRow.waitFor();
    const tCold = Date.now() - t1;
    const tApi = await page.evaluate(async (path) => {
      const start = performance.now();
      const response = await fetch(path, { headers: { 'x-requested-with': 'cardo' } });
      await response.json();
      return performance.now() - start;
    }, apiPath);
    // The first two rounds warm caches and the JIT.
    if (i >= 2) {
      navigation.push(tNav);
      cold.push(tCold);
      api.push(tApi);
    }
  }
  const [nav, full, base] = [stats(navigation), stats(cold), stats(api)];
  console.log(`${marker.counterparties.toLocaleString('en-US')} counterparties; ${runs} runs; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log('| measurement | p50 ms | p90 ms | max ms | ratio p50 to the API alone |');
  console.log('| --- | --: | --: | --: | --: |');
  console.log(`| list API alone (baseline) | ${ms(base.p50)} | ${ms(base.p90)} | ${ms(base.max)} | 1.00× |`);
  console.log(`| menu click → first row rendered | ${ms(nav.p50)} | ${ms(nav.p90)} | ${ms(nav.max)} | ${(nav.p50 / base.p50).toFixed(2)}× |`);
  console.log(`| page load of /data/counterparty → first row | ${ms(full.p50)} | ${ms(full.p90)} | ${ms(full.max)} | ${(full.p50 / base.p50).toFixed(2)}× |`);
  const pass = nav.p90 <= TARGET_MS;
  console.log(`\ntarget: the first page within ${TARGET_MS} ms of navigation (judged on p90 of the menu click): ${pass ? 'pass' : 'FAIL'}`);
  process.exitCode = pass ? 0 : 1;
} finally {
  await browser.close();
  await server.stop();
}
