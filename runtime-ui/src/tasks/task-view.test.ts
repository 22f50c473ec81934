import { describe, expect, it } from '@jest/globals';
import { isOverdue, outcomeLabel, shareOf } from './task-view.js';

describe('task view', () => {
  const now = new Date('2026-11-18T12:00:00Z');
  it.each([
    [{ status: 'open', dueAt: '2026-11-18T11:59:00Z' }, true],
    [{ status: 'open', dueAt: '2026-11-18T12:01:00Z' }, false],
    [{ status: 'completed', dueAt: '2026-11-01T00:00:00Z' }, false],
    [{ status: 'open', dueAt: null }, false],
  ])('%j overdue: %s', (task, expected) => {
    expect(isOverdue(task, now)).toBe(expected);
  });

  it('sorts a task into its share of the inbox', () => {
    expect(shareOf({ offered: true, onBehalfOf: null })).toBe('group');
    expect(shareOf({ offered: false, onBehalfOf: 'u1' })).toBe('behalf');
    expect(shareOf({ offered: false, onBehalfOf: null })).toBe('mine');
  });

  it('labels an outcome from the task when it can, else from its name', () => {
    expect(outcomeLabel({ outcomeLabels: { approve: { en: 'Approve', ru: 'Согласовать' } } }, 'approve', 'ru')).toBe('Согласовать');
    expect(outcomeLabel({ outcomeLabels: { rework: 'Send back' } }, 'rework')).toBe('Send back');
    expect(outcomeLabel({}, 'send_back')).toBe('Send back');
  });
});
