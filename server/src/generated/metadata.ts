// Generated from server/schema/*.schema.json by `npm run gen` — do not edit.
/**
 * An identifier used inside a file (list, tab, rule, stage): lower_snake_case.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "name".
 */
export type Name = string;
/**
 * Name of an entity: lower_snake_case; also its table name and API path segment.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "entityName".
 */
export type EntityName = string;
/**
 * An identifier used inside a file (list, tab, rule, stage): lower_snake_case.
 */
export type Name1 = string;
/**
 * Name of an entity: lower_snake_case; also its table name and API path segment.
 */
export type EntityName1 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "fieldName".
 */
export type FieldName = string;
/**
 * A literal value.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "scalar".
 */
export type Scalar = string | number | boolean | null;
/**
 * A literal value.
 */
export type Scalar1 = string | number | boolean | null;
/**
 * A literal value.
 */
export type Scalar2 = string | number | boolean | null;
/**
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "action".
 */
export type Action =
  CreateRecordAction | SetFieldAction | LinkAction | StartWorkflowAction | NotifyAction;
/**
 * An expression in Cardo's safe expression language (arithmetic, comparisons, && || !, field paths such as record.amount, and functions like now(), today(), daysBetween(a, b)).
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "expression".
 */
export type Expression = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName1 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName2 = string;
/**
 * An identifier used inside a file (list, tab, rule, stage): lower_snake_case.
 */
export type Name2 = string;
/**
 * owner (the record's owner); field:<user field>; role:<role>; manager:owner or manager:field:<user field> (that user's manager).
 *
 * This interface was referenced by `Notification`'s JSON-Schema
 * via the `definition` "recipient".
 */
export type Recipient = string;
/**
 * @minItems 1
 *
 * This interface was referenced by `Notification`'s JSON-Schema
 * via the `definition` "recipients".
 */
export type Recipients = Recipient[];
/**
 * @minItems 1
 *
 * This interface was referenced by `Notification`'s JSON-Schema
 * via the `definition` "channels".
 */
export type Channels = ('inApp' | 'email')[];
/**
 * A message template: text with {{path}} placeholders naming fields of the record, e.g. "Meeting with {{counterparty.brand}}".
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "template".
 */
export type Template = string;
/**
 * A CSS hex color such as #1677ff.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "color".
 */
export type Color = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName3 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName4 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName5 = string;
/**
 * An identifier used inside a file (list, tab, rule, stage): lower_snake_case.
 */
export type Name3 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName6 = string;
/**
 * A field, or a dot path through reference fields such as counterparty.status.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "fieldPath".
 */
export type FieldPath = string;
/**
 * Name of a role from roles.json.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "roleName".
 */
export type RoleName = string;
/**
 * An ISO-8601 duration, optionally negative: P3D, -P30D, -PT30M, P1M.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "duration".
 */
export type Duration = string;
/**
 * Sort order: fields separated by commas, a leading '-' for descending, e.g. "-createdAt,brand".
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "sort".
 */
export type Sort = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName7 = string;
/**
 * A message template: text with {{path}} placeholders naming fields of the record, e.g. "Meeting with {{counterparty.brand}}".
 */
export type Template1 = string;
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "field".
 */
