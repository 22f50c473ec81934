import { describe, expect, it } from '@jest/globals';
import dayjs from 'dayjs';
import type { CalendarEvent } from '../work-types.js';
import { eventsOn, layoutDay, movePatch, onDay, onOtherDay, rangeOf, startOfWeek, step, toZoned, zoneOf } from './calendar-model.js';

// Wall-clock times of the app's zone throughout (UTC-mode values), whatever the machine's zone is.
const at = (text: string) => dayjs.utc(text);
const moscow = zoneOf('Europe/Moscow');
const berlin = zoneOf('Europe/Berlin');
/** An event as the API sends it, its times given as Moscow wall-clock times, then zoned as the page does. */
function event(id: string, start: string, end: string, allDay = false): CalendarEvent {
  const iso = (t: string) => (allDay ? t : moscow.instant(at(t)));
  const [zoned] = toZoned([{ id, calendar: 'c', entity: 'interaction', recordId: id, title: id, start: iso(start), end: iso(end), allDay, category: 'x', color: '#000' }], moscow);
  return zoned as CalendarEvent;
}

describe('calendar windows', () => {
  it.each([
    ['month', '2026-11-18', 1, '2026-10-26', '2026-12-07'],
    ['month', '2026-11-18', 0, '2026-11-01', '2026-12-13'],
    ['week', '2026-11-18', 1, '2026-11-16', '2026-11-23'],
    ['week', '2026-11-15', 1, '2026-11-09', '2026-11-16'],
    ['day', '2026-11-18', 1, '2026-11-18', '2026-11-19'],
    ['agenda', '2026-11-18', 1, '2026-11-18', '2026-12-18'],
  ] as const)('%s around %s (week starts %d) is [%s, %s)', (view, anchor, weekStart, from, to) => {
    const range = rangeOf(view, at(anchor), weekStart);
    expect([range.from.format('YYYY-MM-DD'), range.to.format('YYYY-MM-DD')]).toEqual([from, to]);
    expect(range.from.hour()).toBe(0);
  });

  it('steps by the view', () => {
    expect(step('month', at('2026-01-31'), 1).format('YYYY-MM-DD')).toBe('2026-02-28');
    expect(step('week', at('2026-11-18'), -1).format('YYYY-MM-DD')).toBe('2026-11-11');
    expect(startOfWeek(at('2026-11-22T15:00'), 1).format('YYYY-MM-DD HH:mm')).toBe('2026-11-16 00:00');
  });
});

describe('events on a day', () => {
  it('counts a point in time on its day, a span on every day it touches, an all-day end as exclusive', () => {
    const point = event('p', '2026-11-18T10:00', '2026-11-18T10:00');
    const overnight = event('o', '2026-11-18T22:00', '2026-11-19T02:00');
    const allDay = event('a', '2026-11-18', '2026-11-19', true);
    expect([onDay(point, at('2026-11-18')), onDay(point, at('2026-11-19'))]).toEqual([true, false]);
    expect([onDay(overnight, at('2026-11-18')), onDay(overnight, at('2026-11-19')), onDay(overnight, at('2026-11-20'))]).toEqual([true, true, false]);
    expect([onDay(allDay, at('2026-11-18')), onDay(allDay, at('2026-11-19'))]).toEqual([true, false]);
    // All-day first, then by start.
    expect(eventsOn([overnight, point, allDay], at('2026-11-18')).map((e) => e.id)).toEqual(['a', 'p', 'o']);
  });
});

describe('day layout', () => {
  it('puts overlapping events side by side and lets the others take the whole width', () => {
    const boxes = layoutDay(
      [
        event('a', '2026-11-18T09:00', '2026-11-18T10:00'),
        event('b', '2026-11-18T09:30', '2026-11-18T11:00'),
        event('c', '2026-11-18T10:00', '2026-11-18T10:30'),
        event('d', '2026-11-18T12:00', '2026-11-18T12:00'),
        event('e', '2026-11-17T23:00', '2026-11-18T01:00'),
      ],
      at('2026-11-18'),
    );
    const byId = Object.fromEntries(boxes.map((b) => [b.event.id, [b.top, b.bottom, b.column, b.columns]]));
    expect(byId).toEqual({
      e: [0, 60, 0, 1],
      a: [540, 600, 0, 2],
      b: [570, 660, 1, 2],
      c: [600, 630, 0, 2],
      // A point in time still gets one slot.
      d: [720, 750, 0, 1],
    });
  });
});

