import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateDemoData, normalizeBrand, normalizeEmail, normalizePhone, STAGE_HISTORY_KEY, type DemoData } from '../src/demo/generate.js';
import type { Entity, Field } from '../src/generated/metadata.js';
import { formatMetadataDir } from '../src/metadata/format.js';
import { SYSTEM_ENTITIES, SYSTEM_FIELDS } from '../src/metadata/system-entities.js';
import { validateMetadataDir, type MetadataSet } from '../src/metadata/validate.js';

/** The CRM application in metadata/ (issue 3): valid, canonical, with its stable API names. */
const dir = fileURLToPath(new URL('../../metadata/', import.meta.url));
let set: MetadataSet;
const entity = (name: string): Entity => {
  const found = set.entities.find((e) => e.name === name)?.def;
  if (!found) throw new Error(`no entity ${name}`);
  return found;
};
const field = (e: string, f: string): Field | undefined => entity(e).fields.find((x) => x.name === f);
const values = (e: string, f: string) => field(e, f)?.options?.map((o) => o.value);

beforeAll(async () => {
  const result = await validateMetadataDir(dir);
  expect(result.problems).toEqual([]);
  set = result.set;
});

describe('the CRM metadata', () => {
  it('is canonical: cardo format changes nothing', async () => {
    expect((await formatMetadataDir(dir, { check: true })).changed).toEqual([]);
  });

  it('is Russian-first with RUB and the RU phone region', () => {
    const app = set.app?.def;
    expect(app?.defaultLocale).toBe('ru');
    expect(app?.locales).toEqual(expect.arrayContaining(['ru', 'en']));
    expect(app?.currency).toBe('RUB');
    expect(app?.phoneRegion ?? 'RU').toBe('RU');
  });

  it.each([
    ['counterparty', ['brand', 'legalName', 'inn', 'status', 'phone', 'email']],
    ['contact', ['counterparty', 'fullName', 'phone', 'email']],
    ['deal', ['counterparty', 'title', 'amount', 'stage', 'expectedCloseDate']],
    ['interaction', ['type', 'result', 'counterparty', 'contact', 'deal', 'plannedAt', 'completedAt', 'description']],
    ['document', ['type', 'number', 'counterparty', 'deal', 'validTo', 'approvalStatus']],
    ['kpi_plan', ['employee', 'period', 'metric', 'target']],
  ])('%s has the stable fields', (name, fields) => {
    expect(entity(name).fields.map((f) => f.name)).toEqual(expect.arrayContaining(fields));
  });

  it.each([
    ['counterparty', ['brand']],
    ['contact', ['counterparty', 'fullName']],
    ['deal', ['counterparty', 'title']],
    ['interaction', ['counterparty', 'type']],
    ['document', ['counterparty', 'type']],
    ['kpi_plan', []],
  ])('%s requires exactly %j on create', (name, required) => {
    expect(entity(name).fields.filter((f) => f.required).map((f) => f.name).sort()).toEqual(required);
  });

  it.each([
    ['counterparty', 'status', ['potential', 'active', 'key', 'inactive', 'blacklisted']],
    ['interaction', 'type', ['outgoing_call', 'incoming_call', 'meeting', 'outgoing_letter', 'incoming_letter', 'showing', 'email', 'other']],
    ['interaction', 'result', ['meeting_scheduled', 'meeting_confirmed', 'meeting_held', 'showing_scheduled', 'showing_held', 'proposal_sent', 'contract_signed', 'refused', 'continue']],
    ['document', 'type', ['commercial_proposal', 'contract', 'additional_agreement', 'invoice', 'act']],
  ])('%s.%s has the stable values', (e, f, expected) => {
    expect(values(e, f)).toEqual(expected);
  });

  it('counterparty status defaults to potential and every status has a color', () => {
    expect(field('counterparty', 'status')?.default).toBe('potential');
    expect(field('counterparty', 'status')?.options?.every((o) => /^#/.test(o.color ?? ''))).toBe(true);
  });

  it('deal stages carry the agreed probabilities and outcomes', () => {
    expect(field('deal', 'stage')?.type).toBe('stage');
    expect(entity('deal').stages?.map((s) => [s.value, s.probability, s.outcome ?? null])).toEqual([
      ['first_contact', 10, null],
      ['needs_identified', 20, null],
      ['proposal', 40, null],
      ['negotiation', 60, null],
      ['contract', 80, null],
      ['won', 100, 'won'],
      ['lost', 0, 'lost'],
    ]);
  });

  it('blocks duplicate counterparties by phone, e-mail and brand, and warns on similar brands', () => {
    const rules = entity('counterparty').duplicateRules?.map((r) => [r.fields.join('+'), r.match, r.action, r.normalize ?? null]);
    expect(rules).toEqual(
      expect.arrayContaining([
        ['phone', 'exact', 'block', 'phone'],
        ['email', 'exact', 'block', 'email'],
        ['brand', 'exact', 'block', 'name'],
        ['brand', 'fuzzy', 'warn', 'name'],
      ]),
    );
    expect(entity('contact').duplicateRules?.flatMap((r) => r.fields)).toEqual(expect.arrayContaining(['email', 'phone']));
  });

  it('gives every entity a list view and a form, and counterparties the views and tabs users expect', () => {
    for (const { def } of set.entities) {
      expect(def.lists.length).toBeGreaterThan(0);
      expect(def.form.tabs.length).toBeGreaterThan(0);
    }
    expect(entity('counterparty').lists.map((l) => l.name)).toEqual(expect.arrayContaining(['all', 'my', 'key']));
    expect(entity('counterparty').lists.every((l) => (l.colorRules ?? []).length > 0)).toBe(true);
    expect(entity('counterparty').form.tabs.map((t) => t.kind ?? 'fields')).toEqual(['fields', 'related', 'related', 'timeline', 'related', 'links', 'history']);
  });

  it('has a template per document type, offered for that type', () => {
    for (const type of values('document', 'type') ?? []) {
      const template = set.templates.find((t) => t.name === type);
      expect(template?.def.when).toEqual({ type });
      expect(set.templateDocs.some((d) => d.name === type)).toBe(true);
    }
  });

  it('names its reports, calendars and workflows as agreed', () => {
    expect(set.reports.map((r) => r.name).sort()).toEqual(['forecast', 'kpi-plan-fact', 'sales-funnel']);
    expect(set.workflows.map((w) => w.name).sort()).toEqual(['assignment', 'document-approval']);
    expect(set.calendars.length).toBeGreaterThanOrEqual(3);
    expect(set.roles?.def.roles.map((r) => r.name).sort()).toEqual(['administrator', 'consultant', 'head_of_sales', 'lawyer', 'marketing', 'sales_manager']);
  });

  it('labels every menu entry of lists, calendars and reports differently, in each locale', () => {
    const app = set.app?.def;
    // As the runtime UI's menu labels them (AppLayout.tsx menuEntries).
    type Text = Readonly<Record<string, string | undefined>>;
    const labelOf = (item: NonNullable<typeof app>['menu'][number]['items'][number]): Text | undefined => {
      if (item.label) return item.label;
      if (item.entity) return entity(item.entity).pluralLabel;
      if (item.calendar) return set.calendars.find((c) => c.name === item.calendar)?.def.label;
      if (item.report) return set.reports.find((r) => r.name === item.report)?.def.label;
      return undefined; // built-in pages are labelled by the UI's messages
    };
    const labels = (app?.menu ?? []).flatMap((s) => s.items).map(labelOf).filter((l): l is Text => l !== undefined);
    for (const locale of app?.locales ?? []) {
      const texts = labels.map((l) => l[locale]);
      expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
    }
  });

  it('sends each notification to users resolved from user fields, roles or managers', () => {
    const all = [...set.entities.map((e) => e.def), ...SYSTEM_ENTITIES];
    for (const { def } of set.notifications) {
      const fields = [...SYSTEM_FIELDS, ...(all.find((e) => e.name === def.entity)?.fields ?? [])];
      for (const recipient of def.recipients) {
        const name = /field:(.+)$/.exec(recipient)?.[1];
        if (name) expect(fields.find((f) => f.name === name)?.type).toBe('user');
      }
    }
    expect(set.notifications.map((n) => n.name).sort()).toEqual(['contract-expiring-30', 'contract-expiring-7', 'deal-no-interaction', 'interaction-reminder', 'task-overdue']);
  });
});

describe('the demo data', () => {
  let data: DemoData;
  beforeAll(() => {
    data = generateDemoData({ seed: 1, now: new Date('2026-11-27T09:00:00Z') });
  });

  it('uses only declared fields and valid option values of each entity', () => {
    const problems: string[] = [];
    for (const [name, records] of Object.entries(data)) {
      const def = set.entities.find((e) => e.name === name)?.def ?? SYSTEM_ENTITIES.find((e) => e.name === name);
      if (!def) throw new Error(`no entity ${name}`);
      const fields = new Map([...SYSTEM_FIELDS, ...def.fields].map((f) => [f.name, f]));
      const stages = (def.stages ?? []).map((s) => s.value);
      for (const record of records) {
        for (const [key, value] of Object.entries(record)) {
          if (name === 'sys_user' && key === 'roles') continue; // loaded as role assignments
          if (key === STAGE_HISTORY_KEY && stages.length > 0) {
            // Not a field: the stage history loaded into sys_stage_history, [stage, ISO time] pairs.
            for (const [stage, at] of value as Array<[string, string]>) {
              if (!stages.includes(stage)) problems.push(`${name}.${key}: ${stage} is not a stage`);
              if (Number.isNaN(Date.parse(at))) problems.push(`${name}.${key}: ${at} is not a time`);
            }
            continue;
          }
          const f = fields.get(key);
          if (!f) problems.push(`${name}.${key} is not a field`);
          else if (value !== null && f.type === 'enum' && !f.options?.some((o) => o.value === value)) problems.push(`${name}.${key} = ${String(value)} is not an option`);
          else if (value !== null && f.type === 'stage' && !stages.includes(String(value))) problems.push(`${name}.${key} = ${String(value)} is not a stage`);
        }
        for (const f of def.fields) if (f.required && (record[f.name] === undefined || record[f.name] === null)) problems.push(`${name}.${f.name} is required`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('satisfies every blocking duplicate rule', () => {
    const normalize = (kind: string | undefined, type: string, v: unknown) => {
      if (v === null || v === undefined || v === '') return null;
      const text = String(v);
      if (kind === 'phone' || (!kind && type === 'phone')) return normalizePhone(text);
      if (kind === 'email' || (!kind && type === 'email')) return normalizeEmail(text);
      if (kind === 'name') return normalizeBrand(text);
      return text.trim().toLowerCase();
    };
    for (const { def } of set.entities) {
      for (const rule of (def.duplicateRules ?? []).filter((r) => r.action === 'block' && r.match === 'exact')) {
        const keys = (data[def.name as keyof DemoData] ?? []).map((r) => rule.fields.map((f) => normalize(rule.normalize, def.fields.find((x) => x.name === f)?.type ?? 'string', r[f])));
        const complete = keys.filter((k) => k.every((v) => v !== null)).map((k) => JSON.stringify(k));
        expect({ rule: `${def.name}.${rule.name}`, duplicates: complete.length - new Set(complete).size }).toEqual({ rule: `${def.name}.${rule.name}`, duplicates: 0 });
      }
    }
  });
});
