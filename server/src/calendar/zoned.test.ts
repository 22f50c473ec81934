import { describe, expect, it } from '@jest/globals';
import { addDays, localDay, parseInstant, startOfDay, timeZoneOf, toWallClockTime } from './zoned.js';

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

describe('toWallClockTime', () => {
  /** The wall clock read straight from Intl for every instant: what the per-hour offsets must reproduce. */
  const reference = (zone: string, instant: Date) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })
        .formatToParts(instant)
        .map((p) => [p.type, Number(p.value)]),
    );
    return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, instant.getUTCMilliseconds());
  };

  it.each([
    // Around Berlin's and New York's DST changes, Lord Howe's 30-minute one, Kathmandu's +05:45, and 1970 in Moscow.
    ['Europe/Berlin', '2026-03-29T00:00:00Z'],
    ['Europe/Berlin', '2026-10-25T00:00:00Z'],
    ['America/New_York', '2026-11-01T04:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T14:00:00Z'],
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z'],
    // Changes in the middle of a UTC hour: St. John's (02:00 at -03:30) and Kathmandu going from +05:30 to +05:45 in 1986.
    ['America/St_Johns', '2026-03-08T00:00:00Z'],
    ['Asia/Kathmandu', '1985-12-31T00:00:00Z'],
    ['Europe/Moscow', '1969-12-31T22:00:00Z'],
  ])('%s: every 7 minutes 13.5 seconds for a day from %s reads as Intl reads it', (zone, from) => {
    const convert = toWallClockTime(zone);
    for (let ms = Date.parse(from); ms < Date.parse(from) + 86_400_000; ms += 433_500) {
      expect([new Date(ms).toISOString(), convert(new Date(ms)).getTime()]).toEqual([new Date(ms).toISOString(), reference(zone, new Date(ms))]);
    }
  });

  it('keeps the minute of a change exact on both sides', () => {
    const convert = toWallClockTime('Europe/Berlin');
    // 01:00 UTC on 2026-03-29: 01:59:59.999 CET is followed by 03:00 CEST.
    expect(convert(new Date('2026-03-29T00:59:59.999Z')).toISOString()).toBe('2026-03-29T01:59:59.999Z');
    expect(convert(new Date('2026-03-29T01:00:00.000Z')).toISOString()).toBe('2026-03-29T03:00:00.000Z');
  });
});