describe('moving an event', () => {
  const source = { entity: 'interaction', start: 'plannedAt', duration: 'durationMinutes' };

  it('moves a timed start and leaves a duration alone', () => {
    const e = event('a', '2026-11-18T09:00', '2026-11-18T10:00');
    expect(movePatch(e, source, at('2026-11-19T14:30'), new Set(), moscow)).toEqual({ plannedAt: '2026-11-19T11:30:00.000Z' });
    expect(movePatch(e, source, at('2026-11-18T09:00'), new Set(), moscow)).toBeUndefined();
  });

  it('moves an end field by as much, and date fields by days (an inclusive end)', () => {
    const timed = event('t', '2026-11-18T09:00', '2026-11-18T11:00');
    expect(movePatch(timed, { entity: 'x', start: 's', end: 'e' }, at('2026-11-18T13:00'), new Set(), moscow)).toEqual({ s: '2026-11-18T10:00:00.000Z', e: '2026-11-18T12:00:00.000Z' });
    const days = event('d', '2026-11-18', '2026-11-21', true);
    expect(movePatch(days, { entity: 'x', start: 's', end: 'e' }, at('2026-11-25'), new Set(['s', 'e']), moscow)).toEqual({ s: '2026-11-25', e: '2026-11-27' });
  });

  it('keeps the time of day when dropped on another day of the month', () => {
    const e = event('a', '2026-11-18T09:45', '2026-11-18T10:00');
    expect(onOtherDay(e, at('2026-11-03')).format('YYYY-MM-DD HH:mm')).toBe('2026-11-03 09:45');
  });
});

describe('the app\'s time zone', () => {
  it('shows an instant at its wall-clock time in the zone and turns it back into the instant', () => {
    expect(moscow.wall('2026-11-18T06:00:00Z').format('YYYY-MM-DD HH:mm')).toBe('2026-11-18 09:00');
    expect(moscow.instant(at('2026-11-18T09:00'))).toBe('2026-11-18T06:00:00.000Z');
    // 22:30 UTC is already the next day in Moscow: the event sits on that day, at 01:30.
    const late = toZoned([{ id: 'l', calendar: 'c', entity: 'interaction', recordId: 'l', title: 'l', start: '2026-10-31T22:30:00.000Z', end: '2026-10-31T23:00:00.000Z', allDay: false, category: 'x', color: '#000' }], moscow);
    expect([onDay(late[0]!, at('2026-10-31')), onDay(late[0]!, at('2026-11-01'))]).toEqual([false, true]);
    expect(layoutDay(late, at('2026-11-01')).map((b) => [b.top, b.bottom])).toEqual([[90, 120]]);
  });

  it('asks the API for the zone\'s days, a 23-hour day when the clocks go forward', () => {
    const { from, to } = rangeOf('day', at('2026-03-29'), 1);
    expect([berlin.instant(from), berlin.instant(to)]).toEqual(['2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z']);
    const week = rangeOf('week', at('2026-10-25'), 1);
    // The week of the autumn change: Monday in summer time, the next Monday in winter time.
    expect([berlin.instant(week.from), berlin.instant(week.to)]).toEqual(['2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z']);
  });

  it('resolves the daylight-saving gap forward and the overlap to the earlier instant', () => {
    // 29 March 2026, 02:00 → 03:00 in Berlin: 02:30 never happens; it means 03:30 summer time.
    expect(berlin.instant(at('2026-03-29T02:30'))).toBe('2026-03-29T01:30:00.000Z');
    expect(berlin.wall('2026-03-29T01:30:00Z').format('HH:mm')).toBe('03:30');
    // 25 October 2026, 03:00 → 02:00: 02:30 happens twice; the first one (summer time).
    expect(berlin.instant(at('2026-10-25T02:30'))).toBe('2026-10-25T00:30:00.000Z');
    expect([berlin.wall('2026-10-25T00:30:00Z').format('HH:mm'), berlin.wall('2026-10-25T01:30:00Z').format('HH:mm')]).toEqual(['02:30', '02:30']);
  });

  it('moves an event across the change by wall-clock time: 09:00 stays 09:00', () => {
    const [e] = toZoned([{ id: 'm', calendar: 'c', entity: 'interaction', recordId: 'm', title: 'm', start: '2026-10-24T07:00:00.000Z', end: '2026-10-24T08:00:00.000Z', allDay: false, category: 'x', color: '#000' }], berlin);
    const source = { entity: 'interaction', start: 'plannedAt', duration: 'durationMinutes' };
    // Saturday 09:00 summer time → Sunday 09:00 winter time: 25 hours later, not 24.
    expect(movePatch(e!, source, onOtherDay(e!, at('2026-10-25')), new Set(), berlin)).toEqual({ plannedAt: '2026-10-25T08:00:00.000Z' });
  });
});

