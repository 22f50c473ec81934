import { checkCondition, type ConditionField, type FieldResolver } from '../condition/condition.js';
import type { ErrorCode, Problem } from '../errors.js';
import { ExpressionError, expressionPaths, parseExpression } from '../expression/expression.js';
import { TemplateError, templatePaths } from '../expression/template.js';
import type { Automation, Calendar, Entity, Field, Label, ListView, Notification, Report } from '../generated/metadata.js';
import { checkTemplateDocs } from './check-docx.js';
import { checkWorkflows } from './check-bpmn.js';
import { EntityIndex, stageValues } from './entity-index.js';
import { escapePointer, type MetadataFile } from './load.js';
import { SYSTEM_FIELDS } from './system-entities.js';
import type { MetadataSet, Named } from './validate.js';

const NUMERIC = new Set(['integer', 'decimal', 'money', 'percent']);
const DATE = new Set(['date', 'datetime']);
const TEXT = new Set(['string', 'text', 'email', 'phone', 'url']);
const SYSTEM_FIELD_NAMES = new Set(SYSTEM_FIELDS.map((f) => f.name));

/** The kinds of names `Checker.use` reports; a recipient is `field:…`, `role:…` or `owner` of an entity. */
export type UsedKind = 'role' | 'report' | 'calendar' | 'workflow' | 'template' | 'recipient';

/** Collects problems for one file at a time; every check adds to it and goes on. */
export class Checker {
  readonly problems: Problem[] = [];
  constructor(
    readonly index: EntityIndex,
    readonly set: MetadataSet,
  ) {}

  add(code: ErrorCode, file: string, pointer: string, message: string): void {
    this.problems.push({ code, file, pointer, message });
  }

  /**
   * A name of another metadata item used at a pointer (role, report, calendar, workflow,
   * template, a recipient); validation needs nothing here, the references index listens.
   */
  use(_file: string, _pointer: string, _kind: UsedKind, _name: string, _entity?: string): void {}

  /** The entity, or undefined (reported unless its own file is broken, which is reported already). */
  entity(file: string, pointer: string, name: string): Entity | undefined {
    const entity = this.index.entities.get(name);
    if (!entity && !this.index.opaque.has(name)) this.add('CARDO_ERR_META_UNKNOWN_ENTITY', file, pointer, `There is no entity "${name}".`);
    return entity;
  }

  /** A field path from an entity; optionally its type must be one of `types`. */
  path(file: string, pointer: string, entity: string, path: string, types?: ReadonlySet<string>, what?: string): Field | undefined {
    const resolved = this.index.resolve(entity, path);
    if (!resolved.ok) {
      this.add(resolved.code, file, pointer, resolved.message);
      return undefined;
    }
    if (resolved.opaque) return undefined;
    if (types && !types.has(effectiveType(resolved.field))) {
      this.add('CARDO_ERR_META_FIELD_TYPE', file, pointer, `"${path}" is a ${resolved.field.type} field; ${what ?? `expected ${[...types].join(' or ')}`}.`);
      return undefined;
    }
    return resolved.field;
  }

  condition(file: string, pointer: string, entity: string, condition: unknown): void {
    const resolve: FieldResolver = (path) => {
      const resolved = this.index.resolve(entity, path);
      if (!resolved.ok) return { error: resolved.code, message: resolved.message };
      if (resolved.opaque) return { type: 'text' };
      return toConditionField(resolved.field, resolved.entity);
    };
    for (const issue of checkCondition(condition, resolve, pointer)) this.add(issue.code, file, issue.pointer, issue.message);
  }

  template(file: string, pointer: string, entity: string, text: string): void {
    let paths: string[];
    try {
      paths = templatePaths(text);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      this.add('CARDO_ERR_META_TEMPLATE', file, pointer, `At character ${error.index + 1}: ${error.message}`);
      return;
    }
    for (const path of paths) this.path(file, pointer, entity, path);
  }

