/**
 * An iCalendar (RFC 5545) writer for a published calendar feed: VCALENDAR with VEVENTs only.
 * Pure, no I/O. Written here rather than taken from a package: the feed needs a dozen
 * properties, and the well-kept generator (ical-generator 11) needs Node 22, Cardo runs on 20.19.
 * What RFC 5545 asks and clients are strict about: CRLF line ends, lines folded at 75
 * octets (never inside a UTF-8 sequence), TEXT escaping, UTC date-times or VALUE=DATE.
 */

export interface IcalEvent {
  uid: string;
  /** When this version of the event was made: the record's last change. */
  stamp: Date;
  summary: string;
  /** A date-time, or for all-day events a 'YYYY-MM-DD' date. */
  start: Date | string;
  /** Exclusive end, of the same kind as start; omitted for an event without length. */
  end?: Date | string | undefined;
  categories?: readonly string[];
  description?: string;
  url?: string;
}

export interface IcalCalendar {
  /** PRODID, e.g. "-//Cardo//crm//EN". */
  productId: string;
  /** X-WR-CALNAME: the name clients show for the subscription. */
  name: string;
  /** How often clients should refetch, in minutes (REFRESH-INTERVAL and X-PUBLISHED-TTL). */
  refreshMinutes?: number;
  events: readonly IcalEvent[];
}

const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/**
 * Folds one content line: pieces of at most 75 octets, continuation lines start with one
 * space (which counts towards their 75). Splits only between code points, so a multi-byte
 * character is never cut.
 */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= MAX_OCTETS) return line;
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = encoder.encode(char).length;
    if (octets + size > limit) {
      pieces.push(piece);
      piece = '';
      octets = 0;
      limit = MAX_OCTETS - 1;
    }
    piece += char;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}

/** A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped; other controls dropped. */
export function escapeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what TEXT may not hold
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\n/g, '\\n');
}

/** A UTC DATE-TIME value: 19970714T173000Z. */
export function formatDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** A DATE value from 'YYYY-MM-DD': 19970714. */
export function formatDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`Not a date: ${date}`);
  return date.replaceAll('-', '');
}

function dateProperty(name: string, value: Date | string): string {
  return typeof value === 'string' ? `${name};VALUE=DATE:${formatDate(value)}` : `${name}:${formatDateTime(value)}`;
}

function eventLines(event: IcalEvent): string[] {
  const lines = ['BEGIN:VEVENT', `UID:${escapeText(event.uid)}`, `DTSTAMP:${formatDateTime(event.stamp)}`, `LAST-MODIFIED:${formatDateTime(event.stamp)}`, dateProperty('DTSTART', event.start)];
  if (event.end !== undefined) lines.push(dateProperty('DTEND', event.end));
  lines.push(`SUMMARY:${escapeText(event.summary)}`);
  if (event.categories && event.categories.length > 0) lines.push(`CATEGORIES:${event.categories.map(escapeText).join(',')}`);
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  // A URI value is not TEXT: it is written as is (our URLs hold no control characters).
  if (event.url) lines.push(`URL:${event.url}`);
  // All-day markers (an expiry date) do not make the user busy; timed events do (the default, OPAQUE).
  if (typeof event.start === 'string') lines.push('TRANSP:TRANSPARENT');
  lines.push('END:VEVENT');
  return lines;
}

/** The whole feed as iCalendar text (UTF-8 when encoded), every line ended by CRLF. */
export function toIcal(calendar: IcalCalendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${calendar.productId}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${escapeText(calendar.name)}`, `NAME:${escapeText(calendar.name)}`];
  if (calendar.refreshMinutes !== undefined) {
    lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${calendar.refreshMinutes}M`, `X-PUBLISHED-TTL:PT${calendar.refreshMinutes}M`);
  }
  for (const event of calendar.events) lines.push(...eventLines(event));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
