/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import { loadTestModel } from './helpers/app-db.js';
import { createDepartment, createOrgUser, seedRecord } from './helpers/access-org.js';
import { minimalMetadata, writeFixture } from './helpers/metadata-fixture.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// A process using every service action, head() and a department offer, on the fixture's `order`.
const SERVICES_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cardo="https://cardo.dev/schema/bpmn" id="d" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="order_services" isExecutable="true" cardo:entity="order" cardo:startOn="manual">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify" />
    <bpmn:serviceTask id="notify" name="Tell the responsible" cardo:action="notify" cardo:recipient="\${record.responsible}" cardo:subject="Order {{title}} for {{client.name}}" cardo:body="Amount {{amount}}" />
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="create" />
    <bpmn:serviceTask id="create" name="Create a client" cardo:action="createRecord" cardo:entity="client" cardo:values="{&quot;name&quot;: &quot;concat('From ', record.title)&quot;, &quot;status&quot;: &quot;'active'&quot;}" />
    <bpmn:sequenceFlow id="f3" sourceRef="create" targetRef="child" />
    <bpmn:serviceTask id="child" name="Start the review" cardo:action="startProcess" cardo:process="order-review" />
    <bpmn:sequenceFlow id="f4" sourceRef="child" targetRef="split" />
    <bpmn:parallelGateway id="split" />
    <bpmn:sequenceFlow id="f5" sourceRef="split" targetRef="by_head" />
    <bpmn:sequenceFlow id="f6" sourceRef="split" targetRef="by_department" />
    <bpmn:userTask id="by_head" name="Head checks" cardo:assignee="\${head(record.responsible)}" cardo:outcomes="ok" />
    <bpmn:userTask id="by_department" name="Department checks" cardo:candidateDepartment="\${values.department}" cardo:candidateRole="lawyer" />
    <bpmn:sequenceFlow id="f7" sourceRef="by_head" targetRef="join" />
    <bpmn:sequenceFlow id="f8" sourceRef="by_department" targetRef="join" />
    <bpmn:parallelGateway id="join" />
    <bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="won" />
    <bpmn:serviceTask id="won" name="Won" cardo:action="setField" cardo:field="stage" cardo:value="'won'" />
    <bpmn:sequenceFlow id="f10" sourceRef="won" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

const REVIEW_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cardo="https://cardo.dev/schema/bpmn" id="d2" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="order_review" isExecutable="true" cardo:entity="order" cardo:startOn="update" cardo:startWhen="{&quot;stage&quot;: &quot;lost&quot;}">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="Review" cardo:assignee="\${record.responsible}" cardo:title="Review {{title}}" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

// Moves the order to won at once: the fixture's automation order-won watches that field.
const WIN_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cardo="https://cardo.dev/schema/bpmn" id="d3" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="order_win" isExecutable="true" cardo:entity="order" cardo:startOn="manual">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="won" />
    <bpmn:serviceTask id="won" name="Won" cardo:action="setField" cardo:field="stage" cardo:value="'won'" />
    <bpmn:sequenceFlow id="f2" sourceRef="won" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

// A VIP client starts a process that creates another VIP client: an endless chain of writes.
const CLONE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:cardo="https://cardo.dev/schema/bpmn" id="d4" targetNamespace="https://cardo.dev/bpmn">
  <bpmn:process id="client_clone" isExecutable="true" cardo:entity="client" cardo:startOn="create" cardo:startWhen="{&quot;vip&quot;: true}">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="clone" />
    <bpmn:serviceTask id="clone" name="Clone" cardo:action="createRecord" cardo:entity="client" cardo:values="{&quot;name&quot;: &quot;concat('Copy of ', record.name)&quot;, &quot;vip&quot;: &quot;true&quot;}" />
    <bpmn:sequenceFlow id="f2" sourceRef="clone" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>
`;

interface User {
  id: string;
  token: string;
}

let t: TestApp;
let responsible: User;
let head: User;
let clerk: User;
let department: string;

async function call(user: User, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const response = await t.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}`, ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.body ? (response.json() as Record<string, any>) : {} };
}