export type Field = {
  name: FieldName;
  label: Label;
  type: FieldType;
  /**
   * A value must be given when the record is created and cannot be cleared.
   */
  required?: boolean;
  /**
   * No two records may have the same value.
   */
  unique?: boolean;
  /**
   * The value a new record starts with. For dates, $today or $now; for user fields, $me.
   */
  default?: string | number | boolean | string[];
  /**
   * Shown but never written by users (set by automations or workflows).
   */
  readOnly?: boolean;
  /**
   * Not shown on cards and lists (still available to automations).
   */
  hidden?: boolean;
  /**
   * Quick search (q) looks in this field.
   */
  searchable?: boolean;
  help?: Label5;
  /**
   * Smallest allowed number (integer, decimal, money, percent).
   */
  min?: number;
  /**
   * Largest allowed number (integer, decimal, money, percent).
   */
  max?: number;
  /**
   * Shortest allowed text.
   */
  minLength?: number;
  /**
   * Longest allowed text.
   */
  maxLength?: number;
  /**
   * A regular expression a text value must match, e.g. ^\d{10}(\d{2})?$ for an INN.
   */
  pattern?: string;
  /**
   * Digits after the decimal point (decimal, money).
   */
  scale?: number;
  /**
   * The choices of an enum or multiEnum field.
   *
   * @minItems 1
   * @maxItems 500
   */
  options?: Option[];
  target?: EntityName2;
  /**
   * What happens to this record when the referenced one is deleted: restrict (refuse the delete), cascade (delete this one too) or setNull (clear the reference).
   */
  onDelete?: 'restrict' | 'cascade' | 'setNull';
  filter?: Condition3;
  expression?: Expression1;
  /**
   * For formula fields: the type of the computed value.
   */
  resultType?:
    'string' | 'integer' | 'decimal' | 'money' | 'percent' | 'boolean' | 'date' | 'datetime';
  /**
   * For formula fields: computed on save and stored (so it can be filtered and sorted), instead of on read.
   */
  stored?: boolean;
  /**
   * For file fields: accepted media types or extensions.
   */
  accept?: string[];
  /**
   * For file fields: the largest file in bytes.
   */
  maxSize?: number;
};
/**
 * What a field holds and how it is stored, validated and shown.
 *
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "fieldType".
 */
export type FieldType =
  | 'string'
  | 'text'
  | 'integer'
  | 'decimal'
  | 'money'
  | 'percent'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'enum'
  | 'multiEnum'
  | 'reference'
  | 'user'
  | 'email'
  | 'phone'
  | 'url'
  | 'file'
  | 'stage'
  | 'formula';
/**
 * An identifier used inside a file (list, tab, rule, stage): lower_snake_case.
 */
export type Name4 = string;
/**
 * Name of an entity: lower_snake_case; also its table name and API path segment.
 */
export type EntityName2 = string;
/**
 * An expression in Cardo's safe expression language (arithmetic, comparisons, && || !, field paths such as record.amount, and functions like now(), today(), daysBetween(a, b)).
 */
export type Expression1 = string;
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "tab".
 */
export type Tab = {
  name: Name;
  label: Label;
  /**
   * fields: sections of the record's fields; related: a list of records that reference this one; timeline: related records in date order; links, history, files: the record's links, change history and attached files.
   */
  kind?: 'fields' | 'related' | 'timeline' | 'links' | 'history' | 'files';
  /**
   * @minItems 1
   */
  sections?: Section[];
  entity?: EntityName3;
  via?: FieldName8;
  view?: Name5;
  dateField?: FieldName9;
};
/**
 * Name of an entity: lower_snake_case; also its table name and API path segment.
 */
export type EntityName3 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName8 = string;
/**
 * An identifier used inside a file (list, tab, rule, stage): lower_snake_case.
 */
export type Name5 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName9 = string;
/**
 * This interface was referenced by `Notification`'s JSON-Schema
 * via the `definition` "trigger".
 */
export type NotificationTrigger = {
  /**
   * create, update or fieldChange (one of fields changed): sent after the write. date: sent at the date field plus the offset.
   */
  on: 'create' | 'update' | 'fieldChange' | 'date';
  /**
   * For fieldChange: the fields watched.
   *
   * @minItems 1
   */
  fields?: FieldName[];
  dateField?: FieldName10;
  offset?: Duration1;
};
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName10 = string;
/**
 * For date: shift from the date, e.g. -PT30M (30 minutes before) or P14D (14 days after).
 */
export type Duration1 = string;
/**
 * metadata/reports/<id>.json: a planFact report (targets from a plan entity against facts computed from records) or an aggregate report (group-by and measures over an entity). Exportable to xlsx and pdf.
 */
