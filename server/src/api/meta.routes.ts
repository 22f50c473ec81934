// GET /api/meta and GET /api/meta/entities/:entity: the compiled model as the runtime UI needs
// it. Built once per model and locale; requests only look the answer up.
import { accessOf, type Access } from '../access/access.js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import { CardoError } from '../errors.js';
import type { Label, ListView, MenuSection, Stage, Tab } from '../generated/metadata.js';
import type { RoutePlugin } from './app.js';
import { createSchema, isWritable, labelText, patchSchema, recordSchema, type JsonSchema } from './record-schemas.js';

export interface OptionMeta {
  value: string;
  label: Label;
  color?: string;
}

export interface FieldMeta {
  name: string;
  label: Label;
  help?: Label;
  type: FieldModel['type'];
  /** For formulas, the type of the computed value; otherwise the type. */
  valueType: FieldModel['valueType'];
  required: boolean;
  unique: boolean;
  readOnly: boolean;
  hidden: boolean;
  system: boolean;
  searchable: boolean;
  target?: string;
  options?: OptionMeta[];
  default?: string | number | boolean | string[];
  min?: number;
  max?: number;
  maxLength?: number;
  scale?: number;
}

export interface ListMeta {
  name: string;
  label: Label;
  columns: string[];
  sort?: string;
  pageSize?: number;
  groupBy: string[];
  /** Offered above the list; the API applies one by name (`quickFilter=`). */
  quickFilters: Array<{ name: string; label: Label }>;
  /** The legend of the row colors; the server evaluates the conditions (`$color` on each item). */
  colorRules: Array<{ color: string; label: Label }>;
}

export interface EntitySummaryMeta {
  name: string;
  label: Label;
  pluralLabel: Label;
  description?: Label;
  icon?: string;
  system: boolean;
  titleField?: string;
  titleTemplate?: string;
  fields: FieldMeta[];
  stages: Stage[];
  lists: ListMeta[];
  form: { tabs: Tab[] };
  /** What a 409's `duplicates[].rule` names, for the duplicate dialog. */
  duplicateRules: Array<{ name: string; label: Label; action: 'block' | 'warn' }>;
}

export interface AppMeta {
  /** The metadata version the UI was given; it reloads when a response carries another. */
  hash: string;
  app: { name: string; label: Label; timezone?: string };
  locales: string[];
  defaultLocale: string;
  currency: string;
  phoneRegion: string;
  menu: MenuSection[];
  entities: EntitySummaryMeta[];
  /** The roles of the application by name, so the UI can name the caller's. */
  roles: Array<{ name: string; label: Label }>;
}

export interface EntityMeta {
  entity: string;
  locale: string;
  /** The create body's JSON Schema (react-jsonschema-form renders it). */
  schema: JsonSchema;
  patchSchema: JsonSchema;
  recordSchema: JsonSchema;
  uiSchema: UiSchema;
  lists: ListMeta[];
  form: { tabs: Tab[] };
}

export type UiSchema = { 'ui:order'?: string[] } & { [field: string]: unknown };

function toFieldMeta(entity: EntityModel, field: FieldModel): FieldMeta {
  const def = field.def;
  const options: OptionMeta[] | undefined =
    field.type === 'stage'
      ? entity.stages.map((s) => ({ value: s.value, label: s.label, ...(s.color ? { color: s.color } : {}) }))
      : def.options?.map((o) => ({ value: o.value, label: o.label, ...(o.color ? { color: o.color } : {}) }));
  return {
    name: field.name,
    label: field.label,
    ...(def.help ? { help: def.help } : {}),
    type: field.type,
    valueType: field.valueType,
    required: field.required,
    unique: field.unique,
    readOnly: field.readOnly,
    hidden: field.hidden,
    system: field.system,
    searchable: field.searchable,
    ...(field.target ? { target: field.target } : {}),
    ...(options ? { options } : {}),
    ...(def.default !== undefined ? { default: def.default } : {}),
    ...(def.min !== undefined ? { min: def.min } : {}),
    ...(def.max !== undefined ? { max: def.max } : {}),
    ...(def.maxLength !== undefined ? { maxLength: def.maxLength } : {}),
    ...(def.scale !== undefined ? { scale: def.scale } : {}),
  };
}

function toListMeta(list: ListView): ListMeta {
  return {
    name: list.name,
    label: list.label,
    columns: list.columns,
    ...(list.sort ? { sort: list.sort } : {}),
    ...(list.pageSize !== undefined ? { pageSize: list.pageSize } : {}),
    groupBy: list.groupBy ?? [],
    quickFilters: (list.quickFilters ?? []).map((q) => ({ name: q.name, label: q.label })),
    colorRules: (list.colorRules ?? []).map((r) => ({ color: r.color, label: r.label })),
  };
}

