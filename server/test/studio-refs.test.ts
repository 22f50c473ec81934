import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { loadTestModel } from './helpers/app-db.js';
import { docx } from './helpers/metadata-fixture.js';
import { metadataRepo, type MetadataRepo } from './helpers/metadata-repo.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';
import { writeEdits } from '../src/studio/studio-refs.js';

/** References, rename, delete and template upload of the studio API, on a copy of metadata/ in a temporary git repository. */
// Each call validates the whole CRM metadata; the shared machine is slow.
jest.setTimeout(60_000);

let repo: MetadataRepo;
let dir: string;
let t: TestApp;

const gitIn = (...args: string[]) => repo.git(...args);
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
type Ref = { file: string; pointer: string; usage: string; item: { kind: string; name: string; entity?: string } };

beforeAll(async () => {
  repo = await metadataRepo('cardo-studio-refs-');
  dir = repo.dir;
  t = await createTestApp({ model: await loadTestModel(dir), env: { CARDO_METADATA_DIR: dir } });
  await t.login('consult', ['consultant']);
  await t.login('seller', ['sales_manager']);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await repo?.remove();
});

const as = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, login = 'consult') => t.as(login, { method, url, ...(payload ? { payload } : {}) });
const changedFiles = () => gitIn('status', '--porcelain', '--', '.').split('\n').filter(Boolean).map((l) => l.slice(3).replace(/^metadata\//, ''));

describe('studio references', () => {
  it('is for studio roles only', async () => {
    expect((await as('GET', '/api/studio/references?kind=entity&name=deal', undefined, 'seller')).statusCode).toBe(403);
    expect((await as('POST', '/api/studio/rename', { kind: 'entity', from: 'deal', to: 'sale' }, 'seller')).statusCode).toBe(403);
    expect((await as('DELETE', '/api/studio/files/notifications/task-overdue.json', undefined, 'seller')).statusCode).toBe(403);
  });

  it('lists the references of an entity and of a field', async () => {
    const entity = await as('GET', '/api/studio/references?kind=entity&name=counterparty');
    expect(entity.statusCode).toBe(200);
    const refs = (entity.json() as { references: Ref[] }).references;
    expect(refs).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'entities/deal.json', pointer: '/fields/1/target', usage: 'name' })]));
    const field = await as('GET', '/api/studio/references?kind=entity&name=document&field=responsible');
    const fieldRefs = (field.json() as { references: Ref[] }).references;
    expect(fieldRefs.some((r) => r.file === 'workflows/document-approval.bpmn' && r.pointer.endsWith('/cardo:assignee'))).toBe(true);
  });

  it.each([
    ['/api/studio/references?kind=entity&name=nothing', 404, 'CARDO_ERR_STUDIO_FILE_NOT_FOUND'],
    ['/api/studio/references?kind=planet&name=x', 400, 'CARDO_ERR_API_VALIDATION'],
    ['/api/studio/references?kind=role&name=x&field=y', 400, 'CARDO_ERR_API_VALIDATION'],
  ])('refuses %s', async (url, status, code) => {
    const r = await as('GET', url);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ code });
  });
});

describe('studio delete', () => {
  it('refuses to delete a referenced entity with the list of references, changing nothing', async () => {
    const r = await as('DELETE', '/api/studio/files/entities/counterparty.json');
    expect(r.statusCode).toBe(409);
    expect(r.headers['content-type']).toContain('application/problem+json');
    const body = r.json() as { code: string; references: Ref[] };
    expect(body.code).toBe('CARDO_ERR_STUDIO_REFERENCED');
    expect(body.references.map((x) => x.file)).toEqual(expect.arrayContaining(['entities/deal.json', 'entities/contact.json', 'roles.json']));
    expect(body.references.every((x) => x.file !== 'entities/counterparty.json')).toBe(true);
    expect(changedFiles()).toEqual([]);
  });

  it('refuses to delete app.json and roles.json', async () => {
    const r = await as('DELETE', '/api/studio/files/roles.json');
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_STUDIO_UNDELETABLE' });
  });

  it('deletes an unreferenced file', async () => {
    const r = await as('DELETE', '/api/studio/files/notifications/task-overdue.json');
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ deleted: ['notifications/task-overdue.json'], valid: true });
    await expect(stat(path.join(dir, 'notifications/task-overdue.json'))).rejects.toMatchObject({ code: 'ENOENT' });
    gitIn('checkout', '--', '.');
  });
});

