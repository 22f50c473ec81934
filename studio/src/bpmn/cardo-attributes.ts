// What the modeler's properties panel knows about the cardo: attributes (server/schema/cardo.json):
// which attributes each kind of element carries, and the checks the server makes on them
// (server/src/metadata/check-bpmn.ts), run as the consultant types. The server stays the judge:
// its problems come back on save and are drawn on the diagram.

/** ISO-8601 durations as the server accepts them (cardo:due, timer durations). */
export const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
/** cardo:outcomes: lower_snake names, comma-separated. */
export const OUTCOME = /^[a-z][a-z0-9_]*$/;
/** Expressions that name a user (assignee, recipient, department) are written in ${…}. */
export const WRAPPED_EXPRESSION = /^\$\{(.+)\}$/s;

export const START_ON = ['manual', 'create', 'update'] as const;
export const SERVICE_ACTIONS = ['setField', 'createRecord', 'notify', 'startProcess'] as const;
export type ServiceAction = (typeof SERVICE_ACTIONS)[number];

/** The cardo: attributes a service task uses for each action (the others are cleared on a change of action). */
export const ACTION_ATTRIBUTES: Record<ServiceAction, readonly string[]> = {
  setField: ['field', 'value'],
  createRecord: ['entity', 'values'],
  notify: ['recipient', 'subject', 'body'],
  startProcess: ['process'],
};
export const SERVICE_ATTRIBUTES = ['field', 'value', 'entity', 'values', 'recipient', 'subject', 'body', 'process'] as const;

/** Why a value of a cardo: attribute is wrong, or null; an empty value means "not set" and is never wrong here. */
export function attributeProblem(attribute: string, value: string): 'duration' | 'wrapped' | 'outcomes' | 'json' | null {
  if (value.trim() === '') return null;
  switch (attribute) {
    case 'due':
    case 'timeDuration':
      return DURATION.test(value.trim()) ? null : 'duration';
    case 'assignee':
    case 'candidateDepartment':
    case 'recipient':
      return WRAPPED_EXPRESSION.test(value.trim()) ? null : 'wrapped';
    case 'outcomes':
      return value.split(',').every((o) => OUTCOME.test(o)) ? null : 'outcomes';
    case 'values':
    case 'startWhen':
      try {
        const parsed: unknown = JSON.parse(value);
        return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? null : 'json';
      } catch {
        return 'json';
      }
    default:
      return null;
  }
}

/**
 * The diagram element a validation problem is about: the server's pointers for BPMN files are
 * `/<element id>[/<attribute>…]` (check-bpmn.ts); an empty pointer concerns the whole file.
 */
export function problemElementId(pointer: string): string | null {
  const first = pointer.split('/')[1];
  return first ? decodeURIComponent(first.replace(/~1/g, '/').replace(/~0/g, '~')) : null;
}
