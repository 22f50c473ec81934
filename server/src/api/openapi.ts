// The OpenAPI 3.1 document of the application, generated from the compiled model: one set of
// typed paths and schemas per entity, from the same JSON Schemas the API validates with.
import type { CompiledModel, EntityModel } from '../compile/compile.js';
import { calendarsResponse, eventsResponse, feedTokenResponse } from '../calendar/calendar.routes.js';
import { forecastSchema, reportListSchema, reportResultSchema } from '../reports/report-schemas.js';
import { countSchema, notificationPageSchema, notificationSchema } from '../notifications/notifications.routes.js';
import { generateBody, generatedResponse, templatesResponse } from '../documents/documents.routes.js';
import { ERRORS } from '../errors.js';
import { createSchema, groupsSchema, labelText, listSchema, pageSchema, patchSchema, recordSchema, type JsonSchema } from './record-schemas.js';

export interface OpenApiOptions {
  /** The server's base URL; without it clients resolve paths against the document's URL. */
  serverUrl?: string;
  /** Language of labels in descriptions; English when the application has it. */
  locale?: string;
}

type PathItem = Record<string, unknown>;

export type OpenApiDocument = JsonSchema & { openapi: '3.1.0'; paths: Record<string, PathItem>; components: { schemas: Record<string, JsonSchema>; [part: string]: unknown } };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const problemRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const LABEL: JsonSchema = { type: 'object', additionalProperties: { type: 'string' }, description: 'A text per locale, e.g. {"en": "Counterparty", "ru": "Контрагент"}.' };
const UUID: JsonSchema = { type: 'string', format: 'uuid' };

/** The problem responses (RFC 9457), by status. */
const PROBLEMS: Record<string, [string, string]> = {
  400: ['BadRequest', 'The request is not valid: `errors` names each problem ({path, message}).'],
  401: ['Unauthorized', 'Not logged in: send the session cookie or `Authorization: Bearer <token>`.'],
  403: ['Forbidden', 'The caller may not do this.'],
  404: ['NotFound', 'No such entity, record or route.'],
  409: ['Conflict', 'A duplicate (`duplicates` lists the matching records; `confirmable` when `?confirm=duplicates` would save it), a unique value taken, or the record is referenced.'],
  422: ['UnprocessableContent', 'The record lacks values the document template needs: `missing` lists each one ({path, message}).'],
  412: ['PreconditionFailed', 'The record was changed since the version sent (If-Match or `version`).'],
  428: ['PreconditionRequired', 'A patch must say which version it edits: If-Match header or `version` in the body.'],
  429: ['TooManyRequests', 'Too many failed logins; retry after the Retry-After seconds.'],
  503: ['Unavailable', 'The database does not answer.'],
};

function problems(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(statuses.map((s) => [String(s), problemRef((PROBLEMS[s] as [string, string])[0])]));
}

const pascal = (name: string) => name.replace(/(^|_)([a-z0-9])/g, (_m, _s: string, c: string) => c.toUpperCase());

/** Schemas that are not per entity; an entity whose names would clash keeps its raw name. */
const SHARED_SCHEMAS = ['Problem', 'FieldError', 'Duplicate', 'Groups', 'RecordList', 'HistoryEntry', 'LinkView', 'LinkCreate', 'LoginRequest', 'LoginResponse', 'SessionUser', 'Label', 'AppMeta', 'EntityMeta', 'Status'];

/** The component-name stem of each entity: counterparty → Counterparty, kpi_plan → KpiPlan. */
export function schemaStems(model: CompiledModel): Map<string, string> {
  const taken = new Set(SHARED_SCHEMAS);
  const stems = new Map<string, string>();
  for (const entity of model.entities.values()) {
    let stem = pascal(entity.name);
    const names = (s: string) => [s, `${s}Create`, `${s}Patch`, `${s}List`];
    // Raw names start lower-case and are unique, so they never clash with a PascalCase stem.
    if (names(stem).some((n) => taken.has(n))) stem = entity.name;
    for (const n of names(stem)) taken.add(n);
    stems.set(entity.name, stem);
  }
  return stems;
}

function entitySchemas(entity: EntityModel, stem: string, locale: string): Record<string, JsonSchema> {
  const label = labelText(entity.label, locale) ?? entity.name;
  return {
    [`${stem}Create`]: { ...createSchema(entity, { locale }), description: `The body that creates a ${label}.` },
    [`${stem}Patch`]: { ...patchSchema(entity, { locale }), description: `Fields of a ${label} to change; absent fields stay as they are, null clears a field.` },
    [stem]: { ...recordSchema(entity, { locale }), description: `A ${label}. With \`fields=\`, only the fields asked for (and id) are present.` },
    [`${stem}List`]: { ...listSchema(entity, ref(stem)), description: `A page of ${labelText(entity.pluralLabel, locale) ?? entity.name}; \`total\` is exact up to 10,000 matches and an estimate (\`totalEstimated\`) beyond.` },
  };
}

