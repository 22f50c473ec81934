// The calendar's date math, pure so it is unit-tested: the window each view asks the API for,
// which events fall on a day, where timed events sit in a day column, and the PATCH a drag makes.
// Times are wall-clock times of the app's time zone (app.json `timezone`), not the browser's:
// held as UTC-mode dayjs values, which have no daylight saving of their own, and turned into
// instants only at the edges (the API window, a new record, a move). All-day events are
// calendar days (end exclusive).
import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';
import type { CalendarEvent, CalendarSource } from '../work-types.js';

dayjs.extend(utc);

const DAY_MS = 24 * 60 * 60 * 1000;

/** Wall-clock times of one IANA time zone and the instants they name. */
export interface Zone {
  readonly timeZone: string;
  /** The wall-clock time in the zone at an instant. */
  wall(instant: string | number | Date): Dayjs;
  /**
   * The instant (ISO) a wall-clock time names. In a daylight-saving gap (02:30 that never
   * happens) the time after it, as if the clock had not been moved; in an overlap (02:30 that
   * happens twice) the earlier one — what a person setting a clock means.
   */
  instant(wall: Dayjs): string;
  /** Today's midnight in the zone. */
  today(): Dayjs;
}

/** The zone of the app; without one, the browser's. */
export function zoneOf(timeZone?: string): Zone {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  // The wall clock at an instant, as the milliseconds of the same fields read as UTC.
  const wallMs = (ms: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(ms)) p[part.type] = Number(part.value);
    return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) + (((ms % 1000) + 1000) % 1000);
  };
  const offset = (ms: number) => wallMs(ms) - ms;
  return {
    timeZone: zone,
    wall: (instant) => dayjs.utc(wallMs(new Date(instant).getTime())),
    instant: (wall) => {
      const w = wall.valueOf();
      // A transition is rare enough that a day before and a day after bracket at most one.
      const before = w - offset(w - DAY_MS);
      const after = w - offset(w + DAY_MS);
      const valid = [before, after].filter((t) => wallMs(t) === w);
      return new Date(valid.length > 0 ? Math.min(...valid) : before).toISOString();
    },
    today: () => dayjs.utc(wallMs(Date.now())).startOf('day'),
  };
}

/** The API's events with their times as wall-clock times of the zone (all-day ones are days already). */
export function toZoned(events: readonly CalendarEvent[], zone: Zone): CalendarEvent[] {
  const wall = (t: string) => zone.wall(t).format('YYYY-MM-DDTHH:mm:ss.SSS');
  return events.map((e) => (e.allDay ? e : { ...e, start: wall(e.start), end: wall(e.end) }));
}

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

/** The days a view shows around `anchor`: `[from, to)`, whole days. */
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

/** The start of an event of toZoned (a wall-clock time, or a day). */
export function startOf(event: CalendarEvent): Dayjs {
  return dayjs.utc(event.start);
}

export function endOf(event: CalendarEvent): Dayjs {
  return dayjs.utc(event.end);
}

/** Whether the event overlaps the day; a point in time counts on its own day. */
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
export function movePatch(event: CalendarEvent, source: CalendarSource, newStart: Dayjs, dateFields: ReadonlySet<string>, zone: Zone): Record<string, string> | undefined {
  const start = startOf(event);
  const delta = event.allDay ? newStart.startOf('day').diff(start.startOf('day'), 'day') : newStart.diff(start, 'minute');
  if (delta === 0) return undefined;
  const unit = event.allDay ? 'day' : 'minute';
  const value = (field: string, at: Dayjs) => (dateFields.has(field) ? at.format('YYYY-MM-DD') : zone.instant(at));
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
