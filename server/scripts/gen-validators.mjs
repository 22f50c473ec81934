// Generates studio/src/generated/meta-validators.ts: the meta-schema's validators as plain
// code (ajv standalone), so the studio validates metadata as the user types without
// `new Function` at runtime — its CSP is `script-src 'self'`.
// `node scripts/gen-validators.mjs --check [file]` exits 1 when the committed file is stale.
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Ajv2020, _ } from 'ajv/dist/2020.js';
import equalModule from 'ajv/dist/runtime/equal.js';
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js';
import standaloneModule from 'ajv/dist/standalone/index.js';
import addFormatsModule from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { writeOrCheck } from './generated-file.mjs';

const serverDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const schemaDir = path.join(serverDir, 'schema');
const outFile = path.join(serverDir, '../studio/src/generated/meta-validators.ts');
// The generated code is JavaScript: type-checking and lint are off for it, the wrapper is typed (meta-validate.ts).
const BANNER = '// Generated from server/schema/*.schema.json by `npm run gen --workspace server` — do not edit.\n/* eslint-disable */\n// @ts-nocheck\n';
const SCHEMA_BASE = 'https://cardo.dev/schema/';
const standalone = standaloneModule.default ?? standaloneModule;
const addFormats = addFormatsModule.default ?? addFormatsModule;

// ajv's standalone code `require`s its runtime helpers and formats, which a browser module
// cannot: they are defined at the top of the file instead, from the very functions ajv uses.
const RUNTIME = [
  ['equal', equalModule.default ?? equalModule],
  ['ucs2length', ucs2lengthModule.default ?? ucs2lengthModule],
];
const FORMATS = ['regex'];
const PRELUDE = [
  ...RUNTIME.map(([name, fn]) => `const ${name} = ${fn.toString()};`),
  // ajv-formats' regex check refers to this constant of its module.
  'const Z_ANCHOR = /[^\\\\]\\\\Z/;',
  `const formats = { ${FORMATS.map((f) => `${JSON.stringify(f)}: ${fullFormats[f].toString()}`).join(', ')} };`,
].join('\n');

export async function generate() {
  // The server's options (src/metadata/meta-schema.ts), so both sides report the same errors.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true, discriminator: true, code: { source: true, esm: true, formats: _`formats` } });
  addFormats(ajv);
  const files = (await readdir(schemaDir)).filter((f) => f.endsWith('.schema.json')).sort();
  for (const file of files) ajv.addSchema(JSON.parse(await readFile(path.join(schemaDir, file), 'utf8')));
  // One export per kind of metadata file, named after it: entity, app, roles…
  const exports = Object.fromEntries(files.filter((f) => f !== 'common.schema.json' && f !== 'condition.schema.json').map((f) => [f.replace('.schema.json', ''), SCHEMA_BASE + f]));
  let code = standalone(ajv, exports);
  for (const [name, fn] of RUNTIME) code = code.replaceAll(fn.code, name);
  const used = [...code.matchAll(/formats\.(\w+)|formats\["([^"]+)"\]/g)].map((m) => m[1] ?? m[2]);
  const missing = used.filter((f) => !FORMATS.includes(f));
  if (missing.length > 0 || /require\(/.test(code)) throw new Error(`the generated validators need more than the prelude defines: ${missing.join(', ') || 'require()'}`);
  return `${BANNER}${PRELUDE}\n${code}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await writeOrCheck(outFile, await generate());
