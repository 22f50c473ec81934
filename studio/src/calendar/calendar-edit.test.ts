import { describe, expect, it } from '@jest/globals';
import type { Calendar } from '../types.js';
import { categoryUses, renameCategory, setSourceCategory, setSourceEnd, setSourceEntity, skeletonCalendar } from './calendar-edit.js';

const calendar: Calendar = {
  label: { en: 'Work' },
  categories: [{ name: 'calls', label: { en: 'Calls' }, color: '#1677ff' }, { name: 'other', label: { en: 'Other' }, color: '#8c8c8c' }],
  sources: [
    { entity: 'interaction', start: 'plannedAt', duration: 'durationMinutes', title: '{{type}}', category: 'calls', when: { type: 'call' } },
    { entity: 'sys_task', start: 'dueAt', title: '{{title}}', categoryField: 'status' },
    { entity: 'interaction', start: 'plannedAt', title: '{{type}}', category: 'calls' },
  ],
};

describe('calendar edits', () => {
  it('writes a skeleton with one category and one source using it', () => {
    const skeleton = skeletonCalendar('visits', 'deal', 'expectedCloseDate', 'title', ['en', 'ru']);
    expect(skeleton.sources).toEqual([{ entity: 'deal', start: 'expectedCloseDate', title: '{{title}}', category: 'events' }]);
    expect(skeleton.categories[0]).toEqual({ name: 'events', label: { en: 'visits', ru: 'visits' }, color: '#1677ff' });
  });

  it('finds and renames the sources of a category', () => {
    expect(categoryUses(calendar, 'calls')).toEqual([0, 2]);
    expect(categoryUses(calendar, 'other')).toEqual([]);
    const renamed = renameCategory(calendar, 'calls', 'phone');
    expect(renamed.categories.map((c) => c.name)).toEqual(['phone', 'other']);
    expect(renamed.sources.map((s) => s.category ?? s.categoryField)).toEqual(['phone', 'status', 'phone']);
  });

  it('keeps exactly one of category and categoryField', () => {
    const byField = setSourceCategory(calendar.sources[0]!, { categoryField: 'type' });
    expect(byField.categoryField).toBe('type');
    expect('category' in byField).toBe(false);
    const fixed = setSourceCategory(byField, { category: 'other' });
    expect(fixed.category).toBe('other');
    expect('categoryField' in fixed).toBe(false);
  });

  it('drops the duration when an end is set, and the old fields when the entity changes', () => {
    const ended = setSourceEnd(calendar.sources[0]!, 'completedAt', 'durationMinutes');
    expect(ended.end).toBe('completedAt');
    expect('duration' in ended).toBe(false);
    expect(setSourceEnd(ended, undefined, 'durationMinutes')).toMatchObject({ duration: 'durationMinutes' });
    expect(setSourceEntity(calendar.sources[0]!, 'deal')).toEqual({ entity: 'deal', start: '', title: '{{type}}', category: 'calls' });
  });
});
