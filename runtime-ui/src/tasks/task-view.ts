// How a task reads in the inbox: overdue or not, which share of the inbox it is in, and its
// outcomes' labels. Pure, so it is unit-tested.
import type { TaskItem } from '../work-types.js';

export type TaskShare = 'mine' | 'group' | 'behalf';

/** Open and past its due time. */
export function isOverdue(task: Readonly<Record<string, unknown>>, now: Date = new Date()): boolean {
  return task.status === 'open' && typeof task.dueAt === 'string' && new Date(task.dueAt).getTime() < now.getTime();
}

/** Offered to a role or department (anyone there may take it), an absent user's (substitution), or the caller's own. */
export function shareOf(task: Pick<TaskItem, 'offered' | 'onBehalfOf'>): TaskShare {
  if (task.offered) return 'group';
  if (task.onBehalfOf) return 'behalf';
  return 'mine';
}

/**
 * An outcome's label: the server's `outcomeLabels` (by locale or plain) when the task carries
 * them, else the outcome name as written in the process, made readable. Names are never
 * translated here: they belong to the process metadata, which may rename them.
 */
export function outcomeLabel(task: object, outcome: string, locale?: string): string {
  const labels = (task as { outcomeLabels?: Record<string, string | Record<string, string | undefined>> }).outcomeLabels;
  const label = labels?.[outcome];
  if (typeof label === 'string' && label) return label;
  if (label && typeof label === 'object') {
    const text = (locale ? label[locale] : undefined) ?? Object.values(label).find((v) => typeof v === 'string' && v);
    if (text) return text;
  }
  const words = outcome.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
