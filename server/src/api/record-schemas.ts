// JSON Schemas of one entity's records, generated from the compiled model: what a create and
// a patch may send, what a record and a list look like. The same schemas validate request
// bodies (ajv), serialize responses (fast-json-stringify), and are published in OpenAPI and
// to the runtime UI, so the API, its documentation and its forms cannot disagree.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import fastJson from 'fast-json-stringify';
import { isPossiblePhoneNumber, type CountryCode } from 'libphonenumber-js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import { CardoError, type FieldError } from '../errors.js';
import type { Label } from '../generated/metadata.js';

export type JsonSchema = { [keyword: string]: unknown };

export interface SchemaOptions {
  /** Give every property a `description` (its label and help) in this locale: for OpenAPI and client types. */
  locale?: string;
}

/** Longest text field value unless the field says otherwise (about 1 MB of ASCII). */
export const TEXT_MAX_LENGTH = 1_000_000;
/** Keys that could reach an object's prototype if a later stage copied the body naively. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** `integer` columns are PostgreSQL int4: a larger value would fail in SQL, so refuse it here. */
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Only web links: the UI renders URLs as links, and a javascript: URL would be script injection. */
export const URL_PATTERN = '^https?://';
/** numeric(precision, scale) of each decimal type when the column does not say (formulas computed on read). */
const NUMERIC_DEFAULTS = { decimal: [18, 4], money: [18, 2], percent: [9, 4] } as const;
/** Longest e-mail address (RFC 5321) and the varchar lengths of phone and url columns. */
const STRING_LIMITS = { email: 320, phone: 64, url: 2048 } as const;
/** System fields whose value is always set, so a response never carries null for them. */
const ALWAYS_SET = new Set(['id', 'createdAt', 'updatedAt', 'version']);

/** The text of a label in a locale, falling back to English and then to any locale. */
export function labelText(label: Label | undefined, locale: string): string | undefined {
  if (!label) return undefined;
  return label[locale] ?? label.en ?? Object.values(label).find((v) => v !== undefined);
}

/** Fields a client may send: declared fields that are not read-only or formulas, and `owner`. */
export function isWritable(field: FieldModel): boolean {
  return !field.readOnly && (!field.system || field.name === 'owner');
}

function stringSchema(field: FieldModel, maxLength: number, format?: string): JsonSchema {
  const def = field.def;
  const schema: JsonSchema = { type: 'string' };
  if (format) schema.format = format;
  if (def.minLength !== undefined) schema.minLength = def.minLength;
  schema.maxLength = Math.min(def.maxLength ?? maxLength, maxLength);
  if (field.valueType === 'url') {
    schema.pattern = URL_PATTERN;
    if (def.pattern) schema.allOf = [{ pattern: def.pattern }];
  } else if (def.pattern) {
    schema.pattern = def.pattern;
  }
  return schema;
}

function numberSchema(field: FieldModel, type: 'decimal' | 'money' | 'percent'): JsonSchema {
  const [precision, scale] = field.columnType?.kind === 'numeric' ? [field.columnType.precision, field.columnType.scale] : NUMERIC_DEFAULTS[type];
  // numeric(p, s) holds values below 10^(p-s); PostgreSQL would refuse larger ones with a 500.
  const bound = 10 ** (precision - scale);
  const min = field.def.min ?? (type === 'percent' ? 0 : undefined);
  const max = field.def.max ?? (type === 'percent' ? 100 : undefined);
  return {
    type: 'number',
    ...(min !== undefined ? { minimum: min } : { exclusiveMinimum: -bound }),
    ...(max !== undefined ? { maximum: max } : { exclusiveMaximum: bound }),
  };
}

/** The schema of one field's value, never null (see `fieldSchema`). */
export function valueSchema(field: FieldModel): JsonSchema {
  const def = field.def;
  if (field.system && field.name === 'id') return { type: 'string', format: 'uuid' };
  if (field.system && field.name === 'version') return { type: 'integer', minimum: 1, maximum: INT_MAX };
  switch (field.valueType) {
    case 'string':
      return stringSchema(field, def.maxLength ?? 255);
    case 'text':
      return stringSchema(field, TEXT_MAX_LENGTH);
    case 'email':
      return stringSchema(field, STRING_LIMITS.email, 'email');
    case 'phone':
      return stringSchema(field, STRING_LIMITS.phone, 'phone');
    case 'url':
      return stringSchema(field, STRING_LIMITS.url, 'uri');
    case 'integer':
      return { type: 'integer', minimum: Math.max(def.min ?? INT_MIN, INT_MIN), maximum: Math.min(def.max ?? INT_MAX, INT_MAX) };
    case 'decimal':
    case 'money':
    case 'percent':
      return numberSchema(field, field.valueType);
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'enum':
    case 'stage':
      return { type: 'string', enum: [...(field.options ?? [])] };
    case 'multiEnum':
      return { type: 'array', items: { type: 'string', enum: [...(field.options ?? [])] }, uniqueItems: true };
    case 'reference':
    case 'user':
    case 'file':
      return { type: 'string', format: 'uuid' };
  }
}

