// Generates src/generated/metadata.ts from the meta-schema in schema/.
// `node scripts/gen-types.mjs --check` exits 1 when the committed file is stale.
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { writeOrCheck } from './generated-file.mjs';

const serverDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const schemaDir = path.join(serverDir, 'schema');
const outFile = path.join(serverDir, 'src/generated/metadata.ts');
const BANNER = '// Generated from server/schema/*.schema.json by `npm run gen` — do not edit.\n';

function toTypeName(file) {
  return file.replace('.schema.json', '').split(/[-_]/).map((s) => s[0].toUpperCase() + s.slice(1)).join('') + 'File';
}

// oneOf/anyOf branches that only say which properties are required constrain values, not
// shapes; json-schema-to-typescript would turn them into index signatures, so drop them here.
function stripRequiredOnlyBranches(node) {
  if (Array.isArray(node)) return node.map(stripRequiredOnlyBranches);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    const requiredOnly = (b) => Object.keys(b).every((k) => k === 'required' || k === 'not');
    if ((key === 'oneOf' || key === 'anyOf') && value.every(requiredOnly)) continue;
    out[key] = stripRequiredOnlyBranches(value);
  }
  return out;
}

export async function generate() {
  const files = (await readdir(schemaDir)).filter((f) => f.endsWith('.schema.json')).sort();
  // One root that references every kind, so shared definitions are declared once.
  const root = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'CardoMetadata',
    type: 'object',
    properties: Object.fromEntries(files.map((f) => [toTypeName(f), { $ref: `./${f}` }])),
    additionalProperties: false,
  };
  const ts = await compile(root, 'CardoMetadata', {
    cwd: schemaDir,
    bannerComment: '',
    additionalProperties: false,
    declareExternallyReferenced: true,
    unreachableDefinitions: true,
    strictIndexSignatures: true,
    ignoreMinAndMaxItems: true,
    style: { singleQuote: true, printWidth: 100 },
    $refOptions: {
      resolve: {
        file: {
          order: 1,
          canRead: /\.schema\.json$/,
          read: async (file) => {
            const filePath = file.url.startsWith('file:') ? fileURLToPath(file.url) : file.url;
            return JSON.stringify(stripRequiredOnlyBranches(JSON.parse(await readFile(filePath, 'utf8'))));
          },
        },
      },
    },
  });
  return BANNER + ts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await writeOrCheck(outFile, await generate());