function sharedSchemas(): Record<string, JsonSchema> {
  return {
    Label: LABEL,
    FieldError: { type: 'object', properties: { path: { type: 'string', description: 'JSON pointer into the body, e.g. /phone; or /query/<name> for a query parameter.' }, message: { type: 'string' } }, required: ['path', 'message'] },
    Duplicate: {
      type: 'object',
      properties: {
        id: UUID,
        title: { type: 'string' },
        rule: { type: 'string', description: 'The duplicate rule that matched.' },
        action: { type: 'string', enum: ['block', 'warn'] },
        fields: { type: 'array', items: { type: 'string' } },
        score: { type: 'number', minimum: 0, maximum: 1, description: 'Trigram similarity, for fuzzy rules.' },
      },
      required: ['id', 'title', 'rule', 'fields'],
    },
    Problem: {
      type: 'object',
      description: 'An error (RFC 9457).',
      properties: {
        type: { type: 'string', format: 'uri' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        code: { type: 'string', enum: Object.keys(ERRORS) },
        errors: { type: 'array', items: ref('FieldError') },
        duplicates: { type: 'array', items: ref('Duplicate') },
        confirmable: { type: 'boolean', description: 'Only warning rules matched: repeat with ?confirm=duplicates to save anyway.' },
      },
      required: ['type', 'title', 'status', 'code'],
    },
    Groups: groupsSchema(),
    RecordList: pageSchema({ type: 'object', description: 'A record of the related entity.' }),
    HistoryEntry: {
      type: 'object',
      properties: {
        id: UUID,
        at: { type: 'string', format: 'date-time' },
        action: { type: 'string', enum: ['create', 'update', 'delete'] },
        actor: { type: ['object', 'null'], properties: { id: UUID, fullName: { type: 'string' } } },
        onBehalfOf: { type: ['object', 'null'], properties: { id: UUID, fullName: { type: 'string' } }, description: 'The absent user a deputy acted for.' },
        changes: { type: 'object', additionalProperties: { type: 'object', properties: { from: {}, to: {} } }, description: 'Per field: the old and the new value.' },
      },
      required: ['id', 'at', 'action', 'changes'],
    },
    LinkView: {
      type: 'object',
      properties: {
        id: UUID,
        kind: { type: 'string' },
        automatic: { type: 'boolean' },
        direction: { type: 'string', enum: ['outgoing', 'incoming'] },
        record: { type: 'object', properties: { entity: { type: 'string' }, id: UUID, title: { type: 'string' } }, required: ['entity', 'id', 'title'] },
        createdAt: { type: 'string', format: 'date-time' },
      },
      required: ['id', 'kind', 'direction', 'record'],
    },
    SavedView: {
      type: 'object',
      description: 'A saved personal list view: the runtime UI\'s list state under a name, visible to its owner only.',
      properties: {
        id: UUID,
        entity: { type: 'string' },
        name: { type: 'string', minLength: 1, maxLength: 100 },
        state: { type: 'object', description: 'The UI\'s list state (base view, filter, sort, columns, groupBy, quickFilter, pageSize…), stored as given.' },
        createdAt: { type: 'string', format: 'date-time' },
        updatedAt: { type: 'string', format: 'date-time' },
      },
      required: ['id', 'entity', 'name', 'state', 'createdAt', 'updatedAt'],
    },
    SavedViewCreate: {
      type: 'object',
      properties: {
        entity: { type: 'string', description: 'An entity the caller may read.' },
        name: { type: 'string', minLength: 1, maxLength: 100, description: 'Trimmed; saving an existing name of the same entity replaces that view.' },
        state: { type: 'object', description: 'At most 32 KB as JSON.' },
      },
      required: ['entity', 'name', 'state'],
      additionalProperties: false,
    },
    LinkCreate: {
      type: 'object',
      properties: {
        from: { type: 'object', properties: { entity: { type: 'string' }, id: UUID }, required: ['entity', 'id'] },
        to: { type: 'object', properties: { entity: { type: 'string' }, id: UUID }, required: ['entity', 'id'] },
        kind: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$', default: 'related' },
      },
      required: ['from', 'to'],
      additionalProperties: false,
    },
    LoginRequest: { type: 'object', properties: { login: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1 } }, required: ['login', 'password'], additionalProperties: false },
    SessionUser: {
      type: 'object',
      properties: { id: UUID, login: { type: 'string' }, fullName: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, locale: { type: ['string', 'null'] } },
      required: ['id', 'login', 'fullName', 'roles'],
    },
    LoginResponse: { type: 'object', properties: { token: { type: 'string', description: 'Send as `Authorization: Bearer <token>`.' }, user: ref('SessionUser') }, required: ['token', 'user'] },
    AppMeta: {
      type: 'object',
      description: 'The application model for the UI: app, locales, menu, and per entity its fields, stages, lists and form.',
      properties: {
        hash: { type: 'string', description: 'The metadata version.' },
        app: { type: 'object', properties: { name: { type: 'string' }, label: ref('Label'), timezone: { type: 'string' } } },
        locales: { type: 'array', items: { type: 'string' } },
        defaultLocale: { type: 'string' },
        currency: { type: 'string' },
        phoneRegion: { type: 'string' },
        menu: { type: 'array', items: { type: 'object' } },
        entities: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, label: ref('Label'), pluralLabel: ref('Label'), fields: { type: 'array', items: { type: 'object' } }, lists: { type: 'array', items: { type: 'object' } } } } },
      },
      required: ['hash', 'app', 'locales', 'defaultLocale', 'menu', 'entities'],
    },
    EntityMeta: {
      type: 'object',
      description: 'What a form needs: the JSON Schemas of create, patch and record, a react-jsonschema-form uiSchema, the list views and the form layout.',
      properties: {
        entity: { type: 'string' },
        locale: { type: 'string' },
        schema: { type: 'object' },
        patchSchema: { type: 'object' },
        recordSchema: { type: 'object' },
        uiSchema: { type: 'object' },
        lists: { type: 'array', items: { type: 'object' } },
        form: { type: 'object' },
      },
      required: ['entity', 'schema', 'patchSchema', 'recordSchema', 'uiSchema', 'lists', 'form'],
    },
    Status: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
  };
}

