import { createHash } from 'node:crypto';
import type { App, Calendar, DocumentTemplate, Entity, Field, FieldType, Label, ListView, Notification, Report, Role, Stage } from '../generated/metadata.js';
import type { MetadataFile } from '../metadata/load.js';
import { SYSTEM_ENTITIES, SYSTEM_FIELDS } from '../metadata/system-entities.js';
import type { MetadataSet } from '../metadata/validate.js';
import { toAutomationModel, type AutomationModel } from './automations.js';

/**
 * The compiled application: everything after this stage reads the model, never raw
 * metadata JSON. Built once per metadata version and never mutated, so a request keeps the
 * model it started with while a newer one is swapped in.
 */
export interface CompiledModel {
  /** sha256 over every metadata file: the applied metadata version. */
  readonly hash: string;
  readonly app: App;
  readonly locales: readonly string[];
  readonly defaultLocale: string;
  readonly phoneRegion: string;
  readonly currency: string;
  readonly entities: ReadonlyMap<string, EntityModel>;
  readonly roles: readonly Role[];
  /** Compiled automations (expressions parsed), in file-name order: the order they run in. */
  readonly automations: readonly AutomationModel[];
  readonly notifications: ReadonlyArray<{ name: string; def: Notification }>;
  readonly calendars: ReadonlyArray<{ name: string; def: Calendar }>;
  readonly reports: ReadonlyArray<{ name: string; def: Report }>;
  readonly templates: ReadonlyArray<{ name: string; def: DocumentTemplate; docx: Buffer | undefined }>;
  readonly workflows: ReadonlyArray<{ name: string; xml: string }>;
  /** The metadata files as read (the hash is over them): stored with the applied version for the other instances. */
  readonly sources: ReadonlyArray<MetadataSource>;
}

/** One metadata file: its path relative to the metadata directory and its bytes. */
export interface MetadataSource {
  readonly path: string;
  readonly bytes: Buffer;
}

export interface EntityModel {
  readonly name: string;
  /** The table: the entity name (lower_snake, validated). */
  readonly table: string;
  readonly system: boolean;
  readonly label: Label;
  readonly pluralLabel: Label;
  readonly titleField: FieldModel | undefined;
  readonly titleTemplate: string | undefined;
  /** System fields first, then declared fields in order. */
  readonly fields: readonly FieldModel[];
  readonly field: ReadonlyMap<string, FieldModel>;
  /** Fields stored in a column of the table (formulas computed on read are not). */
  readonly columns: readonly FieldModel[];
  readonly stageField: FieldModel | undefined;
  readonly stages: readonly Stage[];
  readonly duplicateRules: readonly DuplicateRuleModel[];
  readonly searchFields: readonly FieldModel[];
  readonly lists: readonly ListView[];
  readonly def: Entity;
}

/** The SQL column type a field is stored as; changing it between versions is a migration. */
export type ColumnType =
  | { kind: 'varchar'; length: number }
  | { kind: 'text' }
  | { kind: 'integer' }
  | { kind: 'numeric'; precision: number; scale: number }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'timestamptz' }
  | { kind: 'uuid' }
  | { kind: 'text[]' };

export interface FieldModel {
  readonly name: string;
  /** snake_case column name. */
  readonly column: string;
  readonly type: FieldType;
  /** For formulas, the result type; otherwise the type. */
  readonly valueType: Exclude<FieldType, 'formula'>;
  readonly label: Label;
  readonly system: boolean;
  readonly required: boolean;
  readonly unique: boolean;
  /** Never written through the API: system fields, readOnly fields and formulas. */
  readonly readOnly: boolean;
  readonly hidden: boolean;
  readonly searchable: boolean;
  /** The entity a reference or user field points to (user → sys_user). */
  readonly target: string | undefined;
  readonly onDelete: 'restrict' | 'cascade' | 'setNull';
  /** Allowed values of enum, multiEnum and stage fields. */
  readonly options: readonly string[] | undefined;
  /** undefined for formulas computed on read. */
  readonly columnType: ColumnType | undefined;
  readonly def: Field;
}

export interface DuplicateRuleModel {
  readonly name: string;
  readonly label: Label;
  readonly fields: readonly FieldModel[];
  readonly match: 'exact' | 'fuzzy';
  readonly threshold: number;
  readonly action: 'block' | 'warn';
  readonly normalize: 'phone' | 'email' | 'name' | 'text';
  /** The column holding the normalized key of this rule (dup_<rule name>). */
  readonly column: string;
}