  /**
   * An expression whose paths start at one of `roots` (e.g. record → the entity). Paths with
   * other roots must be in `variables`. With `bareEntity`, paths are fields of that entity.
   */
  expression(file: string, pointer: string, text: string, roots: Readonly<Record<string, string>>, variables: readonly string[] = [], bareEntity?: string): void {
    let paths: string[];
    try {
      paths = expressionPaths(parseExpression(text));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      this.add('CARDO_ERR_META_EXPRESSION', file, pointer, `"${text}" at character ${error.index + 1}: ${error.message}`);
      return;
    }
    for (const path of paths) {
      if (bareEntity) {
        this.path(file, pointer, bareEntity, path);
        continue;
      }
      const [root, ...rest] = path.split('.');
      const entity = roots[root as string];
      if (entity && rest.length > 0) this.path(file, pointer, entity, rest.join('.'));
      else if (!entity && !variables.includes(root as string)) {
        const known = [...Object.keys(roots), ...variables].join(', ');
        this.add('CARDO_ERR_META_EXPRESSION', file, pointer, `"${text}": unknown name "${path}"; known here: ${known || 'none'}.`);
      }
    }
  }

  label(file: string, pointer: string, label: Label | undefined): void {
    const app = this.set.app?.def;
    if (!app || !label) return;
    const keys = Object.keys(label);
    const unknown = keys.filter((k) => !app.locales.includes(k));
    if (unknown.length > 0) this.add('CARDO_ERR_META_LOCALE', file, pointer, `Locale ${unknown.join(', ')} is not among the application's locales (${app.locales.join(', ')}).`);
    else if (!keys.includes(app.defaultLocale)) this.add('CARDO_ERR_META_LOCALE', file, pointer, `The label has no text in the default locale "${app.defaultLocale}".`);
  }

  duplicates(file: string, pointer: (i: number) => string, names: readonly string[], what: string): void {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (seen.has(name)) this.add('CARDO_ERR_META_DUPLICATE_NAME', file, pointer(i), `Two ${what} are named "${name}".`);
      seen.add(name);
    });
  }
}

/** Formula fields behave as their result type. */
export function effectiveType(field: Field): string {
  return field.type === 'formula' ? (field.resultType ?? 'string') : field.type;
}

function toConditionField(field: Field, entity: Entity): ConditionField {
  const type = effectiveType(field) as ConditionField['type'];
  // Without stages (reported on the entity) there is nothing to check values against.
  if (field.type === 'stage') return entity.stages ? { type, options: stageValues(entity) } : { type };
  if (field.options) return { type, options: field.options.map((o) => o.value) };
  return { type };
}

export async function checkCrossReferences(set: MetadataSet, files: readonly MetadataFile[], makeChecker = (index: EntityIndex, s: MetadataSet) => new Checker(index, s)): Promise<Problem[]> {
  const index = new EntityIndex([...set.entities, ...set.brokenEntities].map((e) => e.def), files.filter((f) => f.kind === 'entity').map((f) => f.name));
  const c = makeChecker(index, set);
  if (!set.app && !files.some((f) => f.kind === 'app')) c.add('CARDO_ERR_META_MISSING_APP', 'app.json', '', 'Every application needs metadata/app.json.');
  checkEntityNames(c, set.entities);
  for (const entity of set.entities) checkEntity(c, entity);
  checkApp(c);
  checkRoles(c);
  for (const automation of set.automations) checkAutomation(c, automation);
  for (const notification of set.notifications) checkNotification(c, notification);
  for (const calendar of set.calendars) checkCalendar(c, calendar);
  for (const report of set.reports) checkReport(c, report);
  await checkTemplateDocs(c, set.templates, set.templateDocs);
  await checkWorkflows(c, set.workflows);
  return c.problems;
}

function checkEntityNames(c: Checker, entities: readonly Named<Entity>[]): void {
  const seen = new Map<string, string>();
  for (const { file, name, def } of entities) {
    if (def.name !== name) c.add('CARDO_ERR_META_NAME_MISMATCH', file, '/name', `The entity is named "${def.name}" but its file is ${name}.json.`);
    if (def.name.startsWith('sys_')) c.add('CARDO_ERR_META_DUPLICATE_NAME', file, '/name', `"${def.name}": names starting with sys_ are reserved for system entities.`);
    const other = seen.get(def.name);
    if (other) c.add('CARDO_ERR_META_DUPLICATE_NAME', file, '/name', `Entity "${def.name}" is also defined in ${other}.`);
    seen.set(def.name, file);
  }
}