/** A field's schema, allowing null (an empty value) unless `nullable` is false. */
export function fieldSchema(field: FieldModel, nullable: boolean, options: SchemaOptions = {}): JsonSchema {
  const schema = valueSchema(field);
  if (nullable) {
    schema.type = [schema.type, 'null'];
    if (Array.isArray(schema.enum)) schema.enum = [...(schema.enum as unknown[]), null];
  }
  if (options.locale !== undefined) {
    const label = labelText(field.label, options.locale);
    const help = labelText(field.def.help, options.locale);
    const description = [label, help].filter(Boolean).join(' — ');
    if (description) schema.description = description;
  }
  return schema;
}

function writableProperties(entity: EntityModel, options: SchemaOptions): Record<string, JsonSchema> {
  const properties: Record<string, JsonSchema> = {};
  // Required fields cannot be cleared, so only optional ones accept null.
  for (const field of entity.fields.filter(isWritable)) properties[field.name] = fieldSchema(field, !field.required, options);
  return properties;
}

/** `__proto__`, `constructor` and `prototype` are refused as keys whatever the entity declares. */
const SAFE_KEYS = { not: { enum: [...FORBIDDEN_KEYS] } };

/** The body of `POST /api/data/<entity>`: writable fields, required ones without a default required. */
export function createSchema(entity: EntityModel, options: SchemaOptions = {}): JsonSchema {
  // A required field with a default may be left out: the default fills it.
  const required = entity.fields.filter((f) => isWritable(f) && f.required && f.def.default === undefined).map((f) => f.name);
  return {
    type: 'object',
    properties: writableProperties(entity, options),
    ...(required.length > 0 ? { required } : {}),
    propertyNames: SAFE_KEYS,
    additionalProperties: false,
  };
}

/** The body of `PATCH /api/data/<entity>/<id>`: any writable fields, and optionally the edited version. */
export function patchSchema(entity: EntityModel, options: SchemaOptions = {}): JsonSchema {
  return {
    type: 'object',
    properties: {
      ...writableProperties(entity, options),
      version: { type: 'integer', minimum: 1, maximum: INT_MAX, ...(options.locale !== undefined ? { description: 'The version that was edited (instead of an If-Match header).' } : {}) },
    },
    minProperties: 1,
    propertyNames: SAFE_KEYS,
    additionalProperties: false,
  };
}

/**
 * One record in a response: every field including system fields and formulas, and the row
 * color from the list view's color rules. Values may be null except for the always-set system
 * fields: a required field added after records existed can be empty in them, and
 * fast-json-stringify would print a non-nullable null as "" or 0. No property is required,
 * because `fields=` returns only the fields asked for.
 */
export function recordSchema(entity: EntityModel, options: SchemaOptions = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const field of entity.fields) properties[field.name] = fieldSchema(field, !ALWAYS_SET.has(field.name), options);
  properties.$color = { type: ['string', 'null'], ...(options.locale !== undefined ? { description: 'Row color from the first matching color rule of the list view.' } : {}) };
  properties.$colorLabel = { type: ['object', 'null'], additionalProperties: { type: 'string' }, ...(options.locale !== undefined ? { description: 'The matching color rule\'s label, per locale.' } : {}) };
  properties.$titles = { type: 'object', additionalProperties: { type: 'string' }, ...(options.locale !== undefined ? { description: 'With titles=true: the title of the record each reference or user field points to.' } : {}) };
  return { type: 'object', properties, additionalProperties: false };
}

/** A page of records: `GET /api/data/<entity>`. `items` may be a $ref in OpenAPI. */
export function listSchema(entity: EntityModel, items: JsonSchema = recordSchema(entity)): JsonSchema {
  return pageSchema(items);
}

/** `{items, total, limit, offset, totalEstimated?}` around any item schema. */
export function pageSchema(items: JsonSchema): JsonSchema {
  return {
    type: 'object',
    properties: {
      items: { type: 'array', items },
      total: { type: 'integer', minimum: 0 },
      limit: { type: 'integer', minimum: 0 },
      offset: { type: 'integer', minimum: 0 },
      // Last: fast-json-stringify writes required properties first, so the JSON keeps this order.
      totalEstimated: { type: 'boolean' },
    },
    required: ['items', 'total', 'limit', 'offset'],
    additionalProperties: false,
  };
}

