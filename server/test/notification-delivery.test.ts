/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are JSON; the assertions check their shape */
/**
 * Issue 8, notifications: date rules from metadata/notifications delivered in-app and by
 * e-mail to a real SMTP server in this process. The service's clock is moved to make
 * occurrences due (days are not waited for); everything else is the code the jobs run.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { EntityModel } from '../src/compile/compile.js';
import { smtpMailer } from '../src/notifications/email.js';
import { sendNotice } from '../src/notifications/send.js';
import { updateRecord } from '../src/records/records.service.js';
import { createOrgUser } from './helpers/access-org.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';


// Real database, SMTP and password hashing on a shared machine: more than Jest's 5 s default.
jest.setTimeout(60_000);
let t: TestApp;
let smtp: TestSmtp;
type User = { id: string; token: string; email: string };
const u = {} as Record<'sales' | 'boss' | 'deputy' | 'lawyer' | 'ru', User>;
const MIN = 60_000;
const DAY = 86_400_000;

async function user(login: string, roles: string[], extra: { manager?: string; locale?: string } = {}): Promise<User> {
  const created = await createOrgUser(t.db, login, roles, extra.manager ? { manager: extra.manager } : {});
  const email = `${login.replace(/[^a-z0-9]/g, '')}@example.test`;
  await t.db.query('UPDATE sys_user SET email = $2, locale = $3, full_name = $4 WHERE id = $1', [created.id, email, extra.locale ?? 'en', `Full ${login}`]);
  return { ...created, email };
}

async function call(who: User, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: any }> {
  const response = await t.app.inject({ method, url, headers: { authorization: `Bearer ${who.token}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.body ? response.json() : null };
}

/** Moves the notification clock to an instant and runs what the jobs run at that time. */
async function at(instant: Date): Promise<{ fired: number; mails: number }> {
  t.app.notifications.clock = () => instant;
  try {
    const fired = await t.app.notifications.fireDue();
    const run = await t.app.notifications.sendEmails();
    return { fired, mails: run.sent };
  } finally {
    t.app.notifications.clock = () => new Date();
  }
}

const schedules = (record: string) => t.db.query<{ rule: string; status: string; due_at: string; source_at: string }>('SELECT rule, status, due_at, source_at FROM ntf_schedule WHERE record_id = $1 ORDER BY rule', [record]);
const mailsTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));

let counterparty: string;
let contact: string;

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startSmtp();
  t.app.notifications.mailer = smtpMailer(smtp.url);
  u.boss = await user('n.boss', ['head_of_sales']);
  u.sales = await user('n.sales', ['sales_manager'], { manager: u.boss.id });
  u.deputy = await user('n.deputy', ['sales_manager']);
  u.lawyer = await user('n.lawyer', ['lawyer'], { manager: u.boss.id });
  u.ru = await user('n.ru', ['sales_manager'], { manager: u.boss.id, locale: 'ru' });
  const cp = await call(u.sales, 'POST', '/api/data/counterparty', { brand: 'Ромашка', legalName: 'ООО «Ромашка»', inn: '7707083893' });
  expect(cp.status).toBe(201);
  counterparty = cp.body.id;
  const person = await call(u.sales, 'POST', '/api/data/contact', { counterparty, fullName: 'Ivan Petrov', phone: '+7 495 123-45-67' });
  expect(person.status).toBe(201);
  contact = person.body.id;
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