function checkEntity(c: Checker, { file, def: e }: Named<Entity>): void {
  c.label(file, '/label', e.label);
  c.label(file, '/pluralLabel', e.pluralLabel);
  c.duplicates(file, (i) => `/fields/${i}/name`, e.fields.map((f) => f.name), 'fields');
  if (!e.titleField && !e.titleTemplate) c.add('CARDO_ERR_META_TITLE', file, '', 'Give the entity a titleField or a titleTemplate.');
  if (e.titleField) c.path(file, '/titleField', e.name, e.titleField);
  if (e.titleTemplate) c.template(file, '/titleTemplate', e.name, e.titleTemplate);
  const stageFields = e.fields.filter((f) => f.type === 'stage');
  e.fields.forEach((field, i) => checkField(c, file, `/fields/${i}`, e, field));
  if (e.stages) {
    c.duplicates(file, (i) => `/stages/${i}/value`, e.stages.map((s) => s.value), 'stages');
    e.stages.forEach((s, i) => c.label(file, `/stages/${i}/label`, s.label));
    if (stageFields.length !== 1) c.add('CARDO_ERR_META_STAGE_FIELD', file, '/stages', `Stages need exactly one field of type stage; the entity has ${stageFields.length}.`);
  }
  (e.duplicateRules ?? []).forEach((rule, i) => {
    rule.fields.forEach((name, j) => {
      const field = c.path(file, `/duplicateRules/${i}/fields/${j}`, e.name, name);
      if (!field) return;
      const type = effectiveType(field);
      if (!TEXT.has(type) && rule.match === 'fuzzy') c.add('CARDO_ERR_META_FIELD_TYPE', file, `/duplicateRules/${i}/fields/${j}`, `Fuzzy matching compares text; "${name}" is a ${field.type} field.`);
      if (rule.normalize === 'phone' && type !== 'phone' && type !== 'string') c.add('CARDO_ERR_META_FIELD_TYPE', file, `/duplicateRules/${i}/fields/${j}`, `Phone normalization needs a phone field; "${name}" is a ${field.type} field.`);
      if (rule.normalize === 'email' && type !== 'email' && type !== 'string') c.add('CARDO_ERR_META_FIELD_TYPE', file, `/duplicateRules/${i}/fields/${j}`, `E-mail normalization needs an email field; "${name}" is a ${field.type} field.`);
    });
  });
  c.duplicates(file, (i) => `/duplicateRules/${i}/name`, (e.duplicateRules ?? []).map((r) => r.name), 'duplicate rules');
  checkForm(c, file, e);
  c.duplicates(file, (i) => `/lists/${i}/name`, e.lists.map((l) => l.name), 'list views');
  e.lists.forEach((list, i) => checkList(c, file, `/lists/${i}`, e, list));
}

