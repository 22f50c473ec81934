// The modeler's properties panel for the cardo: attributes: reads the selected element's business
// object and writes it through bpmn-js's modeling API, so every edit is one undoable command and
// the XML bpmn-js saves carries it (the cardo moddle extension, server/schema/cardo.json).
import { Alert, Form, Input, Select, Typography } from 'antd';
import type { ReactNode } from 'react';
import { ConditionBuilder } from '../condition/ConditionBuilder.js';
import type { JsonCondition } from '../condition/condition-model.js';
import { useI18n } from '../i18n.js';
import type { MessageKey } from '../messages.js';
import type { Entity, Label } from '../types.js';
import { ACTION_ATTRIBUTES, attributeProblem, SERVICE_ACTIONS, SERVICE_ATTRIBUTES, START_ON, type ServiceAction } from './cardo-attributes.js';

/** The parts of a bpmn-moddle element the panel reads. */
export interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  id?: string;
  name?: string;
  get(name: string): unknown;
  [key: string]: unknown;
}

/** A diagram element (shape, connection or the root). */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleElement;
}

export interface Modeling {
  updateProperties(element: DiagramElement, properties: Record<string, unknown>): void;
  updateModdleProperties(element: DiagramElement, target: ModdleElement, properties: Record<string, unknown>): void;
}

export interface Moddle {
  create(type: string, properties?: Record<string, unknown>): ModdleElement;
}

/** What the panel offers in its pickers, read from the other metadata files. */
export interface PanelContext {
  entities: ReadonlyArray<{ name: string; label: Label; entity: Entity | null }>;
  roles: ReadonlyArray<{ name: string; label: Label }>;
  workflows: readonly string[];
}

interface Props {
  element: DiagramElement;
  modeling: Modeling;
  moddle: Moddle;
  context: PanelContext;
  /** Replaces the element by one of another type (bpmn-js's replace), keeping its id and flows. */
  replace(element: DiagramElement, type: string): void;
}

/** The kinds of task Cardo runs; a plain task can become one of them and back. */
const TASK_TYPES = ['bpmn:Task', 'bpmn:UserTask', 'bpmn:ServiceTask'] as const;

const PROBLEM_TEXT: Record<NonNullable<ReturnType<typeof attributeProblem>>, MessageKey> = {
  duration: 'bpmn.problem.duration',
  wrapped: 'bpmn.problem.wrapped',
  outcomes: 'bpmn.problem.outcomes',
  json: 'bpmn.problem.json',
};

