/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import { createDepartment, createOrgUser, seedRecord, setDepartment } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

interface User {
  id: string;
  token: string;
}

let t: TestApp;
let counterparty: string;
let sales: User;
let boss: User;
let lawyer: User;
let lawyer2: User;
let outsider: User;

async function call(user: User, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
  const response = await t.app.inject({ method, url, headers: { authorization: `Bearer ${user.token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.body ? (response.json() as Record<string, any>) : {} };
}

async function inbox(user: User, status = 'open') {
  const r = await call(user, 'GET', `/api/tasks?assignee=me&status=${status}`);
  expect(r.status).toBe(200);
  return r.body.items as Array<Record<string, any>>;
}

async function document(owner: User): Promise<string> {
  const entity = t.model.entities.get('document') as EntityModel;
  return seedRecord(t.db, t.model, entity, owner.id, { counterparty }, { responsible: owner.id, number: `D-${Math.random().toString(36).slice(2, 8)}` });
}

async function approvalStatus(id: string): Promise<string> {
  const [row] = await t.db.query<{ approval_status: string }>('SELECT approval_status FROM document WHERE id = $1', [id]);
  return String(row?.approval_status);
}

async function start(user: User, process: string, entity: string, id: string) {
  return call(user, 'POST', `/api/workflows/${process}/start`, { entity, id });
}

function taskOf(items: Array<Record<string, any>>, recordId: string) {
  const task = items.find((i) => i.recordId === recordId);
  if (!task) throw new Error(`no task for ${recordId} in ${JSON.stringify(items.map((i) => i.title))}`);
  return task;
}

beforeAll(async () => {
  t = await createTestApp();
  const dept = await createDepartment(t.db, 'Sales', null);
  boss = await createOrgUser(t.db, 'wf.boss', ['head_of_sales'], { department: dept });
  await t.db.query('UPDATE sys_department SET head = $2 WHERE id = $1', [dept, boss.id]);
  sales = await createOrgUser(t.db, 'wf.sales', ['sales_manager'], { department: dept, manager: boss.id });
  lawyer = await createOrgUser(t.db, 'wf.lawyer', ['lawyer']);
  lawyer2 = await createOrgUser(t.db, 'wf.lawyer2', ['lawyer']);
  outsider = await createOrgUser(t.db, 'wf.outsider', ['sales_manager']);
  const cp = t.model.entities.get('counterparty') as EntityModel;
  counterparty = await seedRecord(t.db, t.model, cp, sales.id, {}, { brand: 'Ромашка' });
  await setDepartment(t.db, sales.id, dept, boss.id);
});

afterAll(async () => {
  await t.close();
});

describe('document approval', () => {
  it('runs lawyer → head of sales → sign-off and sets the approval status at each step', async () => {
    const doc = await document(sales);
    const started = await start(sales, 'document-approval', 'document', doc);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ process: 'document-approval', status: 'running', recordId: doc });
    expect(started.body.waitingAt.map((w: { id: string }) => w.id)).toEqual(['lawyer_review']);
    expect(await approvalStatus(doc)).toBe('on_approval');

    // Offered to the lawyer role: both lawyers see it; the first to complete claims it.
    const offered = taskOf(await inbox(lawyer), doc);
    expect(offered).toMatchObject({ offered: true, candidateRole: 'lawyer', assignee: null, process: 'document-approval', outcomes: ['approve', 'return'] });
    expect(offered.title).toContain('Ромашка');
    expect((await inbox(lawyer2)).some((i) => i.id === offered.id)).toBe(true);
    expect((await inbox(outsider)).some((i) => i.id === offered.id)).toBe(false);
    const denied = await call(outsider, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'approve' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('CARDO_ERR_TASK_NOT_YOURS');
    const badOutcome = await call(lawyer, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'maybe' });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.errors).toEqual([{ path: '/outcome', message: 'Must be one of approve, return.' }]);

    const done = await call(lawyer, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'approve', comment: 'ok' });
    expect([done.status, done.body.detail]).toEqual([200, undefined]);
    expect(done.body).toMatchObject({ status: 'completed', outcome: 'approve', comment: 'ok', assignee: lawyer.id });
    const again = await call(lawyer2, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'approve' });
    expect(again.status).toBe(403);
    const twice = await call(lawyer, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'approve' });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('CARDO_ERR_TASK_CLOSED');

    // manager(record.responsible): the responsible's manager approves.
    const headTask = taskOf(await inbox(boss), doc);
    expect(headTask).toMatchObject({ assignee: boss.id, offered: false });
    expect((await call(boss, 'POST', `/api/tasks/${headTask.id}/complete`, { outcome: 'approve' })).status).toBe(200);
    expect(await approvalStatus(doc)).toBe('approved');

    const sign = taskOf(await inbox(sales), doc);
    expect(sign.title).toMatch(/^Подписать с контрагентом/);
    expect((await call(sales, 'POST', `/api/tasks/${sign.id}/complete`, { outcome: 'signed' })).status).toBe(200);
    expect(await approvalStatus(doc)).toBe('signed');

    const instance = await call(sales, 'GET', `/api/workflows/instances/${started.body.id}`);
    expect(instance.status).toBe(200);
    expect(instance.body.status).toBe('completed');
    expect(instance.body.waitingAt).toEqual([]);
    const history = instance.body.history as Array<Record<string, any>>;
    expect(history.filter((h) => h.kind === 'task_completed').map((h) => [h.element, h.actor?.id, h.outcome])).toEqual([
      ['lawyer_review', lawyer.id, 'approve'],
      ['head_approval', boss.id, 'approve'],
      ['sign_off', sales.id, 'signed'],
    ]);
    expect(history[0]).toMatchObject({ kind: 'started', actor: { id: sales.id } });
    expect(history.at(-1)?.kind).toBe('ended');
    const list = await call(sales, 'GET', `/api/workflows/instances?entity=document&id=${doc}`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([started.body.id]);
  });
});