function checkField(c: Checker, file: string, p: string, e: Entity, f: Field): void {
  c.label(file, `${p}/label`, f.label);
  if (SYSTEM_FIELD_NAMES.has(f.name)) c.add('CARDO_ERR_META_SYSTEM_FIELD', file, `${p}/name`, `"${f.name}" is a system field every record has; do not declare it.`);
  if (f.type === 'reference' && f.target) c.entity(file, `${p}/target`, f.target);
  if (f.required && f.onDelete === 'setNull') c.add('CARDO_ERR_META_FIELD_TYPE', file, `${p}/onDelete`, `"${f.name}" is required, so deleting the record it points to cannot clear it; use restrict or cascade.`);
  if (f.type === 'stage' && !e.stages) c.add('CARDO_ERR_META_STAGES_MISSING', file, `${p}/type`, `"${f.name}" is a stage field but the entity declares no stages.`);
  if (f.options) {
    c.duplicates(file, (i) => `${p}/options/${i}/value`, f.options.map((o) => o.value), 'options');
    f.options.forEach((o, i) => c.label(file, `${p}/options/${i}/label`, o.label));
  }
  if (f.min !== undefined && f.max !== undefined && f.min > f.max) c.add('CARDO_ERR_META_RANGE', file, `${p}/min`, `min ${f.min} is greater than max ${f.max}.`);
  if (f.minLength !== undefined && f.maxLength !== undefined && f.minLength > f.maxLength) c.add('CARDO_ERR_META_RANGE', file, `${p}/minLength`, `minLength ${f.minLength} is greater than maxLength ${f.maxLength}.`);
  const numericOnly = ['min', 'max', 'scale'] as const;
  for (const key of numericOnly) {
    if (f[key] !== undefined && !NUMERIC.has(effectiveType(f))) c.add('CARDO_ERR_META_FIELD_TYPE', file, `${p}/${key}`, `${key} applies to number fields; "${f.name}" is a ${f.type} field.`);
  }
  for (const key of ['minLength', 'maxLength', 'pattern'] as const) {
    if (f[key] !== undefined && !TEXT.has(f.type)) c.add('CARDO_ERR_META_FIELD_TYPE', file, `${p}/${key}`, `${key} applies to text fields; "${f.name}" is a ${f.type} field.`);
  }
  if ((f.onDelete !== undefined || f.filter !== undefined) && f.type !== 'reference' && f.type !== 'user') c.add('CARDO_ERR_META_FIELD_TYPE', file, `${p}/${f.onDelete !== undefined ? 'onDelete' : 'filter'}`, `Only reference and user fields have onDelete and filter; "${f.name}" is a ${f.type} field.`);
  if (f.filter) {
    const target = c.index.targetOf(f);
    if (target && c.index.has(target)) c.condition(file, `${p}/filter`, target, f.filter);
  }
  if ((f.accept !== undefined || f.maxSize !== undefined) && f.type !== 'file') c.add('CARDO_ERR_META_FIELD_TYPE', file, `${p}/${f.accept !== undefined ? 'accept' : 'maxSize'}`, `Only file fields have accept and maxSize; "${f.name}" is a ${f.type} field.`);
  // A formula reads the record's own fields by name: amount * probability / 100.
  if (f.type === 'formula' && f.expression) c.expression(file, `${p}/expression`, f.expression, {}, [], e.name);
  if (f.default !== undefined) checkDefault(c, file, `${p}/default`, e, f);
}

function checkDefault(c: Checker, file: string, p: string, e: Entity, f: Field): void {
  const value = f.default;
  const type = effectiveType(f);
  const bad = (why: string) => c.add('CARDO_ERR_META_DEFAULT', file, p, `Default of "${f.name}": ${why}`);
  if (f.type === 'formula') return bad('formula fields are computed, they have no default.');
  if (f.type === 'stage' && !e.stages) return;
  if (f.type === 'enum' || f.type === 'stage') {
    const allowed = f.type === 'stage' ? stageValues(e) : (f.options ?? []).map((o) => o.value);
    if (typeof value !== 'string' || !allowed.includes(value)) bad(`must be one of ${allowed.join(', ')}.`);
  } else if (f.type === 'multiEnum') {
    const allowed = (f.options ?? []).map((o) => o.value);
    if (!Array.isArray(value) || value.some((v) => !allowed.includes(v))) bad(`must be a list of ${allowed.join(', ')}.`);
  } else if (NUMERIC.has(type)) {
    if (typeof value !== 'number') bad('must be a number.');
    else if ((f.min !== undefined && value < f.min) || (f.max !== undefined && value > f.max)) bad('is outside min/max.');
  } else if (type === 'boolean') {
    if (typeof value !== 'boolean') bad('must be true or false.');
  } else if (type === 'date') {
    if (typeof value !== 'string' || !/^(\$today|\d{4}-\d{2}-\d{2})$/.test(value)) bad('must be $today or a date YYYY-MM-DD.');
  } else if (type === 'datetime') {
    if (typeof value !== 'string' || (value !== '$now' && Number.isNaN(Date.parse(value)))) bad('must be $now or an ISO date-time.');
  } else if (f.type === 'user') {
    if (value !== '$me') bad('the only default of a user field is $me.');
  } else if (f.type === 'reference' || f.type === 'file') {
    bad(`${f.type} fields have no default.`);
  } else if (typeof value !== 'string') {
    bad('must be text.');
  }
}

