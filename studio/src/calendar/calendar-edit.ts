// Edits of a calendar definition that keep its sources and categories consistent.
import type { Calendar, CalendarSource, Label } from '../types.js';

/** A new calendar: one category and one source of `entity`, starting at its `start` field. */
export function skeletonCalendar(name: string, entity: string, start: string, titleField: string, locales: readonly string[]): Calendar {
  const label: Label = Object.fromEntries(locales.map((l) => [l, name]));
  return {
    $schema: '../../server/schema/calendar.schema.json',
    label,
    categories: [{ name: 'events', label, color: '#1677ff' }],
    sources: [{ entity, start, title: `{{${titleField}}}`, category: 'events' }],
  };
}

/** Which sources (by index) put their events in the category. */
export function categoryUses(calendar: Calendar, name: string): number[] {
  return calendar.sources.flatMap((s, i) => (s.category === name ? [i] : []));
}

/** Renames a category and the sources that use it. */
export function renameCategory(calendar: Calendar, from: string, to: string): Calendar {
  return {
    ...calendar,
    categories: calendar.categories.map((c) => (c.name === from ? { ...c, name: to } : c)),
    sources: calendar.sources.map((s) => (s.category === from ? { ...s, category: to } : s)),
  };
}

/** A source with the category taken either from a fixed category or from an enum field (the schema allows one of them). */
export function setSourceCategory(source: CalendarSource, by: { category: string } | { categoryField: string }): CalendarSource {
  const { category: _c, categoryField: _f, ...rest } = source;
  return { ...rest, ...by };
}

/** A source of another entity: its fields and condition no longer apply, the start is picked again. */
export function setSourceEntity(source: CalendarSource, entity: string): CalendarSource {
  return { entity, start: '', title: source.title, ...(source.category !== undefined ? { category: source.category } : { categoryField: '' }) };
}

/** End and duration exclude each other in practice: with an end, the duration is ignored. */
export function setSourceEnd(source: CalendarSource, end: string | undefined, duration: string | undefined): CalendarSource {
  const { end: _e, duration: _d, ...rest } = source;
  return { ...rest, ...(end ? { end } : {}), ...(!end && duration ? { duration } : {}) };
}
