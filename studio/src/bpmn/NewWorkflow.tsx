import type { NewFileKind } from '../files/NewMetadataFile.js';

/** A new workflow: a process for an entity, started manually, from a start event to an end event. */
export function skeletonBpmn(name: string, entity: string): string {
  const id = name.replace(/-/g, '_');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:cardo="https://cardo.dev/schema/bpmn" id="${id}_definitions" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="${id}" name="${name}" isExecutable="true" cardo:entity="${entity}" cardo:startOn="manual">
    <bpmn:startEvent id="start">
      <bpmn:outgoing>flow_end</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:endEvent id="end">
      <bpmn:incoming>flow_end</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="flow_end" sourceRef="start" targetRef="end" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="${id}_diagram">
    <bpmndi:BPMNPlane id="${id}_plane" bpmnElement="${id}">
      <bpmndi:BPMNShape id="start_di" bpmnElement="start">
        <dc:Bounds x="152" y="182" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end">
        <dc:Bounds x="452" y="182" width="36" height="36" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="flow_end_di" bpmnElement="flow_end">
        <di:waypoint x="188" y="200" />
        <di:waypoint x="452" y="200" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** The explorer's "New workflow": a name and the entity, then the modeler opens on it. */
export const NEW_WORKFLOW_FILE: NewFileKind = {
  kind: 'workflow',
  messages: { title: 'workflow.new', nameRule: 'workflow.nameRule', nameTaken: 'workflow.nameTaken', entity: 'bpmn.entity' },
  target: (name) => ({ path: `workflows/${name}.bpmn`, route: `/workflows/${name}` }),
  body: (name, entity) => ({ content: skeletonBpmn(name, entity) }),
  testId: 'workflow',
};
