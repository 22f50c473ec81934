import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
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

/**
 * ajv reports every failed branch of anyOf/oneOf, just before the combinator's own error
 * (errors inside a $ref carry the referenced schema's path, so order is the only link).
 * Keep the branch errors that got past the value's type (the form the author meant); when
 * none did, keep only the combinator's summary.
 */
export function simplifyErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const all = errors.filter((e) => e.keyword !== 'if');
  const drop = new Set<ErrorObject>();
  all.forEach((combinator, k) => {
    if (combinator.keyword !== 'anyOf' && combinator.keyword !== 'oneOf') return;
    const branch: ErrorObject[] = [];
    for (let j = k - 1; j >= 0; j--) {
      const e = all[j] as ErrorObject;
      if (drop.has(e) || !e.instancePath.startsWith(combinator.instancePath)) break;
      branch.push(e);
    }
    if (branch.length === 0) return;
    const meant = branch.filter((e) => e.instancePath.length > combinator.instancePath.length || !SHAPE_KEYWORDS.has(e.keyword));
    for (const e of meant.length > 0 ? [combinator, ...branch.filter((b) => !meant.includes(b))] : branch) drop.add(e);
  });
  return all.filter((e) => !drop.has(e));
}

/** Keywords that fail when a value has a different form altogether. */
const SHAPE_KEYWORDS = new Set(['type', 'required', 'const', 'enum']);

/** A readable message and the pointer of the offending value. */
export function describeError(error: ErrorObject): { pointer: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { pointer: `${error.instancePath}/${escape(String(params.additionalProperty))}`, message: `Unknown property "${String(params.additionalProperty)}".` };
    case 'required':
      return { pointer: error.instancePath, message: `Missing required property "${String(params.missingProperty)}".` };
    case 'enum':
      return { pointer: error.instancePath, message: `Must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.` };
    case 'const':
      return { pointer: error.instancePath, message: `Must be ${JSON.stringify(params.allowedValue)}.` };
    case 'pattern':
      return { pointer: error.instancePath, message: `Does not match the expected format ${String(params.pattern)}.` };
    case 'propertyNames':
      return { pointer: `${error.instancePath}/${escape(String(params.propertyName))}`, message: `"${String(params.propertyName)}" is not an allowed key here.` };
    case 'not':
      return { pointer: error.instancePath, message: 'Has a property that is not allowed in this combination.' };
    case 'anyOf':
    case 'oneOf':
      return { pointer: error.instancePath, message: error.keyword === 'oneOf' && Array.isArray(params.passingSchemas) ? 'Matches more than one allowed form; use exactly one.' : 'Matches none of the allowed forms.' };
    default:
      return { pointer: error.instancePath, message: sentence(error.message ?? error.keyword) };
  }
}

function escape(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1) + (text.endsWith('.') ? '' : '.');
}
