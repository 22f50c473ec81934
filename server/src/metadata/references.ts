import { ExpressionError, expressionPaths, parseExpression } from '../expression/expression.js';
import { TemplateError, templatePaths } from '../expression/template.js';
import { Checker, type UsedKind } from './cross-refs.js';
import type { EntityIndex } from './entity-index.js';
import type { MetadataFile } from './load.js';
import { validateFiles, type MetadataSet } from './validate.js';

/** What can be referenced: an entity, a field of an entity, or a named item (its file name, or a role's name). */
export type ItemKind = 'entity' | 'field' | 'role' | 'workflow' | 'template' | 'notification' | 'automation' | 'report' | 'calendar';

export interface Item {
  kind: ItemKind;
  name: string;
  /** For a field: its entity. */
  entity?: string;
}

/**
 * How the text at the pointer names the item: the whole string (or the object key) is the
 * name; a field path (or comma-separated sort keys); a condition object whose keys are paths;
 * a `{{path}}` template; an expression; a notification recipient (`field:…`, `role:…`).
 */
export type Usage = 'name' | 'path' | 'condition' | 'template' | 'expression' | 'recipient';

export interface Reference {
  /** The referencing file, relative to the metadata directory. */
  file: string;
  /** JSON pointer in a .json file; `/<element id>/<attribute>` in a .bpmn file. */
  pointer: string;
  usage: Usage;
  item: Item;
  /** The entity paths start from (paths, conditions, templates, bare expressions). */
  entity?: string;
  /** An expression's roots, e.g. {record: 'deal'}. */
  roots?: Record<string, string>;
}

/** Every reference of every file to entities, fields, roles, workflows, templates, reports and calendars. */
export class ReferenceIndex {
  constructor(
    readonly references: readonly Reference[],
    readonly index: EntityIndex,
  ) {}

  /** The places that reference an item, the item's own definition excluded. */
  to(item: Item): Reference[] {
    return this.references.filter((r) => r.item.kind === item.kind && r.item.name === item.name && (item.kind !== 'field' || r.item.entity === item.entity));
  }
}

/** Builds the index by running the validator's checks with a checker that records what each check resolves. */
export async function indexReferences(files: readonly MetadataFile[]): Promise<ReferenceIndex> {
  let recorder: RecordingChecker | undefined;
  await validateFiles(files, (index, s) => (recorder = new RecordingChecker(index, s)));
  const r = recorder as RecordingChecker | undefined;
  if (!r) throw new Error('The cross-reference checks made no checker.');
  return new ReferenceIndex(dedupe(r.references), r.index);
}

function dedupe(references: readonly Reference[]): Reference[] {
  const seen = new Set<string>();
  return references.filter((r) => {
    const key = `${r.file}\0${r.pointer}\0${r.usage}\0${r.item.kind}\0${r.item.entity ?? ''}\0${r.item.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const USED_KIND: Record<Exclude<UsedKind, 'recipient'>, ItemKind> = { role: 'role', report: 'report', calendar: 'calendar', workflow: 'workflow', template: 'template' };

/** The validator's checker, noting every entity, field and name it resolves. */
class RecordingChecker extends Checker {
  readonly references: Reference[] = [];
  /** Inside a template or expression check, whose inner path checks are not references of their own. */
  private nested = 0;

  constructor(index: EntityIndex, set: MetadataSet) {
    super(index, set);
  }

  override entity(file: string, pointer: string, name: string): ReturnType<Checker['entity']> {
    if (this.index.entities.has(name)) this.references.push({ file, pointer, usage: 'name', item: { kind: 'entity', name } });
    return super.entity(file, pointer, name);
  }

  override path(file: string, pointer: string, entity: string, path: string, types?: ReadonlySet<string>, what?: string): ReturnType<Checker['path']> {
    if (this.nested === 0) this.fields(file, pointer, 'path', entity, path);
    return super.path(file, pointer, entity, path, types, what);
  }

  override condition(file: string, pointer: string, entity: string, condition: unknown): void {
    for (const path of conditionPaths(condition)) this.fields(file, pointer, 'condition', entity, path);
    super.condition(file, pointer, entity, condition);
  }

  override template(file: string, pointer: string, entity: string, text: string): void {
    for (const path of safe(() => templatePaths(text))) this.fields(file, pointer, 'template', entity, path);
    this.nested++;
    try {
      super.template(file, pointer, entity, text);
    } finally {
      this.nested--;
    }
  }

  override expression(file: string, pointer: string, text: string, roots: Readonly<Record<string, string>>, variables: readonly string[] = [], bareEntity?: string): void {
    for (const path of safe(() => expressionPaths(parseExpression(text)))) {
      if (bareEntity) {
        this.fields(file, pointer, 'expression', bareEntity, path, { entity: bareEntity });
        continue;
      }
      const [root, ...rest] = path.split('.');
      const entity = roots[root as string];
      if (entity && rest.length > 0) this.fields(file, pointer, 'expression', entity, rest.join('.'), { roots: { ...roots } });
    }
    this.nested++;
    try {
      super.expression(file, pointer, text, roots, variables, bareEntity);
    } finally {
      this.nested--;
    }
  }

  override use(file: string, pointer: string, kind: UsedKind, name: string, entity?: string): void {
    if (kind !== 'recipient') {
      if (name !== '*') this.references.push({ file, pointer, usage: 'name', item: { kind: USED_KIND[kind], name } });
      return;
    }
    const field = /^(?:manager:)?field:(.+)$/.exec(name)?.[1];
    const role = /^role:(.+)$/.exec(name)?.[1];
    if (field && entity) this.fields(file, pointer, 'recipient', entity, field);
    if (role) this.references.push({ file, pointer, usage: 'recipient', item: { kind: 'role', name: role } });
  }

  /** One reference per field a dot path goes through (deal.counterparty, then counterparty.brand); sort keys are comma-separated. */
  private fields(file: string, pointer: string, usage: Usage, entity: string, path: string, scope: Partial<Pick<Reference, 'entity' | 'roots'>> = { entity }): void {
    for (const key of path.split(',')) {
      let current: string | undefined = entity;
      for (const segment of key.replace(/^-/, '').split('.')) {
        const field = current === undefined ? undefined : this.index.field(current, segment);
        if (!field || current === undefined) break;
        // System fields (owner, createdAt…) are nobody's definition: they cannot be renamed or deleted.
        if (this.index.entities.get(current)?.fields.includes(field)) this.references.push({ file, pointer, usage, item: { kind: 'field', entity: current, name: segment }, ...scope });
        current = this.index.targetOf(field);
      }
    }
  }
}

function safe(paths: () => string[]): string[] {
  try {
    return paths();
  } catch (error) {
    if (error instanceof TemplateError || error instanceof ExpressionError) return [];
    throw error;
  }
}

/** The field paths a condition tests: its keys outside $and / $or / $not. */
export function conditionPaths(condition: unknown): string[] {
  if (Array.isArray(condition)) return condition.flatMap(conditionPaths);
  if (typeof condition !== 'object' || condition === null) return [];
  return Object.entries(condition).flatMap(([key, value]) => {
    if (key === '$and' || key === '$or' || key === '$not') return conditionPaths(value);
    return key.startsWith('$') ? [] : [key];
  });
}
