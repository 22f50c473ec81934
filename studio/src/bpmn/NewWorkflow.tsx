import { Alert, Button, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, fileUrl } from '../api.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';

const NAME = /^[a-z][a-z0-9-]*$/;

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
export function NewWorkflow({ open, onClose }: { open: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { files, refresh } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [entity, setEntity] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const taken = files.some((f) => f.kind === 'workflow' && f.name === name);
  const nameProblem = name === '' ? null : !NAME.test(name) ? t('workflow.nameRule') : taken ? t('workflow.nameTaken') : null;

  const create = async () => {
    if (!entity || !name || nameProblem) return;
    setBusy(true);
    setError(null);
    try {
      await api('PUT', fileUrl(`workflows/${name}.bpmn`), { content: skeletonBpmn(name, entity) });
      await refresh();
      onClose();
      navigate(`/workflows/${name}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} title={t('workflow.new')} onCancel={onClose} footer={[<Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>, <Button key="ok" type="primary" loading={busy} disabled={!entity || !name || nameProblem !== null} onClick={() => void create()} data-testid="workflow-create">{t('common.add')}</Button>]}>
      <Form layout="vertical">
        <Form.Item label={t('workflow.name')} validateStatus={nameProblem ? 'error' : undefined} help={nameProblem ?? t('workflow.nameRule')}>
          <Input value={name} onChange={(e) => setName(e.target.value)} data-testid="workflow-name" />
        </Form.Item>
        <Form.Item label={t('bpmn.entity')}>
          <Select value={entity} onChange={setEntity} options={files.filter((f) => f.kind === 'entity').map((f) => ({ value: f.name, label: f.name }))} data-testid="workflow-entity" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" title={error} />}
    </Modal>
  );
}
