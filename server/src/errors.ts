/**
 * The one registry of Cardo error codes: each with an HTTP status and a message a user can
 * read. Metadata problems (CARDO_ERR_META_*) are reported by `cardo validate` and the studio;
 * their status is what the studio API answers when it refuses metadata.
 */
export const ERRORS = {
  // Metadata files
  CARDO_ERR_META_READ: { status: 400, message: 'The file cannot be read.' },
  CARDO_ERR_META_JSON_SYNTAX: { status: 400, message: 'The file is not valid JSON.' },
  CARDO_ERR_META_UNKNOWN_FILE: { status: 400, message: 'The file is not a known kind of metadata.' },
  CARDO_ERR_META_SCHEMA_REF: { status: 400, message: '"$schema" does not point at the meta-schema of this kind of file.' },
  CARDO_ERR_META_SCHEMA: { status: 400, message: 'The file does not match its meta-schema.' },
  CARDO_ERR_META_NAME_MISMATCH: { status: 400, message: 'The name inside the file differs from the file name.' },
  CARDO_ERR_META_DUPLICATE_NAME: { status: 400, message: 'Two definitions share a name.' },
  CARDO_ERR_META_MISSING_APP: { status: 400, message: 'metadata/app.json is missing.' },
  CARDO_ERR_META_UNKNOWN_ENTITY: { status: 400, message: 'No such entity.' },
  CARDO_ERR_META_UNKNOWN_FIELD: { status: 400, message: 'No such field.' },
  CARDO_ERR_META_NOT_A_REFERENCE: { status: 400, message: 'A dot path goes through a field that is not a reference.' },
  CARDO_ERR_META_FIELD_TYPE: { status: 400, message: 'The field has the wrong type for this use.' },
  CARDO_ERR_META_SYSTEM_FIELD: { status: 400, message: 'System fields are not declared in metadata.' },
  CARDO_ERR_META_TITLE: { status: 400, message: 'An entity needs exactly one of titleField and titleTemplate.' },
  CARDO_ERR_META_STAGES_MISSING: { status: 400, message: 'A stage field needs the entity to declare stages.' },
  CARDO_ERR_META_STAGE_FIELD: { status: 400, message: 'Stages are declared but there is not exactly one stage field.' },
  CARDO_ERR_META_UNKNOWN_VALUE: { status: 400, message: 'The value is not one of the field\'s options.' },
  CARDO_ERR_META_DEFAULT: { status: 400, message: 'The default value does not suit the field.' },
  CARDO_ERR_META_RANGE: { status: 400, message: 'min is greater than max.' },
  CARDO_ERR_META_CONDITION_OPERATOR: { status: 400, message: 'The operator does not apply to this field type.' },
  CARDO_ERR_META_CONDITION_VALUE: { status: 400, message: 'The value does not suit the field.' },
  CARDO_ERR_META_CONDITION_DEPTH: { status: 400, message: 'The condition is nested too deeply or has too many terms.' },
  CARDO_ERR_META_EXPRESSION: { status: 400, message: 'The expression cannot be parsed.' },
  CARDO_ERR_META_TEMPLATE: { status: 400, message: 'The template is malformed.' },
  CARDO_ERR_META_UNKNOWN_ROLE: { status: 400, message: 'No such role.' },
  CARDO_ERR_META_UNKNOWN_RECIPIENT: { status: 400, message: 'The recipient does not resolve to users.' },
  CARDO_ERR_META_UNKNOWN_VIEW: { status: 400, message: 'No such list view.' },
  CARDO_ERR_META_UNKNOWN_TAB: { status: 400, message: 'No such form tab.' },
  CARDO_ERR_META_UNKNOWN_CATEGORY: { status: 400, message: 'No such calendar category.' },
  CARDO_ERR_META_UNKNOWN_REPORT: { status: 400, message: 'No such report.' },
  CARDO_ERR_META_UNKNOWN_CALENDAR: { status: 400, message: 'No such calendar.' },
  CARDO_ERR_META_UNKNOWN_TEMPLATE: { status: 400, message: 'No such document template for this entity.' },
  CARDO_ERR_META_UNKNOWN_WORKFLOW: { status: 400, message: 'No such workflow.' },
  CARDO_ERR_META_UNKNOWN_METRIC: { status: 400, message: 'The plan\'s metric field has no option for this metric.' },
  CARDO_ERR_META_LOCALE: { status: 400, message: 'The label lacks a locale of the application, or uses one it does not declare.' },
  CARDO_ERR_META_BPMN: { status: 400, message: 'The BPMN file cannot be parsed.' },
  CARDO_ERR_META_BPMN_ATTRIBUTE: { status: 400, message: 'A cardo: attribute is invalid.' },
  CARDO_ERR_META_BPMN_UNSUPPORTED: { status: 400, message: 'The BPMN element is not supported by the workflow engine.' },
  CARDO_ERR_META_DOCX: { status: 400, message: 'The .docx template cannot be read.' },
  CARDO_ERR_META_TEMPLATE_FILE: { status: 400, message: 'A document template needs both <name>.json and <name>.docx.' },
  CARDO_ERR_META_INVALID: { status: 400, message: 'The metadata has problems; nothing was applied.' },
  CARDO_ERR_META_DESTRUCTIVE: { status: 409, message: 'The change drops or narrows data; it is applied only when explicitly allowed.' },

  // HTTP API
  CARDO_ERR_API_VALIDATION: { status: 400, message: 'The request is not valid.' },
  CARDO_ERR_API_BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  CARDO_ERR_API_BAD_CONDITION: { status: 400, message: 'The filter condition is not valid.' },
  CARDO_ERR_API_UNKNOWN_ENTITY: { status: 404, message: 'There is no such entity.' },
  CARDO_ERR_API_NOT_FOUND: { status: 404, message: 'There is no such record.' },
  CARDO_ERR_API_ROUTE_NOT_FOUND: { status: 404, message: 'There is no such route.' },
  CARDO_ERR_API_PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  CARDO_ERR_API_URI_TOO_LONG: { status: 414, message: 'The request URL or query string is too long.' },
  CARDO_ERR_API_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  CARDO_ERR_API_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable; try again shortly.' },
  CARDO_ERR_SERVER_INTERNAL: { status: 500, message: 'An unexpected error occurred; it has been logged.' },

  // Authentication and access
  CARDO_ERR_AUTH_REQUIRED: { status: 401, message: 'Log in first.' },
  CARDO_ERR_AUTH_INVALID: { status: 401, message: 'Wrong login or password.' },
  CARDO_ERR_AUTH_THROTTLED: { status: 429, message: 'Too many failed logins; wait a minute and try again.' },
  CARDO_ERR_AUTH_FORBIDDEN: { status: 403, message: 'You may not do this.' },
  CARDO_ERR_AUTH_CSRF: { status: 403, message: 'The request did not come from this site; send it from the Cardo page or with the header X-Requested-With: cardo.' },

  // Records
  CARDO_ERR_RECORD_DUPLICATE: { status: 409, message: 'A record like this already exists.' },
  CARDO_ERR_RECORD_UNIQUE: { status: 409, message: 'Another record already has this value.' },
  CARDO_ERR_RECORD_REFERENCED: { status: 409, message: 'Other records refer to this one; it cannot be deleted.' },
  CARDO_ERR_RECORD_STALE: { status: 412, message: 'The record was changed by someone else; reload it and try again.' },
  CARDO_ERR_RECORD_VERSION_REQUIRED: { status: 428, message: 'Send the version you edited (If-Match header or version in the body).' },

  // Automations and links
  CARDO_ERR_AUTOMATION_FAILED: { status: 409, message: 'An automation set off by this change failed; nothing was saved.' },
  CARDO_ERR_AUTOMATION_LOOP: { status: 409, message: 'This change sets off a chain of automations deeper than allowed; nothing was saved.' },
  CARDO_ERR_LINK_IMMUTABLE: { status: 405, message: 'A link cannot be changed; remove it and link the records again.' },

  // Workflows and tasks
  CARDO_ERR_WORKFLOW_UNKNOWN: { status: 404, message: 'There is no such process.' },
  CARDO_ERR_WORKFLOW_ENTITY: { status: 400, message: 'The process does not run for records of this entity.' },
  CARDO_ERR_WORKFLOW_FAILED: { status: 409, message: 'The process cannot continue from its current state; nothing was changed.' },
  CARDO_ERR_TASK_CLOSED: { status: 409, message: 'The task is already completed or cancelled.' },
  CARDO_ERR_TASK_NOT_YOURS: { status: 403, message: 'The task is neither assigned nor offered to you.' },

  // Studio (metadata files and git)
  CARDO_ERR_STUDIO_PATH: { status: 400, message: 'The path is not a file inside the metadata directory.' },
  CARDO_ERR_STUDIO_FILE_NOT_FOUND: { status: 404, message: 'There is no such metadata file.' },
  CARDO_ERR_STUDIO_BINARY: { status: 415, message: 'The file is binary; the studio does not write it as text.' },
  CARDO_ERR_STUDIO_NOT_AN_OBJECT: { status: 400, message: 'A metadata JSON file holds one JSON object.' },
  CARDO_ERR_STUDIO_STALE: { status: 412, message: 'The file was changed since it was read; reload it and edit again.' },
  CARDO_ERR_STUDIO_NOT_GIT: { status: 409, message: 'The metadata directory is not in a git repository.' },
  CARDO_ERR_STUDIO_NOTHING_TO_COMMIT: { status: 409, message: 'There are no metadata changes to commit.' },
  CARDO_ERR_STUDIO_GIT: { status: 409, message: 'git refused the operation; see the detail.' },
  CARDO_ERR_STUDIO_REFERENCED: { status: 409, message: 'Other metadata refers to this item; change those references first.' },
  CARDO_ERR_STUDIO_RENAME: { status: 400, message: 'The item cannot be renamed so; see the detail.' },
  CARDO_ERR_STUDIO_UNDELETABLE: { status: 400, message: 'This metadata file is edited, not deleted.' },
  CARDO_ERR_STUDIO_DOCX: { status: 400, message: 'The upload is not a readable .docx template.' },

  // Exports and saved list views
  CARDO_ERR_EXPORT_TOO_LARGE: { status: 400, message: 'The export has more rows than allowed; narrow the filter.' },
  CARDO_ERR_VIEW_LIMIT: { status: 400, message: 'You have as many saved views of this list as allowed; delete one first.' },

  // Reports and the forecast
  CARDO_ERR_REPORT_UNKNOWN: { status: 404, message: 'There is no such report, or you may not run it.' },
  CARDO_ERR_REPORT_PARAMS: { status: 400, message: 'The report parameters are not valid.' },
  CARDO_ERR_FORECAST_NO_STAGES: { status: 400, message: 'The entity has no stage field, so it has no forecast.' },

  // Calendar
  CARDO_ERR_CALENDAR_FEED_UNKNOWN: { status: 404, message: 'This calendar link is unknown or was replaced; create a new one in Cardo.' },

  // Document templates and files
  CARDO_ERR_DOCUMENT_TEMPLATE_UNKNOWN: { status: 404, message: 'There is no such document template.' },
  CARDO_ERR_DOCUMENT_TEMPLATE_ENTITY: { status: 400, message: 'The template is not for records of this entity.' },
  CARDO_ERR_DOCUMENT_NOT_APPLICABLE: { status: 409, message: 'The template does not apply to this record.' },
  CARDO_ERR_DOCUMENT_MISSING_VALUES: { status: 422, message: 'The record lacks values the template needs; fill them in and generate the document again.' },
  CARDO_ERR_FILE_TYPE: { status: 400, message: 'This kind of file is not accepted here.' },
  CARDO_ERR_DOCUMENT_TEMPLATE_BROKEN: { status: 409, message: 'The template cannot be filled; fix it in the studio.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** A metadata problem, reported as a value, never thrown. */
export interface Problem {
  code: ErrorCode;
  /** Path of the file relative to the metadata directory, with forward slashes. */
  file: string;
  /** RFC 6901 JSON pointer into the file ('' for the whole file; an element id for BPMN). */
  pointer: string;
  message: string;
  /** 1-based line and column, when known. */
  line?: number;
  column?: number;
}

/** One problem with one part of a request, e.g. {path: '/phone', message: 'Not a phone number.'}. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error carrying a registered code; rendered as problem+json (RFC 9457) by the one HTTP
 * error handler. `extra` adds members such as `duplicates` to the problem body.
 */
export class CardoError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[] | undefined;
  readonly extra: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, detail?: string, options: { errors?: readonly FieldError[]; extra?: Record<string, unknown>; cause?: unknown } = {}) {
    super(detail ?? ERRORS[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CardoError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.detail = detail;
    this.errors = options.errors;
    this.extra = options.extra;
  }
}
