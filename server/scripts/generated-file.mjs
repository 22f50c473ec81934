// Writes a generated file, or with `--check [file]` compares it with the committed one (or
// another copy, used by the tests) and exits 1 when it is stale.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function writeOrCheck(outFile, text) {
  const checkAt = process.argv.indexOf('--check');
  if (checkAt !== -1) {
    const target = process.argv[checkAt + 1] ?? outFile;
    const current = await readFile(target, 'utf8').catch(() => '');
    if (current !== text) {
      console.error(`${path.relative(process.cwd(), target)} is stale: run \`npm run gen --workspace server\`.`);
      process.exit(1);
    }
    return;
  }
  await writeFile(outFile, text);
  console.log(`wrote ${path.relative(process.cwd(), outFile)}`);
}
