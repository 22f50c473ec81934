import { describe, expect, it } from '@jest/globals';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import {
  APPROVAL_STATUSES,
  COUNTERPARTY_STATUSES,
  DEAL_STAGES,
  DEMO_LOGINS,
  DEPARTMENT_NAMES,
  DOCUMENT_TYPES,
  INDUSTRIES,
  INTERACTION_RESULTS,
  INTERACTION_TYPES,
  KPI_METRICS,
  LOST_REASONS,
  PREFERRED_CHANNELS,
  PRODUCT_LINES,
  ROLES,
  SEGMENTS,
  SOURCES,
  generateDemoData,
  isValidInn,
  normalizeBrand,
  normalizeEmail,
  normalizePhone,
} from './generate.js';
import type { DemoData, Rec } from './generate.js';
import { withInnChecksum } from './inn.js';
import { UUID_V7_PATTERN, toUuidV7, uuidV7Time } from './uuid.js';

const now = new Date('2026-03-18T09:30:00Z');
const data = generateDemoData({ seed: 42, now });
const DAY = 86_400_000;
/** Moscow calendar date `offset` days from `now` */
const mskDate = (offset: number, at: Date = now): string => new Date(at.getTime() + 3 * 3_600_000 + offset * DAY).toISOString().slice(0, 10);

const byId = (records: Rec[]): Map<string, Rec> => new Map(records.map((r) => [r.id, r]));
const users = byId(data.sys_user);
const userByLogin = (d: DemoData, login: string): Rec => {
  const user = d.sys_user.find((u) => u.login === login);
  if (!user) throw new Error(`no user ${login}`);
  return user;
};
const departmentByName = (d: DemoData, name: string): Rec => {
  const department = d.sys_department.find((x) => x.name === name);
  if (!department) throw new Error(`no department ${name}`);
  return department;
};

describe('normalizers', () => {
  it.each([
    ['8 (495) 123-45-67', '+7 495 1234567'],
    ['+7 (916) 123-45-67', '8-916-123-45-67'],
    ['+79161234567', '8 916 123 45 67'],
    ['(812) 555-12-34', '+7 812 555 12 34'],
  ])('phone %s equals %s', (a, b) => {
    expect(normalizePhone(a)).not.toBeNull();
    expect(normalizePhone(a)).toBe(normalizePhone(b));
  });

  it('phone normalizes to E.164 and rejects non-numbers', () => {
    expect(normalizePhone('8 (495) 123-45-67')).toBe('+74951234567');
    expect(normalizePhone('not a phone')).toBeNull();
    expect(normalizePhone('8 (495) 123-45-67')).not.toBe(normalizePhone('8 (495) 123-45-68'));
  });

  it.each([
    ['  Info@Romashka.RU ', 'info@romashka.ru'],
    ['sales@romashka.ru', 'sales@romashka.ru'],
  ])('e-mail %j → %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    ['ООО «Ромашка»', 'Ромашка'],
    ['АО "Ромашка"', 'ромашка'],
    ['ПАО Ромашка', 'РОМАШКА'],
    ['ЗАО «Ромашка»', "'Ромашка'"],
    ['Romashka LLC', 'romashka'],
    ['Romashka, Inc.', 'ROMASHKA'],
    ['Romashka Ltd', 'romashka'],
    ['ООО  «Альфа-Строй»', 'Альфа  Строй'],
  ])('brand %s equals %s', (a, b) => {
    expect(normalizeBrand(a)).toBe(normalizeBrand(b));
  });

  it('brand normalization keeps distinct names distinct', () => {
    expect(normalizeBrand('ООО «Ромашка»')).toBe('ромашка');
    expect(normalizeBrand('Ромашка')).not.toBe(normalizeBrand('Ромашка Плюс'));
    expect(normalizeBrand('Каскад')).toBe('каскад'); // "ао" inside a word is not a legal form
  });
});