function checkForm(c: Checker, file: string, e: Entity): void {
  c.duplicates(file, (i) => `/form/tabs/${i}/name`, e.form.tabs.map((t) => t.name), 'tabs');
  const placed = new Set<string>();
  e.form.tabs.forEach((tab, i) => {
    const p = `/form/tabs/${i}`;
    c.label(file, `${p}/label`, tab.label);
    tab.sections?.forEach((section, j) => {
      section.fields.forEach((name, k) => {
        const fp = `${p}/sections/${j}/fields/${k}`;
        if (!c.path(file, fp, e.name, name)) return;
        if (placed.has(name)) c.add('CARDO_ERR_META_DUPLICATE_NAME', file, fp, `"${name}" is placed on the form twice.`);
        placed.add(name);
      });
    });
    if (tab.entity && tab.via) {
      const other = c.entity(file, `${p}/entity`, tab.entity);
      if (!other) return;
      const via = c.path(file, `${p}/via`, other.name, tab.via);
      if (via && c.index.has(c.index.targetOf(via) ?? '') && c.index.targetOf(via) !== e.name) c.add('CARDO_ERR_META_FIELD_TYPE', file, `${p}/via`, `"${tab.entity}.${tab.via}" does not reference ${e.name}.`);
      if (tab.view && !other.lists.some((l) => l.name === tab.view)) c.add('CARDO_ERR_META_UNKNOWN_VIEW', file, `${p}/view`, `Entity "${other.name}" has no list view "${tab.view}".`);
      if (tab.dateField) c.path(file, `${p}/dateField`, other.name, tab.dateField, DATE, 'a timeline is ordered by a date or datetime field');
    }
  });
}

function checkList(c: Checker, file: string, p: string, e: Entity, list: ListView): void {
  c.label(file, `${p}/label`, list.label);
  list.columns.forEach((column, i) => c.path(file, `${p}/columns/${i}`, e.name, column));
  if (list.sort) for (const key of list.sort.split(',')) c.path(file, `${p}/sort`, e.name, key.replace(/^-/, ''));
  if (list.filter) c.condition(file, `${p}/filter`, e.name, list.filter);
  list.quickFilters?.forEach((q, i) => c.condition(file, `${p}/quickFilters/${i}/filter`, e.name, q.filter));
  c.duplicates(file, (i) => `${p}/quickFilters/${i}/name`, (list.quickFilters ?? []).map((q) => q.name), 'quick filters');
  list.groupBy?.forEach((g, i) => c.path(file, `${p}/groupBy/${i}`, e.name, g));
  list.colorRules?.forEach((rule, i) => {
    c.condition(file, `${p}/colorRules/${i}/when`, e.name, rule.when);
    c.label(file, `${p}/colorRules/${i}/label`, rule.label);
  });
}

function checkApp(c: Checker): void {
  const app = c.set.app;
  if (!app) return;
  const { file, def } = app;
  if (!def.locales.includes(def.defaultLocale)) c.add('CARDO_ERR_META_LOCALE', file, '/defaultLocale', `"${def.defaultLocale}" is not one of locales (${def.locales.join(', ')}).`);
  c.label(file, '/label', def.label);
  def.menu.forEach((section, i) => {
    c.label(file, `/menu/${i}/label`, section.label);
    section.items.forEach((item, j) => {
      const p = `/menu/${i}/items/${j}`;
      if (item.entity) {
        const entity = c.entity(file, `${p}/entity`, item.entity);
        if (entity && item.view && !entity.lists.some((l) => l.name === item.view)) c.add('CARDO_ERR_META_UNKNOWN_VIEW', file, `${p}/view`, `Entity "${entity.name}" has no list view "${item.view}".`);
      }
      if (item.calendar) c.use(file, `${p}/calendar`, 'calendar', item.calendar);
      if (item.report) c.use(file, `${p}/report`, 'report', item.report);
      if (item.calendar && !c.set.names.calendar.has(item.calendar)) c.add('CARDO_ERR_META_UNKNOWN_CALENDAR', file, `${p}/calendar`, `There is no calendars/${item.calendar}.json.`);
      if (item.report && !c.set.names.report.has(item.report)) c.add('CARDO_ERR_META_UNKNOWN_REPORT', file, `${p}/report`, `There is no reports/${item.report}.json.`);
    });
  });
}