describe('a planned interaction: a reminder 30 minutes ahead', () => {
  it('schedules with the write, sends one e-mail and one in-app notice when due, and never again', async () => {
    const plannedAt = new Date(Date.now() + 3 * 3600_000);
    plannedAt.setUTCSeconds(0, 0);
    const created = await call(u.sales, 'POST', '/api/data/interaction', { type: 'meeting', counterparty, contact, plannedAt: plannedAt.toISOString(), description: 'Bring the price list' });
    expect(created.status).toBe(201);
    const [schedule] = await schedules(created.body.id);
    expect(schedule).toMatchObject({ rule: 'interaction-reminder', status: 'scheduled', due_at: new Date(plannedAt.getTime() - 30 * MIN).toISOString() });

    expect(await at(new Date(plannedAt.getTime() - 31 * MIN))).toEqual({ fired: 0, mails: 0 });
    expect(await at(new Date(plannedAt.getTime() - 29 * MIN))).toEqual({ fired: 1, mails: 1 });
    await smtp.waitFor(1);
    const [mail] = mailsTo(u.sales.email);
    expect(mail?.subject).toBe('In 30 minutes: Meeting with Ромашка');
    // The time in the recipient's language and the application's zone (Europe/Moscow, UTC+3).
    const local = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Moscow' }).format(plannedAt);
    expect(mail?.text).toContain(`Meeting with Ромашка is planned at ${local}.`);
    expect(mail?.text).toContain('Contact person: Ivan Petrov, +7 495 123-45-67.');
    expect(mail?.text).toContain('Bring the price list');
    expect(mail?.text).not.toMatch(/undefined|null/);
    expect(mail?.from).toBe('cardo@localhost');

    const inbox = await call(u.sales, 'GET', '/api/notifications');
    const notice = inbox.body.items.find((i: { recordId: string }) => i.recordId === created.body.id);
    expect(notice).toMatchObject({ subject: 'In 30 minutes: Meeting with Ромашка', recordEntity: 'interaction' });
    const [delivery] = await t.db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM ntf_delivery WHERE record_id = $1 AND channel = 'email'`, [created.body.id]);
    expect(delivery).toEqual({ status: 'sent', attempts: 1 });
    const [emailStatus] = await t.db.query<{ email_status: string }>('SELECT email_status FROM sys_notification WHERE id = $1', [notice.id]);
    expect(emailStatus?.email_status).toBe('sent');

    // Firing again, or the same occurrence delivered again, changes nothing.
    expect(await at(new Date(plannedAt.getTime() - 10 * MIN))).toEqual({ fired: 0, mails: 0 });
    const [row] = await t.db.query<{ id: string }>('SELECT id::text AS id FROM ntf_schedule WHERE record_id = $1', [created.body.id]);
    await t.db.query(`UPDATE ntf_schedule SET status = 'scheduled' WHERE id = $1`, [row?.id]);
    t.app.notifications.clock = () => new Date(plannedAt.getTime() - 10 * MIN);
    expect(await t.app.notifications.fire(String(row?.id))).toBe('sent');
    t.app.notifications.clock = () => new Date();
    expect((await t.db.query('SELECT 1 FROM ntf_delivery WHERE record_id = $1', [created.body.id])).length).toBe(2);
    expect((await t.db.query('SELECT 1 FROM sys_notification WHERE record_id = $1', [created.body.id])).length).toBe(1);
    expect(mailsTo(u.sales.email)).toHaveLength(1);
  });

  it('cancels the reminder when the interaction is completed first, and when it is deleted', async () => {
    const plannedAt = new Date(Date.now() + 5 * 3600_000);
    const done = await call(u.sales, 'POST', '/api/data/interaction', { type: 'outgoing_call', counterparty, plannedAt: plannedAt.toISOString() });
    expect((await schedules(done.body.id))[0]?.status).toBe('scheduled');
    expect((await call(u.sales, 'PATCH', `/api/data/interaction/${done.body.id}`, { completedAt: new Date().toISOString(), version: done.body.version })).status).toBe(200);
    expect((await schedules(done.body.id))[0]?.status).toBe('cancelled');

    const gone = await call(u.sales, 'POST', '/api/data/interaction', { type: 'outgoing_call', counterparty, plannedAt: plannedAt.toISOString() });
    expect((await call(u.sales, 'DELETE', `/api/data/interaction/${gone.body.id}`)).status).toBe(204);
    expect((await schedules(gone.body.id))[0]?.status).toBe('cancelled');
    const before = smtp.received.length;
    expect(await at(new Date(plannedAt.getTime() - 10 * MIN))).toEqual({ fired: 0, mails: 0 });
    expect(smtp.received.length).toBe(before);
  });

  it('a write that fails schedules nothing', async () => {
    const before = await t.db.query('SELECT 1 FROM ntf_schedule');
    const refused = await call(u.sales, 'POST', '/api/data/interaction', { type: 'meeting', counterparty: '00000000-0000-7000-8000-000000000000', plannedAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(refused.status).toBe(400);
    expect((await t.db.query('SELECT 1 FROM ntf_schedule')).length).toBe(before.length);
  });
});

describe('a contract expiring in 7 days', () => {
  it('moving the expiry date cancels the old reminder; the new one is sent to the responsible and their manager', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
    const validTo = day(40);
    const doc = await call(u.lawyer, 'POST', '/api/data/document', { type: 'contract', number: 'Д-17', date: day(0), counterparty, amount: 1250000.5, validTo, responsible: u.ru.id });
    expect(doc.status).toBe(201);
    const nine = (d: string) => new Date(`${d}T06:00:00.000Z`); // 09:00 in Moscow
    const minus = (d: string, days: number) => new Date(nine(d).getTime() - days * DAY);
    expect(await schedules(doc.body.id)).toEqual([
      { rule: 'contract-expiring-30', status: 'scheduled', due_at: minus(validTo, 30).toISOString(), source_at: nine(validTo).toISOString() },
      { rule: 'contract-expiring-7', status: 'scheduled', due_at: minus(validTo, 7).toISOString(), source_at: nine(validTo).toISOString() },
    ]);

    const moved = day(50);
    expect((await call(u.lawyer, 'PATCH', `/api/data/document/${doc.body.id}`, { validTo: moved, version: doc.body.version })).status).toBe(200);
    const [, seven] = await schedules(doc.body.id);
    expect(seven).toMatchObject({ status: 'scheduled', due_at: minus(moved, 7).toISOString() });

    // The old due time passes with nothing sent for the 7-day rule (the 30-day one is not due yet either).
    const start = smtp.received.length;
    expect(await at(new Date(minus(validTo, 7).getTime() + MIN))).toEqual({ fired: 1, mails: 2 }); // 30 days before the new date
    const thirty = smtp.received.slice(start);
    expect(thirty.map((m) => m.subject)).toEqual(expect.arrayContaining(['Договор Д-17 с Ромашка истекает через 30 дней']));
    expect(await at(new Date(minus(moved, 7).getTime() - MIN))).toEqual({ fired: 0, mails: 0 });
    expect(await at(new Date(minus(moved, 7).getTime() + MIN))).toEqual({ fired: 1, mails: 2 });
    const sevenMails = smtp.received.slice(start + 2);
    expect(sevenMails.map((m) => m.to[0]).sort()).toEqual([u.boss.email, u.ru.email].sort());
    const ru = sevenMails.find((m) => m.to.includes(u.ru.email));
    const en = sevenMails.find((m) => m.to.includes(u.boss.email));
    // Each recipient in their own language: dates and money formatted for it.
    expect(ru?.subject).toBe('Договор Д-17 с Ромашка истекает через 7 дней');
    const ruDate = new Intl.DateTimeFormat('ru', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${moved}T00:00:00Z`));
    expect(ru?.text).toContain(`действует до ${ruDate}.`);
    expect(ru?.text).toContain('ООО «Ромашка» (ИНН 7707083893)');
    expect(ru?.text).toContain('Ответственный: Full n.ru.');
    expect(en?.subject).toBe('Contract Д-17 with Ромашка expires in 7 days');
    expect(en?.text).toContain(`is valid until ${new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${moved}T00:00:00Z`))}.`);
    // No deal: an empty value, never "undefined".
    expect(en?.text).toContain('Deal: . Responsible: Full n.ru.');
    expect(`${ru?.text}${en?.text}`).not.toMatch(/undefined|null/);
  });
});

describe('a deal with no interaction for 14 days', () => {
  it('counts from the last interaction, follows it when it moves (even by a write that ran no hook) and stops when the deal is closed', async () => {
    const deal = await call(u.sales, 'POST', '/api/data/deal', { title: 'Поставка кирпича', counterparty, amount: 980000 });
    expect(deal.status).toBe(201);
    const last = Date.parse(deal.body.lastInteractionAt);
    expect((await schedules(deal.body.id))[0]).toMatchObject({ rule: 'deal-no-interaction', status: 'scheduled', due_at: new Date(last + 14 * DAY).toISOString() });

    // An interaction on day 5 touches the deal: the automation's write, made by the runtime without hooks.
    const dealEntity = t.model.entities.get('deal') as EntityModel;
    const touched = new Date(last + 5 * DAY).toISOString();
    await updateRecord(t.db, t.model, dealEntity, deal.body.id, { lastInteractionAt: touched }, deal.body.version, { actor: { userId: u.sales.id } });
    // Day 14 after the old date: the job finds the date moved and re-schedules instead of sending.
    expect(await at(new Date(last + 14 * DAY + MIN))).toEqual({ fired: 0, mails: 0 });
    expect((await schedules(deal.body.id))[0]).toMatchObject({ status: 'scheduled', due_at: new Date(Date.parse(touched) + 14 * DAY).toISOString() });
    expect(await at(new Date(Date.parse(touched) + 14 * DAY + MIN))).toEqual({ fired: 1, mails: 1 });
    const mail = mailsTo(u.sales.email).at(-1);
    expect(mail?.subject).toBe('No interactions for 14 days: Поставка кирпича');
    expect(mail?.text).toMatch(/\(stage: First contact, amount: RUB\s980,000\.00\)/u);

    // Another deal, closed as won before the 14 days: nothing is sent.
    const won = await call(u.sales, 'POST', '/api/data/deal', { title: 'Won deal', counterparty });
    expect((await call(u.sales, 'PATCH', `/api/data/deal/${won.body.id}`, { stage: 'won', version: won.body.version })).status).toBe(200);
    expect((await schedules(won.body.id))[0]?.status).toBe('cancelled');
  });

  it('the sweep picks up writes that ran no hook', async () => {
    const deal = await call(u.sales, 'POST', '/api/data/deal', { title: 'Swept', counterparty });
    const dealEntity = t.model.entities.get('deal') as EntityModel;
    const touched = new Date(Date.now() + 2 * DAY).toISOString();
    await updateRecord(t.db, t.model, dealEntity, deal.body.id, { lastInteractionAt: touched }, deal.body.version, { actor: { userId: u.sales.id } });
    t.app.notifications.clock = () => new Date();
    expect(await t.app.notifications.sweep()).toBeGreaterThanOrEqual(1);
    expect((await schedules(deal.body.id))[0]).toMatchObject({ status: 'scheduled', due_at: new Date(Date.parse(touched) + 14 * DAY).toISOString() });
  });
});

describe('recipients and delivery', () => {
  it('a deputy receives the absent user\'s e-mail too; inactive users receive nothing', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const substitution = await t.as('admin', { method: 'POST', url: '/api/data/sys_substitution', payload: { absentUser: u.sales.id, deputy: u.deputy.id, from: today, to: today } });
    expect(substitution.statusCode).toBe(201);
    const interaction = await call(u.sales, 'POST', '/api/data/interaction', { type: 'meeting', counterparty, plannedAt: new Date(Date.now() + 2 * 3600_000).toISOString() });
    const record = (await t.db.query('SELECT * FROM interaction WHERE id = $1', [interaction.body.id]))[0] as Record<string, unknown>;
    const entity = t.model.entities.get('interaction') as EntityModel;
    const { toApiRecord } = await import('../src/records/record-mapping.js');
    const result = await t.db.transaction((tx) => sendNotice(tx, t.model, { entity, record: toApiRecord(entity, record), recipients: ['owner', 'role:lawyer'], channels: ['inApp', 'email'], subject: { en: 'About {{counterparty.brand}} / {{missing.path}}' }, body: { en: 'Owner {{owner.fullName}}' } }));
    expect(result.recipients.sort()).toEqual([u.sales.id, u.lawyer.id, u.deputy.id].sort());
    t.app.notifications.clock = () => new Date();
    await t.app.notifications.sendEmails();
    const deputyMail = mailsTo(u.deputy.email).at(-1);
    expect(deputyMail?.subject).toBe('About Ромашка /');
    expect(deputyMail?.text).toContain('You receive this as the deputy of Full n.sales.');
    // In-app: one notice, in the absent user's inbox, which the deputy sees on their behalf.
    const inbox = await call(u.deputy, 'GET', '/api/notifications');
    expect(inbox.body.items.find((i: { subject: string }) => i.subject === 'About Ромашка /')).toMatchObject({ recipient: u.sales.id, onBehalfOf: u.sales.id });

    await t.db.query('UPDATE sys_user SET active = false WHERE id = $1', [u.lawyer.id]);
    const again = await t.db.transaction((tx) => sendNotice(tx, t.model, { entity, record: toApiRecord(entity, record), recipients: ['role:lawyer'], channels: ['inApp', 'email'], subject: 'x' }));
    expect(again.recipients).toEqual([]);
    await t.db.query('UPDATE sys_user SET active = true WHERE id = $1', [u.lawyer.id]);
  });

  it('retries a refused e-mail with backoff and records every attempt', async () => {
    const interaction = await call(u.boss, 'POST', '/api/data/interaction', { type: 'meeting', counterparty, plannedAt: new Date(Date.now() + 3600_000).toISOString() });
    await t.app.notifications.sendEmails();
    const due = new Date(Date.now() + 31 * MIN);
    smtp.refuseNext(2);
    expect(await at(due)).toEqual({ fired: 1, mails: 0 });
    const delivery = () => t.db.query<{ status: string; attempts: number; last_error: string | null; next_attempt_at: string | null }>(`SELECT status, attempts, last_error, next_attempt_at FROM ntf_delivery WHERE record_id = $1 AND channel = 'email'`, [interaction.body.id]);
    let [row] = await delivery();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: new Date(due.getTime() + 30_000).toISOString() });
    expect(row?.last_error).toContain('Mailbox temporarily unavailable');
    // Not before the backoff has passed.
    expect((await at(new Date(due.getTime() + 10_000))).mails).toBe(0);
    expect((await at(new Date(due.getTime() + 31_000))).mails).toBe(0);
    [row] = await delivery();
    expect(row).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: new Date(due.getTime() + 31_000 + 60_000).toISOString() });
    expect((await at(new Date(due.getTime() + 92_000))).mails).toBe(1);
    [row] = await delivery();
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('without an SMTP server e-mail is recorded, not sent', async () => {
    const mailer = t.app.notifications.mailer;
    t.app.notifications.mailer = undefined;
    try {
      const interaction = await call(u.sales, 'POST', '/api/data/interaction', { type: 'meeting', counterparty, plannedAt: new Date(Date.now() + 3600_000).toISOString() });
      await at(new Date(Date.now() + 31 * MIN));
      const rows = await t.db.query<{ status: string }>(`SELECT status FROM ntf_delivery WHERE record_id = $1 AND channel = 'email'`, [interaction.body.id]);
      expect(rows.map((r) => r.status)).toContain('unsent');
    } finally {
      t.app.notifications.mailer = mailer;
    }
  });
});