const query = (name: string, schema: JsonSchema, description: string) => ({ name, in: 'query', required: false, schema, description });

/** Parameters shared by every entity's paths, referenced rather than repeated. */
const PARAMETERS: Record<string, JsonSchema> = {
  filter: query('filter', { type: 'string' }, 'A condition in the JSON condition language, e.g. {"status": {"$in": ["active", "key"]}}.'),
  sort: query('sort', { type: 'string' }, 'Fields separated by commas, "-" for descending, e.g. -createdAt,name.'),
  limit: query('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 50 }, 'Page size.'),
  offset: query('offset', { type: 'integer', minimum: 0, default: 0 }, 'Records to skip.'),
  q: query('q', { type: 'string' }, 'Text searched in the searchable fields.'),
  fields: query('fields', { type: 'string' }, 'Only these fields, separated by commas.'),
  groupBy: query('groupBy', { type: 'string' }, 'Answer with groups (count and sums per value of this field) instead of records.'),
  confirm: query('confirm', { type: 'string', enum: ['duplicates'] }, 'Save even though warning duplicate rules match.'),
  id: { name: 'id', in: 'path', required: true, schema: UUID },
  ifMatch: { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'The version edited (the ETag of the GET); or send `version` in the body.' },
};
const param = (name: keyof typeof PARAMETERS & string) => ({ $ref: `#/components/parameters/${name}` });

function listParameters(entity: EntityModel): JsonSchema[] {
  const views = entity.lists.map((l) => l.name);
  const quickFilters = [...new Set(entity.lists.flatMap((l) => (l.quickFilters ?? []).map((q) => q.name)))];
  return [
    param('filter'),
    param('sort'),
    param('limit'),
    param('offset'),
    param('q'),
    param('fields'),
    query('view', { type: 'string', enum: views }, 'A list view: its filter, sort and color rules (the first view when absent).'),
    query('quickFilter', quickFilters.length > 0 ? { type: 'string', enum: quickFilters } : { type: 'string' }, 'A quick filter of the view, by name.'),
    param('groupBy'),
  ];
}

const CONFIRM = param('confirm');
const ID = param('id');
const ETAG = { ETag: { description: 'The record version, for If-Match.', schema: { type: 'string' } } };

function entityPaths(entity: EntityModel, stem: string, locale: string, locales: readonly string[]): Record<string, PathItem> {
  const base = `/api/data/${entity.name}`;
  const tags = [entity.name];
  const label = labelText(entity.label, locale) ?? entity.name;
  const plural = labelText(entity.pluralLabel, locale) ?? entity.name;
  const check = patchSchema(entity, { locale });
  const { version: _version, ...checkProperties } = check.properties as Record<string, JsonSchema>;
  const duplicatesBody: JsonSchema = {
    type: 'object',
    properties: { id: { ...UUID, description: 'The record being edited, so it does not match itself.' }, ...checkProperties },
    propertyNames: check.propertyNames,
    additionalProperties: false,
  };
  return {
    [base]: {
      get: {
        operationId: `list${stem}`,
        tags,
        summary: `List ${plural}`,
        parameters: listParameters(entity),
        responses: { 200: { description: `A page of ${plural}, or groups with groupBy.`, content: json({ oneOf: [ref(`${stem}List`), ref('Groups')] }) }, ...problems(400, 401, 403) },
      },
      post: {
        operationId: `create${stem}`,
        tags,
        summary: `Create a ${label}`,
        parameters: [CONFIRM],
        requestBody: { required: true, content: json(ref(`${stem}Create`)) },
        responses: {
          201: { description: 'Created.', headers: { ...ETAG, Location: { description: 'The new record.', schema: { type: 'string' } } }, content: json(ref(stem)) },
          ...problems(400, 401, 403, 409),
        },
      },
    },
    [`${base}/duplicates`]: {
      post: {
        operationId: `find${stem}Duplicates`,
        tags,
        summary: `The ${plural} a save with these values would collide with`,
        requestBody: { required: true, content: json(duplicatesBody) },
        responses: { 200: { description: 'Matching records (empty when none).', content: json({ type: 'object', properties: { duplicates: { type: 'array', items: ref('Duplicate') } }, required: ['duplicates'] }) }, ...problems(400, 401, 403) },
      },
    },
    [`${base}/export.xlsx`]: {
      get: {
        operationId: `export${stem}`,
        tags,
        summary: `The ${plural} of a list as an Excel file`,
        description: 'Every row the same list parameters select (limit, offset, groupBy and titles are ignored), in the caller\'s access scope, streamed. More rows than the configured maximum (CARDO_EXPORT_MAX_ROWS, default 100,000) is a 400 CARDO_ERR_EXPORT_TOO_LARGE.',
        parameters: [...listParameters(entity), { name: 'locale', in: 'query', required: false, schema: { type: 'string', enum: [...locales] }, description: 'Language of the header row and option labels (default: the user\'s).' }],
        responses: {
          200: { description: 'The workbook (one sheet, a header row of field labels).', headers: { 'Content-Disposition': { description: 'attachment with the file name.', schema: { type: 'string' } } }, content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } } },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    [`${base}/{id}`]: {
      parameters: [ID],
      get: { operationId: `get${stem}`, tags, summary: `Get a ${label}`, responses: { 200: { description: 'The record.', headers: ETAG, content: json(ref(stem)) }, ...problems(400, 401, 403, 404) } },
      patch: {
        operationId: `update${stem}`,
        tags,
        summary: `Change a ${label}`,
        parameters: [param('ifMatch'), CONFIRM],
        requestBody: { required: true, content: json(ref(`${stem}Patch`)) },
        responses: { 200: { description: 'The changed record.', headers: ETAG, content: json(ref(stem)) }, ...problems(400, 401, 403, 404, 409, 412, 428) },
      },
      delete: { operationId: `delete${stem}`, tags, summary: `Delete a ${label}`, responses: { 204: { description: 'Deleted.' }, ...problems(400, 401, 403, 404, 409) } },
    },
    [`${base}/{id}/history`]: {
      parameters: [ID],
      get: {
        operationId: `get${stem}History`,
        tags,
        summary: 'Change history, newest first',
        responses: { 200: { description: 'Audit entries.', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('HistoryEntry') } }, required: ['items'] }) }, ...problems(400, 401, 403, 404) },
      },
    },
    [`${base}/{id}/links`]: {
      parameters: [ID],
      get: {
        operationId: `get${stem}Links`,
        tags,
        summary: 'Records linked to this one',
        responses: { 200: { description: 'Links in both directions.', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('LinkView') } }, required: ['items'] }) }, ...problems(400, 401, 403, 404) },
      },
    },
    [`${base}/{id}/related/{relation}`]: {
      parameters: [ID, relationParameter(entity)],
      get: {
        operationId: `list${stem}Related`,
        tags,
        summary: 'Records of a related list',
        parameters: [param('filter'), param('sort'), param('limit'), param('offset'), param('q'), param('fields')],
        responses: { 200: { description: 'A page of related records.', content: json(ref('RecordList')) }, ...problems(400, 401, 403, 404) },
      },
    },
  };
}

