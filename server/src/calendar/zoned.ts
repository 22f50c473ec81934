/**
 * Calendar days in the application's time zone (app.json `timezone`, IANA): a `date` field
 * is a day there, so a window of instants maps to the days it touches. Uses the runtime's
 * Intl time zone data; pure.
 */
import { isDateOnly } from '../expression/values.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** The app's zone, or UTC when it names none (or one this runtime does not know). */
export function timeZoneOf(app: { timezone?: string | undefined }): string {
  const zone = app.timezone ?? 'UTC';
  try {
    formatOf(zone);
    return zone;
  } catch {
    return 'UTC';
  }
}

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(timeZone, format);
  }
  return format;
}

function wallClock(instant: Date, timeZone: string): { day: string; utcMs: number } {
  const parts: Record<string, string> = {};
  for (const part of formatOf(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  return { day, utcMs: Date.parse(`${day}T${parts.hour}:${parts.minute}:${parts.second}Z`) };
}

/** The day ('YYYY-MM-DD') an instant falls on in the zone. */
export function localDay(instant: Date, timeZone: string): string {
  return wallClock(instant, timeZone).day;
}

/** The instant a day begins in the zone (its first existing minute on a DST gap day). */
export function startOfDay(day: string, timeZone: string): Date {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  const offsetAt = (t: number) => wallClock(new Date(t), timeZone).utcMs - Math.floor(t / 1000) * 1000;
  // Two rounds settle the offset when midnight itself lies next to a DST change.
  let guess = midnight - offsetAt(midnight);
  guess = midnight - offsetAt(guess);
  return new Date(guess);
}

const HOUR_MS = 3_600_000;

/**
 * The instant shifted so that its UTC clock reads the wall-clock time in the zone (for Excel,
 * whose dates carry no zone). formatToParts costs microseconds, too much per cell of a large
 * export: the offset is asked once per hour of UTC and kept when it is the same at both ends
 * of the hour (a zone changes its offset at most once an hour); an hour with a change is
 * converted instant by instant.
 */
export function toWallClockTime(timeZone: string): (instant: Date) => Date {
  const exact = (ms: number) => wallClock(new Date(ms), timeZone).utcMs + (((ms % 1000) + 1000) % 1000);
  const offsetAt = (ms: number) => exact(ms) - ms;
  const offsets = new Map<number, number | null>();
  return (instant) => {
    const ms = instant.getTime();
    const hour = Math.floor(ms / HOUR_MS);
    let offset = offsets.get(hour);
    if (offset === undefined) {
      if (offsets.size >= 10_000) offsets.clear();
      const start = offsetAt(hour * HOUR_MS);
      offset = start === offsetAt(hour * HOUR_MS + HOUR_MS - 1) ? start : null;
      offsets.set(hour, offset);
    }
    return new Date(offset === null ? exact(ms) : ms + offset);
  };
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An instant from a query parameter: a date-time with a zone (Z or an offset), or a date,
 * which means the start of that day in the app's zone. Anything else is undefined.
 */
export function parseInstant(text: string, timeZone: string): Date | undefined {
  if (isDateOnly(text)) return startOfDay(text, timeZone);
  if (!DATE_TIME.test(text) || !isDateOnly(text.slice(0, 10))) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