beforeAll(async () => {
  const files = minimalMetadata();
  files['workflows/order-services.bpmn'] = SERVICES_BPMN;
  files['workflows/order-review.bpmn'] = REVIEW_BPMN;
  files['workflows/order-win.bpmn'] = WIN_BPMN;
  files['workflows/client-clone.bpmn'] = CLONE_BPMN;
  const model = await loadTestModel(await writeFixture(files));
  t = await createTestApp({ model });
  head = await createOrgUser(t.db, 'svc.head', ['manager']);
  department = await createDepartment(t.db, 'Orders', head.id);
  // The fixture's manager role may not update orders; lawyer may.
  responsible = await createOrgUser(t.db, 'svc.responsible', ['manager', 'lawyer'], { department });
  clerk = await createOrgUser(t.db, 'svc.clerk', ['manager'], { department });
}, 120_000);

afterAll(async () => {
  await t.close();
});

describe('service tasks', () => {
  it('notify, createRecord and startProcess run in the step; head() and a department offer assign the parallel tasks; setField ends it', async () => {
    const client = await seedRecord(t.db, t.model, t.model.entities.get('client') as EntityModel, responsible.id, {}, { name: 'ACME' });
    const order = await seedRecord(t.db, t.model, t.model.entities.get('order') as EntityModel, responsible.id, {}, { client, title: 'Big order', amount: 70, responsible: responsible.id });
    const started = await call(responsible, 'POST', '/api/workflows/order-services/start', { entity: 'order', id: order });
    expect([started.status, started.body.detail]).toEqual([201, undefined]);
    expect(started.body.waitingAt.map((w: { id: string }) => w.id).sort()).toEqual(['by_department', 'by_head']);

    const [note] = await t.db.query<{ recipient: string; subject: string; body: string }>('SELECT recipient::text AS recipient, subject, body FROM sys_notification WHERE record_id = $1', [order]);
    // Money as the recipient reads it (the app's currency, the default locale ru): the notification pipeline formats it.
    expect(note).toEqual({ recipient: responsible.id, subject: 'Order Big order for ACME', body: `Amount ${new Intl.NumberFormat('ru', { style: 'currency', currency: 'RUB' }).format(70)}` });
    const clients = await t.db.query<{ name: string; status: string }>(`SELECT name, status FROM client WHERE name = 'From Big order'`);
    expect(clients).toEqual([{ name: 'From Big order', status: 'active' }]);
    const children = await t.db.query<{ process: string; parent_id: string }>('SELECT process, parent_id::text AS parent_id FROM wf_instance WHERE record_id = $1 AND parent_id IS NOT NULL', [order]);
    expect(children).toEqual([{ process: 'order-review', parent_id: started.body.id }]);

    const headTasks = (await call(head, 'GET', '/api/tasks?assignee=me')).body.items as Array<Record<string, any>>;
    const byHead = headTasks.find((x) => x.recordId === order && x.title === 'Head checks');
    expect(byHead?.assignee).toBe(head.id);
    // No department was given (values.department is empty): the role offer stands alone.
    const offers = (await call(clerk, 'GET', '/api/tasks?assignee=me')).body.items as Array<Record<string, any>>;
    expect(offers.some((x) => x.recordId === order && x.title === 'Department checks')).toBe(false);
    expect((await call(head, 'POST', `/api/tasks/${byHead?.id}/complete`, { outcome: 'ok' })).status).toBe(200);
    const [still] = await t.db.query<{ stage: string }>('SELECT stage FROM "order" WHERE id = $1', [order]);
    expect(still?.stage).toBe('open');
    const lawyer = await createOrgUser(t.db, 'svc.lawyer', ['lawyer']);
    const offered = ((await call(lawyer, 'GET', '/api/tasks?assignee=me')).body.items as Array<Record<string, any>>).find((x) => x.recordId === order && x.title === 'Department checks');
    expect(offered).toMatchObject({ offered: true, candidateRole: 'lawyer' });
    expect((await call(lawyer, 'POST', `/api/tasks/${offered?.id}/complete`, {})).status).toBe(200);
    const [done] = await t.db.query<{ stage: string }>('SELECT stage FROM "order" WHERE id = $1', [order]);
    expect(done?.stage).toBe('won');
    const instance = await call(responsible, 'GET', `/api/workflows/instances/${started.body.id}`);
    expect(instance.body.status).toBe('completed');
  });

  it('a department offer reaches the members of the department', async () => {
    const order = await seedRecord(t.db, t.model, t.model.entities.get('order') as EntityModel, responsible.id, {}, { title: 'Dept order', responsible: responsible.id });
    const started = await call(responsible, 'POST', '/api/workflows/order-services/start', { entity: 'order', id: order });
    const instanceId = String(started.body.id);
    // The department comes from the process variables; set them as a previous task would.
    await t.db.query(`UPDATE sys_task SET candidate_department = $2, candidate_role = NULL WHERE id IN (SELECT task_id FROM wf_task WHERE instance_id = $1 AND element_id = 'by_department')`, [instanceId, department]);
    const items = (await call(clerk, 'GET', '/api/tasks?assignee=me')).body.items as Array<Record<string, any>>;
    const offered = items.find((x) => x.recordId === order && x.title === 'Department checks');
    expect(offered).toMatchObject({ offered: true, candidateDepartment: department });
    const outsider = await createOrgUser(t.db, 'svc.outsider', ['manager']);
    expect((await call(outsider, 'POST', `/api/tasks/${offered?.id}/complete`, {})).status).toBe(403);
    const claimed = await call(clerk, 'POST', `/api/tasks/${offered?.id}/complete`, {});
    expect(claimed.body).toMatchObject({ status: 'completed', assignee: clerk.id });
  });

  it('a trigger on field change starts the process in the same write, once, when its condition becomes true', async () => {
    const order = await seedRecord(t.db, t.model, t.model.entities.get('order') as EntityModel, responsible.id, {}, { title: 'Lost order', responsible: responsible.id });
    const count = async () => (await t.db.query('SELECT 1 FROM wf_instance WHERE record_id = $1', [order])).length;
    const patch = async (values: Record<string, unknown>) => {
      const [row] = await t.db.query<{ version: number }>('SELECT version FROM "order" WHERE id = $1', [order]);
      return call(responsible, 'PATCH', `/api/data/order/${order}`, values, { 'if-match': String(row?.version) });
    };
    expect((await patch({ amount: 5 })).status).toBe(200);
    expect(await count()).toBe(0);
    expect((await patch({ stage: 'lost' })).status).toBe(200);
    expect(await count()).toBe(1);
    expect((await patch({ amount: 6 })).status).toBe(200);
    expect(await count()).toBe(1);
    const review = ((await call(responsible, 'GET', '/api/tasks?assignee=me')).body.items as Array<Record<string, any>>).find((x) => x.recordId === order);
    expect(review?.title).toBe('Review Lost order');
  });

  it('a service task write runs the record hooks: the automation watching the field acts, the stage history gets a row', async () => {
    const client = await seedRecord(t.db, t.model, t.model.entities.get('client') as EntityModel, responsible.id, {}, { name: 'Hooked client', status: 'new' });
    const order = await seedRecord(t.db, t.model, t.model.entities.get('order') as EntityModel, responsible.id, {}, { client, title: 'Hooked order', responsible: responsible.id });
    const started = await call(responsible, 'POST', '/api/workflows/order-win/start', { entity: 'order', id: order });
    expect([started.status, started.body.status]).toEqual([201, 'completed']);
    // order-won: the client is activated and a follow-up order created, in the process's step.
    const [activated] = await t.db.query<{ status: string }>('SELECT status FROM client WHERE id = $1', [client]);
    expect(activated?.status).toBe('active');
    const audit = await t.db.query<{ automation: string }>(`SELECT automation FROM sys_audit WHERE record_entity = 'client' AND record_id = $1 AND action = 'update'`, [client]);
    expect(audit).toEqual([{ automation: 'order-won' }]);
    expect(await t.db.query(`SELECT 1 FROM "order" WHERE title = 'Follow-up: Hooked order'`)).toHaveLength(1);
    const stages = await t.db.query<{ stage: string }>('SELECT stage FROM sys_stage_history WHERE record_id = $1 ORDER BY entered_at, stage', [order]);
    expect(stages.map((r) => r.stage)).toEqual(['open', 'won']);
  });

  it('processes whose writes start one another are stopped by the loop protection; nothing is saved', async () => {
    const before = (await t.db.query(`SELECT 1 FROM client WHERE name LIKE '%Cloned VIP'`)).length;
    const r = await call(responsible, 'POST', '/api/data/client', { name: 'Cloned VIP', vip: true });
    expect([r.status, r.body.code]).toEqual([409, 'CARDO_ERR_AUTOMATION_LOOP']);
    expect(r.body.chain[0]).toMatchObject({ automation: 'process:client-clone', entity: 'client' });
    expect(await t.db.query(`SELECT 1 FROM client WHERE name LIKE '%Cloned VIP'`)).toHaveLength(before);
  });
});