/** The process an element belongs to (the element itself, a participant's process, or an ancestor). */
function processOf(element: DiagramElement): ModdleElement | null {
  const bo = element.businessObject;
  if (bo.$type === 'bpmn:Participant') return (bo.processRef as ModdleElement | undefined) ?? null;
  let node: ModdleElement | undefined = bo;
  while (node && node.$type !== 'bpmn:Process') node = node.$parent;
  return node ?? null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function PropertiesPanel({ element, modeling, moddle, context, replace }: Props) {
  const { t, label } = useI18n();
  const bo = element.businessObject;
  const process = processOf(element);
  const entityName = process ? str(process.get('cardo:entity')) : '';
  const entity = context.entities.find((e) => e.name === entityName)?.entity ?? null;

  /** Sets (or, when empty, removes) an attribute of a moddle element, as one command. */
  const set = (target: ModdleElement, attribute: string, value: string | undefined) => {
    modeling.updateModdleProperties(element, target, { [attribute]: value === undefined || value === '' ? undefined : value });
  };

  const field = (key: string, labelKey: MessageKey, input: ReactNode, problem: ReturnType<typeof attributeProblem> = null, help?: MessageKey) => (
    <Form.Item key={key} label={t(labelKey)} validateStatus={problem ? 'error' : undefined} help={problem ? <span data-testid={`prop-problem-${key}`}>{t(PROBLEM_TEXT[problem])}</span> : help ? t(help) : undefined} style={{ marginBottom: 12 }}>
      {input}
    </Form.Item>
  );

  const text = (target: ModdleElement, attribute: string, labelKey: MessageKey, options: { placeholder?: string; help?: MessageKey; multiline?: boolean; check?: string } = {}) => {
    const value = str(target.get(attribute));
    const testId = `prop-${attribute.replace(/^cardo:/, '')}`;
    const problem = attributeProblem(options.check ?? attribute.replace(/^cardo:/, ''), value);
    const props = { value, placeholder: options.placeholder, 'data-testid': testId, onChange: (e: { target: { value: string } }) => set(target, attribute, e.target.value) };
    return field(testId, labelKey, options.multiline ? <Input.TextArea autoSize={{ minRows: 2 }} {...props} /> : <Input {...props} />, problem, options.help);
  };

  const pick = (target: ModdleElement, attribute: string, labelKey: MessageKey, options: ReadonlyArray<{ value: string; label: string }>, onPick?: (value: string | undefined) => void) => {
    const value = str(target.get(attribute)) || undefined;
    const testId = `prop-${attribute.replace(/^cardo:/, '')}`;
    const known = value === undefined || options.some((o) => o.value === value);
    return field(
      testId,
      labelKey,
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        value={value}
        // A value the pickers do not know (a role since removed) is shown as is; validation flags it.
        options={known ? [...options] : [...options, { value: value as string, label: value as string }]}
        onChange={(v: string | undefined) => (onPick ? onPick(v) : set(target, attribute, v))}
        data-testid={testId}
        style={{ width: '100%' }}
      />,
    );
  };

  const sections: ReactNode[] = [];
  const type = bo.$type;

  // Name (and id, read-only) for everything but the root of a collaboration.
  sections.push(
    <Typography.Paragraph key="id" type="secondary" style={{ marginBottom: 8 }}>
      {type.replace(/^bpmn:/, '')} <Typography.Text code data-testid="prop-id">{bo.id}</Typography.Text>
    </Typography.Paragraph>,
  );
  if (type !== 'bpmn:Collaboration') {
    sections.push(field('prop-name', 'bpmn.name', <Input value={str(bo.name)} onChange={(e) => modeling.updateProperties(element, { name: e.target.value || undefined })} data-testid="prop-name" />));
  }

  if ((TASK_TYPES as readonly string[]).includes(type)) {
    sections.push(
      field(
        'prop-type',
        'bpmn.taskType',
        <Select value={type} options={TASK_TYPES.map((v) => ({ value: v, label: t(`bpmn.taskType.${v.replace(/^bpmn:/, '')}` as MessageKey) }))} onChange={(next: string) => next !== type && replace(element, next)} data-testid="prop-type" style={{ width: '100%' }} />,
      ),
    );
  }

  if (process && (type === 'bpmn:Process' || type === 'bpmn:Participant')) {
    sections.push(<Typography.Title key="process" level={5}>{t('bpmn.process')}</Typography.Title>);
    sections.push(pick(process, 'cardo:entity', 'bpmn.entity', context.entities.map((e) => ({ value: e.name, label: `${label(e.label, e.name)} (${e.name})` }))));
    sections.push(pick(process, 'cardo:startOn', 'bpmn.startOn', START_ON.map((s) => ({ value: s, label: t(`bpmn.startOn.${s}`) }))));
    const startWhen = str(process.get('cardo:startWhen'));
    if (entity) {
      let condition: JsonCondition | undefined;
      let parsed = true;
      try {
        condition = startWhen ? (JSON.parse(startWhen) as JsonCondition) : undefined;
      } catch {
        parsed = false;
      }
      sections.push(
        field(
          'prop-startWhen',
          'bpmn.startWhen',
          parsed ? (
            <ConditionBuilder key={`${process.id}-${entityName}`} value={condition} fields={entity.fields} testId="prop-startWhen" onChange={(c) => set(process, 'cardo:startWhen', Object.keys(c).length === 0 ? undefined : JSON.stringify(c))} />
          ) : (
            <Input.TextArea value={startWhen} onChange={(e) => set(process, 'cardo:startWhen', e.target.value)} data-testid="prop-startWhen" />
          ),
          parsed ? null : 'json',
          'bpmn.startWhen.help',
        ),
      );
    } else if (startWhen) sections.push(text(process, 'cardo:startWhen', 'bpmn.startWhen', { multiline: true }));
  }

  if (type === 'bpmn:UserTask') {
    sections.push(<Typography.Title key="task" level={5}>{t('bpmn.userTask')}</Typography.Title>);
    sections.push(text(bo, 'cardo:assignee', 'bpmn.assignee', { placeholder: '${record.responsible}', help: 'bpmn.assignee.help' }));
    sections.push(pick(bo, 'cardo:candidateRole', 'bpmn.candidateRole', context.roles.map((r) => ({ value: r.name, label: `${label(r.label, r.name)} (${r.name})` }))));
    sections.push(text(bo, 'cardo:candidateDepartment', 'bpmn.candidateDepartment', { placeholder: '${record.department}' }));
    if (!str(bo.get('cardo:assignee')) && !str(bo.get('cardo:candidateRole'))) sections.push(<Alert key="who" type="warning" showIcon title={t('bpmn.whoNeeded')} style={{ marginBottom: 12 }} data-testid="prop-who-needed" />);
    sections.push(pick(bo, 'cardo:form', 'bpmn.form', (entity?.form.tabs ?? []).map((tab) => ({ value: tab.name, label: `${label(tab.label, tab.name)} (${tab.name})` }))));
    sections.push(text(bo, 'cardo:due', 'bpmn.due', { placeholder: 'P2D', help: 'bpmn.due.help' }));
    const outcomes = str(bo.get('cardo:outcomes'));
    sections.push(
      field(
        'prop-outcomes',
        'bpmn.outcomes',
        <Select
          mode="tags"
          tokenSeparators={[',', ' ']}
          value={outcomes ? outcomes.split(',') : []}
          onChange={(values: string[]) => set(bo, 'cardo:outcomes', values.map((v) => v.trim()).filter(Boolean).join(','))}
          open={false}
          suffixIcon={null}
          data-testid="prop-outcomes"
          style={{ width: '100%' }}
        />,
        attributeProblem('outcomes', outcomes),
        'bpmn.outcomes.help',
      ),
    );
    sections.push(text(bo, 'cardo:title', 'bpmn.title', { placeholder: '{{number}}', help: 'bpmn.title.help' }));
  }

  if (type === 'bpmn:ServiceTask') {
    sections.push(<Typography.Title key="service" level={5}>{t('bpmn.serviceTask')}</Typography.Title>);
    const action = str(bo.get('cardo:action')) as ServiceAction | '';
    sections.push(
      pick(bo, 'cardo:action', 'bpmn.action', SERVICE_ACTIONS.map((a) => ({ value: a, label: t(`bpmn.action.${a}`) })), (next) => {
        // One command: the new action, and the attributes of the old one cleared.
        const keep = next ? ACTION_ATTRIBUTES[next as ServiceAction] ?? [] : [];
        const props: Record<string, unknown> = { 'cardo:action': next || undefined };
        for (const a of SERVICE_ATTRIBUTES) if (!keep.includes(a) && bo.get(`cardo:${a}`) !== undefined) props[`cardo:${a}`] = undefined;
        modeling.updateModdleProperties(element, bo, props);
      }),
    );
    if (action === 'setField') {
      sections.push(pick(bo, 'cardo:field', 'bpmn.field', (entity?.fields ?? []).map((f) => ({ value: f.name, label: `${label(f.label, f.name)} (${f.name})` }))));
      sections.push(text(bo, 'cardo:value', 'bpmn.value', { placeholder: "'approved'", help: 'bpmn.expression.help' }));
    }
    if (action === 'createRecord') {
      sections.push(pick(bo, 'cardo:entity', 'bpmn.targetEntity', context.entities.map((e) => ({ value: e.name, label: `${label(e.label, e.name)} (${e.name})` }))));
      sections.push(text(bo, 'cardo:values', 'bpmn.values', { multiline: true, placeholder: '{"subject": "record.number"}', help: 'bpmn.values.help' }));
    }
    if (action === 'notify') {
      sections.push(text(bo, 'cardo:recipient', 'bpmn.recipient', { placeholder: '${record.responsible}' }));
      sections.push(text(bo, 'cardo:subject', 'bpmn.subject', { help: 'bpmn.title.help' }));
      sections.push(text(bo, 'cardo:body', 'bpmn.body', { multiline: true }));
    }
    if (action === 'startProcess') sections.push(pick(bo, 'cardo:process', 'bpmn.startProcess', context.workflows.map((w) => ({ value: w, label: w }))));
  }

  if (type === 'bpmn:SequenceFlow') {
    const source = bo.sourceRef as ModdleElement | undefined;
    if (source && /Gateway$/.test(source.$type)) {
      const expression = bo.conditionExpression as ModdleElement | undefined;
      sections.push(
        field(
          'prop-condition',
          'bpmn.condition',
          <Input
            value={str(expression?.body)}
            placeholder="outcome == 'approve'"
            data-testid="prop-condition"
            onChange={(e) => {
              const body = e.target.value;
              if (!body) modeling.updateProperties(element, { conditionExpression: undefined });
              else if (expression) modeling.updateModdleProperties(element, expression, { body });
              else modeling.updateProperties(element, { conditionExpression: moddle.create('bpmn:FormalExpression', { body }) });
            }}
          />,
          null,
          'bpmn.condition.help',
        ),
      );
    }
  }

  const timer = ((bo.eventDefinitions as ModdleElement[] | undefined) ?? []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
  if (timer) {
    const duration = timer.timeDuration as ModdleElement | undefined;
    const value = str(duration?.body);
    sections.push(
      field(
        'prop-timeDuration',
        'bpmn.timer',
        <Input
          value={value}
          placeholder="P5D"
          data-testid="prop-timeDuration"
          onChange={(e) => {
            const body = e.target.value;
            if (duration) modeling.updateModdleProperties(element, duration, { body });
            else modeling.updateModdleProperties(element, timer, { timeDuration: moddle.create('bpmn:FormalExpression', { body }) });
          }}
        />,
        attributeProblem('timeDuration', value),
        'bpmn.due.help',
      ),
    );
  }

  return (
    <Form layout="vertical" size="small" data-testid="bpmn-properties" data-element={bo.id}>
      {sections}
    </Form>
  );
}