function checkRoles(c: Checker): void {
  const roles = c.set.roles;
  if (!roles) return;
  const { file, def } = roles;
  c.duplicates(file, (i) => `/roles/${i}/name`, def.roles.map((r) => r.name), 'roles');
  def.roles.forEach((role, i) => {
    const p = `/roles/${i}`;
    c.label(file, `${p}/label`, role.label);
    role.reports?.forEach((report, j) => {
      c.use(file, `${p}/reports/${j}`, 'report', report);
      if (report !== '*' && !c.set.names.report.has(report)) c.add('CARDO_ERR_META_UNKNOWN_REPORT', file, `${p}/reports/${j}`, `There is no reports/${report}.json.`);
    });
    for (const [entityName, permission] of Object.entries(role.permissions)) {
      if (!permission) continue;
      const pp = `${p}/permissions/${escapePointer(entityName)}`;
      if (entityName === '*') {
        if (permission.fields) c.add('CARDO_ERR_META_UNKNOWN_FIELD', file, `${pp}/fields`, 'Field rules name fields of one entity; they cannot be given for "*".');
        continue;
      }
      if (!c.entity(file, pp, entityName)) continue;
      for (const field of Object.keys(permission.fields ?? {})) c.path(file, `${pp}/fields/${escapePointer(field)}`, entityName, field);
    }
  });
}

/** Whether a role exists; true when roles.json is broken, which is reported by itself. */
export function roleExists(c: Checker, role: string): boolean {
  if (!c.set.roles) return !c.set.names.roles.has('roles');
  return c.set.roles.def.roles.some((r) => r.name === role);
}

/** Recipients: owner, field:<user field>, role:<role>, manager:owner, manager:field:<user field>. */
export function checkRecipients(c: Checker, file: string, p: string, entity: string, recipients: readonly string[]): void {
  recipients.forEach((recipient, i) => {
    const rp = `${p}/${i}`;
    const fieldName = /^(?:manager:)?field:(.+)$/.exec(recipient)?.[1];
    const role = /^role:(.+)$/.exec(recipient)?.[1];
    c.use(file, rp, 'recipient', recipient, entity);
    if (fieldName) {
      const field = c.index.resolve(entity, fieldName);
      if (!field.ok) c.add('CARDO_ERR_META_UNKNOWN_RECIPIENT', file, rp, field.message);
      else if (!field.opaque && c.index.targetOf(field.field) !== 'sys_user') c.add('CARDO_ERR_META_UNKNOWN_RECIPIENT', file, rp, `"${fieldName}" is a ${field.field.type} field; recipients come from user fields.`);
    } else if (role && !roleExists(c, role)) {
      c.add('CARDO_ERR_META_UNKNOWN_ROLE', file, rp, `There is no role "${role}" in roles.json.`);
    }
  });
}

function checkValues(c: Checker, file: string, p: string, target: string, trigger: string, values: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(values)) {
    const vp = `${p}/${escapePointer(name)}`;
    const field = c.path(file, vp, target, name);
    if (field && (field.readOnly === true && SYSTEM_FIELD_NAMES.has(name))) c.add('CARDO_ERR_META_SYSTEM_FIELD', file, vp, `"${name}" is set by the system.`);
    if (value && typeof value === 'object' && '$expr' in value) {
      c.expression(file, `${vp}/$expr`, String((value as { $expr: string }).$expr), { record: trigger, old: trigger }, ['me', 'now']);
    }
  }
}