function relationParameter(entity: EntityModel): JsonSchema {
  const tabs = entity.def.form.tabs.filter((t) => t.entity && t.via).map((t) => t.name);
  return {
    name: 'relation',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: `A related list of the form${tabs.length > 0 ? ` (${tabs.join(', ')})` : ''}, or an entity with exactly one reference to this one.`,
  };
}

function fixedPaths(model: CompiledModel): Record<string, PathItem> {
  const open = { security: [] };
  const entityParam = { name: 'entity', in: 'path', required: true, schema: { type: 'string', enum: [...model.entities.keys()] } };
  return {
    '/api/auth/login': {
      post: {
        operationId: 'login',
        tags: ['auth'],
        summary: 'Log in: sets the session cookie and returns a bearer token',
        ...open,
        requestBody: { required: true, content: json(ref('LoginRequest')) },
        responses: { 200: { description: 'Logged in.', headers: { 'Set-Cookie': { description: 'cardo_session (HttpOnly, SameSite=Lax).', schema: { type: 'string' } } }, content: json(ref('LoginResponse')) }, ...problems(400, 401, 429) },
      },
    },
    '/api/auth/logout': { post: { operationId: 'logout', tags: ['auth'], summary: 'End the session', responses: { 204: { description: 'Logged out.' }, ...problems(401) } } },
    '/api/auth/me': { get: { operationId: 'me', tags: ['auth'], summary: 'The logged-in user', responses: { 200: { description: 'The caller.', content: json(ref('SessionUser')) }, ...problems(401) } } },
    '/api/meta': { get: { operationId: 'getMeta', tags: ['meta'], summary: 'The application model for the UI', responses: { 200: { description: 'The model.', content: json(ref('AppMeta')) }, ...problems(401) } } },
    '/api/meta/entities/{entity}': {
      get: {
        operationId: 'getEntityMeta',
        tags: ['meta'],
        summary: 'JSON Schemas, uiSchema, lists and form of an entity',
        parameters: [entityParam, { name: 'locale', in: 'query', required: false, schema: { type: 'string', enum: [...model.locales] }, description: 'Language of the uiSchema titles (default: the user\'s).' }],
        responses: { 200: { description: 'The entity\'s form model.', content: json(ref('EntityMeta')) }, ...problems(400, 401, 404) },
      },
    },
    '/api/links': {
      post: {
        operationId: 'createLink',
        tags: ['links'],
        summary: 'Link two records',
        requestBody: { required: true, content: json(ref('LinkCreate')) },
        responses: {
          201: { description: 'Linked.', content: json({ type: 'object', properties: { id: UUID }, required: ['id'] }) },
          200: { description: 'The records were already linked.', content: json({ type: 'object', properties: { id: UUID }, required: ['id'] }) },
          ...problems(400, 401, 403),
        },
      },
    },
    '/api/links/{id}': { delete: { operationId: 'deleteLink', tags: ['links'], summary: 'Remove a link', parameters: [ID], responses: { 204: { description: 'Removed.' }, ...problems(400, 401, 403, 404) } } },
    '/api/views': {
      get: {
        operationId: 'listSavedViews',
        tags: ['views'],
        summary: 'The caller\'s saved list views',
        parameters: [{ name: 'entity', in: 'query', required: false, schema: { type: 'string' }, description: 'Only the views of this entity (default: of every entity the caller may read).' }],
        responses: { 200: { description: 'Own views, by entity then name.', content: json({ type: 'object', properties: { items: { type: 'array', items: ref('SavedView') } }, required: ['items'] }) }, ...problems(400, 401, 404) },
      },
      post: {
        operationId: 'saveView',
        tags: ['views'],
        summary: 'Save a list view under a name (replacing the caller\'s view of that name)',
        requestBody: { required: true, content: json(ref('SavedViewCreate')) },
        responses: {
          201: { description: 'Saved as a new view.', headers: { Location: { description: 'The view.', schema: { type: 'string' } } }, content: json(ref('SavedView')) },
          200: { description: 'The view of that name was replaced.', content: json(ref('SavedView')) },
          ...problems(400, 401),
        },
      },
    },
    '/api/views/{id}': {
      delete: { operationId: 'deleteSavedView', tags: ['views'], summary: 'Delete one of the caller\'s saved views', parameters: [{ name: 'id', in: 'path', required: true, schema: UUID }], responses: { 204: { description: 'Deleted.' }, ...problems(400, 401, 404) } },
    },
    ...calendarPaths(model),
    ...reportPaths(model),
    ...notificationPaths(),
    ...workflowPaths(model),
    ...documentPaths(model),
    '/api/openapi.json': { get: { operationId: 'getOpenApi', tags: ['system'], summary: 'This document', ...open, responses: { 200: { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) } } } },
    '/health': { get: { operationId: 'health', tags: ['system'], summary: 'Liveness', ...open, responses: { 200: { description: 'The process answers.', content: json(ref('Status')) } } } },
    '/ready': { get: { operationId: 'ready', tags: ['system'], summary: 'Readiness: the database answers', ...open, responses: { 200: { description: 'Ready.', content: json(ref('Status')) }, ...problems(503) } } },
  };
}

