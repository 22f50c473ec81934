import { isDeepStrictEqual } from 'node:util';
import type { FileKind } from './load.js';
import { loadSchemas, SCHEMA_FILE, type JsonSchema } from './meta-schema.js';

/**
 * The one writer of metadata files: keys in the order the meta-schema declares them (other
 * keys, such as locales and entity names in maps, sorted), values equal to the schema's
 * default left out, 2-space indent and a trailing newline. Studio and hand edits of the same
 * change therefore produce the same bytes, and a re-written unchanged file is identical.
 */
export function serializeMetadata(kind: FileKind, value: unknown): string {
  const file = SCHEMA_FILE[kind];
  const canonical = file ? toCanonical(value, { file, schema: schemas().get(file) as JsonSchema }) : value;
  return `${JSON.stringify(canonical, null, 2)}\n`;
}

interface At {
  file: string;
  schema: JsonSchema;
}

let cache: Map<string, JsonSchema> | undefined;
function schemas(): Map<string, JsonSchema> {
  cache ??= loadSchemas();
  return cache;
}

function resolveRef(at: At, ref: string): At {
  const [filePart, fragment = ''] = ref.split('#');
  const file = filePart ? filePart.replace(/^\.\//, '') : at.file;
  let schema = schemas().get(file) as unknown;
  for (const segment of fragment.split('/').filter(Boolean)) schema = (schema as Record<string, unknown>)[segment];
  return { file, schema: schema as JsonSchema };
}

/** Follows $ref and picks the oneOf/anyOf branch that describes this value. */
function shapeOf(value: unknown, at: At): At {
  let current = at;
  for (let guard = 0; guard < 20; guard++) {
    const { schema } = current;
    if (typeof schema.$ref === 'string' && !schema.properties) {
      current = resolveRef(current, schema.$ref);
      continue;
    }
    const branches = (schema.oneOf ?? schema.anyOf) as JsonSchema[] | undefined;
    if (branches && !schema.properties && isObject(value)) {
      const discriminator = (schema.discriminator as { propertyName?: string } | undefined)?.propertyName;
      const resolved = branches.map((b) => (typeof b.$ref === 'string' ? resolveRef(current, b.$ref) : { file: current.file, schema: b }));
      const chosen = discriminator
        ? resolved.find((b) => ((b.schema.properties as Record<string, JsonSchema> | undefined)?.[discriminator]?.const) === value[discriminator])
        : resolved.find((b) => b.schema.type === 'object' || b.schema.properties !== undefined);
      if (chosen) {
        current = chosen;
        continue;
      }
    }
    return current;
  }
  return current;
}

function toCanonical(value: unknown, at: At | undefined): unknown {
  const shape = at ? shapeOf(value, at) : undefined;
  if (Array.isArray(value)) {
    const items = shape?.schema.items as JsonSchema | undefined;
    return value.map((v) => toCanonical(v, items && shape ? { file: shape.file, schema: items } : undefined));
  }
  if (!isObject(value)) return value;
  const schema = shape?.schema ?? {};
  const properties = { ...(schema.properties as Record<string, JsonSchema> | undefined) };
  for (const part of (schema.allOf as JsonSchema[] | undefined) ?? []) Object.assign(properties, part.properties);
  const declared = Object.keys(properties).filter((k) => k in value);
  const rest = Object.keys(value).filter((k) => !(k in properties)).sort();
  const out: Record<string, unknown> = {};
  for (const key of [...declared, ...rest]) {
    const child = properties[key] ?? extraSchema(schema, key);
    const childAt = child && shape ? { file: shape.file, schema: child } : undefined;
    if (childAt && isDefault(value[key], childAt)) continue;
    out[key] = toCanonical(value[key], childAt);
  }
  return out;
}

function extraSchema(schema: JsonSchema, key: string): JsonSchema | undefined {
  for (const [pattern, sub] of Object.entries((schema.patternProperties as Record<string, JsonSchema> | undefined) ?? {})) {
    if (new RegExp(pattern, 'u').test(key)) return sub;
  }
  const additional = schema.additionalProperties;
  return isObject(additional) ? (additional as JsonSchema) : undefined;
}

function isDefault(value: unknown, at: At): boolean {
  if ('default' in at.schema) return isDeepStrictEqual(at.schema.default, value);
  if (typeof at.schema.$ref === 'string') {
    const target = resolveRef(at, at.schema.$ref);
    return 'default' in target.schema && isDeepStrictEqual(target.schema.default, value);
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