export function toColumnName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function columnTypeOf(field: Field): ColumnType | undefined {
  const type = field.type === 'formula' ? (field.stored ? field.resultType : undefined) : field.type;
  switch (type) {
    case undefined:
      return undefined;
    case 'string':
      return { kind: 'varchar', length: field.maxLength ?? 255 };
    case 'email':
      return { kind: 'varchar', length: 320 };
    case 'phone':
      return { kind: 'varchar', length: 64 };
    case 'url':
      return { kind: 'varchar', length: 2048 };
    case 'enum':
    case 'stage':
      return { kind: 'varchar', length: 63 };
    case 'text':
      return { kind: 'text' };
    case 'integer':
      return { kind: 'integer' };
    case 'decimal':
      return { kind: 'numeric', precision: 18, scale: field.scale ?? 4 };
    case 'money':
      return { kind: 'numeric', precision: 18, scale: field.scale ?? 2 };
    case 'percent':
      return { kind: 'numeric', precision: 9, scale: field.scale ?? 4 };
    case 'boolean':
      return { kind: 'boolean' };
    case 'date':
      return { kind: 'date' };
    case 'datetime':
      return { kind: 'timestamptz' };
    case 'reference':
    case 'user':
    case 'file':
      return { kind: 'uuid' };
    case 'multiEnum':
      return { kind: 'text[]' };
    default:
      return undefined;
  }
}

function toFieldModel(field: Field, system: boolean, entity: Entity): FieldModel {
  const valueType = (field.type === 'formula' ? field.resultType : field.type) as FieldModel['valueType'];
  const options = field.type === 'stage' ? (entity.stages ?? []).map((s) => s.value) : field.options?.map((o) => o.value);
  return {
    name: field.name,
    column: toColumnName(field.name),
    type: field.type,
    valueType,
    label: field.label,
    system,
    required: field.required === true,
    unique: field.unique === true,
    readOnly: field.readOnly === true || field.type === 'formula',
    hidden: field.hidden === true,
    searchable: field.searchable === true,
    target: field.type === 'user' ? 'sys_user' : field.type === 'file' ? 'sys_file' : field.target,
    // Users and files may go away without taking records along, unless the field must stay filled.
    onDelete: field.onDelete ?? ((field.type === 'user' || field.type === 'file') && field.required !== true ? 'setNull' : 'restrict'),
    options,
    columnType: columnTypeOf(field),
    def: field,
  };
}

function defaultNormalizer(field: FieldModel | undefined): DuplicateRuleModel['normalize'] {
  if (field?.type === 'phone') return 'phone';
  if (field?.type === 'email') return 'email';
  return 'text';
}

export function toEntityModel(def: Entity, system: boolean): EntityModel {
  const fields = [...SYSTEM_FIELDS.map((f) => toFieldModel(f, true, def)), ...def.fields.map((f) => toFieldModel(f, false, def))];
  const field = new Map(fields.map((f) => [f.name, f]));
  return {
    name: def.name,
    table: def.name,
    system,
    label: def.label,
    pluralLabel: def.pluralLabel,
    titleField: def.titleField ? field.get(def.titleField) : undefined,
    titleTemplate: def.titleTemplate,
    fields,
    field,
    columns: fields.filter((f) => f.columnType !== undefined),
    stageField: fields.find((f) => f.type === 'stage'),
    stages: def.stages ?? [],
    duplicateRules: (def.duplicateRules ?? []).map((rule) => {
      const ruleFields = rule.fields.map((name) => field.get(name) as FieldModel);
      return {
        name: rule.name,
        label: rule.label,
        fields: ruleFields,
        match: rule.match,
        threshold: rule.threshold ?? 0.6,
        action: rule.action,
        normalize: rule.normalize ?? defaultNormalizer(ruleFields[0]),
        column: `dup_${rule.name}`,
      };
    }),
    searchFields: fields.filter((f) => f.searchable),
    lists: def.lists,
    def,
  };
}

export function metadataHash(files: readonly MetadataFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(file.path).update('\0').update(file.bytes).update('\0');
  }
  return hash.digest('hex');
}

/** Compiles a metadata set that validated without problems. */
export function compile(set: MetadataSet, files: readonly MetadataFile[]): CompiledModel {
  if (!set.app) throw new Error('compile() needs validated metadata with app.json');
  const app = set.app.def;
  const entities = new Map<string, EntityModel>();
  for (const def of SYSTEM_ENTITIES) entities.set(def.name, toEntityModel(def, true));
  for (const { def } of set.entities) entities.set(def.name, toEntityModel(def, false));
  return deepFreeze({
    hash: metadataHash(files),
    app,
    locales: app.locales,
    defaultLocale: app.defaultLocale,
    phoneRegion: app.phoneRegion ?? 'RU',
    currency: app.currency,
    entities,
    roles: set.roles?.def.roles ?? [],
    automations: [...set.automations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(({ name, def }) => toAutomationModel(name, def)),
    notifications: set.notifications.map(({ name, def }) => ({ name, def })),
    calendars: set.calendars.map(({ name, def }) => ({ name, def })),
    reports: set.reports.map(({ name, def }) => ({ name, def })),
    templates: set.templates.map(({ name, def }) => ({ name, def, docx: set.templateDocs.find((d) => d.name === name)?.bytes })),
    workflows: set.workflows.map((w) => ({ name: w.name, xml: w.bytes.toString('utf8') })),
    sources: files.map((f) => ({ path: f.path, bytes: f.bytes })),
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !Buffer.isBuffer(value)) {
    Object.freeze(value);
    const children = value instanceof Map ? [...value.values()] : Object.values(value as object);
    for (const child of children) deepFreeze(child);
  }
  return value;
}