export function toEntitySummaryMeta(entity: EntityModel): EntitySummaryMeta {
  const def = entity.def;
  return {
    name: entity.name,
    label: entity.label,
    pluralLabel: entity.pluralLabel,
    ...(def.description ? { description: def.description } : {}),
    ...(def.icon ? { icon: def.icon } : {}),
    system: entity.system,
    ...(entity.titleField ? { titleField: entity.titleField.name } : {}),
    ...(entity.titleTemplate ? { titleTemplate: entity.titleTemplate } : {}),
    fields: entity.fields.map((f) => toFieldMeta(entity, f)),
    stages: [...entity.stages],
    lists: entity.lists.map(toListMeta),
    form: { tabs: def.form.tabs },
    duplicateRules: entity.duplicateRules.map((r) => ({ name: r.name, label: r.label, action: r.action })),
  };
}

/** The whole application model for the UI (before permission filtering). */
export function toAppMeta(model: CompiledModel): AppMeta {
  return {
    hash: model.hash,
    app: { name: model.app.name, label: model.app.label, ...(model.app.timezone ? { timezone: model.app.timezone } : {}) },
    locales: [...model.locales],
    defaultLocale: model.defaultLocale,
    currency: model.currency,
    phoneRegion: model.phoneRegion,
    menu: model.app.menu,
    entities: [...model.entities.values()].map(toEntitySummaryMeta),
    roles: model.roles.map((r) => ({ name: r.name, label: r.label })),
  };
}

/** Widget names the runtime UI registers with react-jsonschema-form, beside rjsf's own. */
function widgetOf(field: FieldModel): { widget?: string; options?: Record<string, unknown> } {
  const colors = Object.fromEntries((field.def.options ?? []).filter((o) => o.color).map((o) => [o.value, o.color]));
  switch (field.valueType) {
    case 'text':
      return { widget: 'textarea' };
    case 'email':
      return { widget: 'email' };
    case 'url':
      return { widget: 'uri' };
    case 'date':
      return { widget: 'date' };
    case 'datetime':
      return { widget: 'date-time' };
    case 'phone':
      return { widget: 'phone' };
    case 'reference':
    case 'user':
      return { widget: field.valueType, options: { target: field.target } };
    case 'file':
      return { widget: 'file', options: { target: field.target, ...(field.def.accept ? { accept: field.def.accept } : {}), ...(field.def.maxSize ? { maxSize: field.def.maxSize } : {}) } };
    case 'money':
      return { widget: 'money', options: { scale: field.def.scale ?? 2 } };
    case 'percent':
      return { widget: 'percent' };
    case 'stage':
      return { widget: 'stage' };
    case 'enum':
      return Object.keys(colors).length > 0 ? { widget: 'enumColor', options: { colors } } : {};
    case 'multiEnum':
      return { widget: 'checkboxes', ...(Object.keys(colors).length > 0 ? { options: { colors } } : {}) };
    default:
      return {};
  }
}

/**
 * The react-jsonschema-form uiSchema of an entity's create/patch form, in one locale: field
 * order from the form's sections, titles, help, option names and widget hints.
 */
export function toUiSchema(model: CompiledModel, entity: EntityModel, locale: string): UiSchema {
  const writable = entity.fields.filter(isWritable);
  const names = new Set(writable.map((f) => f.name));
  const sectionOrder = entity.def.form.tabs.flatMap((t) => t.sections ?? []).flatMap((s) => s.fields);
  // rjsf refuses an order naming fields the schema lacks (read-only ones); '*' places the rest.
  const order = [...new Set(sectionOrder.filter((n) => names.has(n)))];
  const ui: UiSchema = { 'ui:order': [...order, '*'] };
  for (const field of writable) {
    const { widget, options } = widgetOf(field);
    const entry: Record<string, unknown> = { 'ui:title': labelText(field.label, locale) };
    const help = labelText(field.def.help, locale);
    if (help) entry['ui:help'] = help;
    if (field.hidden) entry['ui:widget'] = 'hidden';
    else if (widget) entry['ui:widget'] = widget;
    const extra = { ...options };
    if (field.valueType === 'phone') extra.region = model.phoneRegion;
    if (field.valueType === 'money') extra.currency = model.currency;
    if (Object.keys(extra).length > 0) entry['ui:options'] = extra;
    const optionLabels =
      field.type === 'stage' ? entity.stages.map((s) => labelText(s.label, locale) ?? s.value) : field.def.options?.map((o) => labelText(o.label, locale) ?? o.value);
    // enumNames pair with the enum by position; a nullable enum ends with null, shown blank.
    if (optionLabels && field.valueType !== 'multiEnum') entry['ui:enumNames'] = field.required ? optionLabels : [...optionLabels, ''];
    else if (optionLabels) entry['ui:enumNames'] = optionLabels;
    ui[field.name] = entry;
  }
  return ui;
}

