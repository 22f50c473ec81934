/**
 * Automations compiled once per metadata version: expressions parsed into ASTs and the dot
 * paths through references each automation reads collected, so a write only evaluates.
 * Pure; part of the CompiledModel, so publishing new metadata swaps them with the model.
 */
import type { Automation, Condition, Label, NotifyAction } from '../generated/metadata.js';
import { parseExpression, expressionPaths, type Expr } from '../expression/expression.js';
import { templatePaths } from '../expression/template.js';
import { isPlainObject } from '../expression/values.js';

export type WriteKind = 'create' | 'update' | 'delete';

/** A value of an action: a literal, or an expression over record, old, me and now. */
export type ValueModel = { readonly kind: 'literal'; readonly value: unknown } | { readonly kind: 'expr'; readonly expr: Expr };

export type ActionModel =
  | { readonly action: 'createRecord'; readonly entity: string; readonly values: Readonly<Record<string, ValueModel>>; readonly link: boolean }
  | { readonly action: 'setField'; readonly target: string | undefined; readonly values: Readonly<Record<string, ValueModel>> }
  | { readonly action: 'link'; readonly to: string; readonly kind: string }
  | { readonly action: 'startWorkflow'; readonly process: string }
  | { readonly action: 'notify'; readonly def: NotifyAction };

export interface AutomationModel {
  /** The file name without .json. */
  readonly name: string;
  readonly label: Label;
  readonly entity: string;
  readonly on: readonly WriteKind[];
  /** For updates: only when one of these fields changed. */
  readonly fields: readonly string[] | undefined;
  readonly when: Condition | undefined;
  readonly enabled: boolean;
  readonly actions: readonly ActionModel[];
  /** Dot paths through references (`deal.stage`) the condition, expressions and templates read. */
  readonly paths: readonly string[];
  readonly def: Automation;
}

/** The kind of link an automation makes when the metadata names none. */
export const DEFAULT_LINK_KIND = 'related';

function toValues(values: Readonly<Record<string, unknown>>, paths: Set<string>): Record<string, ValueModel> {
  const out: Record<string, ValueModel> = {};
  for (const [name, value] of Object.entries(values)) {
    if (isPlainObject(value) && typeof value.$expr === 'string') {
      const expr = parseExpression(value.$expr);
      for (const path of expressionPaths(expr)) {
        const [root, ...rest] = path.split('.');
        if ((root === 'record' || root === 'old') && rest.length > 1) paths.add(rest.join('.'));
      }
      out[name] = { kind: 'expr', expr };
    } else {
      out[name] = { kind: 'literal', value };
    }
  }
  return out;
}

/** The field paths a condition names (keys that are not $and, $or, $not). */
export function conditionPaths(condition: unknown, into: Set<string> = new Set()): Set<string> {
  if (Array.isArray(condition)) for (const item of condition) conditionPaths(item, into);
  else if (isPlainObject(condition)) {
    for (const [key, value] of Object.entries(condition)) {
      if (key === '$and' || key === '$or' || key === '$not') conditionPaths(value, into);
      else if (!key.startsWith('$')) into.add(key);
    }
  }
  return into;
}

export function toAutomationModel(name: string, def: Automation): AutomationModel {
  const paths = new Set<string>();
  for (const path of conditionPaths(def.when)) if (path.includes('.')) paths.add(path);
  const actions = def.do.map((action): ActionModel => {
    switch (action.action) {
      case 'createRecord':
        return { action: 'createRecord', entity: action.entity, values: toValues(action.values, paths), link: action.link === true };
      case 'setField':
        return { action: 'setField', target: action.target, values: toValues(action.values, paths) };
      case 'link':
        return { action: 'link', to: action.to, kind: action.kind ?? DEFAULT_LINK_KIND };
      case 'startWorkflow':
        return { action: 'startWorkflow', process: action.process };
      case 'notify':
        for (const text of [...Object.values(action.subject), ...Object.values(action.body ?? {})]) {
          for (const path of templatePaths(text ?? '')) if (path.includes('.')) paths.add(path);
        }
        return { action: 'notify', def: action };
    }
  });
  return {
    name,
    label: def.label,
    entity: def.entity,
    on: def.on,
    fields: def.fields,
    when: def.when,
    enabled: def.enabled !== false,
    actions,
    paths: [...paths],
    def,
  };
}
