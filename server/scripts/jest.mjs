// Runs jest in ESM mode. With DATABASE_URL the suite uses that PostgreSQL (a fresh schema
// per test file, files in parallel); without it, one shared in-memory PGlite served over
// the PostgreSQL protocol by test/global-setup.ts, files run one at a time because PGlite
// has a single session.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const jestBin = require.resolve('jest/bin/jest');
const args = process.argv.slice(2);
if (!process.env.DATABASE_URL && !args.includes('--runInBand') && !args.includes('-i')) args.push('--runInBand');
const result = spawnSync(process.execPath, [jestBin, ...args], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim() },
});
process.exit(result.status ?? 1);