const NULLABLE_TEXT = { type: ['string', 'null'] };
const WORKFLOW_INSTANCE: JsonSchema = {
  type: 'object',
  properties: {
    id: UUID,
    process: { type: 'string' },
    processLabel: { type: 'string' },
    entity: { type: 'string' },
    recordId: UUID,
    recordTitle: { type: 'string' },
    status: { type: 'string', enum: ['running', 'completed'] },
    startedBy: NULLABLE_TEXT,
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: NULLABLE_TEXT,
    waitingAt: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } } },
    tasks: { type: 'array', items: { type: 'object', properties: { id: UUID, element: { type: 'string' }, title: { type: 'string' }, status: { type: 'string' }, assignee: NULLABLE_TEXT, candidateRole: NULLABLE_TEXT, outcome: NULLABLE_TEXT } } },
    history: {
      type: 'array',
      description: 'Who did what when: started, task_created, task_completed, task_cancelled, timer_fired, service, ended.',
      items: { type: 'object', properties: { at: { type: 'string' }, kind: { type: 'string' }, element: NULLABLE_TEXT, elementName: NULLABLE_TEXT, actor: { type: ['object', 'null'] }, onBehalfOf: { type: ['object', 'null'] }, taskId: NULLABLE_TEXT, outcome: NULLABLE_TEXT, comment: NULLABLE_TEXT } },
    },
  },
  required: ['id', 'process', 'entity', 'recordId', 'status', 'history'],
};

