import type { Problem } from '../errors.js';
import type { App, Automation, Calendar, DocumentTemplate, Entity, Notification, Report, Roles } from '../generated/metadata.js';
import { checkCrossReferences } from './cross-refs.js';
import { loadMetadataDir, type FileKind, type MetadataFile } from './load.js';
import { describeError, simplifyErrors, validatorFor } from './meta-schema.js';
import { SCHEMA_FILE } from './meta-schema.js';

export interface Named<T> {
  /** The file name without extension: the id other metadata refers to. */
  name: string;
  file: string;
  def: T;
}

/** Every metadata file that passed its meta-schema, by kind; input to the cross-reference checks and to compile. */
export interface MetadataSet {
  app?: Named<App>;
  roles?: Named<Roles>;
  entities: Named<Entity>[];
  automations: Named<Automation>[];
  notifications: Named<Notification>[];
  calendars: Named<Calendar>[];
  reports: Named<Report>[];
  templates: Named<DocumentTemplate>[];
  /** .docx templates and .bpmn workflows are checked by the cross-reference stage. */
  templateDocs: MetadataFile[];
  workflows: MetadataFile[];
  /**
   * Entity files that parse but fail their meta-schema, read as far as they go, so that
   * references to them do not cascade into more problems than the one already reported.
   */
  brokenEntities: Named<Entity>[];
  /** The names of every file of each kind, valid or not, for existence checks. */
  names: Record<FileKind, Set<string>>;
}

export interface ValidationResult {
  set: MetadataSet;
  problems: Problem[];
}

/** Checks each JSON file against its meta-schema, then everything against everything else. */
export async function validateFiles(files: readonly MetadataFile[], makeChecker?: Parameters<typeof checkCrossReferences>[2]): Promise<ValidationResult> {
  const problems: Problem[] = [];
  const names = Object.fromEntries(KINDS.map((k) => [k, new Set(files.filter((f) => f.kind === k).map((f) => f.name))])) as Record<FileKind, Set<string>>;
  const set: MetadataSet = { entities: [], automations: [], notifications: [], calendars: [], reports: [], templates: [], templateDocs: [], workflows: [], brokenEntities: [], names };
  for (const file of files) {
    if (file.kind === 'templateDocx') {
      set.templateDocs.push(file);
      continue;
    }
    if (file.kind === 'workflow') {
      set.workflows.push(file);
      continue;
    }
    if (file.json === undefined) continue; // its syntax errors are already reported
    const fileProblems = checkSchema(file);
    problems.push(...fileProblems);
    if (fileProblems.length > 0) {
      const partial = file.kind === 'entity' ? readableEntity(file) : undefined;
      if (partial) set.brokenEntities.push(partial);
      continue;
    }
    addToSet(set, file);
  }
  problems.push(...(await checkCrossReferences(set, files, makeChecker)));
  return { set, problems: sortProblems(problems) };
}

/** Loads and validates a metadata directory; every problem at once, never an exception. */
export async function validateMetadataDir(dir: string): Promise<ValidationResult> {
  const loaded = await loadMetadataDir(dir);
  const result = await validateFiles(loaded.files);
  return { set: result.set, problems: sortProblems([...loaded.problems, ...result.problems]) };
}

const KINDS: FileKind[] = ['app', 'roles', 'entity', 'automation', 'notification', 'calendar', 'report', 'template', 'templateDocx', 'workflow'];
const FIELD_TYPES = new Set<string>(['string', 'text', 'integer', 'decimal', 'money', 'percent', 'boolean', 'date', 'datetime', 'enum', 'multiEnum', 'reference', 'user', 'email', 'phone', 'url', 'file', 'stage', 'formula']);

/** As much of an entity as can be trusted from a file that failed its meta-schema. */
function readableEntity(file: MetadataFile): Named<Entity> | undefined {
  const json = file.json as Record<string, unknown> | null;
  if (!json || typeof json !== 'object' || typeof json.name !== 'string') return undefined;
  const fields = (Array.isArray(json.fields) ? json.fields : [])
    .filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null && typeof (f as Record<string, unknown>).name === 'string')
    .map((f) => ({ ...f, type: FIELD_TYPES.has(String(f.type)) ? f.type : 'text' }));
  const def = { ...json, fields, stages: Array.isArray(json.stages) ? json.stages : undefined, lists: Array.isArray(json.lists) ? json.lists : [], form: { tabs: Array.isArray((json.form as { tabs?: unknown } | undefined)?.tabs) ? (json.form as { tabs: unknown }).tabs : [] } } as unknown as Entity;
  return { name: file.name, file: file.path, def };
}

function checkSchema(file: MetadataFile): Problem[] {
  const problems: Problem[] = [];
  const expected = SCHEMA_FILE[file.kind];
  const json = file.json as Record<string, unknown>;
  if (expected && json && typeof json === 'object' && !Array.isArray(json)) {
    const declared = json.$schema;
    if (typeof declared === 'string' && !declared.endsWith(`/${expected}`) && declared !== expected) {
      problems.push({ code: 'CARDO_ERR_META_SCHEMA_REF', file: file.path, pointer: '/$schema', message: `"$schema" is "${declared}" but a ${file.kind} file is checked against ${expected}.` });
    }
  }
  const validate = validatorFor(file.kind);
  if (validate && !validate(file.json)) {
    for (const error of simplifyErrors(validate.errors ?? [])) {
      const { pointer, message } = describeError(error);
      problems.push({ code: 'CARDO_ERR_META_SCHEMA', file: file.path, pointer, message });
    }
  }
  return problems;
}

function addToSet(set: MetadataSet, file: MetadataFile): void {
  const named = <T>() => ({ name: file.name, file: file.path, def: file.json as T });
  switch (file.kind) {
    case 'app':
      set.app = named<App>();
      break;
    case 'roles':
      set.roles = named<Roles>();
      break;
    case 'entity':
      set.entities.push(named<Entity>());
      break;
    case 'automation':
      set.automations.push(named<Automation>());
      break;
    case 'notification':
      set.notifications.push(named<Notification>());
      break;
    case 'calendar':
      set.calendars.push(named<Calendar>());
      break;
    case 'report':
      set.reports.push(named<Report>());
      break;
    case 'template':
      set.templates.push(named<DocumentTemplate>());
      break;
    default:
      break;
  }
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.file.localeCompare(b.file) || comparePointers(a.pointer, b.pointer) || a.code.localeCompare(b.code));
}

function comparePointers(a: string, b: string): number {
  const as = a.split('/');
  const bs = b.split('/');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i] as string;
    const y = bs[i] as string;
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    return x !== '' && y !== '' && Number.isInteger(nx) && Number.isInteger(ny) ? nx - ny : x.localeCompare(y);
  }
  return as.length - bs.length;
}