export function toEntityMeta(model: CompiledModel, entity: EntityModel, locale: string): EntityMeta {
  return {
    entity: entity.name,
    locale,
    schema: createSchema(entity),
    patchSchema: patchSchema(entity),
    recordSchema: recordSchema(entity),
    uiSchema: toUiSchema(model, entity, locale),
    lists: entity.lists.map(toListMeta),
    form: { tabs: entity.def.form.tabs },
  };
}

const appCache = new WeakMap<CompiledModel, AppMeta>();
const entityCache = new WeakMap<CompiledModel, Map<string, EntityMeta>>();

function cachedAppMeta(model: CompiledModel): AppMeta {
  let meta = appCache.get(model);
  if (!meta) {
    meta = toAppMeta(model);
    appCache.set(model, meta);
  }
  return meta;
}

/** `entity` may be a caller's view without hidden fields: the cache key names them. */
function cachedEntityMeta(model: CompiledModel, entity: EntityModel, locale: string, hiddenKey = ''): EntityMeta {
  let byKey = entityCache.get(model);
  if (!byKey) {
    byKey = new Map();
    entityCache.set(model, byKey);
  }
  const key = `${entity.name}\0${locale}\0${hiddenKey}`;
  let meta = byKey.get(key);
  if (!meta) {
    meta = toEntityMeta(model, entity, locale);
    byKey.set(key, meta);
  }
  return meta;
}

/** ?locale= when given (one of the application's), else the user's language, else the default. */
export function localeOf(model: CompiledModel, query: string | undefined, userLocale: string | null | undefined): string {
  if (query !== undefined) {
    if (!model.locales.includes(query)) {
      throw new CardoError('CARDO_ERR_API_VALIDATION', `locale must be one of: ${model.locales.join(', ')}.`, { errors: [{ path: '/query/locale', message: `"locale" must be one of: ${model.locales.join(', ')}.` }] });
    }
    return query;
  }
  return userLocale && model.locales.includes(userLocale) ? userLocale : model.defaultLocale;
}

/** The model-wide answer cut to what the caller may use: readable entities, visible fields, readOnly marked. */
function appMetaFor(meta: AppMeta, access: Access): AppMeta {
  const entities = meta.entities
    .filter((e) => access.can(e.name, 'read'))
    .map((e) => {
      const { hidden, readOnly } = access.fieldRules(e.name);
      if (hidden.size === 0 && readOnly.size === 0) return e;
      return { ...e, fields: e.fields.filter((f) => !hidden.has(f.name)).map((f) => (readOnly.has(f.name) ? { ...f, readOnly: true } : f)) };
    });
  const menu = meta.menu
    .map((section) => ({ ...section, items: section.items.filter((item) => item.entity === undefined || access.can(item.entity, 'read')) }))
    .filter((section) => section.items.length > 0);
  return { ...meta, menu, entities };
}

/** Marks the caller's readOnly fields in a copy of the schemas (rjsf shows them disabled). */
function markReadOnly(meta: EntityMeta, readOnly: ReadonlySet<string>): EntityMeta {
  if (readOnly.size === 0) return meta;
  const copy = structuredClone(meta);
  for (const schema of [copy.schema, copy.patchSchema]) {
    const properties = (schema as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
    for (const name of readOnly) if (properties[name]) properties[name].readOnly = true;
  }
  for (const name of readOnly) {
    const entry = copy.uiSchema[name];
    if (entry && typeof entry === 'object') (entry as Record<string, unknown>)['ui:readonly'] = true;
  }
  return copy;
}

/** Both routes require a session: the auth hook answers 401 before they run. */
export const metaRoutes: RoutePlugin = (app) => {
  // No user only when the app is built without the auth plugin (meta.test.ts): the model is then
  // shown whole; with it, the auth hook answers 401 before these handlers run.
  app.get('/api/meta', async (request) => (request.user ? appMetaFor(cachedAppMeta(request.model), await accessOf(request)) : cachedAppMeta(request.model)));

  app.get<{ Params: { entity: string }; Querystring: { locale?: string } }>(
    '/api/meta/entities/:entity',
    {
      schema: {
        params: { type: 'object', properties: { entity: { type: 'string', maxLength: 64 } }, required: ['entity'] },
        querystring: { type: 'object', properties: { locale: { type: 'string', maxLength: 16 } } },
      },
    },
    async (request) => {
      const model = request.model;
      if (!request.user) {
        const entity = model.entities.get(request.params.entity);
        if (!entity) throw new CardoError('CARDO_ERR_API_UNKNOWN_ENTITY', `There is no entity "${request.params.entity}".`);
        return cachedEntityMeta(model, entity, localeOf(model, request.query.locale, null));
      }
      const access = await accessOf(request);
      // Unknown and unreadable entities get the same 404.
      const entity = access.entity(request.params.entity);
      const { hidden, readOnly } = access.fieldRules(entity.name);
      const meta = cachedEntityMeta(model, access.view(entity), localeOf(model, request.query.locale, request.user?.locale), [...hidden].sort().join(','));
      return markReadOnly(meta, readOnly);
    },
  );
};
