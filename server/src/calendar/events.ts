/**
 * Calendar events: every source of every calendar (metadata/calendars/*.json) queried for a
 * window of time, each query scoped by the caller's Access (the one place that knows scopes)
 * and filtered by the source's condition compiled by the one condition compiler. The window
 * test is written as ranges on the source's date columns, so their indexes serve it.
 *
 * An event overlaps the window [from, to):
 * - without end or duration it is a point (or the whole day of a `date` field);
 * - with an end field, it lasts until then (a `date` end includes that day);
 * - with a duration field (minutes), start + duration, bounded by the field's `max` so the
 *   start column's index still gets a lower bound.
 * Events of a `date` start are all-day: start and end are days, the end exclusive (as in
 * iCalendar), in the application's time zone.
 */
import type { Access } from '../access/access.js';
import type { CompiledModel, EntityModel, FieldModel } from '../compile/compile.js';
import type { Db } from '../db/db.js';
import { CardoError, type FieldError } from '../errors.js';
import { renderTemplate, templatePaths } from '../expression/template.js';
import { toText } from '../expression/values.js';
import type { Calendar, CalendarCategory, CalendarSource, Label } from '../generated/metadata.js';
import { ROOT_ALIAS, compileCondition, mergeJoins, resolvePath, type Join } from '../query/condition-sql.js';
import { SqlParams, ident, qualified, sqlInteger } from '../query/sql.js';
import { optionLabel } from '../query/titles.js';
import { addDays, localDay, parseInstant, startOfDay, timeZoneOf } from './zoned.js';

/** The longest window one request may ask for. */
export const MAX_RANGE_DAYS = 366;
/** Most events one answer holds; beyond, the answer says `truncated`. */
export const MAX_EVENTS = 5000;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CalendarEvent {
  /** `<calendar>:<record id>`: stable, one event per record and calendar. */
  id: string;
  calendar: string;
  entity: string;
  recordId: string;
  title: string;
  /** ISO date-time, or 'YYYY-MM-DD' when allDay. */
  start: string;
  /** Exclusive end, of the same kind as start. */
  end: string;
  allDay: boolean;
  category: string;
  color: string;
  /** The record's last change (for iCalendar DTSTAMP). */
  updatedAt: string;
}

export interface CalendarWindow {
  from: Date;
  to: Date;
  /** Only these categories (names); every category when absent. */
  categories?: ReadonlySet<string> | undefined;
  locale: string;
}

export interface CalendarEvents {
  events: CalendarEvent[];
  truncated?: true;
}

export function localized(label: Label | undefined, locale: string, model: CompiledModel): string {
  return label?.[locale] ?? label?.[model.defaultLocale] ?? Object.values(label ?? {}).find((v) => v !== undefined) ?? '';
}

/** Every category name of every calendar. */
export function categoryNames(model: CompiledModel): Set<string> {
  return new Set(model.calendars.flatMap((c) => c.def.categories.map((x) => x.name)));
}

function invalid(errors: FieldError[]): CardoError {
  return new CardoError('CARDO_ERR_API_VALIDATION', errors.map((e) => `${e.path.replace('/query/', '')}: ${e.message}`).join('; '), { errors });
}

/** The caller's language: ?locale= when given (must be one of the app's), else the user's, else the app's default. */
export function localeOf(model: CompiledModel, asked: unknown, userLocale: string | null | undefined, errors: FieldError[]): string {
  if (asked !== undefined) {
    if (typeof asked === 'string' && model.locales.includes(asked)) return asked;
    errors.push({ path: '/query/locale', message: `Must be one of ${model.locales.join(', ')}.` });
  }
  return userLocale && model.locales.includes(userLocale) ? userLocale : model.defaultLocale;
}

/** `categories=a,b`: known category names, else a validation error. */
export function parseCategories(model: CompiledModel, value: unknown, errors: FieldError[]): Set<string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push({ path: '/query/categories', message: 'Give the categories once, separated by commas.' });
    return undefined;
  }
  const names = value.split(',').map((s) => s.trim());
  const known = categoryNames(model);
  const unknown = names.filter((n) => !known.has(n));
  if (names.length === 0 || unknown.length > 0) {
    errors.push({ path: '/query/categories', message: `Unknown categor${unknown.length === 1 ? 'y' : 'ies'} "${unknown.map((n) => n.slice(0, 64)).join('", "')}"; known: ${[...known].join(', ')}.` });
    return undefined;
  }
  return new Set(names);
}

