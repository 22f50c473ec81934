import type { MetadataSet } from './validate.js';

/** One line describing a valid metadata set, as `cardo validate` prints it. */
export function summarize(set: MetadataSet): string {
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const roles = set.roles?.def.roles.length ?? 0;
  return [
    count(set.entities.length, 'entity', 'entities'),
    count(roles, 'role'),
    count(set.automations.length, 'automation'),
    count(set.notifications.length, 'notification'),
    count(set.calendars.length, 'calendar'),
    count(set.reports.length, 'report'),
    count(set.templates.length, 'document template'),
    count(set.workflows.length, 'workflow'),
  ].join(', ');
}
