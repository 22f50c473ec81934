/**
 * Event rules (trigger create / update / fieldChange with a condition): sent in the write's
 * transaction through the record hooks, once per write. The CRM's metadata has only date
 * rules, so two event rules are added to a copy of it.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { APP_METADATA_DIR, loadTestModel } from './helpers/app-db.js';
import { createOrgUser } from './helpers/access-org.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';


// Real database, SMTP and password hashing on a shared machine: more than Jest's 5 s default.
jest.setTimeout(60_000);
let t: TestApp;
let dir: string;
let boss: { id: string; token: string };
let sales: { id: string; token: string };

const rule = (trigger: object, extra: object) => ({
  $schema: '../../server/schema/notification.schema.json',
  label: { en: 'Rule', ru: 'Правило' },
  entity: 'deal',
  trigger,
  recipients: ['manager:owner'],
  channels: ['inApp'],
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cardo-ntf-'));
  await cp(APP_METADATA_DIR, dir, { recursive: true });
  await writeFile(path.join(dir, 'notifications', 'big-deal-stage.json'), JSON.stringify(rule({ on: 'fieldChange', fields: ['stage'] }, {
    when: { amount: { $gte: 1000000 } },
    subject: { en: 'Stage of {{title}}: {{stage}}', ru: 'Этап сделки {{title}}: {{stage}}' },
  })));
  await writeFile(path.join(dir, 'notifications', 'deal-created.json'), JSON.stringify(rule({ on: 'create' }, { recipients: ['owner'], subject: { en: 'New deal {{title}} with {{counterparty}}', ru: 'Новая сделка {{title}} с {{counterparty}}' } })));
  t = await createTestApp({ model: await loadTestModel(dir) });
  boss = await createOrgUser(t.db, 'ev.boss', ['head_of_sales']);
  sales = await createOrgUser(t.db, 'ev.sales', ['sales_manager'], { manager: boss.id });
  await t.db.query(`UPDATE sys_user SET locale = 'en' WHERE id = ANY($1::uuid[])`, [[boss.id, sales.id]]);
}, 120_000);
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const call = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
  const r = await t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${sales.token}` } });
  return { status: r.statusCode, body: r.json() };
};
const subjects = async (user: string) => (await t.db.query<{ subject: string }>('SELECT subject FROM sys_notification WHERE recipient = $1 ORDER BY created_at, id', [user])).map((r) => r.subject);

describe('event notification rules', () => {
  it('create: the owner is told, the reference shown by its title', async () => {
    const cpty = await call('POST', '/api/data/counterparty', { brand: 'Event Co' });
    const deal = await call('POST', '/api/data/deal', { title: 'Big one', counterparty: cpty.body.id, amount: 2000000 });
    expect(deal.status).toBe(201);
    expect(await subjects(sales.id)).toEqual(['New deal Big one with Event Co']);
    expect(await subjects(boss.id)).toEqual([]);
  });

  it('fieldChange with a condition: the manager is told about each stage change of a big deal, not of a small one, nor of other fields', async () => {
    const cpty = await call('POST', '/api/data/counterparty', { brand: 'Stage Co' });
    const big = await call('POST', '/api/data/deal', { title: 'Big', counterparty: cpty.body.id, amount: 1500000 });
    const small = await call('POST', '/api/data/deal', { title: 'Small', counterparty: cpty.body.id, amount: 1000 });
    let version = big.body.version;
    for (const patch of [{ stage: 'needs_identified' }, { description: 'just text' }, { stage: 'proposal' }]) {
      const r = await call('PATCH', `/api/data/deal/${big.body.id}`, { ...patch, version });
      expect(r.status).toBe(200);
      version = r.body.version;
    }
    expect((await call('PATCH', `/api/data/deal/${small.body.id}`, { stage: 'needs_identified', version: small.body.version })).status).toBe(200);
    const stages = t.model.entities.get('deal')?.stages ?? [];
    const label = (v: string) => stages.find((s) => s.value === v)?.label.en;
    expect(await subjects(boss.id)).toEqual([`Stage of Big: ${label('needs_identified')}`, `Stage of Big: ${label('proposal')}`]);
    // A refused write tells no one.
    expect((await call('PATCH', `/api/data/deal/${big.body.id}`, { stage: 'won', version: version - 1 })).status).toBe(412);
    expect(await subjects(boss.id)).toHaveLength(2);
  });
});