/** `GET /api/calendar`'s query: from, to, categories, locale. Throws a 400 naming every problem. */
export function parseCalendarQuery(model: CompiledModel, query: Readonly<Record<string, unknown>>, userLocale: string | null | undefined): CalendarWindow {
  const errors: FieldError[] = [];
  const unknown = Object.keys(query).filter((k) => !['from', 'to', 'categories', 'locale'].includes(k));
  for (const key of unknown) errors.push({ path: `/query/${key.slice(0, 64)}`, message: 'Unknown parameter; use from, to, categories, locale.' });
  const zone = timeZoneOf(model.app);
  const instant = (name: 'from' | 'to'): Date | undefined => {
    const value = query[name];
    if (value === undefined || value === '') {
      errors.push({ path: `/query/${name}`, message: 'Required: an ISO 8601 date (2026-12-01) or date-time with a zone (2026-12-01T09:00:00Z).' });
      return undefined;
    }
    const parsed = typeof value === 'string' ? parseInstant(value, zone) : undefined;
    if (!parsed) errors.push({ path: `/query/${name}`, message: 'Not an ISO 8601 date (2026-12-01) or date-time with a zone (2026-12-01T09:00:00Z).' });
    return parsed;
  };
  const from = instant('from');
  const to = instant('to');
  if (from && to) {
    if (to.getTime() <= from.getTime()) errors.push({ path: '/query/to', message: 'Must be after from.' });
    else if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * DAY_MS) errors.push({ path: '/query/to', message: `The window may span at most ${MAX_RANGE_DAYS} days.` });
  }
  const categories = parseCategories(model, query.categories, errors);
  const locale = localeOf(model, query.locale, userLocale, errors);
  if (errors.length > 0 || !from || !to) throw invalid(errors);
  return { from, to, categories, locale };
}

/** Whether the caller may see what a path shows: no hidden field on the way, every entity it passes readable. */
function pathVisible(access: Access, model: CompiledModel, entity: EntityModel, path: string): boolean {
  let current: EntityModel | undefined = entity;
  const segments = path.split('.');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (!current || !access.can(current.name, 'read') || access.fieldRules(current.name).hidden.has(segment)) return false;
    if (i < segments.length - 1) current = model.entities.get(current.field.get(segment)?.target ?? '');
  }
  return true;
}

interface Column {
  sql: string;
  kind: string;
  field: FieldModel;
}

/** A stored path of a source as a column (its joins merged), or undefined when the caller may not see it. */
function visibleColumn(access: Access, model: CompiledModel, entity: EntityModel, path: string, joins: Join[]): Column | undefined {
  if (!pathVisible(access, model, entity, path)) return undefined;
  const resolved = resolvePath(model, entity, path);
  if ('error' in resolved || !resolved.field.columnType) return undefined;
  mergeJoins(joins, resolved.joins);
  return { sql: qualified(resolved.alias, resolved.field.column), kind: resolved.field.columnType.kind, field: resolved.field };
}

const isDateKind = (c: Column | undefined): c is Column => c?.kind === 'date' || c?.kind === 'timestamptz';

interface TitlePart {
  path: string;
  field: FieldModel;
  entity: EntityModel;
}

interface SourceQuery {
  sql: string;
  params: unknown[];
  start: Column;
  end: Column | undefined;
  duration: boolean;
  titleParts: TitlePart[];
}

