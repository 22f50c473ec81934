import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FileKind } from './load.js';

/** server/schema/, from src/metadata (tests) and dist/metadata (built) alike. */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schema/', import.meta.url));
export const SCHEMA_BASE = 'https://cardo.dev/schema/';

export type JsonSchema = Record<string, unknown>;

/** The meta-schema of each JSON kind of metadata file. */
export const SCHEMA_FILE: Partial<Record<FileKind, string>> = {
  app: 'app.schema.json',
  roles: 'roles.schema.json',
  entity: 'entity.schema.json',
  automation: 'automation.schema.json',
  notification: 'notification.schema.json',
  calendar: 'calendar.schema.json',
  report: 'report.schema.json',
  template: 'template.schema.json',
};

export function loadSchemas(): Map<string, JsonSchema> {
  const schemas = new Map<string, JsonSchema>();
  for (const file of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
    schemas.set(file, JSON.parse(readFileSync(SCHEMA_DIR + file, 'utf8')) as JsonSchema);
  }
  return schemas;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

let compiled: Map<FileKind, ValidateFunction> | undefined;

/** One ajv instance in strict mode with every error and formats, compiled once per process. */
export function validatorFor(kind: FileKind): ValidateFunction | undefined {
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true, discriminator: true });
    addFormats(ajv);
    for (const schema of loadSchemas().values()) ajv.addSchema(schema);
    compiled = new Map();
    for (const [k, file] of Object.entries(SCHEMA_FILE) as Array<[FileKind, string]>) {
      compiled.set(k, ajv.getSchema(SCHEMA_BASE + file) as ValidateFunction);
    }
  }
  return compiled.get(kind);
}

// The error wording is pure (the studio's in-browser validation uses it too).
export { describeError, simplifyErrors } from './meta-errors.js';