export type Report = PlanFactReport | AggregateReport;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName11 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName12 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName13 = string;
export type ReportPeriod = 'month' | 'quarter' | 'year';
/**
 * For date fields: group by this period.
 */
export type ReportPeriod1 = 'month' | 'quarter' | 'year';
/**
 * Which records: none; own (the user owns them); subordinates (own and those of the people the user manages, through the department tree); department (everyone in the user's department); all.
 *
 * This interface was referenced by `Roles`'s JSON-Schema
 * via the `definition` "scope".
 */
export type Scope = 'none' | 'own' | 'subordinates' | 'department' | 'all';
/**
 * Name of an entity: lower_snake_case; also its table name and API path segment.
 */
export type EntityName4 = string;
/**
 * A message template: text with {{path}} placeholders naming fields of the record, e.g. "Meeting with {{counterparty.brand}}".
 */
export type Template2 = string;
/**
 * Name of a field: camelCase, starting with a letter.
 */
export type FieldName14 = string;

export interface CardoMetadata {
  AppFile?: App;
  AutomationFile?: Automation;
  CalendarFile?: Calendar;
  CommonFile?: CommonDefinitions;
  ConditionFile?: Condition1;
  EntityFile?: Entity;
  NotificationFile?: Notification;
  ReportFile?: Report;
  RolesFile?: Roles;
  TemplateFile?: DocumentTemplate;
}
/**
 * metadata/app.json: the application's name, locales, regional settings and menu.
 */