function checkAutomation(c: Checker, { file, def: a }: Named<Automation>): void {
  c.label(file, '/label', a.label);
  const entity = c.entity(file, '/entity', a.entity);
  if (!entity) return;
  a.fields?.forEach((f, i) => c.path(file, `/fields/${i}`, a.entity, f));
  if (a.fields && !a.on.includes('update')) c.add('CARDO_ERR_META_FIELD_TYPE', file, '/fields', 'Watched fields only apply to updates; add "update" to on.');
  if (a.when) c.condition(file, '/when', a.entity, a.when);
  a.do.forEach((action, i) => {
    const p = `/do/${i}`;
    switch (action.action) {
      case 'createRecord':
        if (c.entity(file, `${p}/entity`, action.entity)) checkValues(c, file, `${p}/values`, action.entity, a.entity, action.values);
        break;
      case 'setField': {
        let target = a.entity;
        if (action.target) {
          const ref = c.path(file, `${p}/target`, a.entity, action.target, new Set(['reference', 'user']), 'the target must be a reference field');
          if (!ref || !c.index.entities.has(c.index.targetOf(ref) ?? '')) break;
          target = c.index.targetOf(ref) as string;
        }
        checkValues(c, file, `${p}/values`, target, a.entity, action.values);
        break;
      }
      case 'link':
        c.path(file, `${p}/to`, a.entity, action.to, new Set(['reference', 'user']), 'links are made to the record a reference field points to');
        break;
      case 'startWorkflow':
        c.use(file, `${p}/process`, 'workflow', action.process);
        if (!c.set.workflows.some((w) => w.name === action.process)) c.add('CARDO_ERR_META_UNKNOWN_WORKFLOW', file, `${p}/process`, `There is no workflows/${action.process}.bpmn.`);
        break;
      case 'notify':
        checkRecipients(c, file, `${p}/recipients`, a.entity, action.recipients);
        templates(c, file, `${p}/subject`, a.entity, action.subject);
        templates(c, file, `${p}/body`, a.entity, action.body);
        break;
    }
  });
}

function templates(c: Checker, file: string, p: string, entity: string, localized: Readonly<Record<string, string | undefined>> | undefined): void {
  for (const [locale, text] of Object.entries(localized ?? {})) if (text !== undefined) c.template(file, `${p}/${locale}`, entity, text);
}

function checkNotification(c: Checker, { file, def: n }: Named<Notification>): void {
  c.label(file, '/label', n.label);
  if (!c.entity(file, '/entity', n.entity)) return;
  n.trigger.fields?.forEach((f, i) => c.path(file, `/trigger/fields/${i}`, n.entity, f));
  if (n.trigger.dateField) c.path(file, '/trigger/dateField', n.entity, n.trigger.dateField, DATE, 'a date trigger needs a date or datetime field');
  if (n.when) c.condition(file, '/when', n.entity, n.when);
  checkRecipients(c, file, '/recipients', n.entity, n.recipients);
  c.label(file, '/subject', n.subject);
  templates(c, file, '/subject', n.entity, n.subject);
  templates(c, file, '/body', n.entity, n.body);
}

function checkCalendar(c: Checker, { file, def: cal }: Named<Calendar>): void {
  c.label(file, '/label', cal.label);
  c.duplicates(file, (i) => `/categories/${i}/name`, cal.categories.map((x) => x.name), 'categories');
  cal.categories.forEach((x, i) => c.label(file, `/categories/${i}/label`, x.label));
  const categories = new Set(cal.categories.map((x) => x.name));
  cal.sources.forEach((s, i) => {
    const p = `/sources/${i}`;
    if (!c.entity(file, `${p}/entity`, s.entity)) return;
    c.path(file, `${p}/start`, s.entity, s.start, DATE, 'events start at a date or datetime field');
    if (s.end) c.path(file, `${p}/end`, s.entity, s.end, DATE, 'events end at a date or datetime field');
    if (s.duration) c.path(file, `${p}/duration`, s.entity, s.duration, new Set(['integer']), 'a duration is an integer field of minutes');
    c.template(file, `${p}/title`, s.entity, s.title);
    if (s.category && !categories.has(s.category)) c.add('CARDO_ERR_META_UNKNOWN_CATEGORY', file, `${p}/category`, `There is no category "${s.category}" in this calendar.`);
    if (s.categoryField) {
      const field = c.path(file, `${p}/categoryField`, s.entity, s.categoryField, new Set(['enum', 'stage']), 'categories come from an enum or stage field');
      const entity = c.index.entities.get(s.entity);
      if (field && entity) {
        const values = field.type === 'stage' ? stageValues(entity) : (field.options ?? []).map((o) => o.value);
        if (!values.some((v) => categories.has(v))) c.add('CARDO_ERR_META_UNKNOWN_CATEGORY', file, `${p}/categoryField`, `No category of this calendar is named like a value of "${s.categoryField}" (${values.join(', ')}).`);
      }
    }
    if (s.when) c.condition(file, `${p}/when`, s.entity, s.when);
  });
}

