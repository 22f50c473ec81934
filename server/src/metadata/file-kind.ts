// Which kind of metadata file a path is: apart from load.ts (node:fs) so the studio can use it in the browser.

/** The kinds of files under metadata/, each with its own meta-schema (or format). */
export type FileKind =
  | 'app'
  | 'roles'
  | 'entity'
  | 'automation'
  | 'notification'
  | 'calendar'
  | 'report'
  | 'template'
  | 'templateDocx'
  | 'workflow';

const KINDS: ReadonlyArray<[RegExp, FileKind]> = [
  [/^app\.json$/, 'app'],
  [/^roles\.json$/, 'roles'],
  [/^entities\/[^/]+\.json$/, 'entity'],
  [/^automations\/[^/]+\.json$/, 'automation'],
  [/^notifications\/[^/]+\.json$/, 'notification'],
  [/^calendars\/[^/]+\.json$/, 'calendar'],
  [/^reports\/[^/]+\.json$/, 'report'],
  [/^templates\/[^/]+\.json$/, 'template'],
  [/^templates\/[^/]+\.docx$/, 'templateDocx'],
  [/^workflows\/[^/]+\.bpmn$/, 'workflow'],
];

export function fileKindOf(relativePath: string): FileKind | undefined {
  return KINDS.find(([pattern]) => pattern.test(relativePath))?.[1];
}