/** Workflows and the task inbox: the same paths for every model, the process names from it. */
function workflowPaths(model: CompiledModel): Record<string, PathItem> {
  const task = { type: 'object', description: 'A sys_task record, plus offered (to a role or department), onBehalfOf (the absent user a deputy sees it for) and outcomes.', additionalProperties: true };
  return {
    '/api/workflows/{process}/start': {
      post: {
        operationId: 'startWorkflow',
        tags: ['workflows'],
        summary: 'Start a process for a record (needs update access to it)',
        parameters: [{ name: 'process', in: 'path', required: true, schema: { type: 'string', enum: model.workflows.map((w) => w.name) }, description: 'The workflow file name.' }],
        requestBody: { required: true, content: json({ type: 'object', properties: { entity: { type: 'string' }, id: UUID }, required: ['entity', 'id'] }) },
        responses: { 201: { description: 'Started; the instance after its first step.', content: json(WORKFLOW_INSTANCE) }, ...problems(400, 401, 403, 404, 409) },
      },
    },
    '/api/workflows/instances': {
      get: {
        operationId: 'listWorkflowInstances',
        tags: ['workflows'],
        summary: 'The running and finished instances of a record',
        parameters: [{ name: 'entity', in: 'query', required: true, schema: { type: 'string' } }, { name: 'id', in: 'query', required: true, schema: UUID }],
        responses: { 200: { description: 'Newest first.', content: json({ type: 'object', properties: { items: { type: 'array', items: WORKFLOW_INSTANCE } }, required: ['items'] }) }, ...problems(400, 401, 404) },
      },
    },
    '/api/workflows/instances/{id}': {
      get: { operationId: 'getWorkflowInstance', tags: ['workflows'], summary: 'An instance: state, tasks and history', parameters: [ID], responses: { 200: { description: 'The instance.', content: json(WORKFLOW_INSTANCE) }, ...problems(400, 401, 404) } },
    },
    '/api/tasks': {
      get: {
        operationId: 'listTasks',
        tags: ['workflows'],
        summary: 'The caller\'s task inbox: assigned to them or to a user they substitute, or offered to their roles and departments',
        parameters: [
          { name: 'assignee', in: 'query', required: false, schema: { type: 'string', enum: ['me'] } },
          { name: 'status', in: 'query', required: false, schema: { type: 'string', enum: ['open', 'completed', 'cancelled', 'all'], default: 'open' } },
          param('limit'),
          param('offset'),
        ],
        responses: { 200: { description: 'Due first.', content: json({ type: 'object', properties: { items: { type: 'array', items: task }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } }, required: ['items', 'total'] }) }, ...problems(400, 401) },
      },
    },
    '/api/tasks/{id}/complete': {
      post: {
        operationId: 'completeTask',
        tags: ['workflows'],
        summary: 'Complete a task (claims an offered one); the process moves on in the same transaction',
        parameters: [ID],
        requestBody: { required: true, content: json({ type: 'object', properties: { outcome: { type: 'string' }, comment: { type: 'string' }, values: { type: 'object', description: 'Fields of the task\'s form, written to the record.' } } }) },
        responses: { 200: { description: 'The completed task.', content: json(task) }, ...problems(400, 401, 403, 404, 409) },
      },
    },
  };
}


function calendarPaths(model: CompiledModel): Record<string, PathItem> {
  const categories = [...new Set(model.calendars.flatMap((c) => c.def.categories.map((x) => x.name)))];
  const categoriesParam = { name: 'categories', in: 'query', required: false, schema: { type: 'string' }, description: `Only these categories, comma-separated (${categories.join(', ')}).` };
  const localeParam = { name: 'locale', in: 'query', required: false, schema: { type: 'string', enum: [...model.locales] }, description: 'Language of titles (default: the user\'s).' };
  const when = (name: string) => ({ name, in: 'query', required: true, schema: { type: 'string' }, description: 'ISO 8601 date (a day in the app\'s time zone) or date-time with Z or an offset.' });
  return {
    '/api/calendar': {
      get: {
        operationId: 'getCalendarEvents',
        tags: ['calendar'],
        summary: 'Events of every calendar in a window (at most 366 days), scoped by access',
        parameters: [when('from'), when('to'), categoriesParam, localeParam],
        responses: { 200: { description: 'Events ordered by start; all-day events have dates, end exclusive.', content: json(eventsResponse as JsonSchema) }, ...problems(400, 401) },
      },
    },
    '/api/calendar/calendars': {
      get: { operationId: 'getCalendars', tags: ['calendar'], summary: 'The calendars and their categories (legend)', parameters: [localeParam], responses: { 200: { description: 'Localized.', content: json(calendarsResponse as JsonSchema) }, ...problems(400, 401) } },
    },
    '/api/calendar/feed-token': {
      get: { operationId: 'getCalendarFeedToken', tags: ['calendar'], summary: 'When the caller\'s feed token was made', responses: { 200: { description: 'null without a token.', content: json({ type: 'object', properties: { createdAt: { type: ['string', 'null'] } }, required: ['createdAt'] }) }, ...problems(401) } },
      post: { operationId: 'rotateCalendarFeedToken', tags: ['calendar'], summary: 'A new iCalendar feed URL (shown once); the previous one stops working', responses: { 201: { description: 'The feed URL.', content: json(feedTokenResponse as JsonSchema) }, ...problems(401, 403) } },
      delete: { operationId: 'revokeCalendarFeedToken', tags: ['calendar'], summary: 'Revoke the caller\'s feed URL', responses: { 204: { description: 'Revoked.' }, ...problems(401, 403) } },
    },
    '/api/calendar.ics': {
      get: {
        operationId: 'getCalendarFeed',
        tags: ['calendar'],
        summary: 'iCalendar feed (30 days back, 180 ahead) for calendar clients; the token is the credential',
        security: [],
        parameters: [{ name: 'token', in: 'query', required: true, schema: { type: 'string' }, description: 'From POST /api/calendar/feed-token.' }, categoriesParam, localeParam],
        responses: { 200: { description: 'RFC 5545.', content: { 'text/calendar': { schema: { type: 'string' } } } }, ...problems(400, 404) },
      },
    },
  };
}