/** The grouped answer of `GET /api/data/<entity>?groupBy=<field>`: counts and sums per value. */
export function groupsSchema(): JsonSchema {
  return {
    type: 'object',
    properties: {
      groups: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: { type: ['string', 'number', 'boolean', 'null'] },
            label: { description: 'The value\'s label: a localized object for options, the record title for references.' },
            count: { type: 'integer', minimum: 0 },
          },
          required: ['key', 'count'],
          additionalProperties: { type: ['number', 'null'], description: 'Aggregates such as sums of money fields.' },
        },
      },
    },
    required: ['groups'],
    additionalProperties: false,
  };
}

/** Validators and serializers of one entity, compiled once per model. */
export interface EntityCodecs {
  readonly entity: EntityModel;
  /** Throws CARDO_ERR_API_VALIDATION listing every problem of the body. */
  validateCreate(body: unknown): void;
  validatePatch(body: unknown): void;
  /** JSON of one record; properties outside the record schema are left out. */
  serializeRecord(record: object): string;
  /** JSON of `{items, total, limit, offset, totalEstimated?}`. */
  serializeList(list: object): string;
}

export interface RecordCodecs {
  /** The codecs of an entity; throws CARDO_ERR_API_UNKNOWN_ENTITY for a name the model lacks. */
  get(entity: string): EntityCodecs;
}

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020, formats: string[]) => Ajv2020;

const cache = new WeakMap<CompiledModel, RecordCodecs>();

/** The codecs of a model; compiled lazily per entity and kept as long as the model lives. */
export function recordCodecs(model: CompiledModel): RecordCodecs {
  let codecs = cache.get(model);
  if (!codecs) {
    codecs = new ModelCodecs(model);
    cache.set(model, codecs);
  }
  return codecs;
}

class ModelCodecs implements RecordCodecs {
  readonly #model: CompiledModel;
  readonly #entities = new Map<string, EntityCodecs>();
  #ajv: Ajv2020 | undefined;

  constructor(model: CompiledModel) {
    this.#model = model;
  }

  get(name: string): EntityCodecs {
    let codecs = this.#entities.get(name);
    if (codecs) return codecs;
    const entity = this.#model.entities.get(name);
    if (!entity) throw new CardoError('CARDO_ERR_API_UNKNOWN_ENTITY', `There is no entity "${name.slice(0, 64)}".`);
    codecs = compileCodecs(entity, (this.#ajv ??= newAjv(this.#model.phoneRegion as CountryCode)));
    this.#entities.set(name, codecs);
    return codecs;
  }
}

function newAjv(region: CountryCode): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv, ['email', 'uri', 'date', 'date-time', 'uuid']);
  // libphonenumber, as the duplicate rules use, in the application's phone region; "possible"
  // (a plausible length for the country) rather than "valid", so new number ranges pass.
  ajv.addFormat('phone', { type: 'string', validate: (value: string) => isPossiblePhoneNumber(value, region) });
  return ajv;
}

function compileCodecs(entity: EntityModel, ajv: Ajv2020): EntityCodecs {
  const create = ajv.compile(createSchema(entity));
  const patch = ajv.compile(patchSchema(entity));
  const record = recordSchema(entity);
  const serializeRecord = fastJson(record as never) as (record: object) => string;
  const serializeList = fastJson(listSchema(entity, record) as never) as (list: object) => string;
  return {
    entity,
    validateCreate: (body) => assertValid(create, body, entity),
    validatePatch: (body) => assertValid(patch, body, entity),
    serializeRecord,
    serializeList,
  };
}

function assertValid(validate: ValidateFunction, body: unknown, entity: EntityModel): void {
  if (validate(body)) return;
  const errors = toFieldErrors(validate.errors ?? [], entity);
  throw new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => e.message).join(' '), { errors });
}

/** The field a JSON pointer such as /tags/1 is about. */
function fieldNameOf(pointer: string): string {
  return (pointer.split('/')[1] ?? '').replaceAll('~1', '/').replaceAll('~0', '~');
}

const TYPE_PHRASES: Record<FieldModel['valueType'], string> = {
  string: 'text',
  text: 'text',
  email: 'an e-mail address',
  phone: 'a phone number',
  url: 'a URL',
  integer: 'a whole number',
  decimal: 'a number',
  money: 'an amount',
  percent: 'a percentage',
  boolean: 'true or false',
  date: 'a date (YYYY-MM-DD)',
  datetime: 'a date and time (ISO 8601 with a time zone)',
  enum: 'one of the options',
  stage: 'one of the stages',
  multiEnum: 'a list of options',
  reference: 'a record id (UUID)',
  user: 'a user id (UUID)',
  file: 'a file id (UUID)',
};