/** The SQL of one source over a window, or null when the caller can see nothing of it. */
export function buildSourceQuery(model: CompiledModel, access: Access, calendar: { name: string; def: Calendar }, index: number, window: CalendarWindow, now: Date): SourceQuery | null {
  const source = calendar.def.sources[index] as CalendarSource;
  const entity = model.entities.get(source.entity);
  if (!entity || !access.can(entity.name, 'read')) return null;
  const categories = sourceCategories(calendar.def, source, window.categories);
  if (categories.length === 0) return null;

  const params = new SqlParams();
  const joins: Join[] = [];
  const where: string[] = [`(${access.scopeSql(entity.name, 'read', params)})`];
  // A source whose dates the caller may not see shows them nothing (not events without dates).
  const start = visibleColumn(access, model, entity, source.start, joins);
  if (!isDateKind(start)) return null;
  const end = source.end ? visibleColumn(access, model, entity, source.end, joins) : undefined;
  if (source.end && !isDateKind(end)) return null;
  let duration: Column | undefined;
  if (source.duration && !source.end && start.kind === 'timestamptz') {
    duration = visibleColumn(access, model, entity, source.duration, joins);
    if (duration?.kind !== 'integer') return null;
  }

  // Window bounds as parameters, added only when used.
  const zone = timeZoneOf(model.app);
  const memo = new Map<string, string>();
  const bound = (name: string, value: () => unknown, cast: string) => {
    let placeholder = memo.get(name);
    if (!placeholder) memo.set(name, (placeholder = params.add(value(), cast)));
    return placeholder;
  };
  const from = () => bound('from', () => window.from.toISOString(), 'timestamptz');
  const to = () => bound('to', () => window.to.toISOString(), 'timestamptz');
  const firstDay = () => bound('firstDay', () => localDay(window.from, zone), 'date');
  const lastDay = () => bound('lastDay', () => localDay(new Date(window.to.getTime() - 1), zone), 'date');
  const startsBefore = (c: Column) => (c.kind === 'date' ? `${c.sql} <= ${lastDay()}` : `${c.sql} < ${to()}`);
  const startsInside = (c: Column) => (c.kind === 'date' ? `${c.sql} >= ${firstDay()}` : `${c.sql} >= ${from()}`);
  const endsAfter = (c: Column) => (c.kind === 'date' ? `${c.sql} >= ${firstDay()}` : `${c.sql} > ${from()}`);

  where.push(startsBefore(start));
  if (end) where.push(`((${end.sql} IS NULL AND ${startsInside(start)}) OR ${endsAfter(end)})`);
  else if (duration) {
    where.push(`(${startsInside(start)} OR ${start.sql} + ${duration.sql} * interval '1 minute' > ${from()})`);
    const max = duration.field.def.max;
    // The longest possible event bounds the start from below too, so the index range is closed.
    if (typeof max === 'number') where.push(`${start.sql} > ${params.add(new Date(window.from.getTime() - max * 60_000).toISOString(), 'timestamptz')}`);
  } else where.push(startsInside(start));

  let categoryColumn = '';
  if (source.categoryField) {
    const resolved = pathVisible(access, model, entity, source.categoryField) ? resolvePath(model, entity, source.categoryField) : undefined;
    if (!resolved || 'error' in resolved || !resolved.field.columnType) return null;
    mergeJoins(joins, resolved.joins);
    categoryColumn = qualified(resolved.alias, resolved.field.column);
    where.push(`${categoryColumn} = ANY(${params.add(categories, 'text[]')})`);
  }
  if (source.when) {
    const compiled = compileCondition(source.when, entity, model, { me: access.org.userId, now }, params, { pointer: `/calendars/${calendar.name}/sources/${index}/when` });
    mergeJoins(joins, compiled.joins);
    if (compiled.where !== 'TRUE') where.push(`(${compiled.where})`);
  }

  const columns = [`${qualified(ROOT_ALIAS, 'id')}::text AS "id"`, `${qualified(ROOT_ALIAS, 'updated_at')} AS "updatedAt"`, `${start.sql} AS "start"`];
  if (end) columns.push(`${end.sql} AS "end"`);
  if (duration) columns.push(`${duration.sql} AS "duration"`);
  if (categoryColumn) columns.push(`${categoryColumn} AS "category"`);
  const titleParts: TitlePart[] = [];
  for (const path of safeTemplatePaths(source.title)) {
    if (!pathVisible(access, model, entity, path)) continue;
    const resolved = resolvePath(model, entity, path);
    if ('error' in resolved || !resolved.field.columnType) continue;
    mergeJoins(joins, resolved.joins);
    columns.push(`${qualified(resolved.alias, resolved.field.column)} AS ${ident(`p${titleParts.length}`)}`);
    titleParts.push({ path, field: resolved.field, entity: resolved.entity });
  }
  const sql = [
    `SELECT ${columns.join(', ')} FROM ${ident(entity.table)} AS ${ident(ROOT_ALIAS)}`,
    ...joins.map((j) => j.sql),
    `WHERE ${where.join(' AND ')}`,
    `ORDER BY ${start.sql}, ${qualified(ROOT_ALIAS, 'id')} LIMIT ${sqlInteger(MAX_EVENTS + 1)}`,
  ].join(' ');
  return { sql, params: params.values, start, end, duration: duration !== undefined, titleParts };
}

function safeTemplatePaths(template: string): string[] {
  try {
    return templatePaths(template);
  } catch {
    return []; // validated metadata: unreachable, but a title is never worth a 500
  }
}

/** The categories a source's events may have, narrowed to the asked ones. */
function sourceCategories(calendar: Calendar, source: CalendarSource, asked: ReadonlySet<string> | undefined): string[] {
  const names = source.category ? [source.category] : calendar.categories.map((c) => c.name);
  return names.filter((n) => !asked || asked.has(n));
}

