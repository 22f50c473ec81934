import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PizZip from 'pizzip';

/** A metadata directory as data: JSON values, or raw text/bytes for .bpmn, .docx and broken files. */
export type FixtureFiles = Record<string, unknown>;

const l = (en: string, ru: string) => ({ en, ru });

/** A Word document whose body has the given paragraphs, each in one run. */
export function docx(paragraphs: readonly string[]): Buffer {
  const zip = new PizZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>');
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${p.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</w:t></w:r></w:p>`).join('');
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`);
  return zip.generate({ type: 'nodebuffer' }) as Buffer;
}

export const APPROVAL_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cardo="https://cardo.dev/schema/bpmn" id="Definitions_1" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="Process_1" isExecutable="true" cardo:entity="order" cardo:startOn="manual">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_Review" />
    <bpmn:userTask id="Task_Review" name="Review" cardo:candidateRole="lawyer" cardo:form="main" cardo:due="P3D" cardo:outcomes="approve,rework" cardo:title="Review {{title}}" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Review" targetRef="Gateway" />
    <bpmn:exclusiveGateway id="Gateway" />
    <bpmn:sequenceFlow id="Flow_Approve" sourceRef="Gateway" targetRef="Task_Sign">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">outcome == 'approve'</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Rework" sourceRef="Gateway" targetRef="End">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">outcome == 'rework'</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:userTask id="Task_Sign" name="Sign" cardo:assignee="\${record.responsible}" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Task_Sign" targetRef="Task_Mark" />
    <bpmn:serviceTask id="Task_Mark" name="Mark signed" cardo:action="setField" cardo:field="stage" cardo:value="'won'" />
    <bpmn:sequenceFlow id="Flow_4" sourceRef="Task_Mark" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>
