/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import type { Db } from '../src/db/db.js';
import { createDepartment, createOrgUser, seedRecord, setDepartment } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { PgBossTimers } from '../src/workflows/timers.js';
import { Access } from '../src/access/access.js';
import { loadOrg } from '../src/access/org.js';
import { Workflows } from '../src/workflows/workflows.service.js';

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
}, 120_000);

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
    expect(await approvalStatus(doc)).toBe('in_review');

    // Offered to the lawyer role: both lawyers see it; the first to complete claims it.
    const offered = taskOf(await inbox(lawyer), doc);
    expect(offered).toMatchObject({ offered: true, candidateRole: 'lawyer', assignee: null, process: 'document-approval', outcomes: ['approve', 'rework', 'reject'] });
    expect(offered.title).toContain('Ромашка');
    expect((await inbox(lawyer2)).some((i) => i.id === offered.id)).toBe(true);
    expect((await inbox(outsider)).some((i) => i.id === offered.id)).toBe(false);
    const denied = await call(outsider, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'approve' });
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('CARDO_ERR_TASK_NOT_YOURS');
    const badOutcome = await call(lawyer, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'maybe' });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.errors).toEqual([{ path: '/outcome', message: 'Must be one of approve, rework, reject.' }]);

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

describe('document approval: other paths', () => {
  it('returns for rework, resubmits, and the lawyer reviews again (a new task, the old one stays completed)', async () => {
    const doc = await document(sales);
    const started = await start(sales, 'document-approval', 'document', doc);
    const first = taskOf(await inbox(lawyer), doc);
    expect((await call(lawyer, 'POST', `/api/tasks/${first.id}/complete`, { outcome: 'rework', comment: 'fix clause 3' })).status).toBe(200);
    expect(await approvalStatus(doc)).toBe('rework');
    const rework = taskOf(await inbox(sales), doc);
    expect(rework).toMatchObject({ outcomes: ['resubmit', 'cancel'], assignee: sales.id });
    // The task's form is the document's main tab: a value outside it is refused, and nothing changes.
    const outside = await call(sales, 'POST', `/api/tasks/${rework.id}/complete`, { outcome: 'resubmit', values: { owner: boss.id } });
    expect(outside.status).toBe(400);
    expect(outside.body.errors).toEqual([{ path: '/values/owner', message: 'Not a field of the task\'s form "main".' }]);
    const badValue = await call(sales, 'POST', `/api/tasks/${rework.id}/complete`, { outcome: 'resubmit', values: { amount: 'lots' } });
    expect([badValue.status, badValue.body.errors?.[0]?.path]).toEqual([400, '/values/amount']);
    expect(taskOf(await inbox(sales), doc).id).toBe(rework.id);
    const ok = await call(sales, 'POST', `/api/tasks/${rework.id}/complete`, { outcome: 'resubmit', values: { amount: 1500 } });
    expect(ok.status).toBe(200);
    const [row] = await t.db.query<{ amount: number }>('SELECT amount FROM document WHERE id = $1', [doc]);
    expect(Number(row?.amount)).toBe(1500);
    expect(await approvalStatus(doc)).toBe('in_review');
    const second = taskOf(await inbox(lawyer), doc);
    expect(second.id).not.toBe(first.id);
    const instance = await call(sales, 'GET', `/api/workflows/instances/${started.body.id}`);
    expect(instance.body.tasks.map((x: { element: string; status: string; outcome: string | null }) => [x.element, x.status, x.outcome])).toEqual([
      ['lawyer_review', 'completed', 'rework'],
      ['rework', 'completed', 'resubmit'],
      ['lawyer_review', 'open', null],
    ]);
    expect(instance.body.history.find((h: { kind: string; outcome: string }) => h.outcome === 'rework')).toMatchObject({ comment: 'fix clause 3', actor: { id: lawyer.id } });
  });

  it('the head of sales sends it for rework and the author cancels: the approval ends and the document is a draft again', async () => {
    const doc = await document(sales);
    const started = await start(sales, 'document-approval', 'document', doc);
    await call(lawyer, 'POST', `/api/tasks/${taskOf(await inbox(lawyer), doc).id}/complete`, { outcome: 'approve' });
    await call(boss, 'POST', `/api/tasks/${taskOf(await inbox(boss), doc).id}/complete`, { outcome: 'rework', comment: 'price too low' });
    expect(await approvalStatus(doc)).toBe('rework');
    expect((await call(sales, 'POST', `/api/tasks/${taskOf(await inbox(sales), doc).id}/complete`, { outcome: 'cancel' })).status).toBe(200);
    expect(await approvalStatus(doc)).toBe('draft');
    const instance = await call(sales, 'GET', `/api/workflows/instances/${started.body.id}`);
    expect(instance.body.status).toBe('completed');
    const timers = await t.db.query<{ status: string }>('SELECT status FROM wf_timer WHERE instance_id = $1', [started.body.id]);
    expect(timers.map((x) => x.status)).toEqual(['cancelled']);
  });

  it.each([
    ['the lawyer', ['lawyer_review']],
    ['the head of sales', ['lawyer_review', 'head_approval']],
  ])('%s rejects it: the approval ends at "rejected", no rework task, no timer left', async (_who, steps) => {
    const doc = await document(sales);
    const started = await start(sales, 'document-approval', 'document', doc);
    for (const [i, element] of steps.entries()) {
      const user = element === 'lawyer_review' ? lawyer : boss;
      const outcome = i === steps.length - 1 ? 'reject' : 'approve';
      expect((await call(user, 'POST', `/api/tasks/${taskOf(await inbox(user), doc).id}/complete`, { outcome, comment: outcome === 'reject' ? 'not for us' : null })).status).toBe(200);
    }
    expect(await approvalStatus(doc)).toBe('rejected');
    expect((await inbox(sales)).some((i) => i.recordId === doc)).toBe(false);
    const instance = await call(sales, 'GET', `/api/workflows/instances/${started.body.id}`);
    expect(instance.body.status).toBe('completed');
    expect(instance.body.tasks.map((x: { element: string; outcome: string | null }) => [x.element, x.outcome])).toEqual(steps.map((e, i) => [e, i === steps.length - 1 ? 'reject' : 'approve']));
    expect(instance.body.history.filter((h: { kind: string }) => h.kind === 'service').map((h: { element: string }) => h.element)).toEqual(['set_in_review', 'set_rejected']);
    expect(await t.db.query("SELECT 1 FROM wf_timer WHERE instance_id = $1 AND status = 'armed'", [started.body.id])).toEqual([]);
  });

  it('a deputy of an absent lawyer sees the offer made to the lawyer role, marked, and completing it claims it on the lawyer\'s behalf', async () => {
    const deputy = await createOrgUser(t.db, 'wf.lawyer.deputy', ['sales_manager']);
    const today = new Date().toISOString().slice(0, 10);
    await t.db.query(`INSERT INTO sys_substitution (id, created_at, updated_at, version, absent_user, deputy, "from", "to") VALUES (gen_random_uuid(), now(), now(), 1, $1, $2, $3, $3)`, [lawyer2.id, deputy.id, today]);
    const doc = await document(sales);
    await start(sales, 'document-approval', 'document', doc);
    // The lawyer sees it as their own offer; the deputy sees it through the absent lawyer.
    expect(taskOf(await inbox(lawyer), doc)).toMatchObject({ offered: true, onBehalfOf: null });
    const offered = taskOf(await inbox(deputy), doc);
    expect(offered).toMatchObject({ offered: true, assignee: null, onBehalfOf: lawyer2.id, outcomes: ['approve', 'rework', 'reject'] });
    const done = await call(deputy, 'POST', `/api/tasks/${offered.id}/complete`, { outcome: 'approve' });
    expect([done.status, done.body.assignee, done.body.outcome]).toEqual([200, deputy.id, 'approve']);
    const [audit] = await t.db.query<{ actor: string; on_behalf_of: string; changes: string }>(`SELECT actor::text AS actor, on_behalf_of::text AS on_behalf_of, changes::text AS changes FROM sys_audit WHERE record_id = $1 AND action = 'update' ORDER BY created_at DESC LIMIT 1`, [offered.id]);
    expect({ actor: audit?.actor, on_behalf_of: audit?.on_behalf_of }).toEqual({ actor: deputy.id, on_behalf_of: lawyer2.id });
    // The change is diffed against the task row the completion locked (not read a second time).
    expect(JSON.parse(audit?.changes ?? '{}')).toMatchObject({ status: { from: 'open', to: 'completed' }, assignee: { from: null, to: deputy.id }, outcome: { from: null, to: 'approve' } });
    // Claimed: it left every other inbox and stays in the deputy's completed list.
    expect((await inbox(lawyer)).some((i) => i.id === offered.id)).toBe(false);
    expect((await inbox(deputy, 'completed')).map((i) => i.id)).toContain(offered.id);
    expect(await approvalStatus(doc)).toBe('in_review');
    expect(taskOf(await inbox(boss), doc)).toMatchObject({ assignee: boss.id, offered: false, onBehalfOf: null });
    await t.db.query('DELETE FROM sys_substitution WHERE deputy = $1', [deputy.id]);
  });

  it('two servers advance one instance in turn: each continues its kept engine only at the state it left, else recovers from the database', async () => {
    const access = async (user: User) => new Access(t.model, await loadOrg(t.db, user.id, new Date()));
    const a = new Workflows(t.db, t.models);
    const b = new Workflows(t.db, t.models);
    const [asSales, asLawyer, asBoss] = [await access(sales), await access(lawyer), await access(boss)];
    const open = async (instance: string, element: string) => {
      const [row] = await t.db.query<{ id: string }>(`SELECT t.id::text AS id FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = $1 AND w.element_id = $2 AND t.status = 'open'`, [instance, element]);
      return String(row?.id);
    };
    const doc = await document(sales);
    const id = await a.start(t.model, 'document-approval', 'document', doc, asSales);
    expect(a.engines.size).toBe(1);
    // B has no engine for it: recovers. A's kept engine is now one step behind.
    await b.completeTask(t.model, await open(id, 'lawyer_review'), { outcome: 'approve' }, asLawyer);
    expect([b.engines.hits, b.engines.misses]).toEqual([0, 1]);
    // A's engine no longer matches the saved state: A recovers (never replays its stale engine).
    await a.completeTask(t.model, await open(id, 'head_approval'), { outcome: 'rework', comment: 'again' }, asBoss);
    expect([a.engines.hits, a.engines.misses]).toEqual([0, 1]);
    expect(await approvalStatus(doc)).toBe('rework');
    // A kept the engine it left: its next step continues it.
    await a.completeTask(t.model, await open(id, 'rework'), { outcome: 'resubmit' }, asSales);
    expect([a.engines.hits, a.engines.misses]).toEqual([1, 1]);
    await a.completeTask(t.model, await open(id, 'lawyer_review'), { outcome: 'reject' }, asLawyer);
    expect([a.engines.hits, a.engines.misses]).toEqual([2, 1]);
    expect(await approvalStatus(doc)).toBe('rejected');
    const tasks = await t.db.query<{ element_id: string; status: string; outcome: string | null }>(
      'SELECT w.element_id, t.status, t.outcome FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = $1 ORDER BY t.created_at, t.id',
      [id],
    );
    expect(tasks.map((x) => [x.element_id, x.status, x.outcome])).toEqual([
      ['lawyer_review', 'completed', 'approve'],
      ['head_approval', 'completed', 'rework'],
      ['rework', 'completed', 'resubmit'],
      ['lawyer_review', 'completed', 'reject'],
    ]);
    // The instance ended: nothing is kept for it.
    expect(a.engines.size).toBe(0);
    const [row] = await t.db.query<{ status: string; steps: number }>('SELECT status, steps FROM wf_instance WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'completed', steps: 5 });
  });

  it('a step whose commit fails leaves no kept engine that could pass for the saved state', async () => {
    // A database whose commits fail while `failing` is set: the step runs, then rolls back.
    let failing = false;
    const flaky: Db = {
      kind: t.db.kind,
      query: (sql, params, options) => t.db.query(sql, params, options),
      transaction: (fn, options) => t.db.transaction(async (tx) => {
        const result = await fn(tx);
        if (failing) throw new Error('commit failed');
        return result;
      }, options),
      close: async () => undefined,
    };
    const server = new Workflows(flaky, t.models);
    const asSales = new Access(t.model, await loadOrg(t.db, sales.id, new Date()));
    const asLawyer = new Access(t.model, await loadOrg(t.db, lawyer.id, new Date()));
    const doc = await document(sales);
    const id = await server.start(t.model, 'document-approval', 'document', doc, asSales);
    const [task] = await t.db.query<{ id: string }>(`SELECT task_id::text AS id FROM wf_task WHERE instance_id = $1`, [id]);
    failing = true;
    await expect(server.completeTask(t.model, String(task?.id), { outcome: 'approve' }, asLawyer)).rejects.toThrow('commit failed');
    failing = false;
    // The failed step continued the kept engine and kept its result, which was never committed.
    expect([server.engines.hits, server.engines.misses, server.engines.size]).toEqual([1, 0, 1]);
    expect(await approvalStatus(doc)).toBe('in_review');
    // The next completion finds the stored state older than that engine: it recovers, and the task completes once.
    await server.completeTask(t.model, String(task?.id), { outcome: 'approve' }, asLawyer);
    expect([server.engines.hits, server.engines.misses]).toEqual([1, 1]);
    const tasks = await t.db.query<{ element_id: string; status: string }>('SELECT w.element_id, t.status FROM wf_task w JOIN sys_task t ON t.id = w.task_id WHERE w.instance_id = $1 ORDER BY t.created_at, t.id', [id]);
    expect(tasks.map((x) => [x.element_id, x.status])).toEqual([['lawyer_review', 'completed'], ['head_approval', 'open']]);
    expect(await approvalStatus(doc)).toBe('in_review');
  });

  it('a document whose number another one shares (a duplicate warning, confirmed when saved) still goes through approval', async () => {
    const doc = await document(sales);
    const [row] = await t.db.query<{ number: string; type: string }>('SELECT number, type FROM document WHERE id = $1', [doc]);
    const entity = t.model.entities.get('document') as EntityModel;
    await seedRecord(t.db, t.model, entity, sales.id, { counterparty }, { responsible: sales.id, number: row?.number, type: row?.type });
    const started = await start(sales, 'document-approval', 'document', doc);
    expect([started.status, started.body.detail]).toEqual([201, undefined]);
    expect(await approvalStatus(doc)).toBe('in_review');
  });

  it('five days without rework: the timer ends the approval, cancels the rework task and fires once', async () => {
    const doc = await document(sales);
    const started = await start(sales, 'document-approval', 'document', doc);
    await call(lawyer, 'POST', `/api/tasks/${taskOf(await inbox(lawyer), doc).id}/complete`, { outcome: 'rework' });
    const rework = taskOf(await inbox(sales), doc);
    const [timer] = await t.db.query<{ id: string; fire_at: string; status: string }>('SELECT id::text AS id, fire_at, status FROM wf_timer WHERE instance_id = $1', [started.body.id]);
    expect(timer?.status).toBe('armed');
    const days = (Date.parse(String(timer?.fire_at)) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4.99);
    expect(days).toBeLessThanOrEqual(5);
    expect(await t.app.workflows.fireDueTimers(new Date(Date.now() + 4 * 86_400_000))).toBe(0);
    expect(await t.app.workflows.fireDueTimers(new Date(Date.now() + 6 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(await approvalStatus(doc)).toBe('draft');
    const [task] = await t.db.query<{ status: string }>('SELECT status FROM sys_task WHERE id = $1', [rework.id]);
    expect(task?.status).toBe('cancelled');
    const late = await call(sales, 'POST', `/api/tasks/${rework.id}/complete`, { outcome: 'resubmit' });
    expect(late.status).toBe(409);
    expect(await t.app.workflows.fireTimer(String(timer?.id))).toBe(false);
    const instance = await call(sales, 'GET', `/api/workflows/instances/${started.body.id}`);
    expect(instance.body.status).toBe('completed');
    expect(instance.body.history.filter((h: { kind: string }) => h.kind === 'timer_fired').map((h: { element: string }) => h.element)).toEqual(['rework_timeout']);
  });

  it('refuses bad starts with registered codes', async () => {
    const doc = await document(sales);
    const unknown = await start(sales, 'no-such-process', 'document', doc);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'CARDO_ERR_WORKFLOW_UNKNOWN']);
    const wrongEntity = await start(sales, 'document-approval', 'counterparty', counterparty);
    expect([wrongEntity.status, wrongEntity.body.code]).toEqual([400, 'CARDO_ERR_WORKFLOW_ENTITY']);
    const missing = await start(sales, 'document-approval', 'document', '01890000-0000-7000-8000-000000000000');
    expect(missing.status).toBe(404);
    const notUuid = await start(sales, 'document-approval', 'document', 'x');
    expect(notUuid.status).toBe(400);
    const noBody = await call(sales, 'POST', '/api/workflows/document-approval/start', {});
    expect([noBody.status, noBody.body.errors]).toEqual([400, [{ path: '/entity', message: 'Required.' }]]);
    // Someone who cannot read the document cannot start its approval (nor learn it exists).
    const foreign = await start(outsider, 'document-approval', 'document', doc);
    expect(foreign.status).toBe(404);
    expect(await t.db.query('SELECT 1 FROM wf_instance WHERE record_id = $1', [doc])).toEqual([]);
  });
});

describe('assignment', () => {
  let issuer: User;
  let executor: User;
  let issuerBoss: User;

  beforeAll(async () => {
    issuerBoss = await createOrgUser(t.db, 'wf.issuer.boss', ['head_of_sales']);
    issuer = await createOrgUser(t.db, 'wf.issuer', ['head_of_sales'], { manager: issuerBoss.id });
    executor = await createOrgUser(t.db, 'wf.executor', ['sales_manager'], { manager: issuer.id });
  });

  async function assign(title: string, dueAt: string | null) {
    const created = await call(issuer, 'POST', '/api/data/sys_task', { title, assignee: executor.id, issuer: issuer.id, dueAt });
    expect(created.status).toBe(201);
    const [instance] = await t.db.query<{ id: string }>('SELECT id::text AS id FROM wf_instance WHERE record_id = $1', [created.body.id]);
    return { id: String(created.body.id), instance: instance?.id };
  }

  it('starts when a task is assigned; done → accept sets the assignment completed; return sends it back', async () => {
    const a = await assign('Подготовить КП', new Date(Date.now() + 3 * 86_400_000).toISOString());
    expect(a.instance).toBeDefined();
    const execute = (await inbox(executor)).find((x) => x.process === 'assignment' && x.recordId === a.id);
    expect(execute?.title).toBe('Исполнить поручение: Подготовить КП');
    expect((await call(executor, 'POST', `/api/tasks/${execute?.id}/complete`, { outcome: 'done', comment: 'КП отправлено' })).status).toBe(200);
    const accept1 = taskOf((await inbox(issuer)).filter((x) => x.process === 'assignment'), a.id);
    expect((await call(issuer, 'POST', `/api/tasks/${accept1.id}/complete`, { outcome: 'return', comment: 'добавьте скидку' })).status).toBe(200);
    const again = (await inbox(executor)).find((x) => x.process === 'assignment' && x.recordId === a.id);
    expect(again?.id).not.toBe(execute?.id);
    await call(executor, 'POST', `/api/tasks/${again?.id}/complete`, { outcome: 'done' });
    const accept2 = taskOf((await inbox(issuer)).filter((x) => x.process === 'assignment'), a.id);
    expect((await call(issuer, 'POST', `/api/tasks/${accept2.id}/complete`, { outcome: 'accept' })).status).toBe(200);
    const [row] = await t.db.query<{ status: string; completed_at: string | null }>('SELECT status, completed_at FROM sys_task WHERE id = $1', [a.id]);
    expect(row?.status).toBe('completed');
    expect(row?.completed_at).not.toBeNull();
    const [instance] = await t.db.query<{ status: string }>('SELECT status FROM wf_instance WHERE id = $1', [a.instance]);
    expect(instance?.status).toBe('completed');
    // Its own tasks carry the process, so they never start another assignment.
    expect((await t.db.query('SELECT 1 FROM wf_instance WHERE process = $1 AND record_id IN (SELECT task_id FROM wf_task)', ['assignment'])).length).toBe(0);
  });

  it('overdue: the issuer\'s manager gets a control task, and the executor keeps theirs', async () => {
    const a = await assign('Сверить акты', new Date(Date.now() + 86_400_000).toISOString());
    expect(await t.app.workflows.fireDueTimers(new Date(Date.now() + 2 * 86_400_000))).toBeGreaterThanOrEqual(1);
    const control = taskOf(await inbox(issuerBoss), a.id);
    expect(control.title).toBe(`Просрочено поручение: Сверить акты (исполнитель User wf.executor)`);
    expect(control.assignee).toBe(issuerBoss.id);
    expect((await inbox(executor)).some((x) => x.recordId === a.id && x.process === 'assignment')).toBe(true);
    expect(await t.app.workflows.fireDueTimers(new Date(Date.now() + 3 * 86_400_000))).toBe(0);
    await call(issuerBoss, 'POST', `/api/tasks/${control.id}/complete`, { outcome: 'acknowledge' });
    const [instance] = await t.db.query<{ status: string }>('SELECT status FROM wf_instance WHERE id = $1', [a.instance]);
    expect(instance?.status).toBe('running');
  });

  it('without a due date it is never overdue', async () => {
    const a = await assign('Без срока', null);
    expect(await t.app.workflows.fireDueTimers(new Date(Date.now() + 365 * 86_400_000))).toBe(0);
    expect((await inbox(issuerBoss)).some((x) => x.recordId === a.id)).toBe(false);
  });

  it('a deputy sees and completes the absent executor\'s task; the audit and history say on whose behalf', async () => {
    const deputy = await createOrgUser(t.db, 'wf.deputy', ['sales_manager']);
    const today = new Date().toISOString().slice(0, 10);
    await t.db.query(`INSERT INTO sys_substitution (id, created_at, updated_at, version, absent_user, deputy, "from", "to") VALUES (gen_random_uuid(), now(), now(), 1, $1, $2, $3, $3)`, [executor.id, deputy.id, today]);
    const a = await assign('Позвонить клиенту', null);
    const task = (await inbox(deputy)).find((x) => x.recordId === a.id && x.process === 'assignment');
    expect(task).toMatchObject({ assignee: executor.id, onBehalfOf: executor.id });
    expect((await call(deputy, 'POST', `/api/tasks/${task?.id}/complete`, { outcome: 'done' })).status).toBe(200);
    const [audit] = await t.db.query<{ actor: string; on_behalf_of: string }>(`SELECT actor::text AS actor, on_behalf_of::text AS on_behalf_of FROM sys_audit WHERE record_id = $1 AND action = 'update' ORDER BY created_at DESC LIMIT 1`, [task?.id]);
    expect(audit).toEqual({ actor: deputy.id, on_behalf_of: executor.id });
    const instance = await call(issuer, 'GET', `/api/workflows/instances/${a.instance}`);
    expect(instance.body.history.find((h: { kind: string }) => h.kind === 'task_completed')).toMatchObject({ actor: { id: deputy.id }, onBehalfOf: { id: executor.id }, outcome: 'done' });
  });
});

const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('timers as pg-boss jobs', () => {
  it('arms a job in the step\'s transaction and a worker fires the overdue escalation when it is due', async () => {
    const schema = `boss_${Math.random().toString(36).slice(2, 10)}`;
    const timers = new PgBossTimers(String(process.env.DATABASE_URL), { schema, pollingIntervalSeconds: 0.5 });
    await timers.start(t.app.workflows);
    t.app.workflows.scheduler = timers;
    try {
      const issuer = await createOrgUser(t.db, 'wf.boss.issuer', ['head_of_sales'], { manager: boss.id });
      const dueAt = new Date(Date.now() + 1500);
      const created = await call(issuer, 'POST', '/api/data/sys_task', { title: 'Срочно', assignee: sales.id, issuer: issuer.id, dueAt: dueAt.toISOString() });
      expect(created.status).toBe(201);
      const [timer] = await t.db.query<{ id: string }>('SELECT t.id::text AS id FROM wf_timer t JOIN wf_instance i ON i.id = t.instance_id WHERE i.record_id = $1', [created.body.id]);
      const jobs = await t.db.query<{ start_after: string; singleton_key: string }>(`SELECT start_after, singleton_key FROM ${schema}.job WHERE name = 'cardo-workflow-timer'`);
      expect(jobs).toEqual([{ start_after: dueAt.toISOString(), singleton_key: timer?.id }]);
      // A start that fails rolls its job back with everything else.
      const refused = await call(issuer, 'POST', '/api/data/sys_task', { title: 'x'.repeat(501), assignee: sales.id, issuer: issuer.id, dueAt: dueAt.toISOString() });
      expect(refused.status).toBe(400);
      let control: Record<string, any> | undefined;
      for (let i = 0; i < 60 && !control; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        control = (await inbox(boss)).find((x) => x.recordId === created.body.id);
      }
      expect(control?.title).toBe('Просрочено поручение: Срочно (исполнитель User wf.sales)');
      const [fired] = await t.db.query<{ status: string }>('SELECT status FROM wf_timer WHERE id = $1', [timer?.id]);
      expect(fired?.status).toBe('fired');
      expect((await t.db.query(`SELECT 1 FROM ${schema}.job`)).length).toBe(1);
    } finally {
      t.app.workflows.scheduler = undefined;
      await timers.stop();
      await t.db.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });
});
