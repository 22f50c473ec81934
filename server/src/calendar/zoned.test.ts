import { describe, expect, it } from '@jest/globals';
import { addDays, localDay, parseInstant, startOfDay, timeZoneOf } from './zoned.js';

describe('days in a time zone', () => {
  it.each([
    ['Europe/Moscow', '2026-12-01', '2026-11-30T21:00:00.000Z'],
    ['UTC', '2026-12-01', '2026-12-01T00:00:00.000Z'],
    // Berlin switches to summer time at 02:00 on 2026-03-29: midnight is still UTC+1.
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['Europe/Berlin', '2026-03-30', '2026-03-29T22:00:00.000Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z'],
  ])('%s: %s starts at %s', (zone, day, instant) => {
    expect(startOfDay(day, zone).toISOString()).toBe(instant);
    expect(localDay(new Date(instant), zone)).toBe(day);
    expect(localDay(new Date(Date.parse(instant) - 1), zone)).toBe(addDays(day, -1));
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('falls back to UTC for a zone the runtime does not know', () => {
    expect(timeZoneOf({ timezone: 'Mars/Olympus' })).toBe('UTC');
    expect(timeZoneOf({})).toBe('UTC');
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-12-01', '2026-11-30T21:00:00.000Z'],
    ['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T12:00:00+03:00', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T09:00Z', '2026-12-01T09:00:00.000Z'],
  ])('%s → %s (Moscow)', (text, iso) => {
    expect(parseInstant(text, 'Europe/Moscow')?.toISOString()).toBe(iso);
  });

  it.each(['2026-02-30', '2026-12-01T09:00:00', 'tomorrow', '2026-13-01T00:00:00Z', '', '1733000000'])('refuses %j', (text) => {
    expect(parseInstant(text, 'Europe/Moscow')).toBeUndefined();
  });
});