`;

/** A small valid application that uses every kind of metadata file. */
export function minimalMetadata(): FixtureFiles {
  return {
    'app.json': {
      $schema: '../server/schema/app.schema.json',
      name: 'mini',
      label: l('Mini CRM', 'Мини CRM'),
      locales: ['ru', 'en'],
      defaultLocale: 'ru',
      currency: 'RUB',
      menu: [
        {
          name: 'main',
          label: l('Main', 'Главное'),
          items: [{ entity: 'client' }, { entity: 'order', view: 'all' }, { calendar: 'meetings' }, { report: 'orders-by-stage' }, { page: 'tasks' }],
        },
      ],
    },
    'roles.json': {
      $schema: '../server/schema/roles.schema.json',
      roles: [
        { name: 'manager', label: l('Manager', 'Менеджер'), reports: ['*'], permissions: { client: { read: 'own', create: 'all', update: 'own', delete: 'none', fields: { email: 'readOnly' } }, '*': { read: 'all' } } },
        { name: 'lawyer', label: l('Lawyer', 'Юрист'), permissions: { order: { read: 'all', update: 'all' } } },
      ],
    },
    'entities/client.json': {
      $schema: '../../server/schema/entity.schema.json',
      name: 'client',
      label: l('Client', 'Клиент'),
      pluralLabel: l('Clients', 'Клиенты'),
      titleField: 'name',
      fields: [
        { name: 'name', label: l('Name', 'Название'), type: 'string', required: true, searchable: true, maxLength: 200 },
        { name: 'phone', label: l('Phone', 'Телефон'), type: 'phone' },
        { name: 'email', label: l('E-mail', 'E-mail'), type: 'email' },
        { name: 'status', label: l('Status', 'Статус'), type: 'enum', default: 'new', options: [{ value: 'new', label: l('New', 'Новый'), color: '#1677ff' }, { value: 'active', label: l('Active', 'Активный'), color: '#52c41a' }] },
        { name: 'vip', label: l('VIP', 'VIP'), type: 'boolean' },
      ],
      duplicateRules: [
        { name: 'same_phone', label: l('Same phone', 'Тот же телефон'), fields: ['phone'], match: 'exact', action: 'block' },
        { name: 'similar_name', label: l('Similar name', 'Похожее название'), fields: ['name'], match: 'fuzzy', threshold: 0.7, normalize: 'name', action: 'warn' },
      ],
      form: {
        tabs: [
          { name: 'main', label: l('Main', 'Основное'), sections: [{ name: 'main', fields: ['name', 'phone', 'email', 'status', 'vip'] }] },
          { name: 'orders', label: l('Orders', 'Заказы'), kind: 'related', entity: 'order', via: 'client' },
          { name: 'timeline', label: l('Timeline', 'Хронология'), kind: 'timeline', entity: 'order', via: 'client', dateField: 'meetingAt' },
          { name: 'history', label: l('History', 'История'), kind: 'history' },
        ],
      },
      lists: [
        {
          name: 'all',
          label: l('All', 'Все'),
          columns: ['name', 'phone', 'status', 'owner.fullName'],
          sort: '-createdAt,name',
          quickFilters: [{ name: 'mine', label: l('Mine', 'Мои'), filter: { owner: '$me' } }],
          groupBy: ['status', 'owner'],
          colorRules: [{ when: { status: 'active' }, color: '#52c41a', label: l('Active', 'Активные') }],
        },
      ],
    },
    'entities/order.json': {
      $schema: '../../server/schema/entity.schema.json',
      name: 'order',
      label: l('Order', 'Заказ'),
      pluralLabel: l('Orders', 'Заказы'),
      titleField: 'title',
      fields: [
        { name: 'title', label: l('Title', 'Название'), type: 'string', required: true },
        { name: 'client', label: l('Client', 'Клиент'), type: 'reference', target: 'client', onDelete: 'cascade' },
        { name: 'amount', label: l('Amount', 'Сумма'), type: 'money', min: 0 },
        { name: 'stage', label: l('Stage', 'Стадия'), type: 'stage', default: 'open' },
        { name: 'meetingAt', label: l('Meeting', 'Встреча'), type: 'datetime' },
        { name: 'doubled', label: l('Doubled', 'Удвоено'), type: 'formula', expression: 'amount * 2', resultType: 'money' },
        { name: 'responsible', label: l('Responsible', 'Ответственный'), type: 'user' },
      ],
      stages: [
        { value: 'open', label: l('Open', 'Открыт'), probability: 10, color: '#1677ff' },
        { value: 'won', label: l('Won', 'Выигран'), probability: 100, outcome: 'won' },
        { value: 'lost', label: l('Lost', 'Проигран'), probability: 0, outcome: 'lost' },
      ],
      form: { tabs: [{ name: 'main', label: l('Main', 'Основное'), sections: [{ name: 'main', fields: ['title', 'client', 'amount', 'stage', 'meetingAt', 'responsible'] }] }] },
      lists: [{ name: 'all', label: l('All', 'Все'), columns: ['title', 'client.name', 'amount', 'stage'], filter: { 'client.status': { $in: ['new', 'active'] }, amount: { $gte: 0 } } }],
    },
    'automations/order-won.json': {
      $schema: '../../server/schema/automation.schema.json',
      label: l('Won order activates the client', 'Выигранный заказ активирует клиента'),
      entity: 'order',
      on: ['update'],
      fields: ['stage'],
      when: { stage: 'won' },
      do: [
        { action: 'setField', target: 'client', values: { status: 'active' } },
        { action: 'link', to: 'client' },
        { action: 'createRecord', entity: 'order', values: { title: { $expr: "concat('Follow-up: ', record.title)" }, client: { $expr: 'record.client' } } },
        { action: 'startWorkflow', process: 'approval' },
      ],
    },
    'notifications/meeting-reminder.json': {
      $schema: '../../server/schema/notification.schema.json',
      label: l('Meeting reminder', 'Напоминание о встрече'),
      entity: 'order',
      trigger: { on: 'date', dateField: 'meetingAt', offset: '-PT30M' },
      when: { stage: { $nin: ['won', 'lost'] } },
      recipients: ['owner', 'field:responsible', 'role:manager', 'manager:owner'],
      channels: ['inApp', 'email'],
      subject: { en: 'Meeting about {{title}} with {{client.name}}', ru: 'Встреча по {{title}} с {{client.name}}' },
    },
    'calendars/meetings.json': {
      $schema: '../../server/schema/calendar.schema.json',
      label: l('Meetings', 'Встречи'),
      categories: [{ name: 'meeting', label: l('Meeting', 'Встреча'), color: '#722ed1' }],
      sources: [{ entity: 'order', start: 'meetingAt', title: '{{title}}', category: 'meeting', when: { meetingAt: { $null: false } } }],
    },
    'reports/orders-by-stage.json': {
      $schema: '../../server/schema/report.schema.json',
      type: 'aggregate',
      label: l('Orders by stage', 'Заказы по стадиям'),
      entity: 'order',
      groupBy: [{ field: 'stage' }],
      measures: [
        { name: 'count', label: l('Count', 'Количество'), fn: 'count' },
        { name: 'amount', label: l('Amount', 'Сумма'), fn: 'sum', field: 'amount' },
        { name: 'weighted', label: l('Weighted', 'Взвешенная'), fn: 'sum', field: 'amount', weighted: true },
      ],
      sort: '-amount',
      chart: 'funnel',
    },
    'templates/offer.json': {
      $schema: '../../server/schema/template.schema.json',
      label: l('Offer', 'Предложение'),
      entity: 'order',
      fileName: 'Offer {{title}}',
    },
    'templates/offer.docx': docx(['Offer', 'For {{client.name}}: {{title}}, {{amount}} RUB']),
    'workflows/approval.bpmn': APPROVAL_BPMN,
  };
}

/** Writes the files into a new temporary directory and returns its path. */
export async function writeFixture(files: FixtureFiles): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cardo-meta-'));
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(dir, rel);
    await mkdir(path.dirname(target), { recursive: true });
    const data = Buffer.isBuffer(content) || typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`;
    await writeFile(target, data);
  }
  return dir;
}
