/**
 * The workflows of a compiled model, prepared once per model for the engine: each process
 * with its cardo: settings parsed (expressions into ASTs, outcomes into lists) and the moddle
 * context bpmn-engine runs. Pure apart from parsing; cached per CompiledModel.
 */
import { createHash } from 'node:crypto';
import type { CompiledModel } from '../compile/compile.js';
import { parseExpression, type Expr } from '../expression/expression.js';
import { templatePaths } from '../expression/template.js';
import { flowElements, parseBpmnContext, type BpmnElement, type BpmnModdleContext } from '../metadata/bpmn.js';

/** The only language gateway conditions run in: Cardo's evaluator, set on every condition. */
export const CARDO_LANGUAGE = 'cardo';

export interface UserTaskDef {
  id: string;
  name: string;
  assignee?: Expr;
  candidateRole?: string;
  candidateDepartment?: Expr;
  /** The record's form tab whose fields the task may change. */
  form?: string;
  /** ISO-8601 duration until the task is due. */
  due?: string;
  outcomes: string[];
  title?: string;
}

export type ServiceTaskDef =
  | { id: string; name: string; action: 'setField'; field: string; value: Expr }
  | { id: string; name: string; action: 'createRecord'; entity: string; values: Record<string, Expr> }
  | { id: string; name: string; action: 'notify'; recipient: Expr; subject: string; body?: string }
  | { id: string; name: string; action: 'startProcess'; process: string }
  | { id: string; name: string; action: 'generateDocument'; template: string };

export interface WorkflowDefinition {
  /** The file name without .bpmn: the stable process name of the API. */
  name: string;
  processId: string;
  label: string;
  entity: string;
  startOn: 'manual' | 'create' | 'update';
  /** A JSON condition over the record that must hold for a trigger to start the process. */
  startWhen?: unknown;
  hash: string;
  moddleContext: BpmnModdleContext;
  userTasks: ReadonlyMap<string, UserTaskDef>;
  serviceTasks: ReadonlyMap<string, ServiceTaskDef>;
  conditions: ReadonlyMap<string, Expr>;
  names: ReadonlyMap<string, string>;
  /** Dot paths through references the templates read (`counterparty.brand`), loaded with the record. */
  templatePaths: readonly string[];
}

const cache = new WeakMap<CompiledModel, Promise<Map<string, WorkflowDefinition>>>();

/** The model's workflows by name (the file name); parsed once per model. */
export function workflowsOf(model: CompiledModel): Promise<Map<string, WorkflowDefinition>> {
  let defs = cache.get(model);
  if (!defs) {
    defs = (async () => {
      const out = new Map<string, WorkflowDefinition>();
      for (const w of model.workflows) {
        const def = await toWorkflowDefinition(w.name, w.xml);
        if (def) out.set(w.name, def);
      }
      return out;
    })();
    cache.set(model, defs);
  }
  return defs;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** `${…}` around an expression, as cardo:assignee writes it; the bare text otherwise. */
export function unwrapExpression(text: string): string {
  const m = /^\s*\$\{([\s\S]+)\}\s*$/.exec(text);
  return m ? (m[1] as string) : text;
}

/** Parses one BPMN file into the engine's definition; validated metadata never fails here. */
export async function toWorkflowDefinition(name: string, xml: string): Promise<WorkflowDefinition | undefined> {
  const context = await parseBpmnContext(xml);
  const process = (context.rootElement.rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.isExecutable !== false);
  if (!process) return undefined;
  const userTasks = new Map<string, UserTaskDef>();
  const serviceTasks = new Map<string, ServiceTaskDef>();
  const conditions = new Map<string, Expr>();
  const names = new Map<string, string>();
  const paths = new Set<string>();
  for (const element of flowElements(process)) {
    const id = element.id ?? '';
    names.set(id, element.name ?? id);
    if (element.$type === 'bpmn:UserTask') userTasks.set(id, toUserTask(element, paths));
    if (element.$type === 'bpmn:ServiceTask' && str(element.action)) serviceTasks.set(id, toServiceTask(element, paths));
    const condition = element.conditionExpression as BpmnElement | undefined;
    if (condition && typeof condition.body === 'string') {
      if (!condition.language) condition.language = CARDO_LANGUAGE;
      conditions.set(id, parseExpression(unwrapExpression(condition.body)));
    }
  }
  return {
    name,
    processId: process.id ?? name,
    label: process.name ?? name,
    entity: String(process.entity ?? ''),
    startOn: (str(process.startOn) ?? 'manual') as WorkflowDefinition['startOn'],
    ...(str(process.startWhen) ? { startWhen: JSON.parse(process.startWhen as string) as unknown } : {}),
    hash: createHash('sha256').update(xml).digest('hex'),
    moddleContext: context,
    userTasks,
    serviceTasks,
    conditions,
    names,
    templatePaths: [...paths],
  };
}

function toUserTask(element: BpmnElement, paths: Set<string>): UserTaskDef {
  const title = str(element.title);
  if (title) for (const p of templatePaths(title)) if (p.includes('.')) paths.add(p);
  const assignee = str(element.assignee);
  const department = str(element.candidateDepartment);
  return {
    id: element.id ?? '',
    name: element.name ?? element.id ?? '',
    ...(assignee ? { assignee: parseExpression(unwrapExpression(assignee)) } : {}),
    ...(str(element.candidateRole) ? { candidateRole: element.candidateRole as string } : {}),
    ...(department ? { candidateDepartment: parseExpression(unwrapExpression(department)) } : {}),
    ...(str(element.form) ? { form: element.form as string } : {}),
    ...(str(element.due) ? { due: element.due as string } : {}),
    outcomes: (str(element.outcomes) ?? '').split(',').filter(Boolean),
    ...(title ? { title } : {}),
  };
}

function toServiceTask(element: BpmnElement, paths: Set<string>): ServiceTaskDef {
  const base = { id: element.id ?? '', name: element.name ?? element.id ?? '' };
  switch (element.action) {
    case 'setField':
      return { ...base, action: 'setField', field: String(element.field), value: parseExpression(String(element.value)) };
    case 'createRecord': {
      const values = JSON.parse(String(element.values ?? '{}')) as Record<string, string>;
      return { ...base, action: 'createRecord', entity: String(element.entity), values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, parseExpression(v)])) };
    }
    case 'notify': {
      for (const t of [str(element.subject), str(element.body)]) if (t) for (const p of templatePaths(t)) if (p.includes('.')) paths.add(p);
      return { ...base, action: 'notify', recipient: parseExpression(unwrapExpression(String(element.recipient))), subject: String(element.subject), ...(str(element.body) ? { body: element.body as string } : {}) };
    }
    case 'startProcess':
      return { ...base, action: 'startProcess', process: String(element.process) };
    case 'generateDocument':
      return { ...base, action: 'generateDocument', template: String(element.template) };
    default:
      throw new Error(`${base.id}: unknown cardo:action "${String(element.action)}"`);
  }
}