function reportPaths(model: CompiledModel): Record<string, PathItem> {
  const localeParam = { name: 'locale', in: 'query', required: false, schema: { type: 'string', enum: [...model.locales] }, description: 'Language of labels (default: the user\'s).' };
  const q = (name: string, description: string, schema: JsonSchema = { type: 'string' }) => ({ name, in: 'query', required: false, schema, description });
  const stageEntities = [...model.entities.values()].filter((e) => e.stageField).map((e) => e.name);
  return {
    '/api/reports': {
      get: { operationId: 'listReports', tags: ['reports'], summary: 'The reports the caller may run, with their parameters (localized)', parameters: [localeParam], responses: { 200: { description: 'Reports.', content: json(reportListSchema as JsonSchema) }, ...problems(400, 401) } },
    },
    '/api/reports/{report}': {
      get: {
        operationId: 'runReport',
        tags: ['reports'],
        summary: 'Run a report: JSON, or an .xlsx or .pdf file',
        parameters: [
          { name: 'report', in: 'path', required: true, schema: model.reports.length > 0 ? { type: 'string', enum: model.reports.map((r) => r.name) } : { type: 'string' } },
          q('format', 'json (default), xlsx or pdf.', { type: 'string', enum: ['json', 'xlsx', 'pdf'] }),
          q('period', 'planFact: month | quarter | year (of those the report offers), or one period: 2026-11, 2026-Q4, 2026.'),
          q('from', 'First day or month (YYYY-MM-DD, YYYY-MM), widened to whole periods.'),
          q('to', 'Last day or month, inclusive.'),
          q('department', 'planFact: only this department\'s employees.', UUID),
          q('employee', 'planFact: only this employee.', UUID),
          q('metrics', 'planFact: comma-separated metric names.'),
          q('filter', 'aggregate: a JSON condition on the report\'s entity.'),
          localeParam,
        ],
        responses: {
          200: {
            description: 'The report.',
            content: { ...json(reportResultSchema as JsonSchema), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } }, 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
          },
          ...problems(400, 401, 404),
        },
      },
    },
    '/api/forecast/{entity}': {
      get: {
        operationId: 'getForecast',
        tags: ['reports'],
        summary: 'Weighted pipeline, predicted close dates and forecast against won, of an entity with a stage field',
        parameters: [
          { name: 'entity', in: 'path', required: true, schema: stageEntities.length > 0 ? { type: 'string', enum: stageEntities } : { type: 'string' } },
          q('amount', 'The number field weighed (default: the first money field).'),
          q('closeDate', 'The expected close date field (default: the first editable date field).'),
          q('from', 'First month of `months` (default: 6 months back).'),
          q('to', 'Last month of `months` (default: 6 months ahead; at most 36 months).'),
          q('owner', 'Only this owner\'s records.', UUID),
          q('filter', 'A JSON condition on the entity.'),
          q('groupBy', 'Comma-separated sections: stage, month, owner (default: all).'),
          q('limit', 'How many open records to list (default 100, at most 1000).', { type: 'integer', minimum: 0, maximum: 1000 }),
          localeParam,
        ],
        responses: { 200: { description: 'The forecast.', content: json(forecastSchema as JsonSchema) }, ...problems(400, 401, 404) },
      },
    },
  };
}