function checkReport(c: Checker, { file, def: r }: Named<Report>): void {
  c.label(file, '/label', r.label);
  if (r.type === 'planFact') {
    const plan = r.plan;
    let metricValues: string[] | undefined;
    if (c.entity(file, '/plan/entity', plan.entity)) {
      c.path(file, '/plan/employeeField', plan.entity, plan.employeeField, new Set(['user']), 'the employee is a user field');
      c.path(file, '/plan/periodField', plan.entity, plan.periodField, DATE, 'the period is a date field');
      const metric = c.path(file, '/plan/metricField', plan.entity, plan.metricField, new Set(['enum', 'string']), 'the metric is an enum or text field');
      if (metric?.options) metricValues = metric.options.map((o) => o.value);
      c.path(file, '/plan/targetField', plan.entity, plan.targetField, NUMERIC, 'targets are numbers');
    }
    c.duplicates(file, (i) => `/metrics/${i}/name`, r.metrics.map((m) => m.name), 'metrics');
    r.metrics.forEach((m, i) => {
      const p = `/metrics/${i}`;
      c.label(file, `${p}/label`, m.label);
      if (metricValues && !metricValues.includes(m.name)) c.add('CARDO_ERR_META_UNKNOWN_METRIC', file, `${p}/name`, `"${m.name}" is not a value of ${plan.entity}.${plan.metricField} (${metricValues.join(', ')}).`);
      if (!c.entity(file, `${p}/entity`, m.entity)) return;
      if (m.field) c.path(file, `${p}/field`, m.entity, m.field, NUMERIC, 'only numbers can be summed');
      c.path(file, `${p}/employeeField`, m.entity, m.employeeField ?? 'owner', new Set(['user']), 'the employee is a user field');
      c.path(file, `${p}/dateField`, m.entity, m.dateField, DATE, 'records are placed in periods by a date or datetime field');
      if (m.when) c.condition(file, `${p}/when`, m.entity, m.when);
    });
    return;
  }
  const entity = c.entity(file, '/entity', r.entity);
  if (!entity) return;
  if (r.when) c.condition(file, '/when', r.entity, r.when);
  r.groupBy.forEach((g, i) => {
    const field = c.path(file, `/groupBy/${i}/field`, r.entity, g.field);
    if (field && g.period && !DATE.has(effectiveType(field))) c.add('CARDO_ERR_META_FIELD_TYPE', file, `/groupBy/${i}/period`, `Grouping by period needs a date field; "${g.field}" is a ${field.type} field.`);
  });
  c.duplicates(file, (i) => `/measures/${i}/name`, r.measures.map((m) => m.name), 'measures');
  r.measures.forEach((m, i) => {
    c.label(file, `/measures/${i}/label`, m.label);
    if (m.field) c.path(file, `/measures/${i}/field`, r.entity, m.field, m.fn === 'min' || m.fn === 'max' ? new Set([...NUMERIC, ...DATE]) : NUMERIC, `${m.fn} needs a number field`);
    if (m.weighted && !entity.fields.some((f) => f.type === 'stage')) c.add('CARDO_ERR_META_FIELD_TYPE', file, `/measures/${i}/weighted`, `Weighting uses stage probabilities; "${r.entity}" has no stage field.`);
  });
  if (r.sort) {
    const names = new Set([...r.groupBy.map((g) => g.field), ...r.measures.map((m) => m.name)]);
    for (const key of r.sort.split(',')) {
      const name = key.replace(/^-/, '');
      if (!names.has(name)) c.add('CARDO_ERR_META_UNKNOWN_FIELD', file, '/sort', `"${name}" is neither a grouping field nor a measure of this report.`);
    }
  }
}
