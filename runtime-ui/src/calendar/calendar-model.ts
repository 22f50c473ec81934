// The calendar's date math, pure so it is unit-tested: the window each view asks the API for,
// which events fall on a day, where timed events sit in a day column, and the PATCH a drag makes.
// Times are the browser's local time; all-day events are calendar days (end exclusive).
import dayjs, { type Dayjs } from 'dayjs';
import type { CalendarEvent, CalendarSource } from '../work-types.js';

export type CalendarView = 'month' | 'week' | 'day' | 'agenda';
export const VIEWS: readonly CalendarView[] = ['month', 'week', 'day', 'agenda'];
/** Days the agenda shows from its first day. */
export const AGENDA_DAYS = 30;
/** The grid of the week and day views. */
export const SLOT_MINUTES = 30;

export function isView(value: unknown): value is CalendarView {
  return typeof value === 'string' && (VIEWS as readonly string[]).includes(value);
}

/** Monday for Russian, Sunday for English. */
export function weekStartOf(locale: string): number {
  return locale === 'ru' ? 1 : 0;
}

export function startOfWeek(day: Dayjs, weekStart: number): Dayjs {
  const d = day.startOf('day');
  return d.subtract((d.day() - weekStart + 7) % 7, 'day');
}

/** The days a view shows around `anchor`: `[from, to)`, whole local days. */
export function rangeOf(view: CalendarView, anchor: Dayjs, weekStart: number): { from: Dayjs; to: Dayjs } {
  const day = anchor.startOf('day');
  switch (view) {
    case 'month': {
      const from = startOfWeek(day.startOf('month'), weekStart);
      return { from, to: from.add(42, 'day') };
    }
    case 'week': {
      const from = startOfWeek(day, weekStart);
      return { from, to: from.add(7, 'day') };
    }
    case 'day':
      return { from: day, to: day.add(1, 'day') };
    case 'agenda':
      return { from: day, to: day.add(AGENDA_DAYS, 'day') };
  }
}

/** Where the prev/next buttons go. */
export function step(view: CalendarView, anchor: Dayjs, direction: 1 | -1): Dayjs {
  switch (view) {
    case 'month':
      return anchor.add(direction, 'month');
    case 'week':
      return anchor.add(direction * 7, 'day');
    case 'day':
      return anchor.add(direction, 'day');
    case 'agenda':
      return anchor.add(direction * AGENDA_DAYS, 'day');
  }
}

export function days(from: Dayjs, to: Dayjs): Dayjs[] {
  const out: Dayjs[] = [];
  for (let d = from; d.isBefore(to); d = d.add(1, 'day')) out.push(d);
  return out;
}

export function startOf(event: CalendarEvent): Dayjs {
  return dayjs(event.start);
}

export function endOf(event: CalendarEvent): Dayjs {
  return dayjs(event.end);
}

/** Whether the event overlaps the local day; a point in time counts on its own day. */
export function onDay(event: CalendarEvent, day: Dayjs): boolean {
  const from = day.startOf('day');
  const to = from.add(1, 'day');
  const start = startOf(event);
  const end = endOf(event);
  if (!end.isAfter(start)) return !start.isBefore(from) && start.isBefore(to);
  return start.isBefore(to) && end.isAfter(from);
}

export function eventsOn(events: readonly CalendarEvent[], day: Dayjs): CalendarEvent[] {
  return events.filter((e) => onDay(e, day)).sort((a, b) => Number(b.allDay) - Number(a.allDay) || startOf(a).valueOf() - startOf(b).valueOf() || a.title.localeCompare(b.title));
}

export interface Placed {
  event: CalendarEvent;
  /** Minutes from the day's start to the top and bottom of the box. */
  top: number;
  bottom: number;
  /** Column within its cluster of overlapping events, and the cluster's column count. */
  column: number;
  columns: number;
}

/** Timed events of one day as boxes: clipped to the day, at least one slot tall, overlaps side by side. */
export function layoutDay(events: readonly CalendarEvent[], day: Dayjs): Placed[] {
  const from = day.startOf('day');
  const boxes = events
    .filter((e) => !e.allDay && onDay(e, day))
    .map((event) => {
      const top = Math.max(0, startOf(event).diff(from, 'minute'));
      const end = Math.min(24 * 60, endOf(event).diff(from, 'minute'));
      return { event, top, bottom: Math.min(24 * 60, Math.max(end, top + SLOT_MINUTES)), column: 0, columns: 1 };
    })
    .sort((a, b) => a.top - b.top || b.bottom - a.bottom || a.event.id.localeCompare(b.event.id));
  // Clusters of transitively overlapping boxes share a column count; each box takes the first free column.
  let cluster: Placed[] = [];
  let clusterEnd = -1;
  const close = () => {
    const columns = Math.max(1, ...cluster.map((b) => b.column + 1));
    for (const b of cluster) b.columns = columns;
    cluster = [];
  };
  for (const box of boxes) {
    if (box.top >= clusterEnd) close();
    const used = new Set(cluster.filter((b) => b.bottom > box.top).map((b) => b.column));
    let column = 0;
    while (used.has(column)) column++;
    box.column = column;
    cluster.push(box);
    clusterEnd = Math.max(clusterEnd, box.bottom);
  }
  close();
  return boxes;
}

/** The source an event came from (by its calendar and entity). */
export function sourceOf(sources: ReadonlyMap<string, readonly CalendarSource[]>, event: CalendarEvent): CalendarSource | undefined {
  return sources.get(event.calendar)?.find((s) => s.entity === event.entity);
}

/**
 * The PATCH that moves an event to start at `newStart`: the start field, and the end field by
 * the same amount when the source has one (a duration needs no change). Date fields get days.
 */
export function movePatch(event: CalendarEvent, source: CalendarSource, newStart: Dayjs, dateFields: ReadonlySet<string>): Record<string, string> | undefined {
  const start = startOf(event);
  const delta = event.allDay ? newStart.startOf('day').diff(start.startOf('day'), 'day') : newStart.diff(start, 'minute');
  if (delta === 0) return undefined;
  const unit = event.allDay ? 'day' : 'minute';
  const value = (field: string, at: Dayjs) => (dateFields.has(field) ? at.format('YYYY-MM-DD') : at.toISOString());
  const patch: Record<string, string> = { [source.start]: value(source.start, start.add(delta, unit)) };
  if (source.end) {
    // An all-day end is exclusive in the event but inclusive in a date field.
    const end = event.allDay && dateFields.has(source.end) ? endOf(event).subtract(1, 'day') : endOf(event);
    patch[source.end] = value(source.end, end.add(delta, unit));
  }
  return patch;
}

/** A drop on a month-view day keeps the event's time of day. */
export function onOtherDay(event: CalendarEvent, day: Dayjs): Dayjs {
  const start = startOf(event);
  return day.startOf('day').add(start.diff(start.startOf('day'), 'minute'), 'minute');
}