describe('studio rename', () => {
  it('renames a field and rewrites its form, lists, conditions and workflows; the metadata stays valid and the plan shows a destructive drop and add', async () => {
    const before = (await as('GET', '/api/studio/references?kind=entity&name=document&field=approvalStatus')).json() as { references: Ref[] };
    const referencing = [...new Set(before.references.map((r) => r.file))].sort();
    expect(referencing).toEqual(expect.arrayContaining(['entities/document.json', 'workflows/document-approval.bpmn']));
    const r = await as('POST', '/api/studio/rename', { kind: 'field', entity: 'document', from: 'approvalStatus', to: 'reviewStatus' });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { changed: Array<{ path: string; status: string }>; valid: boolean };
    expect(body.valid).toBe(true);
    expect(body.changed.map((c) => c.path).sort()).toEqual(referencing);
    expect(changedFiles().sort()).toEqual(referencing);
    for (const file of referencing) expect(await readFile(path.join(dir, file), 'utf8')).not.toMatch(/\bapprovalStatus\b/);
    expect(await readFile(path.join(dir, 'workflows/document-approval.bpmn'), 'utf8')).toContain('cardo:field="reviewStatus"');
    const entity = JSON.parse(await readFile(path.join(dir, 'entities/document.json'), 'utf8')) as { form: unknown; lists: unknown; fields: Array<{ name: string }> };
    expect(entity.fields.map((f) => f.name)).toContain('reviewStatus');
    expect(JSON.stringify(entity.form)).toContain('"reviewStatus"');
    // The planner does not guess renames: the column is dropped (destructive, its values lost) and a new one added.
    const plan = (await as('POST', '/api/studio/plan')).json() as { destructive: unknown[]; changes: Array<{ kind: string; column?: string; destructive: boolean }> };
    expect(plan.destructive).toEqual([expect.objectContaining({ kind: 'dropColumn', table: 'document', column: 'approval_status' })]);
    expect(plan.changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'addColumn', column: 'review_status', destructive: false })]));
    gitIn('checkout', '--', '.');
  }, 60_000);

  it('renames an entity: moves its file and rewrites references; git shows the move', async () => {
    const r = await as('POST', '/api/studio/rename', { kind: 'entity', from: 'kpi_plan', to: 'sales_plan' });
    expect(r.statusCode).toBe(200);
    const body = r.json() as { changed: Array<{ path: string; status: string }>; valid: boolean };
    expect(body.valid).toBe(true);
    expect(body.changed).toEqual(expect.arrayContaining([{ path: 'entities/kpi_plan.json', status: 'deleted' }, { path: 'entities/sales_plan.json', status: 'added' }]));
    expect(await readFile(path.join(dir, 'reports/kpi-plan-fact.json'), 'utf8')).toContain('"sales_plan"');
    gitIn('checkout', '--', '.');
    gitIn('clean', '-fdq', '--', '.');
  }, 60_000);

  it.each([
    [{ kind: 'entity', from: 'deal', to: 'contact' }, 400, 'CARDO_ERR_STUDIO_RENAME'],
    [{ kind: 'field', from: 'amount', to: 'sum' }, 400, 'CARDO_ERR_API_VALIDATION'],
    [{ kind: 'entity', from: 'deal', to: '../evil' }, 400, 'CARDO_ERR_STUDIO_RENAME'],
  ])('refuses %j', async (payload, status, code) => {
    const r = await as('POST', '/api/studio/rename', payload);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ code });
    expect(changedFiles()).toEqual([]);
  });
});

describe('writing several files as one operation', () => {
  it('changes nothing and leaves no temporary file when one of the files cannot be written', async () => {
    const edits = [
      { path: 'entities/deal.json', bytes: Buffer.from('{}\n') },
      { path: 'notifications/task-overdue.json', bytes: null },
      { path: 'entities/.hidden.json', bytes: Buffer.from('{}\n') },
    ];
    await expect(writeEdits(dir, edits)).rejects.toMatchObject({ code: 'CARDO_ERR_STUDIO_PATH' });
    expect(changedFiles()).toEqual([]);
    expect((await readdir(path.join(dir, 'entities'))).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});

describe('studio template upload', () => {
  const upload = (name: string, bytes: Buffer, contentType = DOCX) => t.as('consult', { method: 'PUT', url: `/api/studio/templates/${name}`, payload: bytes, headers: { 'content-type': contentType } });

  it('stores the .docx and reports placeholders that do not exist, by name', async () => {
    const r = await upload('act', docx(['Act {{number}} for {{counterparty.brand}}', 'Signed by {{noSuchField}}']));
    expect(r.statusCode).toBe(200);
    const body = r.json() as { path: string; valid: boolean; templateProblems: Array<{ file: string; message: string }> };
    expect(body.path).toBe('templates/act.docx');
    expect(body.valid).toBe(false);
    expect(body.templateProblems).toEqual([expect.objectContaining({ file: 'templates/act.docx', message: expect.stringContaining('noSuchField') })]);
    expect(changedFiles()).toEqual(['templates/act.docx']);
    gitIn('checkout', '--', '.');
  });

  it.each([
    ['not a zip', Buffer.from('hello'), DOCX, 400, 'CARDO_ERR_STUDIO_DOCX'],
    ['a zip that is not a Word document', docx(['x']).subarray(0, 40), DOCX, 400, 'CARDO_ERR_STUDIO_DOCX'],
    ['JSON', Buffer.from('{}'), 'application/json', 415, undefined],
  ])('refuses %s', async (_what, bytes, type, status, code) => {
    const r = await upload('act', bytes, type);
    expect(r.statusCode).toBe(status);
    if (code) expect(r.json()).toMatchObject({ code });
    expect(changedFiles()).toEqual([]);
  });
});
