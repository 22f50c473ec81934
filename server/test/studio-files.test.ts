import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CardoError } from '../src/errors.js';
import { formatMetadataDir } from '../src/metadata/format.js';
import { resolveMetadataPath } from '../src/studio/studio-files.js';
import { gitStatus } from '../src/studio/studio-git.js';
import { APP_METADATA_DIR, loadTestModel } from './helpers/app-db.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

/** The studio's file and git API on a copy of metadata/ inside a temporary git repository. */
let repo: string;
let dir: string;
let t: TestApp;

const gitIn = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' });
type Entity = { fields: Array<Record<string, unknown>>; [key: string]: unknown };
const LOYALTY = { name: 'loyaltyLevel', label: { en: 'Loyalty level', ru: 'Уровень лояльности' }, type: 'enum', required: false, options: [{ value: 'gold', label: { en: 'Gold', ru: 'Золото' }, color: '#faad14' }, { value: 'silver', label: { en: 'Silver', ru: 'Серебро' }, color: '#8c8c8c' }] };

beforeAll(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'cardo-studio-git-'));
  // The metadata sits one level down, as in the real repository: paths are reported relative to it.
  dir = path.join(repo, 'metadata');
  await cp(APP_METADATA_DIR, dir, { recursive: true });
  await writeFile(path.join(repo, 'outside.json'), '{"secret": true}\n');
  gitIn(repo, 'init', '--quiet', '--initial-branch=main');
  gitIn(repo, 'add', '.');
  gitIn(repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
  t = await createTestApp({ model: await loadTestModel(dir), env: { CARDO_METADATA_DIR: dir } });
  await t.login('consult', ['consultant']);
  await t.login('seller', ['sales_manager']);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await rm(repo, { recursive: true, force: true });
});

const get = (url: string, login = 'consult') => t.as(login, { method: 'GET', url });
const put = (file: string, payload: unknown, headers: Record<string, string> = {}) => t.as('consult', { method: 'PUT', url: `/api/studio/files/${file}`, payload: payload as object, headers });

