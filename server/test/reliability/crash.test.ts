/**
 * kill -9 during a burst of record writes (issue 13, item 2, record writes only). The real
 * server (`cardo start`) runs as a child process on the embedded database in a data directory
 * of its own — not the PostgreSQL other tests share. Clients create records and increment a
 * counter; the server is killed with SIGKILL mid-burst and started again on the same directory.
 * Every acknowledged write must be there, and no partial write may exist: each record has its
 * audit entry and each audit entry its record, and the counter equals its update entries.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import type { EntityModel } from '../../src/compile/compile.js';
import { sampleValues } from '../helpers/access-org.js';
import { loadTestModel } from '../helpers/app-db.js';
import { report, scale, watchStart } from '../helpers/reliability.js';

jest.setTimeout(scale(150_000, 1_200_000));

const CRASHES = scale(1, 5);
const CLIENTS = scale(4, 12);
const bin = fileURLToPath(new URL('../../bin/cardo.js', import.meta.url));
const metadataDir = fileURLToPath(new URL('../../../metadata/', import.meta.url));
const PASSWORD = 'crash-test-admin-password-1';
const figures = { faultsInjected: 0, writesAcknowledged: 0, writesFound: 0, responses5xx: 0 };
let data: string | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  report(import.meta.filename, figures);
  child?.kill('SIGKILL');
  if (data) await rm(data, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** `cardo start` on the embedded database in `dir`; resolves with its base URL once it listens. */
async function start(dir: string): Promise<string> {
  const port = await freePort();
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const proc = spawn(process.execPath, [bin, 'start'], { env: { ...env, LOG_LEVEL: 'warn', CARDO_METADATA_DIR: metadataDir, CARDO_DATA_DIR: dir, PORT: String(port), CARDO_DEMO: 'false', CARDO_ADMIN_PASSWORD: PASSWORD } });
  child = proc;
  await watchStart(proc).started;
  return `http://127.0.0.1:${port}`;
}

async function killHard(): Promise<void> {
  const proc = child as ChildProcess;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
  figures.faultsInjected += 1;
}

type Json = Record<string, unknown>;

async function call(base: string, token: string, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Json }> {
  const r = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (r.status >= 500) figures.responses5xx += 1;
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Json) : {} };
}

describe('kill -9 of the server during a burst of record writes', () => {
  it('loses no acknowledged write and leaves no partial one', async () => {
    data = await mkdtemp(path.join(tmpdir(), 'cardo-crash-'));
    let base = await start(data);
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'admin', password: PASSWORD }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const model = await loadTestModel();
    const contact = model.entities.get('contact') as EntityModel;
    const counterparty = await call(base, token, 'POST', '/api/data/counterparty', sampleValues(model.entities.get('counterparty') as EntityModel, {}));
    expect(counterparty.status).toBe(201);
    const refs = { counterparty: String(counterparty.json.id) };
    const counter = await call(base, token, 'POST', '/api/data/contact', { ...sampleValues(contact, refs), position: '0' });
    expect(counter.status).toBe(201);
    const counterId = String(counter.json.id);
    const created: string[] = [];
    let increments = 0;

    for (let crash = 0; crash < CRASHES; crash++) {
      let stop = false;
      const client = async (n: number) => {
        let i = 0;
        while (!stop) {
          try {
            if (n === 0) {
              // One client increments the counter (kept as text in position) with its version.
              const current = await call(base, token, 'GET', `/api/data/contact/${counterId}`);
              const patched = await call(base, token, 'PATCH', `/api/data/contact/${counterId}`, { position: String(Number(current.json.position) + 1) }, { 'if-match': String(current.json.version) });
              if (patched.status === 200) increments += 1;
            } else {
              const r = await call(base, token, 'POST', '/api/data/contact', { ...sampleValues(contact, refs), fullName: `Crash ${crash} ${n} ${i++}` });
              if (r.status === 201) created.push(String(r.json.id));
            }
          } catch {
            // The connection died with the server: that write was not acknowledged.
            return;
          }
        }
      };
      const ackedBefore = created.length + increments;
      const burst = Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
      // Kill once the burst is well under way (some writes acknowledged, others in flight).
      while (created.length + increments < ackedBefore + scale(15, 60)) await new Promise((resolve) => setTimeout(resolve, 5));
      await killHard();
      stop = true;
      await burst;
      base = await start(data);
    }

    // Sessions are rows in the database: the token survives the restarts.
    expect((await call(base, token, 'GET', '/api/auth/me')).status).toBe(200);
    const list = await call(base, token, 'GET', '/api/data/contact?limit=1000&fields=id');
    expect(list.status).toBe(200);
    const ids = new Set((list.json.items as Array<{ id: string }>).map((i) => i.id));
    const missing = created.filter((id) => !ids.has(id));
    expect(missing).toEqual([]);
    const final = await call(base, token, 'GET', `/api/data/contact/${counterId}`);
    // Acknowledged increments are all there; one more may have committed as the server died.
    expect(Number(final.json.position)).toBeGreaterThanOrEqual(increments);
    expect(Number(final.json.position)).toBeLessThanOrEqual(increments + 1);
    expect(Number(final.json.version)).toBe(Number(final.json.position) + 1);
    const history = await call(base, token, 'GET', `/api/data/contact/${counterId}/history`);
    expect((history.json.items as Array<{ action: string }>).filter((h) => h.action === 'update')).toHaveLength(Number(final.json.position));
    // No partial write: every contact has its create entry in the audit log and every entry its contact.
    const audit = await call(base, token, 'GET', `/api/data/sys_audit?limit=1000&filter=${encodeURIComponent(JSON.stringify({ recordEntity: 'contact', action: 'create' }))}`);
    expect(audit.status).toBe(200);
    const audited = new Set((audit.json.items as Array<{ recordId: string }>).map((a) => a.recordId));
    expect([...ids].filter((id) => !audited.has(id))).toEqual([]);
    expect([...audited].filter((id) => !ids.has(id))).toEqual([]);
    figures.writesAcknowledged += created.length + increments;
    figures.writesFound += created.filter((id) => ids.has(id)).length + Math.min(Number(final.json.position), increments);
  });
});