function documentPaths(model: CompiledModel): Record<string, PathItem> {
  const templates = model.templates.map((t) => t.name);
  const entities = [...new Set(model.templates.map((t) => t.def.entity))];
  return {
    '/api/documents/generate': {
      post: {
        operationId: 'generateDocument',
        tags: ['documents'],
        summary: 'Fill a .docx template with the record, its references and related lists; the file is stored, attached to the record (the template\'s attachTo field) and recorded in its history, in one transaction',
        description: 'Needs read and update access to the record. A record lacking a value the template needs is refused with 422, listing every missing value.',
        requestBody: { required: true, content: json({ ...(generateBody as JsonSchema), properties: { ...(generateBody.properties as Record<string, JsonSchema>), template: { ...generateBody.properties.template, ...(templates.length > 0 ? { enum: templates } : {}) } } }) },
        responses: {
          201: { description: 'The generated file.', headers: { Location: { description: 'The file (GET /api/files/{id}).', schema: { type: 'string' } } }, content: json(generatedResponse as JsonSchema) },
          ...problems(400, 401, 403, 404, 409, 422),
        },
      },
    },
    '/api/documents/templates': {
      get: {
        operationId: 'listDocumentTemplates',
        tags: ['documents'],
        summary: 'The document templates of an entity; with id, whether each applies to that record',
        parameters: [
          { name: 'entity', in: 'query', required: true, schema: { type: 'string', ...(entities.length > 0 ? { enum: entities } : {}) } },
          { name: 'id', in: 'query', required: false, schema: UUID },
          { name: 'locale', in: 'query', required: false, schema: { type: 'string', enum: [...model.locales] }, description: 'Language of the labels.' },
        ],
        responses: { 200: { description: 'The templates.', content: json(templatesResponse as JsonSchema) }, ...problems(400, 401, 404) },
      },
    },
    '/api/files/{id}': {
      get: {
        operationId: 'downloadFile',
        tags: ['documents'],
        summary: 'Download a stored file: readable by whoever may read the sys_file record or the record it is attached to',
        parameters: [{ name: 'id', in: 'path', required: true, schema: UUID }],
        responses: { 200: { description: 'The bytes, with Content-Disposition: attachment and the file name.', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...problems(400, 401, 404) },
      },
    },
  };
}

function notificationPaths(): Record<string, PathItem> {
  const count = json(countSchema as JsonSchema);
  return {
    '/api/notifications': {
      get: {
        operationId: 'listNotifications',
        tags: ['notifications'],
        summary: 'The caller\'s in-app notices, newest first (a deputy also gets the absent user\'s)',
        parameters: [
          { name: 'unread', in: 'query', required: false, schema: { type: 'string', enum: ['true', 'false'] } },
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
          { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: { 200: { description: 'A page.', content: json(notificationPageSchema as JsonSchema) }, ...problems(400, 401) },
      },
    },
    '/api/notifications/unread-count': { get: { operationId: 'countUnreadNotifications', tags: ['notifications'], summary: 'How many notices are unread', responses: { 200: { description: 'The count.', content: count }, ...problems(401) } } },
    '/api/notifications/read-all': { post: { operationId: 'readAllNotifications', tags: ['notifications'], summary: 'Mark every notice read', responses: { 200: { description: 'How many were marked.', content: count }, ...problems(401, 403) } } },
    '/api/notifications/{id}/read': {
      post: { operationId: 'readNotification', tags: ['notifications'], summary: 'Mark one notice read', parameters: [{ name: 'id', in: 'path', required: true, schema: UUID }], responses: { 200: { description: 'The notice.', content: json(notificationSchema as JsonSchema) }, ...problems(400, 401, 403, 404) } },
    },
  };
}

/** The OpenAPI 3.1 document of a model. Pure: the same model gives the same document. */
export function toOpenApi(model: CompiledModel, options: OpenApiOptions = {}): OpenApiDocument {
  const locale = options.locale ?? (model.locales.includes('en') ? 'en' : model.defaultLocale);
  const stems = schemaStems(model);
  const schemas: Record<string, JsonSchema> = sharedSchemas();
  const paths: Record<string, PathItem> = fixedPaths(model);
  const tags: JsonSchema[] = [
    { name: 'auth', description: 'Sessions and bearer tokens.' },
    { name: 'meta', description: 'The application model.' },
    { name: 'links', description: 'Links between records.' },
    { name: 'views', description: 'Saved personal list views.' },
    { name: 'workflows', description: 'BPMN processes, their instances and the task inbox.' },
    { name: 'calendar', description: 'Calendar events and the iCalendar feed.' },
    { name: 'reports', description: 'Reports (plan/fact, aggregates) with xlsx and pdf export, and the sales forecast.' },
    { name: 'notifications', description: 'The in-app notification inbox.' },
    { name: 'system', description: 'Health and this document.' },
  ];
  for (const entity of model.entities.values()) {
    const stem = stems.get(entity.name) as string;
    Object.assign(schemas, entitySchemas(entity, stem, locale));
    Object.assign(paths, entityPaths(entity, stem, locale, model.locales));
    tags.push({ name: entity.name, description: labelText(entity.pluralLabel, locale) ?? entity.name });
  }
  const responses = Object.fromEntries(
    Object.values(PROBLEMS).map(([name, description]) => [name, { description, content: { 'application/problem+json': { schema: ref('Problem') } } }]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: labelText(model.app.label, locale) ?? model.app.name,
      version: model.hash.slice(0, 12),
      description: 'Generated from the application\'s metadata; the version is that of the metadata. Errors are application/problem+json (RFC 9457).',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    security: [{ cookieAuth: [] }, { bearerAuth: [] }],
    tags,
    paths,
    components: {
      schemas,
      parameters: PARAMETERS,
      responses,
      securitySchemes: {
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'cardo_session', description: 'The session cookie set by POST /api/auth/login.' },
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token returned by POST /api/auth/login.' },
      },
    },
  };
}