describe('studio files', () => {
  it('is for consultants and administrators only', async () => {
    expect((await get('/api/studio/files', 'seller')).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/studio/files' })).statusCode).toBe(401);
    expect((await t.as('seller', { method: 'PUT', url: '/api/studio/files/entities/counterparty.json', payload: { json: {} } })).statusCode).toBe(403);
  });

  it('lists the metadata tree with kinds', async () => {
    const r = await get('/api/studio/files');
    expect(r.statusCode).toBe(200);
    const files = (r.json() as { files: Array<{ path: string; kind: string; name: string }> }).files;
    expect(files).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'entities/counterparty.json', kind: 'entity', name: 'counterparty' }),
      expect.objectContaining({ path: 'workflows/document-approval.bpmn', kind: 'workflow' }),
      expect.objectContaining({ path: 'templates/contract.docx', kind: 'templateDocx' }),
      expect.objectContaining({ path: 'roles.json', kind: 'roles' }),
    ]));
    expect(files.map((f) => f.path)).not.toContain('README.md');
  });

  it('reads a file with its parsed value and etag', async () => {
    const r = await get('/api/studio/files/entities/counterparty.json');
    expect(r.statusCode).toBe(200);
    const body = r.json() as { json: { name: string }; content: string; etag: string; problems: unknown[] };
    expect(body.json.name).toBe('counterparty');
    expect(body.content).toBe(await readFile(path.join(dir, 'entities/counterparty.json'), 'utf8'));
    expect(body.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(body.problems).toEqual([]);
  });

  it.each([
    ['%2e%2e%2foutside.json', 400, 'CARDO_ERR_STUDIO_PATH'],
    ['entities%2f..%2f..%2foutside.json', 400, 'CARDO_ERR_STUDIO_PATH'],
    ['entities/.hidden.json', 400, 'CARDO_ERR_STUDIO_PATH'],
    ['entities//counterparty.json', 400, 'CARDO_ERR_STUDIO_PATH'],
    ['entities/notes.txt', 400, 'CARDO_ERR_META_UNKNOWN_FILE'],
    ['secrets.json', 400, 'CARDO_ERR_META_UNKNOWN_FILE'],
    ['entities/nobody.json', 404, 'CARDO_ERR_STUDIO_FILE_NOT_FOUND'],
  ])('refuses to read %s (%i %s)', async (file, status, code) => {
    const r = await get(`/api/studio/files/${file}`);
    expect(r.statusCode).toBe(status);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ code });
  });

  // The URL parser already folds ../ out of a path; the resolver refuses it from any other caller.
  it.each(['../outside.json', 'entities/../../outside.json', '/etc/passwd', 'entities\\..\\..\\outside.json', 'entities/./counterparty.json'])('the resolver refuses %s', async (file) => {
    await expect(resolveMetadataPath(dir, file)).rejects.toMatchObject({ code: 'CARDO_ERR_STUDIO_PATH' });
  });

  it('does not follow a symlink out of the metadata directory', async () => {
    await symlink(path.join(repo, 'outside.json'), path.join(dir, 'entities/escape.json'));
    try {
      const r = await get('/api/studio/files/entities/escape.json');
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'CARDO_ERR_STUDIO_PATH' });
      expect((await put('entities/escape.json', { json: { name: 'escape' } })).statusCode).toBe(400);
      expect(await readFile(path.join(repo, 'outside.json'), 'utf8')).toBe('{"secret": true}\n');
    } finally {
      await rm(path.join(dir, 'entities/escape.json'));
    }
  });

  it('writes JSON canonically: a studio edit gives the bytes a hand edit and `cardo format` give', async () => {
    const file = 'entities/counterparty.json';
    const current = (await get(`/api/studio/files/${file}`)).json() as { json: Entity; etag: string };
    // The studio sends keys in any order and defaults spelled out; the file must not care.
    const edited: Entity = { ...current.json, fields: [...current.json.fields, LOYALTY] };
    const shuffled = Object.fromEntries(Object.entries(edited).reverse());
    const r = await put(file, { json: shuffled }, { 'if-match': current.etag });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ changed: true, valid: true, problems: [] });
    const written = await readFile(path.join(dir, file), 'utf8');

    const hand = await mkdtemp(path.join(tmpdir(), 'cardo-hand-'));
    try {
      await cp(APP_METADATA_DIR, hand, { recursive: true });
      const original = JSON.parse(await readFile(path.join(hand, file), 'utf8')) as Entity;
      original.fields.push(LOYALTY);
      await writeFile(path.join(hand, file), JSON.stringify(original, null, 4));
      await formatMetadataDir(hand);
      expect(written).toBe(await readFile(path.join(hand, file), 'utf8'));
    } finally {
      await rm(hand, { recursive: true, force: true });
    }
    expect(written).not.toContain('"required": false');
    expect(written.endsWith('}\n')).toBe(true);
    // Writing the same value again changes nothing.
    const again = await put(file, { json: edited });
    expect(again.json()).toMatchObject({ changed: false });
  });

  it('refuses a stale write and keeps the file', async () => {
    const file = 'entities/contact.json';
    const before = await readFile(path.join(dir, file), 'utf8');
    const r = await put(file, { json: { ...JSON.parse(before), icon: 'user' } }, { 'if-match': '0'.repeat(64) });
    expect(r.statusCode).toBe(412);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_STUDIO_STALE' });
    expect(await readFile(path.join(dir, file), 'utf8')).toBe(before);
  });

  it.each([
    [{ content: '{"name": "contact",' }, 400, 'CARDO_ERR_META_JSON_SYNTAX'],
    [{ content: '[1, 2]' }, 400, 'CARDO_ERR_STUDIO_NOT_AN_OBJECT'],
    [{ json: 'text' }, 400, 'CARDO_ERR_STUDIO_NOT_AN_OBJECT'],
    [{ json: {}, content: '{}' }, 400, 'CARDO_ERR_API_VALIDATION'],
    [{ other: 1 }, 400, 'CARDO_ERR_API_VALIDATION'],
  ])('refuses the body %j for a JSON file', async (body, status, code) => {
    const file = 'entities/contact.json';
    const before = await readFile(path.join(dir, file), 'utf8');
    const r = await put(file, body);
    expect(r.statusCode).toBe(status);
    expect(r.json()).toMatchObject({ code });
    expect(await readFile(path.join(dir, file), 'utf8')).toBe(before);
  });

  it('refuses writing a binary template and unknown kinds', async () => {
    expect((await put('templates/contract.docx', { content: 'x' })).json()).toMatchObject({ code: 'CARDO_ERR_STUDIO_BINARY' });
    expect((await put('notes/readme.json', { json: {} })).json()).toMatchObject({ code: 'CARDO_ERR_META_UNKNOWN_FILE' });
  });

  it('saves an invalid draft and reports its problems; publishing refuses it', async () => {
    const file = 'entities/contact.json';
    const before = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Entity;
    const r = await put(file, { json: { ...before, fields: [...before.fields, { name: 'broken', label: { en: 'Broken', ru: 'Сломано' }, type: 'varchar' }] } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ valid: false, problems: [expect.objectContaining({ code: 'CARDO_ERR_META_SCHEMA', file })] });
    expect((await get(`/api/studio/files/${file}`)).json()).toMatchObject({ problems: [expect.objectContaining({ file })] });
    expect((await t.as('consult', { method: 'POST', url: '/api/studio/apply', payload: {} })).statusCode).toBe(400);
    expect((await put(file, { json: before })).json()).toMatchObject({ valid: true });
  });

  it('creates a new file (201) and writes BPMN as text', async () => {
    const bpmn = await readFile(path.join(dir, 'workflows/assignment.bpmn'), 'utf8');
    const r = await put('workflows/assignment-copy.bpmn', { content: bpmn.replaceAll('id="', 'id="c_') });
    expect(r.statusCode).toBe(201);
    await rm(path.join(dir, 'workflows/assignment-copy.bpmn'));
  });
});