describe('INN', () => {
  it.each(['7707083893', '7736207543', '500100732259', '773370857141'])('%s is valid', (inn) => {
    expect(isValidInn(inn)).toBe(true);
  });
  it.each(['7707083894', '500100732258', '500100732250', '770708389', '77070838931', 'abcdefghij'])('%s is invalid', (inn) => {
    expect(isValidInn(inn)).toBe(false);
  });
  it('completes 9 and 10 digit bodies', () => {
    expect(withInnChecksum('770708389')).toBe('7707083893');
    expect(withInnChecksum('5001007322')).toBe('500100732259');
  });
});

describe('UUID v7', () => {
  it('lays out timestamp, version and variant', () => {
    const id = toUuidV7(Date.UTC(2026, 0, 1), [255, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
    expect(id).toMatch(UUID_V7_PATTERN);
    expect(uuidV7Time(id)).toBe(Date.UTC(2026, 0, 1));
    expect(toUuidV7(0, new Array(10).fill(0))).toBe('00000000-0000-7000-8000-000000000000');
  });
});

describe('generateDemoData', () => {
  it('is deterministic for a seed and differs for another seed', () => {
    expect(generateDemoData({ seed: 42, now })).toEqual(data);
    const other = generateDemoData({ seed: 43, now });
    expect(other.counterparty.map((c) => c.brand)).not.toEqual(data.counterparty.map((c) => c.brand));
    expect(other.sys_user.map((u) => u.id)).not.toEqual(data.sys_user.map((u) => u.id));
  });

  it('lists entities in load order with the expected sizes', () => {
    expect(Object.keys(data)).toEqual(['sys_department', 'sys_user', 'counterparty', 'contact', 'deal', 'interaction', 'document', 'kpi_plan']);
    expect(data.sys_department).toHaveLength(5);
    expect(data.sys_user).toHaveLength(25);
    expect(data.counterparty).toHaveLength(300);
    expect(data.deal.length / 300).toBeGreaterThan(1.2);
    expect(data.deal.length / 300).toBeLessThan(1.8);
    expect(generateDemoData({ seed: 1, now, counterparties: 40 }).counterparty).toHaveLength(40);
    expect(() => generateDemoData({ seed: 1, now, counterparties: 0 })).toThrow(RangeError);
  });

  it('gives every record a unique UUID v7 id', () => {
    const ids = Object.values(data).flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !UUID_V7_PATTERN.test(id))).toEqual([]);
  });

  it('builds the department tree and the stable logins', () => {
    const roots = data.sys_department.filter((d) => d.parent === null);
    expect(roots.map((d) => d.name)).toEqual([DEPARTMENT_NAMES.direction]);
    for (const d of data.sys_department) expect(users.get(String(d.head))).toBeDefined();

    for (const login of DEMO_LOGINS) expect(userByLogin(data, login)).toBeDefined();
    expect(data.sys_user.some((u) => u.login === 'admin')).toBe(false);
    for (const u of data.sys_user) {
      expect(u.login).toMatch(/^[a-z][a-z0-9_.-]{1,63}$/);
      expect(u.active).toBe(true);
      expect(u.locale).toBe('ru');
      expect(String(u.fullName).split(' ')).toHaveLength(3);
      for (const role of u.roles as string[]) expect(ROLES).toContain(role);
    }
    expect(new Set(data.sys_user.map((u) => u.login)).size).toBe(25);
    expect(data.sys_user.some((u) => u.login === 'user07')).toBe(true);

    const sales = departmentByName(data, DEPARTMENT_NAMES.sales);
    const headSales = userByLogin(data, 'head_sales');
    expect(sales.head).toBe(headSales.id);
    expect(headSales.department).toBe(sales.id);
    expect(headSales.roles).toContain('head_of_sales');
    for (const login of ['sales1', 'sales2']) {
      const u = userByLogin(data, login);
      expect(u.department).toBe(sales.id);
      expect(u.manager).toBe(headSales.id);
      expect(u.roles).toContain('sales_manager');
    }
    const sales3 = userByLogin(data, 'sales3');
    expect(sales3.department).not.toBe(sales.id);
    expect(sales3.roles).toContain('sales_manager');
    const otherHead = users.get(String(sales3.manager));
    expect(otherHead?.roles).toContain('head_of_sales');
    expect(otherHead?.id).not.toBe(headSales.id);
    expect(data.sys_department.find((d) => d.id === sales3.department)?.head).toBe(otherHead?.id);

    expect(userByLogin(data, 'lawyer').roles).toContain('lawyer');
    expect(userByLogin(data, 'marketing').roles).toContain('marketing');
    expect(userByLogin(data, 'consultant').roles).toContain('consultant');
  });

  it('makes every department head the manager of its members', () => {
    const heads = new Map(data.sys_department.map((d) => [d.id, d.head]));
    for (const u of data.sys_user) {
      const head = heads.get(String(u.department));
      if (head === u.id) {
        const parent = data.sys_department.find((d) => d.id === u.department)?.parent;
        expect(u.manager).toBe(parent ? heads.get(String(parent)) : null);
      } else {
        expect(u.manager).toBe(head);
      }
    }
  });

  it('fills the required fields', () => {
    const required: Array<[keyof DemoData, string[]]> = [
      ['counterparty', ['owner', 'brand', 'legalName', 'inn', 'status', 'phone', 'email']],
      ['contact', ['counterparty', 'fullName', 'phone', 'email']],
      ['deal', ['counterparty', 'title', 'stage', 'amount']],
      ['interaction', ['type', 'counterparty', 'plannedAt']],
      ['document', ['type', 'counterparty', 'number', 'date']],
      ['kpi_plan', ['employee', 'period', 'metric', 'target']],
    ];
    const missing: string[] = [];
    for (const [entity, fields] of required) {
      for (const record of data[entity]) {
        for (const field of fields) {
          const value = record[field];
          if (value === undefined || value === null || value === '') missing.push(`${entity}.${field} of ${record.id}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('points every reference at an existing record of the right kind', () => {
    const refs: Array<[keyof DemoData, string, keyof DemoData, boolean]> = [
      ['sys_department', 'parent', 'sys_department', true],
      ['sys_department', 'head', 'sys_user', false],
      ['sys_user', 'department', 'sys_department', false],
      ['sys_user', 'manager', 'sys_user', true],
      ['counterparty', 'owner', 'sys_user', false],
      ['contact', 'owner', 'sys_user', false],
      ['contact', 'counterparty', 'counterparty', false],
      ['deal', 'owner', 'sys_user', false],
      ['deal', 'counterparty', 'counterparty', false],
      ['deal', 'contact', 'contact', false],
      ['interaction', 'owner', 'sys_user', false],
      ['interaction', 'counterparty', 'counterparty', false],
      ['interaction', 'contact', 'contact', false],
      ['interaction', 'deal', 'deal', true],
      ['document', 'owner', 'sys_user', false],
      ['document', 'responsible', 'sys_user', false],
      ['document', 'counterparty', 'counterparty', false],
      ['document', 'deal', 'deal', true],
      ['kpi_plan', 'owner', 'sys_user', false],
      ['kpi_plan', 'employee', 'sys_user', false],
    ];
    const index = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, byId(v as Rec[])])) as Record<keyof DemoData, Map<string, Rec>>;
    const broken: string[] = [];
    for (const [entity, field, target, nullable] of refs) {
      for (const record of data[entity]) {
        const value = record[field];
        if (value === null && nullable) continue;
        if (typeof value !== 'string' || !index[target].has(value)) broken.push(`${entity}.${field} = ${String(value)}`);
      }
    }
    expect(broken).toEqual([]);

    // Links within a counterparty stay within it.
    const counterpartyOf = (entity: 'contact' | 'deal', id: unknown): unknown => (id === null ? undefined : index[entity].get(String(id))?.counterparty);
    const crossed = [
      ...data.deal.filter((d) => counterpartyOf('contact', d.contact) !== d.counterparty),
      ...data.interaction.filter((i) => counterpartyOf('contact', i.contact) !== i.counterparty || (i.deal !== null && counterpartyOf('deal', i.deal) !== i.counterparty)),
      ...data.document.filter((doc) => doc.deal !== null && counterpartyOf('deal', doc.deal) !== doc.counterparty),
    ];
    expect(crossed).toEqual([]);
  });

  it('keeps phones, e-mails and brands unique after normalization', () => {
    const phones = [
      ...data.counterparty.flatMap((c) => [c.phone, c.phone2].filter((p) => p !== undefined)),
      ...data.contact.map((c) => c.phone),
    ].map(String);
    const normalized = phones.map((p) => parsePhoneNumberFromString(p, 'RU'));
    expect(phones.filter((_, i) => normalized[i]?.isValid() !== true)).toEqual([]);
    const e164 = normalized.map((p) => p?.number);
    expect(new Set(e164).size).toBe(e164.length);
    expect(new Set(phones.map((p) => normalizePhone(p))).size).toBe(phones.length);
    // Several human formats are in use, not one canonical one.
    expect(new Set(phones.map((p) => p.replace(/\d/g, '0'))).size).toBeGreaterThan(3);

    const emails = [...data.counterparty, ...data.contact].map((r) => normalizeEmail(String(r.email)));
    expect(emails.filter((e) => !/^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$/.test(e))).toEqual([]);
    expect(new Set(emails).size).toBe(emails.length);
    const userEmails = data.sys_user.map((u) => normalizeEmail(String(u.email)));
    expect(new Set(userEmails).size).toBe(userEmails.length);

    const brands = data.counterparty.map((c) => normalizeBrand(String(c.brand)));
    expect(new Set(brands).size).toBe(brands.length);
    const organisations = data.counterparty.filter((c) => !String(c.legalName).startsWith('ИП '));
    expect(organisations.filter((c) => normalizeBrand(String(c.legalName)) !== normalizeBrand(String(c.brand)))).toEqual([]);
  });

  it('issues valid INNs: 10 digits for organisations, 12 for sole proprietors', () => {
    const sole = data.counterparty.filter((c) => String(c.legalName).startsWith('ИП '));
    expect(sole.length).toBeGreaterThan(0);
    expect(data.counterparty.filter((c) => !isValidInn(String(c.inn)) || String(c.inn).length !== (sole.includes(c) ? 12 : 10))).toEqual([]);
    expect(new Set(data.counterparty.map((c) => c.inn)).size).toBe(data.counterparty.length);
  });

  it('uses only the declared enum values, spread realistically', () => {
    const enums: Array<[keyof DemoData, string, readonly string[]]> = [
      ['counterparty', 'status', COUNTERPARTY_STATUSES],
      ['counterparty', 'industry', INDUSTRIES],
      ['counterparty', 'segment', SEGMENTS],
      ['counterparty', 'source', SOURCES],
      ['counterparty', 'preferredChannel', PREFERRED_CHANNELS],
      ['contact', 'preferredChannel', PREFERRED_CHANNELS],
      ['deal', 'stage', DEAL_STAGES],
      ['deal', 'productLine', PRODUCT_LINES],
      ['interaction', 'type', INTERACTION_TYPES],
      ['document', 'type', DOCUMENT_TYPES],
      ['document', 'approvalStatus', APPROVAL_STATUSES],
      ['kpi_plan', 'metric', KPI_METRICS],
    ];
    for (const [entity, field, values] of enums) {
      const used = new Set(data[entity].map((r) => r[field]));
      for (const value of used) expect([entity, field, values.includes(String(value))]).toEqual([entity, field, true]);
      expect([entity, field, used.size]).toEqual([entity, field, values.length]);
    }
    for (const i of data.interaction) if (i.result !== null) expect(INTERACTION_RESULTS).toContain(i.result);
    expect(new Set(data.interaction.map((i) => i.result)).size).toBe(INTERACTION_RESULTS.length + 1); // + null
    const statusCount = (s: string): number => data.counterparty.filter((c) => c.status === s).length;
    expect(statusCount('active')).toBeGreaterThan(statusCount('blacklisted'));
  });

  it('gives each featured login a good share of counterparties', () => {
    for (const login of ['head_sales', 'sales1', 'sales2', 'sales3']) {
      const id = userByLogin(data, login).id;
      expect(data.counterparty.filter((c) => c.owner === id).length).toBeGreaterThanOrEqual(15);
    }
    const salesDepartments = new Set([DEPARTMENT_NAMES.sales, DEPARTMENT_NAMES.regions].map((n) => departmentByName(data, n).id));
    for (const c of data.counterparty) expect(salesDepartments.has(String(users.get(String(c.owner))?.department))).toBe(true);
  });

  it('writes contacts and deals consistently', () => {
    const perCounterparty = new Map<unknown, number>();
    for (const c of data.contact) perCounterparty.set(c.counterparty, (perCounterparty.get(c.counterparty) ?? 0) + 1);
    expect(perCounterparty.size).toBe(data.counterparty.length);
    for (const n of perCounterparty.values()) expect(n >= 1 && n <= 4).toBe(true);
    for (const c of data.contact) expect(c.birthday).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    for (const d of data.deal) {
      expect(d.currency).toBe('rub');
      expect(typeof d.amount).toBe('number');
      expect(Math.round(Number(d.amount) * 100) / 100).toBe(d.amount);
      expect(Number(d.amount)).toBeGreaterThan(0);
      expect(d.expectedCloseDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (d.stage === 'lost') expect(LOST_REASONS).toContain(d.lostReason);
      else expect(d).not.toHaveProperty('lostReason');
      if (d.stage === 'won' || d.stage === 'lost') expect(String(d.expectedCloseDate) <= mskDate(0)).toBe(true);
    }
  });

  it('keeps interactions consistent with their deals and with time', () => {
    const deals = byId(data.deal);
    const stages = DEAL_STAGES as readonly string[];
    const problems = (i: Rec): string[] => {
      const found: string[] = [];
      const planned = Date.parse(String(i.plannedAt));
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(String(i.plannedAt))) found.push('plannedAt format');
      if (!(Number(i.durationMinutes) > 0)) found.push('duration');
      if ((i.dealStage === null) !== (i.deal === null)) found.push('stage without deal or deal without stage');
      if (planned < now.getTime() - 366 * DAY || planned > now.getTime() + 31 * DAY) found.push('outside the past year / next 30 days');
      if (i.completedAt === null) {
        if (i.result !== null) found.push('planned with a result');
      } else {
        const completed = Date.parse(String(i.completedAt));
        if (i.result === null) found.push('completed without a result');
        if (completed > now.getTime() || completed < planned) found.push('completedAt out of order');
      }
      if (i.deal === null) return found;
      const dealStage = String(deals.get(String(i.deal))?.stage);
      if (i.result === 'contract_signed' && !['contract', 'won'].includes(dealStage)) found.push('contract_signed on an unsigned deal');
      if (i.result === 'refused' && dealStage !== 'lost') found.push('refused on a live deal');
      // An interaction never happens in a stage beyond the deal's current one.
      if (dealStage !== 'won' && dealStage !== 'lost' && stages.indexOf(String(i.dealStage)) > stages.indexOf(dealStage)) found.push('stage ahead of the deal');
      if (i.completedAt === null && ['won', 'lost'].includes(dealStage)) found.push('planned on a closed deal');
      return found;
    };
    expect(data.interaction.flatMap((i) => problems(i).map((p) => `${i.id}: ${p}`))).toEqual([]);
    const signed = new Set(data.interaction.filter((i) => i.result === 'contract_signed').map((i) => i.deal));
    expect(data.deal.filter((d) => d.stage === 'won' && !signed.has(d.id))).toEqual([]);
  });

  it('plans interactions ahead, including today and tomorrow for the featured logins', () => {
    const planned = data.interaction.filter((i) => i.completedAt === null);
    expect(planned.filter((i) => Date.parse(String(i.plannedAt)) > now.getTime()).length).toBeGreaterThan(50);
    const onDay = (i: Rec): string => mskDate(0, new Date(String(i.plannedAt)));
    for (const login of ['head_sales', 'sales1', 'sales2', 'sales3']) {
      const own = planned.filter((i) => i.owner === userByLogin(data, login).id);
      expect(own.some((i) => onDay(i) === mskDate(0))).toBe(true);
      expect(own.some((i) => onDay(i) === mskDate(1))).toBe(true);
    }
  });

  it('produces documents, with contracts expiring within 7 and 30 days', () => {
    const today = mskDate(0);
    const contracts = data.document.filter((d) => d.type === 'contract');
    const expiringBy = (days: number): Rec[] =>
      contracts.filter((d) => d.approvalStatus === 'signed' && d.validTo !== null && String(d.validTo) > today && String(d.validTo) <= mskDate(days));
    expect(expiringBy(7).length).toBeGreaterThanOrEqual(2);
    expect(expiringBy(30).length).toBeGreaterThan(expiringBy(7).length);

    expect(new Set(data.document.map((d) => d.number)).size).toBe(data.document.length);
    for (const d of data.document) {
      expect(d.number).toMatch(/^[А-Я]+-\d{4}\/\d{4}$/);
      expect(String(d.date) <= today).toBe(true);
      if (d.validFrom !== null && d.validTo !== null) expect(String(d.validFrom) <= String(d.validTo)).toBe(true);
    }
    const deals = byId(data.deal);
    for (const d of data.document.filter((x) => x.type === 'contract' && x.deal !== null)) {
      expect(['contract', 'won', 'lost']).toContain(deals.get(String(d.deal))?.stage);
      if (d.approvalStatus === 'signed') expect(deals.get(String(d.deal))?.stage).toBe('won');
    }
  });

  it.each([
    [7, '2026-03-18T09:30:00Z', 12],
    [15, '2026-03-21T20:59:00Z', 15], // Saturday, a minute before Moscow midnight
    [27, '2025-12-31T23:00:00Z', 15], // already 1 January in Moscow
    [3, '2028-02-29T12:00:00Z', 1],
  ])('keeps the guarantees for seed %i at %s with %i counterparties', (seed, at, counterparties) => {
    const moment = new Date(at);
    const small = generateDemoData({ seed, now: moment, counterparties });
    const today = mskDate(0, moment);
    expect(small.counterparty).toHaveLength(counterparties);
    expect(small.document.some((d) => d.type === 'contract' && String(d.validTo) > today && String(d.validTo) <= mskDate(7, moment))).toBe(true);
    expect(small.interaction.some((i) => i.completedAt === null && Date.parse(String(i.plannedAt)) > moment.getTime())).toBe(true);
    expect(small.interaction.filter((i) => i.completedAt !== null && Date.parse(String(i.completedAt)) > moment.getTime())).toEqual([]);
    expect(small.document.filter((d) => String(d.date) > today)).toEqual([]);
    // The featured logins are served first, so each owns a counterparty once there are enough to go round.
    const owners = new Set(small.counterparty.map((c) => c.owner));
    const featured = ['head_sales', 'sales1', 'sales2', 'sales3'].filter((login) => owners.has(userByLogin(small, login).id));
    expect(featured).toHaveLength(Math.min(counterparties, 4));
    for (const login of featured) {
      const owner = userByLogin(small, login).id;
      const days = new Set(small.interaction.filter((i) => i.owner === owner && i.completedAt === null).map((i) => mskDate(0, new Date(String(i.plannedAt)))));
      expect([login, days.has(today), days.has(mskDate(1, moment))]).toEqual([login, true, true]);
    }
  });

  it('plans KPIs for every sales user for the current month, three before and two after', () => {
    const salesDepartments = new Set([DEPARTMENT_NAMES.sales, DEPARTMENT_NAMES.regions].map((n) => departmentByName(data, n).id));
    const salesUsers = data.sys_user.filter((u) => salesDepartments.has(String(u.department)));
    const periods = ['2025-12-01', '2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01'];
    expect(new Set(data.kpi_plan.map((k) => k.period))).toEqual(new Set(periods));
    expect(data.kpi_plan).toHaveLength(salesUsers.length * periods.length * KPI_METRICS.length);
    const keys = new Set(data.kpi_plan.map((k) => `${String(k.employee)}|${String(k.period)}|${String(k.metric)}`));
    expect(keys.size).toBe(data.kpi_plan.length);
    for (const k of data.kpi_plan) {
      expect(Number(k.target)).toBeGreaterThan(0);
      expect(k.owner).toBe(users.get(String(k.employee))?.manager);
    }
  });

  it('moves dates with `now`', () => {
    const later = generateDemoData({ seed: 42, now: new Date('2026-09-01T06:00:00Z') });
    expect(later.counterparty.map((c) => c.brand)).toEqual(data.counterparty.map((c) => c.brand));
    expect(later.kpi_plan[0]?.period).toBe('2026-06-01');
  });
});