export interface App {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  name: Name;
  label: Label;
  /**
   * The languages labels are written in.
   *
   * @minItems 1
   */
  locales: string[];
  /**
   * The language used when a user has not chosen one; must be one of locales.
   */
  defaultLocale: string;
  /**
   * ISO 3166 country used to read phone numbers written without a country code.
   */
  phoneRegion?: string;
  /**
   * ISO 4217 currency of money fields.
   */
  currency: string;
  /**
   * IANA time zone used for dates and reminders, e.g. Europe/Moscow.
   */
  timezone?: string;
  /**
   * The sections of the main menu.
   *
   * @minItems 1
   */
  menu: MenuSection[];
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "label".
 */
export interface Label {
  [k: string]: string | undefined;
}
/**
 * This interface was referenced by `App`'s JSON-Schema
 * via the `definition` "menuSection".
 */
export interface MenuSection {
  name: Name;
  label: Label;
  icon?: string;
  /**
   * @minItems 1
   */
  items: MenuItem[];
}
/**
 * One menu entry: an entity's list, a calendar, a report, or a built-in page.
 *
 * This interface was referenced by `App`'s JSON-Schema
 * via the `definition` "menuItem".
 */
export interface MenuItem {
  entity?: EntityName;
  view?: Name1;
  /**
   * A calendar from calendars/ (its file name without .json).
   */
  calendar?: string;
  /**
   * A report from reports/.
   */
  report?: string;
  /**
   * A built-in page.
   */
  page?: 'tasks' | 'notifications' | 'forecast' | 'reports' | 'calendar';
  label?: Label1;
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 */
export interface Label1 {
  [k: string]: string | undefined;
}
/**
 * metadata/automations/<name>.json: when a record of an entity is created, updated or deleted (optionally only when given fields change) and a condition holds, run actions in the same transaction as the write.
 */
export interface Automation {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  label: Label;
  description?: Label;
  entity: EntityName1;
  /**
   * The writes that trigger it.
   *
   * @minItems 1
   */
  on: ('create' | 'update' | 'delete')[];
  /**
   * For updates: only when one of these fields changes.
   *
   * @minItems 1
   */
  fields?: FieldName[];
  when?: Condition;
  /**
   * The actions, run in order.
   *
   * @minItems 1
   * @maxItems 20
   */
  do: Action[];
  enabled?: boolean;
}
/**
 * Only when the record (after the write) matches this condition.
 */
export interface Condition {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
/**
 * Cardo's one condition language, used by list filters, color rules, notifications, automations, reports and calendars. An object of {field: value} or {field: {$op: value}}, combined with $and, $or and $not. Fields may be dot paths through references (counterparty.status). Values may be the variables $me (the current user), $today and $now, optionally shifted by a duration: "$today-P14D".
 */
export interface Condition1 {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
/**
 * Cardo's one condition language, used by list filters, color rules, notifications, automations, reports and calendars. An object of {field: value} or {field: {$op: value}}, combined with $and, $or and $not. Fields may be dot paths through references (counterparty.status). Values may be the variables $me (the current user), $today and $now, optionally shifted by a duration: "$today-P14D".
 */
export interface Condition2 {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
/**
 * Comparison operators for one field; several operators in one object must all hold.
 *
 * This interface was referenced by `Condition2`'s JSON-Schema
 * via the `definition` "operators".
 *
 * This interface was referenced by `Condition1`'s JSON-Schema
 * via the `definition` "operators".
 *
 * This interface was referenced by `Condition`'s JSON-Schema
 * via the `definition` "operators".
 *
 * This interface was referenced by `Condition3`'s JSON-Schema
 * via the `definition` "operators".
 *
 * This interface was referenced by `Condition4`'s JSON-Schema
 * via the `definition` "operators".
 *
 * This interface was referenced by `Condition5`'s JSON-Schema
 * via the `definition` "operators".
 *
 * This interface was referenced by `Condition6`'s JSON-Schema
 * via the `definition` "operators".
 */
export interface ConditionOperators {
  $eq?: Scalar1;
  $ne?: Scalar2;
  /**
   * Greater than.
   */
  $gt?: string | number;
  /**
   * Greater than or equal to.
   */
  $gte?: string | number;
  /**
   * Less than.
   */
  $lt?: string | number;
  /**
   * Less than or equal to.
   */
  $lte?: string | number;
  /**
   * One of these values.
   *
   * @maxItems 1000
   */
  $in?: Scalar[];
  /**
   * None of these values.
   *
   * @maxItems 1000
   */
  $nin?: Scalar[];
  /**
   * Text contains this (case-insensitive); a multi-value field contains this value.
   */
  $contains?: string;
  /**
   * Text starts with this (case-insensitive).
   */
  $startsWith?: string;
  /**
   * true: the field is empty; false: it has a value.
   */
  $null?: boolean;
}
/**
 * Create a record of an entity.
 *
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "createRecord".
 */
export interface CreateRecordAction {
  action: 'createRecord';
  entity: EntityName;
  values: ActionValues;
  /**
   * Also link the new record to the triggering one.
   */
  link?: boolean;
}
/**
 * Field values: a literal, or {"$expr": "..."} evaluated over record (the triggering record), old (its values before an update), me and now.
 *
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "values".
 */
export interface ActionValues {
  [k: string]: Scalar | ValueExpression | undefined;
}
/**
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "valueExpression".
 */
export interface ValueExpression {
  $expr: Expression;
}
/**
 * Set fields of the triggering record, or of a record it references (target: the reference field).
 *
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "setField".
 */
export interface SetFieldAction {
  action: 'setField';
  target?: FieldName1;
  values: ActionValues;
}
/**
 * Link the triggering record to the record a reference field points to.
 *
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "link".
 */
export interface LinkAction {
  action: 'link';
  to: FieldName2;
  kind?: Name2;
}
/**
 * Start a BPMN process from workflows/ for the triggering record.
 *
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "startWorkflow".
 */
export interface StartWorkflowAction {
  action: 'startWorkflow';
  /**
   * The workflow's file name without .bpmn.
   */
  process: string;
}
/**
 * Send a notification about the triggering record.
 *
 * This interface was referenced by `Automation`'s JSON-Schema
 * via the `definition` "notify".
 */
export interface NotifyAction {
  action: 'notify';
  recipients: Recipients;
  channels?: Channels;
  subject: LocalizedTemplate;
  body?: LocalizedTemplate;
}
/**
 * A message template per locale.
 *
 * This interface was referenced by `CommonDefinitions`'s JSON-Schema
 * via the `definition` "localizedTemplate".
 */
export interface LocalizedTemplate {
  [k: string]: Template | undefined;
}
/**
 * metadata/calendars/<name>.json: which records appear in a calendar, when, under which title and category color.
 */
export interface Calendar {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  label: Label;
  /**
   * @minItems 1
   */
  categories: CalendarCategory[];
  /**
   * @minItems 1
   */
  sources: CalendarSource[];
}
/**
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "category".
 */
export interface CalendarCategory {
  name: Name;
  label: Label;
  color: Color;
}
/**
 * This interface was referenced by `Calendar`'s JSON-Schema
 * via the `definition` "source".
 */
export interface CalendarSource {
  entity: EntityName;
  start: FieldName3;
  end?: FieldName4;
  duration?: FieldName5;
  title: Template;
  category?: Name3;
  categoryField?: FieldName6;
  when?: Condition1;
}
/**
 * Building blocks shared by every kind of Cardo metadata file.
 */
export interface CommonDefinitions {
  [k: string]: unknown | undefined;
}
/**
 * One kind of record (a counterparty, a deal…): its fields, stages, duplicate rules, card layout and list views. The file name is metadata/entities/<name>.json.
 */
export interface Entity {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  name: EntityName;
  label: Label2;
  pluralLabel: Label3;
  description?: Label4;
  /**
   * Icon name shown in menus and cards.
   */
  icon?: string;
  titleField?: FieldName7;
  titleTemplate?: Template1;
  /**
   * The fields a consultant declares. System fields (id, createdAt, updatedAt, createdBy, updatedBy, owner, version) exist on every record and are not declared.
   *
   * @minItems 1
   * @maxItems 500
   */
  fields: Field[];
  /**
   * The ordered stages used by this entity's stage field.
   *
   * @minItems 2
   * @maxItems 50
   */
  stages?: Stage[];
  /**
   * Rules that find records which would be duplicates of the one being saved.
   *
   * @maxItems 20
   */
  duplicateRules?: DuplicateRule[];
  form: Form;
  /**
   * Named list views; the first one is the default.
   *
   * @minItems 1
   * @maxItems 50
   */
  lists: ListView[];
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 */
export interface Label2 {
  [k: string]: string | undefined;
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 */
export interface Label3 {
  [k: string]: string | undefined;
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 */
export interface Label4 {
  [k: string]: string | undefined;
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 */
export interface Label5 {
  [k: string]: string | undefined;
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "option".
 */
export interface Option {
  value: Name4;
  label: Label;
  color?: Color;
}
/**
 * Cardo's one condition language, used by list filters, color rules, notifications, automations, reports and calendars. An object of {field: value} or {field: {$op: value}}, combined with $and, $or and $not. Fields may be dot paths through references (counterparty.status). Values may be the variables $me (the current user), $today and $now, optionally shifted by a duration: "$today-P14D".
 */
export interface Condition3 {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "stage".
 */
export interface Stage {
  value: Name;
  label: Label;
  /**
   * Chance of winning at this stage, in percent; weighted amount = amount × probability.
   */
  probability: number;
  color?: Color;
  /**
   * A closing stage: won or lost. Open stages have none.
   */
  outcome?: 'won' | 'lost';
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "duplicateRule".
 */
export interface DuplicateRule {
  name: Name;
  label: Label;
  /**
   * The fields compared; a record is a duplicate when all of them match.
   *
   * @minItems 1
   * @maxItems 5
   */
  fields: FieldName[];
  /**
   * exact: equal after normalization; fuzzy: trigram similarity at least the threshold.
   */
  match: 'exact' | 'fuzzy';
  /**
   * For fuzzy rules: the similarity (0–1) from which records count as duplicates.
   */
  threshold?: number;
  /**
   * How values are normalized before comparing; by default from the field type (phone → E.164, email → lower-case, other text → trimmed lower-case).
   */
  normalize?: 'phone' | 'email' | 'name' | 'text';
  /**
   * block: the save is refused; warn: the user must confirm.
   */
  action: 'block' | 'warn';
}
/**
 * The layout of a record's card: tabs with sections of fields, related lists, links, history and the interactions timeline.
 *
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "form".
 */
export interface Form {
  /**
   * @minItems 1
   * @maxItems 30
   */
  tabs: Tab[];
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "section".
 */
export interface Section {
  name: Name;
  label?: Label;
  /**
   * How many columns the fields are laid out in.
   */
  columns?: number;
  /**
   * @minItems 1
   */
  fields: FieldName[];
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "list".
 */
export interface ListView {
  name: Name;
  label: Label;
  /**
   * The columns: fields or dot paths through references.
   *
   * @minItems 1
   * @maxItems 50
   */
  columns: FieldPath[];
  sort?: Sort;
  filter?: Condition4;
  /**
   * One-click filters offered above the list.
   *
   * @maxItems 20
   */
  quickFilters?: QuickFilter[];
  /**
   * Fields the user may group this list by; the first is not applied until chosen.
   */
  groupBy?: FieldName[];
  pageSize?: number;
  /**
   * Row colors: the first rule whose condition holds colors the row.
   *
   * @maxItems 50
   */
  colorRules?: ColorRule[];
}
/**
 * Cardo's one condition language, used by list filters, color rules, notifications, automations, reports and calendars. An object of {field: value} or {field: {$op: value}}, combined with $and, $or and $not. Fields may be dot paths through references (counterparty.status). Values may be the variables $me (the current user), $today and $now, optionally shifted by a duration: "$today-P14D".
 */
export interface Condition4 {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "quickFilter".
 */
export interface QuickFilter {
  name: Name;
  label: Label;
  filter: Condition1;
}
/**
 * This interface was referenced by `Entity`'s JSON-Schema
 * via the `definition` "colorRule".
 */
export interface ColorRule {
  when: Condition1;
  color: Color;
  label: Label6;
}
/**
 * A text shown to users, one entry per locale, e.g. {"ru": "Контрагент", "en": "Counterparty"}.
 */
export interface Label6 {
  [k: string]: string | undefined;
}
/**
 * metadata/notifications/<name>.json: tell people about an event on a record (created, updated, a field changed) or about a date (a date field plus an offset, such as 30 minutes before a meeting).
 */
export interface Notification {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  label: Label;
  description?: Label;
  entity: EntityName;
  trigger: NotificationTrigger;
  when?: Condition5;
  recipients: Recipients;
  channels: Channels;
  subject: LocalizedTemplate;
  body?: LocalizedTemplate;
  enabled?: boolean;
}
/**
 * Cardo's one condition language, used by list filters, color rules, notifications, automations, reports and calendars. An object of {field: value} or {field: {$op: value}}, combined with $and, $or and $not. Fields may be dot paths through references (counterparty.status). Values may be the variables $me (the current user), $today and $now, optionally shifted by a duration: "$today-P14D".
 */
export interface Condition5 {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
export interface PlanFactReport {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  type: 'planFact';
  label: Label;
  description?: Label;
  plan: PlanSource;
  /**
   * @minItems 1
   */
  metrics: Metric[];
  /**
   * Rows of the report.
   *
   * @minItems 1
   */
  groupBy: ('department' | 'employee')[];
  /**
   * The period lengths a user may choose.
   *
   * @minItems 1
   */
  periods: ReportPeriod[];
}
/**
 * Where targets come from: one record per employee, period and metric.
 */
export interface PlanSource {
  entity: EntityName;
  employeeField: FieldName;
  periodField: FieldName;
  metricField: FieldName;
  targetField: FieldName;
}
/**
 * A fact computed from records: count them or sum a field, by the employee field and date field, for records matching a condition. Its name is the value of the plan's metric field.
 */
export interface Metric {
  name: Name;
  label: Label;
  entity: EntityName;
  measure: 'count' | 'sum';
  field?: FieldName11;
  employeeField?: FieldName12;
  dateField: FieldName13;
  when?: Condition1;
}
export interface AggregateReport {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  type: 'aggregate';
  label: Label;
  description?: Label;
  entity: EntityName;
  when?: Condition1;
  /**
   * @minItems 1
   * @maxItems 3
   */
  groupBy: Grouping[];
  /**
   * @minItems 1
   */
  measures: Measure[];
  sort?: Sort;
  /**
   * How the report is drawn.
   */
  chart?: 'bar' | 'line' | 'funnel' | 'pie';
}
export interface Grouping {
  field: FieldPath;
  period?: ReportPeriod1;
}
export interface Measure {
  name: Name;
  label: Label;
  fn: 'count' | 'sum' | 'avg' | 'min' | 'max';
  field?: FieldName;
  /**
   * Multiply each value by the probability of the record's stage (the weighted pipeline).
   */
  weighted?: boolean;
}
/**
 * metadata/roles.json: who may read, create, update and delete which records, and which fields they may see or change. A user may hold several roles; the widest grant wins.
 */
export interface Roles {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  /**
   * @minItems 1
   */
  roles: Role[];
}
/**
 * This interface was referenced by `Roles`'s JSON-Schema
 * via the `definition` "role".
 */
export interface Role {
  name: RoleName;
  label: Label;
  description?: Label;
  /**
   * May open the studio and change metadata.
   */
  studio?: boolean;
  /**
   * May manage users, departments, roles and substitutions.
   */
  admin?: boolean;
  /**
   * Reports this role may run; "*" for all.
   */
  reports?: string[];
  /**
   * Per entity name (or "*" for every entity not listed): the scope of each operation, and field rules.
   */
  permissions: {
    [k: string]: Permission | undefined;
  };
}
/**
 * This interface was referenced by `Roles`'s JSON-Schema
 * via the `definition` "permission".
 */
export interface Permission {
  read?: Scope;
  create?: Scope;
  update?: Scope;
  delete?: Scope;
  /**
   * Field rules: hidden (never returned, not filterable or sortable) or readOnly (a write is refused).
   */
  fields?: {
    [k: string]: 'hidden' | 'readOnly' | undefined;
  };
}
/**
 * metadata/templates/<name>.json, next to <name>.docx: a document template filled from a record and its references. Placeholders in the .docx are {{path}}, e.g. {{number}} or {{counterparty.legalName}}.
 */
export interface DocumentTemplate {
  /**
   * Path to this meta-schema, for editors.
   */
  $schema?: string;
  label: Label;
  entity: EntityName4;
  when?: Condition6;
  fileName: Template2;
  attachTo?: FieldName14;
}
/**
 * Cardo's one condition language, used by list filters, color rules, notifications, automations, reports and calendars. An object of {field: value} or {field: {$op: value}}, combined with $and, $or and $not. Fields may be dot paths through references (counterparty.status). Values may be the variables $me (the current user), $today and $now, optionally shifted by a duration: "$today-P14D".
 */
export interface Condition6 {
  /**
   * All of these conditions hold.
   *
   * @minItems 1
   */
  $and?: Condition1[];
  /**
   * At least one of these conditions holds.
   *
   * @minItems 1
   */
  $or?: Condition1[];
  $not?: Condition2;
  /**
   * A field (or dot path) and the value it must equal, or an operator object.
   *
   * This interface was referenced by `Condition2`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition1`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition3`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition4`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition5`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   *
   * This interface was referenced by `Condition6`'s JSON-Schema definition
   * via the `patternProperty` "^[a-z][a-zA-Z0-9]*(\.[a-z][a-zA-Z0-9]*){0,3}$".
   */
  [k: string]: Scalar | ConditionOperators | Condition1[] | Condition2 | undefined;
}