describe('studio git', () => {
  it('shows the status and the diff of the metadata directory only', async () => {
    await writeFile(path.join(repo, 'outside.json'), '{"secret": false}\n');
    await writeFile(path.join(dir, 'notifications/new-rule.json'), '{}\n');
    const status = await get('/api/studio/git/status');
    expect(status.statusCode).toBe(200);
    const body = status.json() as { branch: string; head: string; changes: Array<{ path: string; status: string }> };
    expect(body.branch).toBe('main');
    expect(body.head).toMatch(/^[0-9a-f]{40}$/);
    expect(body.changes).toEqual([{ path: 'entities/counterparty.json', status: ' M' }, { path: 'notifications/new-rule.json', status: '??' }]);

    const diff = (await get('/api/studio/git/diff')).json() as { diff: string };
    expect(diff.diff).toContain('+++ b/entities/counterparty.json');
    expect(diff.diff).toContain('+      "name": "loyaltyLevel",');
    expect(diff.diff).toContain('+++ b/notifications/new-rule.json');
    expect(diff.diff).not.toContain('outside.json');
    // Only additions: the studio's save touched nothing else in the file.
    expect(diff.diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    await rm(path.join(dir, 'notifications/new-rule.json'));
  });

  it.each([[{}], [{ message: '' }], [{ message: '   ' }], [{ message: 'x', extra: 1 }]])('refuses a commit with %j', async (payload) => {
    const r = await t.as('consult', { method: 'POST', url: '/api/studio/git/commit', payload });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'CARDO_ERR_API_VALIDATION' });
  });

  it('commits the metadata changes only, as the studio user', async () => {
    const r = await t.as('consult', { method: 'POST', url: '/api/studio/git/commit', payload: { message: 'Counterparty: loyalty level' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ commit: expect.stringMatching(/^[0-9a-f]{40}$/), files: [{ path: 'entities/counterparty.json', status: ' M' }] });
    expect(gitIn(repo, 'log', '-1', '--format=%an|%s')).toBe('Test consult|Counterparty: loyalty level\n');
    expect(gitIn(repo, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe('metadata/entities/counterparty.json');
    // outside.json stays uncommitted: the studio commits metadata/ only.
    expect(gitIn(repo, 'status', '--porcelain')).toBe(' M outside.json\n');
    expect((await get('/api/studio/git/status')).json()).toMatchObject({ changes: [] });
    const again = await t.as('consult', { method: 'POST', url: '/api/studio/git/commit', payload: { message: 'nothing' } });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'CARDO_ERR_STUDIO_NOTHING_TO_COMMIT' });
  });

  it('gives the history of one file, newest first, and refuses paths outside the metadata', async () => {
    const log = await get(`/api/studio/git/log?path=${encodeURIComponent('entities/counterparty.json')}`);
    expect(log.statusCode).toBe(200);
    const { commits } = log.json() as { commits: Array<{ commit: string; author: string; date: string; subject: string }> };
    expect(commits.map((c) => [c.author, c.subject])).toEqual([['Test consult', 'Counterparty: loyalty level'], ['Test', 'initial']]);
    expect(commits[0]?.commit).toBe(gitIn(repo, 'rev-parse', 'HEAD').trim());
    expect(Number.isNaN(Date.parse(commits[0]?.date ?? ''))).toBe(false);
    // A file the last commit did not touch has the initial commit only; limit is honoured.
    expect(((await get('/api/studio/git/log?path=roles.json')).json() as { commits: unknown[] }).commits).toHaveLength(1);
    expect(((await get(`/api/studio/git/log?path=${encodeURIComponent('entities/counterparty.json')}&limit=1`)).json() as { commits: unknown[] }).commits).toHaveLength(1);
    const outside = await get(`/api/studio/git/log?path=${encodeURIComponent('../outside.json')}`);
    expect([outside.statusCode, (outside.json() as { code: string }).code]).toEqual([400, 'CARDO_ERR_STUDIO_PATH']);
    const missing = await get('/api/studio/git/log');
    expect([missing.statusCode, (missing.json() as { code: string }).code]).toEqual([400, 'CARDO_ERR_API_VALIDATION']);
    expect((await get('/api/studio/git/log?path=roles.json&limit=201')).statusCode).toBe(400);
    expect((await get('/api/studio/git/log?path=roles.json', 'seller')).statusCode).toBe(403);
  });

  it('says clearly when the metadata directory is not in a git repository', async () => {
    const lone = await mkdtemp(path.join(tmpdir(), 'cardo-nogit-'));
    try {
      await mkdir(path.join(lone, 'entities'));
      await expect(gitStatus(lone)).rejects.toThrow(CardoError);
      await expect(gitStatus(lone)).rejects.toMatchObject({ code: 'CARDO_ERR_STUDIO_NOT_GIT', status: 409 });
    } finally {
      await rm(lone, { recursive: true, force: true });
    }
  });
});