const FORMAT_PHRASES: Record<string, string> = {
  email: 'an e-mail address',
  phone: 'a phone number',
  uri: 'a URL',
  date: 'a date (YYYY-MM-DD)',
  'date-time': 'a date and time with a time zone, e.g. 2025-03-01T09:30:00Z',
  uuid: 'a UUID',
};

function listOf(values: readonly unknown[]): string {
  const shown = values.filter((v) => v !== null).map(String);
  return shown.length > 20 ? `${shown.slice(0, 20).join(', ')}, …` : shown.join(', ');
}

/** ajv's errors as `{path, message}` pairs whose message names the field and says what is wrong. */
function toFieldErrors(errors: readonly ErrorObject[], entity: EntityModel): FieldError[] {
  const result: FieldError[] = [];
  const forbidden = new Set(errors.filter((e) => e.keyword === 'propertyNames').map((e) => String(e.params.propertyName)));
  const typeErrors = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  for (const error of errors) {
    const path = error.instancePath;
    const name = fieldNameOf(path);
    const field = entity.field.get(name);
    const subject = `"${name}"`;
    switch (error.keyword) {
      case 'propertyNames': {
        const key = String(error.params.propertyName);
        result.push({ path: `/${key}`, message: `The key "${key}" is not allowed.` });
        break;
      }
      case 'not':
        break; // the forbidden-key check's inner error; reported as propertyNames
      case 'required': {
        const missing = String(error.params.missingProperty);
        result.push({ path: `${path}/${missing}`, message: `"${missing}" is required.` });
        break;
      }
      case 'additionalProperties': {
        const key = String(error.params.additionalProperty);
        if (forbidden.has(key)) break;
        const known = entity.field.get(key);
        const message = known ? `"${key}" is read-only.` : `"${key}" is not a field of ${entity.name}.`;
        result.push({ path: `${path}/${key}`, message });
        break;
      }
      case 'type':
        if (path === '') result.push({ path, message: 'The body must be a JSON object.' });
        else {
          const phrase = field ? TYPE_PHRASES[field.valueType] : `of type ${String(error.params.type)}`;
          const nullable = Array.isArray(error.params.type) && (error.params.type as string[]).includes('null');
          result.push({ path, message: `${subject} must be ${phrase}${nullable ? ' or null' : ''}.` });
        }
        break;
      case 'enum':
        if (typeErrors.has(path)) break; // the type error already says it
        result.push({
          path,
          // an item of a multiEnum (/tags/1) or the value itself (/status)
          message: `${subject} ${path.split('/').length > 2 ? 'lists a value that is not' : 'must be'} one of: ${listOf(error.params.allowedValues as unknown[])}.`,
        });
        break;
      case 'format':
        result.push({ path, message: `${subject} must be ${FORMAT_PHRASES[String(error.params.format)] ?? `in the format ${String(error.params.format)}`}.` });
        break;
      case 'maxLength':
        result.push({ path, message: `${subject} must be at most ${String(error.params.limit)} characters long.` });
        break;
      case 'minLength':
        result.push({ path, message: `${subject} must be at least ${String(error.params.limit)} characters long.` });
        break;
      case 'pattern':
        result.push({
          path,
          message: error.params.pattern === URL_PATTERN ? `${subject} must start with http:// or https://.` : `${subject} does not match the pattern ${String(error.params.pattern)}.`,
        });
        break;
      case 'minimum':
        result.push({ path, message: `${subject} must be at least ${String(error.params.limit)}.` });
        break;
      case 'maximum':
        result.push({ path, message: `${subject} must be at most ${String(error.params.limit)}.` });
        break;
      case 'exclusiveMinimum':
        result.push({ path, message: `${subject} must be greater than ${String(error.params.limit)}.` });
        break;
      case 'exclusiveMaximum':
        result.push({ path, message: `${subject} must be less than ${String(error.params.limit)}.` });
        break;
      case 'uniqueItems':
        result.push({ path, message: `${subject} lists a value twice.` });
        break;
      case 'minProperties':
        result.push({ path, message: 'The patch changes nothing: send at least one field.' });
        break;
      default:
        result.push({ path, message: `${path === '' ? 'The body' : subject} ${error.message ?? 'is not valid'}.` });
    }
  }
  return result;
}
