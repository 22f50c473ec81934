import { describe, expect, it } from '@jest/globals';
import ICAL from 'ical.js';
import { escapeText, foldLine, formatDateTime, toIcal } from './ical.js';

const octets = (s: string) => Buffer.byteLength(s, 'utf8');

describe('foldLine', () => {
  it.each([
    ['ASCII', 'SUMMARY:' + 'x'.repeat(200)],
    ['Cyrillic (2 octets a letter)', 'SUMMARY:' + 'Встреча с клиентом '.repeat(12)],
    ['emoji (4 octets, surrogate pairs)', 'SUMMARY:' + '📅'.repeat(60)],
  ])('%s: every physical line is at most 75 octets and unfolding restores the text', (_name, line) => {
    const folded = foldLine(line);
    const physical = folded.split('\r\n');
    expect(physical.length).toBeGreaterThan(1);
    for (const piece of physical) expect(octets(piece)).toBeLessThanOrEqual(75);
    for (const piece of physical.slice(1)) expect(piece.startsWith(' ')).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    // No piece starts or ends inside a multi-byte character.
    for (const piece of physical) expect(Buffer.from(piece, 'utf8').toString('utf8')).toBe(piece);
  });

  it('leaves a line of exactly 75 octets alone', () => {
    const line = 'X'.repeat(75);
    expect(foldLine(line)).toBe(line);
  });
});

describe('escapeText', () => {
  it.each([
    ['a;b,c\\d', 'a\\;b\\,c\\\\d'],
    ['line1\r\nline2\nline3', 'line1\\nline2\\nline3'],
    ['bell\u0007tab\tok', 'belltab\tok'],
  ])('%j → %j', (text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
  });
});

describe('toIcal', () => {
  it('writes CRLF lines that ical.js parses back to the same values', () => {
    const summary = 'Звонок: ООО «Ромашка»; договор №5, этап 2 — очень длинное название, которое точно не влезет в одну строку';
    const text = toIcal({
      productId: '-//Cardo//test//EN',
      name: 'Cardo CRM',
      refreshMinutes: 60,
      events: [
        { uid: 'a-1@test', stamp: new Date('2026-11-01T10:00:00Z'), summary, start: new Date('2026-12-01T09:30:00Z'), end: new Date('2026-12-01T10:00:00Z'), categories: ['Calls, and more'] },
        { uid: 'b-2@test', stamp: new Date('2026-11-01T10:00:00Z'), summary: 'Expiry', start: '2026-12-05', end: '2026-12-06' },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(octets(line)).toBeLessThanOrEqual(75);

    const calendar = new ICAL.Component(ICAL.parse(text));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Cardo CRM');
    const [timed, allDay] = calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(timed?.summary).toBe(summary);
    expect(timed?.uid).toBe('a-1@test');
    expect(timed?.startDate.toJSDate().toISOString()).toBe('2026-12-01T09:30:00.000Z');
    expect(timed?.endDate.toJSDate().toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(timed?.component.getFirstProperty('categories')?.getValues()).toEqual(['Calls, and more']);
    expect(allDay?.startDate.isDate).toBe(true);
    expect(allDay?.startDate.toString()).toBe('2026-12-05');
    expect(allDay?.endDate.toString()).toBe('2026-12-06');
  });

  it('formats date-times in UTC without milliseconds', () => {
    expect(formatDateTime(new Date('2026-03-04T05:06:07.890Z'))).toBe('20260304T050607Z');
  });
});
