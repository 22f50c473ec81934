import { roleExists, type Checker } from './cross-refs.js';
import { flowElements, parseBpmn, type BpmnElement } from './bpmn.js';
import type { MetadataFile } from './load.js';

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;
const START_ON = ['manual', 'create', 'update'];

/** BPMN files parse, and their cardo: attributes name real entities, fields, roles and tabs. */
export async function checkWorkflows(c: Checker, workflows: readonly MetadataFile[]): Promise<void> {
  for (const file of workflows) {
    let parsed;
    try {
      parsed = await parseBpmn(file.bytes.toString('utf8'));
    } catch (error) {
      const message = (error as Error).message.replace(/\s*\n\s*/g, '; ');
      c.add('CARDO_ERR_META_BPMN', file.path, '', message);
      continue;
    }
    for (const warning of parsed.warnings) {
      const id = warning.element?.id;
      c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file.path, id ? `/${id}` : '', warning.message);
    }
    const processes = (parsed.definitions.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process');
    if (processes.length === 0) c.add('CARDO_ERR_META_BPMN', file.path, '', 'The file defines no bpmn:process.');
    for (const process of processes) checkProcess(c, file.path, process);
  }
}

function checkProcess(c: Checker, file: string, process: BpmnElement): void {
  const p = `/${process.id ?? ''}`;
  const entityName = process.entity as string | undefined;
  let entity: string | undefined;
  if (!entityName) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, p, 'The process needs cardo:entity: the entity whose records it runs for.');
  else if (c.entity(file, `${p}/cardo:entity`, entityName)) entity = entityName;
  const startOn = process.startOn as string | undefined;
  if (startOn !== undefined && !START_ON.includes(startOn)) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${p}/cardo:startOn`, `cardo:startOn must be one of ${START_ON.join(', ')}.`);
  const startWhen = process.startWhen as string | undefined;
  if (startWhen !== undefined && entity) {
    let condition: unknown;
    try {
      condition = JSON.parse(startWhen);
    } catch {
      c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${p}/cardo:startWhen`, 'cardo:startWhen must be a JSON condition.');
    }
    if (condition !== undefined) c.condition(file, `${p}/cardo:startWhen`, entity, condition);
  }
  const roots: Record<string, string> = entity ? { record: entity } : {};
  const variables = ['outcome', 'comment', 'initiator', 'me', 'now', 'values'];
  for (const element of flowElements(process)) {
    const ep = `/${element.id ?? ''}`;
    const unsupported = unsupportedReason(element);
    if (unsupported) c.add('CARDO_ERR_META_BPMN_UNSUPPORTED', file, ep, `${element.$type}${element.name ? ` "${element.name}"` : ''}: ${unsupported}`);
    if (element.$type === 'bpmn:UserTask') {
      const role = element.candidateRole as string | undefined;
      if (role) c.use(file, `${ep}/cardo:candidateRole`, 'role', role);
      if (role && !roleExists(c, role)) c.add('CARDO_ERR_META_UNKNOWN_ROLE', file, `${ep}/cardo:candidateRole`, `There is no role "${role}" in roles.json.`);
      const assignee = element.assignee as string | undefined;
      if (assignee !== undefined) {
        const match = /^\$\{(.+)\}$/s.exec(assignee.trim());
        if (!match) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:assignee`, 'cardo:assignee is an expression in ${…}, e.g. ${record.owner}.');
        else if (entity) c.expression(file, `${ep}/cardo:assignee`, match[1] as string, roots, ['initiator']);
      }
      if (!role && assignee === undefined) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, ep, 'A user task needs cardo:assignee or cardo:candidateRole.');
      const form = element.form as string | undefined;
      if (form && entity && !c.index.entities.get(entity)?.form.tabs.some((t) => t.name === form)) c.add('CARDO_ERR_META_UNKNOWN_TAB', file, `${ep}/cardo:form`, `Entity "${entity}" has no form tab "${form}".`);
      const due = element.due as string | undefined;
      if (due !== undefined && !DURATION.test(due)) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:due`, `"${due}" is not an ISO-8601 duration such as P3D or PT4H.`);
      const outcomes = element.outcomes as string | undefined;
      if (outcomes !== undefined && !/^[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*)*$/.test(outcomes)) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:outcomes`, 'cardo:outcomes is a comma-separated list of lower_snake names, e.g. approve,return.');
      const title = element.title as string | undefined;
      if (title && entity) c.template(file, `${ep}/cardo:title`, entity, title);
    }
    if (element.$type === 'bpmn:UserTask' && element.candidateDepartment !== undefined && entity) {
      const match = /^\$\{(.+)\}$/s.exec(String(element.candidateDepartment).trim());
      if (!match) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:candidateDepartment`, 'cardo:candidateDepartment is an expression in ${…}, e.g. ${record.department}.');
      else c.expression(file, `${ep}/cardo:candidateDepartment`, match[1] as string, roots, variables);
    }
    if (element.$type === 'bpmn:ServiceTask' && element.action !== undefined) checkServiceTask(c, file, ep, element, entity, roots, variables);
    const condition = element.conditionExpression as BpmnElement | undefined;
    if (condition && typeof condition.body === 'string') c.expression(file, `${ep}/conditionExpression`, condition.body, roots, variables);
    const timer = (element.eventDefinitions as BpmnElement[] | undefined)?.find((d) => d.$type === 'bpmn:TimerEventDefinition');
    const duration = (timer?.timeDuration as BpmnElement | undefined)?.body;
    if (typeof duration === 'string' && !DURATION.test(duration.trim())) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/timeDuration`, `"${duration}" is not an ISO-8601 duration.`);
  }
}

/** Flow elements the engine runs as Cardo means them; anything else is reported, never met at run time. */
const RUNNABLE = new Set([
  'bpmn:StartEvent', 'bpmn:EndEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent',
  'bpmn:UserTask', 'bpmn:ServiceTask', 'bpmn:Task', 'bpmn:SubProcess',
  'bpmn:ExclusiveGateway', 'bpmn:ParallelGateway', 'bpmn:InclusiveGateway', 'bpmn:SequenceFlow',
]);
/** Artifacts and data that do not take part in execution. */
const INERT = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference', 'bpmn:TextAnnotation', 'bpmn:Association', 'bpmn:Group']);

/** Why the engine cannot run this element, or null when it can. */
function unsupportedReason(element: BpmnElement): string | null {
  const type = element.$type;
  if (INERT.has(type)) return null;
  if (!RUNNABLE.has(type)) {
    switch (type) {
      case 'bpmn:ScriptTask':
        return 'script tasks are not run (metadata is never executed as code); use a service task with cardo:action.';
      case 'bpmn:CallActivity':
        return 'call activities are not supported; use a service task with cardo:action="startProcess".';
      case 'bpmn:SendTask':
      case 'bpmn:ReceiveTask':
      case 'bpmn:IntermediateThrowEvent':
        return 'messages and signals between processes are not supported.';
      default:
        return 'this kind of element is not supported by Cardo\'s workflow engine.';
    }
  }
  if (element.loopCharacteristics) return 'loops and multi-instance activities are not supported.';
  if (type === 'bpmn:SubProcess' && element.triggeredByEvent) return 'event sub-processes are not supported.';
  const definitions = (element.eventDefinitions as BpmnElement[] | undefined) ?? [];
  for (const d of definitions) {
    if (d.$type === 'bpmn:TimerEventDefinition' && type !== 'bpmn:StartEvent') continue;
    if (d.$type === 'bpmn:TerminateEventDefinition' && type === 'bpmn:EndEvent') continue;
    const kind = d.$type.replace(/^bpmn:/, '').replace(/EventDefinition$/, '').toLowerCase();
    return type === 'bpmn:StartEvent' ? `a ${kind} start event is not supported: processes start manually or by a cardo:startOn trigger.` : `${kind} events are not supported (timers are).`;
  }
  if (type === 'bpmn:ServiceTask' && element.action === undefined) return 'a service task needs cardo:action (setField, createRecord, notify, startProcess or generateDocument).';
  const condition = element.conditionExpression as BpmnElement | undefined;
  if (condition && condition.language && condition.language !== 'cardo') return `conditions in "${String(condition.language)}" are not run; write a Cardo expression such as outcome == 'approve'.`;
  return null;
}

const ACTIONS = ['setField', 'createRecord', 'notify', 'startProcess', 'generateDocument'];

/** cardo:action and the attributes each action needs. */
function checkServiceTask(c: Checker, file: string, ep: string, element: BpmnElement, entity: string | undefined, roots: Record<string, string>, variables: string[]): void {
  const action = element.action as string;
  if (!ACTIONS.includes(action)) {
    c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:action`, `cardo:action must be one of ${ACTIONS.join(', ')}.`);
    return;
  }
  if (action === 'setField') {
    if (!element.field || element.value === undefined) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, ep, 'cardo:action="setField" needs cardo:field and cardo:value.');
    else if (entity) {
      c.path(file, `${ep}/cardo:field`, entity, element.field as string);
      c.expression(file, `${ep}/cardo:value`, element.value as string, roots, variables);
    }
  }
  if (action === 'createRecord') {
    const target = element.entity as string | undefined;
    let values: unknown;
    try {
      values = JSON.parse(String(element.values ?? '{}'));
    } catch {
      values = undefined;
    }
    if (!target) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, ep, 'cardo:action="createRecord" needs cardo:entity.');
    else if (c.entity(file, `${ep}/cardo:entity`, target)) {
      if (!values || typeof values !== 'object' || Array.isArray(values) || Object.values(values).some((v) => typeof v !== 'string')) {
        c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:values`, 'cardo:values is a JSON object of field → expression.');
      } else {
        for (const [field, expr] of Object.entries(values as Record<string, string>)) {
          c.path(file, `${ep}/cardo:values/${field}`, target, field);
          if (entity) c.expression(file, `${ep}/cardo:values/${field}`, expr, roots, variables);
        }
      }
    }
  }
  if (action === 'notify') {
    const recipient = element.recipient as string | undefined;
    const match = recipient ? /^\$\{(.+)\}$/s.exec(recipient.trim()) : null;
    if (!match) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, `${ep}/cardo:recipient`, 'cardo:action="notify" needs cardo:recipient, an expression in ${…} such as ${record.owner}.');
    else if (entity) c.expression(file, `${ep}/cardo:recipient`, match[1] as string, roots, variables);
    if (!element.subject) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, ep, 'cardo:action="notify" needs cardo:subject.');
    else if (entity) c.template(file, `${ep}/cardo:subject`, entity, element.subject as string);
    if (element.body && entity) c.template(file, `${ep}/cardo:body`, entity, element.body as string);
  }
  if (action === 'startProcess') {
    const process = element.process as string | undefined;
    if (process) c.use(file, `${ep}/cardo:process`, 'workflow', process);
    if (!process) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, ep, 'cardo:action="startProcess" needs cardo:process, the file name of a workflow.');
    else if (!c.set.workflows.some((w) => w.name === process)) c.add('CARDO_ERR_META_UNKNOWN_WORKFLOW', file, `${ep}/cardo:process`, `There is no workflow "${process}" in workflows/.`);
  }
  if (action === 'generateDocument') {
    const name = element.template as string | undefined;
    if (name) c.use(file, `${ep}/cardo:template`, 'template', name);
    const template = name ? c.set.templates.find((t) => t.name === name) : undefined;
    if (!name) c.add('CARDO_ERR_META_BPMN_ATTRIBUTE', file, ep, 'cardo:action="generateDocument" needs cardo:template, the file name of a document template.');
    else if (!template) c.add('CARDO_ERR_META_UNKNOWN_TEMPLATE', file, `${ep}/cardo:template`, `There is no document template "${name}" in templates/.`);
    else if (entity && template.def.entity !== entity) c.add('CARDO_ERR_META_UNKNOWN_TEMPLATE', file, `${ep}/cardo:template`, `The template "${name}" fills ${template.def.entity} records; this process runs for ${entity}.`);
  }
}