function renderTitle(model: CompiledModel, template: string, parts: readonly TitlePart[], row: Readonly<Record<string, unknown>>, locale: string): string {
  const data: Record<string, unknown> = {};
  const byPath = new Map<string, TitlePart>();
  parts.forEach((part, i) => {
    byPath.set(part.path, part);
    const segments = part.path.split('.');
    let node = data;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      node = (typeof next === 'object' && next !== null ? next : (node[segment] = {})) as Record<string, unknown>;
    }
    node[segments[segments.length - 1] as string] = row[`p${i}`] ?? null;
  });
  const label = (part: TitlePart, value: unknown) => {
    const found = optionLabel(part.entity, part.field, value);
    return found ? localized(found, locale, model) : toText(value);
  };
  try {
    return renderTemplate(template, data, {
      format: (value, path) => {
        const part = byPath.get(path);
        if (!part) return toText(value);
        if (part.field.type === 'enum' || part.field.type === 'stage') return label(part, value);
        if (part.field.type === 'multiEnum' && Array.isArray(value)) return value.map((v) => label(part, v)).join(', ');
        return toText(value);
      },
    });
  } catch {
    return '';
  }
}

/** The event a row of a source becomes, or undefined when its category is not in the calendar. */
function toEvent(model: CompiledModel, calendar: { name: string; def: Calendar }, source: CalendarSource, query: SourceQuery, row: Readonly<Record<string, unknown>>, window: CalendarWindow, zone: string): CalendarEvent | undefined {
  const categoryName = source.category ?? (typeof row.category === 'string' ? row.category : undefined);
  const category: CalendarCategory | undefined = calendar.def.categories.find((c) => c.name === categoryName);
  if (!category) return undefined;
  const recordId = String(row.id);
  const rawStart = String(row.start);
  const rawEnd = typeof row.end === 'string' ? row.end : undefined;
  let start: string;
  let end: string;
  const allDay = query.start.kind === 'date';
  if (allDay) {
    start = rawStart;
    const lastDay = rawEnd === undefined ? start : query.end?.kind === 'date' ? rawEnd : localDay(new Date(rawEnd), zone);
    end = addDays(lastDay < start ? start : lastDay, 1);
  } else {
    start = rawStart;
    let endMs = Date.parse(rawStart);
    if (rawEnd !== undefined) endMs = query.end?.kind === 'date' ? startOfDay(addDays(rawEnd, 1), zone).getTime() : Date.parse(rawEnd);
    else if (typeof row.duration === 'number' && row.duration > 0) endMs += row.duration * 60_000;
    end = new Date(Math.max(endMs, Date.parse(rawStart))).toISOString();
  }
  return {
    id: `${calendar.name}:${recordId}`,
    calendar: calendar.name,
    entity: source.entity,
    recordId,
    title: renderTitle(model, source.title, query.titleParts, row, window.locale),
    start,
    end,
    allDay,
    category: category.name,
    color: category.color,
    updatedAt: String(row.updatedAt),
  };
}

/** Events of every calendar in the window that the caller may see, ordered by start. */
export async function loadEvents(db: Db, model: CompiledModel, access: Access, window: CalendarWindow, now = new Date()): Promise<CalendarEvents> {
  const zone = timeZoneOf(model.app);
  const events: CalendarEvent[] = [];
  let truncated = false;
  for (const calendar of model.calendars) {
    // A record matched by two sources of one calendar is one event: the first source's.
    const seen = new Set<string>();
    for (let i = 0; i < calendar.def.sources.length; i++) {
      const query = buildSourceQuery(model, access, calendar, i, window, now);
      if (!query) continue;
      const rows = await db.query<Record<string, unknown>>(query.sql, query.params);
      if (rows.length > MAX_EVENTS) truncated = true;
      for (const row of rows.slice(0, MAX_EVENTS)) {
        const event = toEvent(model, calendar, calendar.def.sources[i] as CalendarSource, query, row, window, zone);
        if (!event || seen.has(event.id)) continue;
        seen.add(event.id);
        events.push(event);
      }
    }
  }
  const startMs = (e: CalendarEvent) => (e.allDay ? startOfDay(e.start, zone).getTime() : Date.parse(e.start));
  events.sort((a, b) => startMs(a) - startMs(b) || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  if (events.length > MAX_EVENTS) {
    truncated = true;
    events.length = MAX_EVENTS;
  }
  return truncated ? { events, truncated: true } : { events };
}
