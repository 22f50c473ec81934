#!/usr/bin/env node
// The `cardo` command: runs the compiled CLI from dist/ (built by `npm install` via prepare, or `npm run build`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('cardo is not built yet: run `npm run build` in the repository root.');
  process.exit(1);
}
const { runCli } = await import(cli.href);
const code = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  cwd: process.cwd(),
  env: process.env,
});
process.exitCode = code;
