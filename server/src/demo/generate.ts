// Deterministic demo data for the CRM application: pure, no I/O. The same seed and `now`
// give deep-equal output; every random choice comes from one seeded faker instance.
// Records are keyed by entity API name in load order and reference each other by id.
// Dates are computed in Moscow time (UTC+3, no DST) so "today" matches a Russian user's day.
import { Faker, base, ru } from '@faker-js/faker';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { withInnChecksum } from './inn.js';
import { normalizeBrand, normalizeEmail } from '../records/normalize.js';
import { toUuidV7 } from './uuid.js';
import {
  BRAND_PREFIXES,
  BRAND_ROOTS,
  BRAND_SUFFIXES,
  BRAND_WORDS,
  CITIES,
  CONTACT_NOTES,
  CONTACT_POSITIONS,
  CORPORATE_MAILBOXES,
  DESCRIPTIONS,
  GENERAL_TOUCHES,
  INDUSTRIES,
  LOST_REASONS,
  MOBILE_CODES,
  NEXT_STEPS,
  PERSONAL_MAIL_DOMAINS,
  PHONE_FORMATS,
  PLANNED_AGENDA,
  PRODUCT_TITLES,
  SALES_POSITIONS,
  TOP_LEVEL_DOMAINS,
  WISHES,
} from './vocabulary.js';
import type { City, Industry } from './vocabulary.js';

export { normalizeBrand, normalizeEmail, normalizePhone } from '../records/normalize.js';
export { isValidInn } from './inn.js';
export { INDUSTRIES, LOST_REASONS } from './vocabulary.js';

export type Rec = Record<string, unknown> & { id: string };
export type DemoData = {
  sys_department: Rec[];
  sys_user: Rec[];
  counterparty: Rec[];
  contact: Rec[];
  deal: Rec[];
  interaction: Rec[];
  document: Rec[];
  kpi_plan: Rec[];
};

/** On a deal record: when it entered each stage it went through, in order (not a field: sys_stage_history, for the forecast). */
export const STAGE_HISTORY_KEY = '$stages';
export interface DemoOptions {
  seed: number;
  now: Date;
  /** number of counterparties, 300 by default */
  counterparties?: number;
}

// ---- value lists (enum values the metadata must declare) ------------------------------

export const ROLES = ['head_of_sales', 'sales_manager', 'lawyer', 'marketing', 'consultant'] as const;
export const COUNTERPARTY_STATUSES = ['potential', 'active', 'key', 'inactive', 'blacklisted'] as const;
export const SEGMENTS = ['smb', 'mid', 'enterprise'] as const;
export const SOURCES = ['website', 'referral', 'cold_call', 'exhibition', 'advertising', 'partner'] as const;
export const PREFERRED_CHANNELS = ['phone', 'email', 'meeting', 'messenger'] as const;
export const DEAL_STAGES = ['first_contact', 'needs_identified', 'proposal', 'negotiation', 'contract', 'won', 'lost'] as const;
export const PRODUCT_LINES = ['licenses', 'implementation', 'support', 'consulting', 'training'] as const;
export const INTERACTION_TYPES = [
  'outgoing_call', 'incoming_call', 'meeting', 'outgoing_letter', 'incoming_letter', 'showing', 'email', 'other',
] as const;
export const INTERACTION_RESULTS = [
  'meeting_scheduled', 'meeting_confirmed', 'meeting_held', 'showing_scheduled', 'showing_held', 'proposal_sent',
  'contract_signed', 'refused', 'continue',
] as const;
export const DOCUMENT_TYPES = ['commercial_proposal', 'contract', 'additional_agreement', 'invoice', 'act'] as const;
export const APPROVAL_STATUSES = ['draft', 'in_review', 'approved', 'rework', 'rejected', 'signed'] as const;
export const KPI_METRICS = ['calls', 'meetings_held', 'proposals_sent', 'contracts_signed', 'revenue_won'] as const;
/** Document number prefixes: `Д-2026/0153`. */
export const DOCUMENT_NUMBER_PREFIXES: Record<DocumentType, string> = {
  commercial_proposal: 'КП',
  contract: 'Д',
  additional_agreement: 'ДС',
  invoice: 'СЧ',
  act: 'АКТ',
};

/** Logins the generator always produces (the runtime itself creates `admin`). */
export const DEMO_LOGINS = [
  'director', 'head_sales', 'sales1', 'sales2', 'head_regions', 'sales3', 'lawyer', 'marketing', 'consultant',
] as const;

export const DEPARTMENT_NAMES = {
  direction: 'Коммерческая дирекция',
  sales: 'Отдел продаж',
  regions: 'Отдел продаж — регионы',
  legal: 'Юридический отдел',
  marketing: 'Маркетинг',
} as const;

type Role = (typeof ROLES)[number];
type Status = (typeof COUNTERPARTY_STATUSES)[number];
type Segment = (typeof SEGMENTS)[number];
type Stage = (typeof DEAL_STAGES)[number];
type OpenStage = Exclude<Stage, 'won' | 'lost'>;
type ProductLine = (typeof PRODUCT_LINES)[number];
type InteractionType = (typeof INTERACTION_TYPES)[number];
type InteractionResult = (typeof INTERACTION_RESULTS)[number];
type DocumentType = (typeof DOCUMENT_TYPES)[number];
type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];
type DepartmentKey = keyof typeof DEPARTMENT_NAMES;

const OPEN_STAGES: readonly OpenStage[] = ['first_contact', 'needs_identified', 'proposal', 'negotiation', 'contract'];

// ---- time (Moscow is UTC+3 all year) ----------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MSK = 3 * HOUR;

/** UTC instant of Moscow midnight of the day containing `ms`. */
const dayStart = (ms: number): number => Math.floor((ms + MSK) / DAY) * DAY - MSK;
/** Moscow calendar date of an instant, YYYY-MM-DD. */
const ymd = (ms: number): string => new Date(ms + MSK).toISOString().slice(0, 10);
const iso = (ms: number): string => new Date(ms).toISOString();
const isWeekend = (day: number): boolean => [0, 6].includes(new Date(day + MSK).getUTCDay());
const round2 = (x: number): number => Math.round(x * 100) / 100;
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

// ---- randomness: one seeded faker, wrapped for brevity ----------------------------------

type Weighted<T> = ReadonlyArray<readonly [T, number]>;

function makeRandom(f: Faker) {
  return {
    int: (min: number, max: number): number => f.number.int({ min, max }),
    pick: <T>(items: readonly T[]): T => f.helpers.arrayElement(items),
    weighted: <T>(entries: Weighted<T>): T =>
      f.helpers.weightedArrayElement(entries.map(([value, weight]) => ({ value, weight }))),
    chance: (probability: number): boolean => f.datatype.boolean({ probability }),
    shuffle: <T>(items: readonly T[]): T[] => f.helpers.shuffle([...items]),
    digits: (n: number): string => Array.from({ length: n }, () => String(f.number.int({ min: 0, max: 9 }))).join(''),
    bytes: (n: number): number[] => Array.from({ length: n }, () => f.number.int({ min: 0, max: 255 })),
  };
}

// ---- transliteration for e-mails and domains ---------------------------------------------

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};
const translit = (s: string): string =>
  [...s.toLowerCase()].map((ch) => TRANSLIT[ch] ?? (/[a-z0-9]/.test(ch) ? ch : '-')).join('').replace(/-+/g, '-').replace(/^-|-$/g, '');

// ---- internal shapes --------------------------------------------------------------------

interface Person {
  last: string;
  first: string;
  middle: string;
  fullName: string;
}
interface User {
  id: string;
  login: string;
  department: DepartmentKey;
  roles: Role[];
  isHead: boolean;
}
interface Counterparty {
  id: string;
  owner: string;
  brand: string;
  status: Status;
  segment: Segment;
  domain: string;
  createdMs: number;
  contacts: string[];
}
interface Deal {
  id: string;
  owner: string;
  counterparty: Counterparty;
  contact: string;
  stage: Stage;
  productLine: ProductLine;
  amount: number;
  startMs: number;
  /** close day for won/lost deals */
  closeMs: number | null;
  /** first completed interaction per stage, for dating documents */
  stageEnteredMs: Partial<Record<Stage, number>>;
}

/** (type, result) pairs that make sense while a deal sits in a stage. */
const STAGE_ACTIVITY: Record<OpenStage, { during: Weighted<readonly [InteractionType, InteractionResult]>; leave: Weighted<readonly [InteractionType, InteractionResult]> }> = {
  first_contact: {
    during: [[['outgoing_call', 'continue'], 4], [['incoming_call', 'continue'], 2], [['email', 'continue'], 2], [['incoming_letter', 'continue'], 1]],
    leave: [[['outgoing_call', 'meeting_scheduled'], 4], [['incoming_call', 'meeting_scheduled'], 2], [['outgoing_call', 'showing_scheduled'], 2]],
  },
  needs_identified: {
    during: [[['outgoing_call', 'meeting_confirmed'], 3], [['meeting', 'meeting_held'], 3], [['email', 'continue'], 2], [['outgoing_call', 'showing_scheduled'], 1]],
    leave: [[['meeting', 'meeting_held'], 3], [['showing', 'showing_held'], 2]],
  },
  proposal: {
    during: [[['outgoing_call', 'continue'], 3], [['incoming_call', 'continue'], 2], [['email', 'proposal_sent'], 2]],
    leave: [[['email', 'proposal_sent'], 3], [['outgoing_letter', 'proposal_sent'], 2]],
  },
  negotiation: {
    during: [[['outgoing_call', 'continue'], 3], [['incoming_call', 'continue'], 2], [['meeting', 'meeting_held'], 2]],
    leave: [[['meeting', 'meeting_held'], 3], [['outgoing_call', 'continue'], 1]],
  },
  contract: {
    during: [[['outgoing_letter', 'continue'], 2], [['incoming_letter', 'continue'], 2], [['outgoing_call', 'continue'], 2]],
    leave: [[['meeting', 'contract_signed'], 1], [['incoming_letter', 'contract_signed'], 2]],
  },
};
const REFUSAL: Weighted<readonly [InteractionType, InteractionResult]> = [
  [['incoming_call', 'refused'], 3], [['email', 'refused'], 2], [['incoming_letter', 'refused'], 1], [['outgoing_call', 'refused'], 2],
];
const DURATION: Record<InteractionType, readonly [number, number]> = {
  outgoing_call: [5, 30], incoming_call: [5, 20], meeting: [45, 120], showing: [60, 90],
  outgoing_letter: [15, 30], incoming_letter: [10, 15], email: [10, 20], other: [15, 30],
};

// ---- the generator ----------------------------------------------------------------------

export function generateDemoData(options: DemoOptions): DemoData {
  const counterpartyCount = options.counterparties ?? 300;
  if (!Number.isInteger(counterpartyCount) || counterpartyCount < 1) {
    throw new RangeError(`counterparties must be a positive integer, got ${counterpartyCount}`);
  }
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('now must be a valid date');

  const faker = new Faker({ locale: [ru, base] });
  faker.seed(options.seed);
  faker.setDefaultRefDate(options.now);
  const r = makeRandom(faker);

  const today = dayStart(nowMs);
  const day = (offset: number): number => today + offset * DAY;
  /** Moscow midnight of a working day near `ms`: Saturday → Friday, Sunday → Monday, whichever stays in [min, max] */
  const workday = (ms: number, min = -Infinity, max = Infinity): number => {
    const d = dayStart(ms);
    if (!isWeekend(d)) return d;
    const saturday = new Date(d + MSK).getUTCDay() === 6;
    const friday = d - (saturday ? 1 : 2) * DAY;
    const monday = d + (saturday ? 2 : 1) * DAY;
    const minDay = Number.isFinite(min) ? dayStart(min) : -Infinity;
    const [preferred, other] = saturday ? [friday, monday] : [monday, friday];
    for (const candidate of [preferred, other]) if (candidate >= minDay && candidate <= max) return candidate;
    return d;
  };
  const at = (dayMs: number, hour: number, minute: number): number => dayMs + hour * HOUR + minute * MINUTE;
  const officeTime = (dayMs: number): number => at(dayMs, r.int(9, 17), r.pick([0, 15, 30, 45]));

  const usedIds = new Set<string>();
  const newId = (createdMs: number): string => {
    for (;;) {
      const id = toUuidV7(Math.max(0, Math.min(Math.round(createdMs), nowMs)), r.bytes(10));
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };

  const usedPhones = new Set<string>();
  const usedEmails = new Set<string>();
  const usedNames = new Set<string>();
  const usedInns = new Set<string>();
  const usedDomains = new Set<string>();

  const phone = (kind: 'landline' | 'mobile', city: City): string => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const area = kind === 'mobile' ? r.pick(MOBILE_CODES) : r.pick(city.areaCodes);
      const subscriber = String(r.int(2, 9)) + r.digits(6);
      const text = r.weighted(PHONE_FORMATS)(area, subscriber);
      const parsed = parsePhoneNumberFromString(text, 'RU');
      if (parsed?.isValid() && !usedPhones.has(parsed.number)) {
        usedPhones.add(parsed.number);
        return text;
      }
    }
    throw new Error('demo: could not produce a unique phone number');
  };
  /** the first unused address among the candidates, else the first with a numeric suffix */
  const email = (candidates: readonly string[]): string => {
    for (const candidate of candidates) {
      if (!usedEmails.has(normalizeEmail(candidate))) {
        usedEmails.add(normalizeEmail(candidate));
        return candidate;
      }
    }
    const [local, domain] = (candidates[0] ?? 'contact@example.ru').split('@') as [string, string];
    for (let n = 2; ; n++) {
      const candidate = `${local}${n}@${domain}`;
      if (!usedEmails.has(normalizeEmail(candidate))) {
        usedEmails.add(normalizeEmail(candidate));
        return candidate;
      }
    }
  };
  const person = (): Person => {
    for (;;) {
      const sex = r.chance(0.55) ? 'male' : 'female';
      const last = faker.person.lastName(sex);
      const first = faker.person.firstName(sex);
      const middle = faker.person.middleName(sex);
      const fullName = `${last} ${first} ${middle}`;
      if (!usedNames.has(fullName)) {
        usedNames.add(fullName);
        return { last, first, middle, fullName };
      }
    }
  };
  const inn = (city: City, individual: boolean): string => {
    for (;;) {
      const office = pad(r.int(1, 46), 2);
      const value = withInnChecksum(city.region + office + r.digits(individual ? 6 : 5));
      if (!usedInns.has(value)) {
        usedInns.add(value);
        return value;
      }
    }
  };

  // ---- departments and users ----------------------------------------------------------

  const departmentIds = Object.fromEntries(
    (Object.keys(DEPARTMENT_NAMES) as DepartmentKey[]).map((key) => [key, newId(day(-420))]),
  ) as Record<DepartmentKey, string>;
  const departmentParent: Record<DepartmentKey, DepartmentKey | null> = {
    direction: null, sales: 'direction', regions: 'direction', legal: 'direction', marketing: 'direction',
  };

  // Heads come before their members so every manager is created before the people under them.
  type UserPlan = { login?: string; department: DepartmentKey; roles: Role[]; position: string; isHead?: boolean };
  const plan: UserPlan[] = [
    { login: 'director', department: 'direction', roles: ['head_of_sales'], position: 'Коммерческий директор', isHead: true },
    { login: 'head_sales', department: 'sales', roles: ['head_of_sales'], position: 'Руководитель отдела продаж', isHead: true },
    { login: 'sales1', department: 'sales', roles: ['sales_manager'], position: 'Старший менеджер по продажам' },
    { login: 'sales2', department: 'sales', roles: ['sales_manager'], position: 'Менеджер по продажам' },
    { login: 'head_regions', department: 'regions', roles: ['head_of_sales'], position: 'Руководитель отдела региональных продаж', isHead: true },
    { login: 'sales3', department: 'regions', roles: ['sales_manager'], position: 'Менеджер по региональным продажам' },
    { department: 'legal', roles: ['lawyer'], position: 'Начальник юридического отдела', isHead: true },
    { login: 'lawyer', department: 'legal', roles: ['lawyer'], position: 'Юрисконсульт' },
    { department: 'marketing', roles: ['marketing'], position: 'Руководитель отдела маркетинга', isHead: true },
    { login: 'marketing', department: 'marketing', roles: ['marketing'], position: 'Маркетолог' },
    { login: 'consultant', department: 'direction', roles: ['consultant'], position: 'Бизнес-аналитик' },
    ...Array.from({ length: 7 }, (): UserPlan => ({ department: 'sales', roles: ['sales_manager'], position: r.pick(SALES_POSITIONS) })),
    ...Array.from({ length: 5 }, (): UserPlan => ({ department: 'regions', roles: ['sales_manager'], position: r.pick(SALES_POSITIONS) })),
    { department: 'legal', roles: ['lawyer'], position: 'Юрист' },
    { department: 'marketing', roles: ['marketing'], position: 'Специалист по интернет-маркетингу' },
  ];
  const users: User[] = plan.map((p, i) => ({
    id: newId(day(-400) + i * HOUR),
    login: p.login ?? `user${pad(i + 1, 2)}`,
    department: p.department,
    roles: p.roles,
    isHead: p.isHead === true,
  }));
  const userByLogin = new Map(users.map((u) => [u.login, u]));
  const mustUser = (login: string): User => {
    const user = userByLogin.get(login);
    if (!user) throw new Error(`demo: no user ${login}`);
    return user;
  };
  const headOf = (department: DepartmentKey): User => {
    const head = users.find((u) => u.isHead && u.department === department);
    if (!head) throw new Error(`demo: no head for ${department}`);
    return head;
  };
  const managerOf = (user: User): User | null => {
    if (!user.isHead) return headOf(user.department);
    const parent = departmentParent[user.department];
    return parent ? headOf(parent) : null;
  };

  const sys_department: Rec[] = (Object.keys(DEPARTMENT_NAMES) as DepartmentKey[]).map((key) => {
    const parent = departmentParent[key];
    return { id: departmentIds[key], name: DEPARTMENT_NAMES[key], parent: parent ? departmentIds[parent] : null, head: headOf(key).id };
  });

  const anyCity = CITIES[0] as City;
  const sys_user: Rec[] = users.map((user, i) => {
    const p = person();
    return {
      id: user.id,
      login: user.login,
      fullName: p.fullName,
      email: email([`${translit(p.first).charAt(0)}.${translit(p.last)}@cardo.example`, `${translit(p.first)}.${translit(p.last)}@cardo.example`]),
      phone: phone(r.chance(0.7) ? 'mobile' : 'landline', anyCity),
      position: plan[i]?.position ?? '',
      department: departmentIds[user.department],
      manager: managerOf(user)?.id ?? null,
      active: true,
      locale: 'ru',
      roles: [...user.roles],
    };
  });

  const salesUsers = users.filter((u) => u.department === 'sales' || u.department === 'regions');
  const featured = new Set(['head_sales', 'sales1', 'sales2', 'sales3']);
  // The four featured logins own about half of all counterparties (3 cards each in the deck,
  // 1 for everyone else); dealing a shuffled deck keeps the shares close to that, unlike drawing.
  const ownerDeck = salesUsers.flatMap((u) => Array.from({ length: featured.has(u.login) ? 3 : 1 }, () => u));
  // The first cards dealt go to the featured logins, so even a tiny data set gives each of them something.
  let dealt: User[] = [...r.shuffle(ownerDeck), ...r.shuffle(salesUsers.filter((u) => featured.has(u.login)))];
  const nextOwner = (): User => {
    if (dealt.length === 0) dealt = r.shuffle(ownerDeck);
    return dealt.pop() as User;
  };
  const lawyers: Weighted<User> = users.filter((u) => u.roles.includes('lawyer')).map((u) => [u, u.login === 'lawyer' ? 6 : 2] as const);

  // ---- counterparties -----------------------------------------------------------------

  const usedBrandKeys = new Set<string>();
  const brand = (industry: Industry, city: City): string => {
    const build = (): string => {
      const root = r.pick(BRAND_ROOTS);
      const prefixes = BRAND_PREFIXES[industry];
      if (prefixes && r.chance(0.5)) return `${r.pick(prefixes)} ${root}`;
      const suffix = r.pick(BRAND_SUFFIXES[industry]);
      return r.weighted<() => string>([
        [() => root, 25],
        [() => root + suffix.toLowerCase(), 20],
        [() => `${root}-${suffix}`, 15],
        [() => `${root} ${r.pick(BRAND_WORDS)}`, 15],
        [() => `${root}${suffix}`, 25],
      ])();
    };
    for (let attempt = 0; ; attempt++) {
      let candidate = build();
      if (attempt >= 40) candidate = `${candidate} ${city.name}`;
      if (attempt >= 80) candidate = `${candidate} ${attempt}`;
      // Spaces and hyphens are ignored here so «Альфа-Строй» and «Альфастрой» never both appear.
      const key = normalizeBrand(candidate).replace(/\s/g, '');
      if (!usedBrandKeys.has(key)) {
        usedBrandKeys.add(key);
        return candidate;
      }
    }
  };
  const domainFor = (brandName: string): string => {
    const name = translit(normalizeBrand(brandName));
    const tld = r.weighted(TOP_LEVEL_DOMAINS);
    for (let n = 1; ; n++) {
      const domain = `${name}${n === 1 ? '' : n}.${tld}`;
      if (!usedDomains.has(domain)) {
        usedDomains.add(domain);
        return domain;
      }
    }
  };
  const address = (city: City): string => {
    const postcode = city.postcodePrefix + r.digits(6 - city.postcodePrefix.length);
    const building = `д. ${r.int(1, 150)}${r.chance(0.2) ? `, корп. ${r.int(1, 5)}` : ''}`;
    const office = r.chance(0.7) ? `, офис ${r.int(1, 40)}${pad(r.int(1, 20), 2)}` : '';
    return `${postcode}, г. ${city.name}, ${faker.location.street()}, ${building}${office}`;
  };
  const personalEmail = (p: Person): string[] => {
    const domain = r.pick(PERSONAL_MAIL_DOMAINS);
    const last = translit(p.last);
    const first = translit(p.first);
    return [`${last}.${first}@${domain}`, `${first}.${last}@${domain}`, `${last}${r.int(70, 99)}@${domain}`];
  };

  const counterparties: Counterparty[] = [];
  const counterparty: Rec[] = [];
  const contact: Rec[] = [];
  for (let i = 0; i < counterpartyCount; i++) {
    const city = r.weighted(CITIES.map((c) => [c, c.weight] as const));
    const segment = r.weighted<Segment>([['smb', 55], ['mid', 30], ['enterprise', 15]]);
    const form = r.weighted<string>(
      segment === 'smb' ? [['ООО', 73], ['ИП', 22], ['АО', 5]]
        : segment === 'mid' ? [['ООО', 75], ['АО', 15], ['ЗАО', 10]]
          : [['АО', 45], ['ПАО', 35], ['ООО', 20]],
    );
    const individual = form === 'ИП';
    const industry = r.pick(INDUSTRIES);
    const status = r.weighted<Status>(
      segment === 'enterprise'
        ? [['potential', 25], ['active', 40], ['key', 25], ['inactive', 7], ['blacklisted', 3]]
        : [['potential', 31], ['active', 38], ['key', 8], ['inactive', 16], ['blacklisted', 7]],
    );
    const owner = nextOwner();
    const brandName = brand(industry, city);
    const proprietor = individual ? person() : null;
    const domain = domainFor(brandName);
    const createdMs = day(-r.int(30, 400));
    const cp: Counterparty = { id: newId(createdMs), owner: owner.id, brand: brandName, status, segment, domain, createdMs, contacts: [] };
    counterparties.push(cp);

    const record: Rec = {
      id: cp.id,
      owner: owner.id,
      brand: brandName,
      legalName: proprietor ? `ИП ${proprietor.last} ${proprietor.first.charAt(0)}. ${proprietor.middle.charAt(0)}.` : `${form} «${brandName}»`,
      inn: inn(city, individual),
      status,
      industry,
      segment,
      phone: phone(individual && r.chance(0.6) ? 'mobile' : 'landline', city),
    };
    if (r.chance(0.35)) record.phone2 = phone(r.chance(0.5) ? 'mobile' : 'landline', city);
    Object.assign(record, {
      email: email(proprietor && r.chance(0.6) ? personalEmail(proprietor) : [`${r.pick(CORPORATE_MAILBOXES)}@${domain}`, ...CORPORATE_MAILBOXES.map((m) => `${m}@${domain}`)]),
      website: `https://${domain}`,
      address: address(city),
      source: r.weighted<(typeof SOURCES)[number]>([['website', 25], ['referral', 20], ['cold_call', 20], ['exhibition', 10], ['advertising', 15], ['partner', 10]]),
      wishes: r.shuffle(WISHES).slice(0, r.int(1, 2)).join('; '),
      preferredChannel: r.weighted<(typeof PREFERRED_CHANNELS)[number]>([['phone', 40], ['email', 30], ['meeting', 15], ['messenger', 15]]),
    });
    counterparty.push(record);

    // ---- contacts of this counterparty
    const contactCount = segment === 'smb' ? r.int(1, 2) : segment === 'mid' ? r.int(2, 3) : r.int(3, 4);
    const positions = r.shuffle(CONTACT_POSITIONS);
    for (let c = 0; c < contactCount; c++) {
      const p = c === 0 && proprietor ? proprietor : person();
      const position = c === 0
        ? (proprietor ? 'Индивидуальный предприниматель' : 'Генеральный директор')
        : positions[c] ?? 'Менеджер';
      const first = translit(p.first);
      const last = translit(p.last);
      const corporate = [`${first.charAt(0)}.${last}@${domain}`, `${last}@${domain}`, `${first}.${last}@${domain}`];
      const id = newId(createdMs + (c + 1) * HOUR);
      cp.contacts.push(id);
      contact.push({
        id,
        owner: owner.id,
        counterparty: cp.id,
        fullName: p.fullName,
        position,
        phone: phone('mobile', city),
        email: email(r.chance(0.7) ? corporate : personalEmail(p)),
        birthday: `${new Date(nowMs).getUTCFullYear() - r.int(24, 62)}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`,
        preferredChannel: r.weighted<(typeof PREFERRED_CHANNELS)[number]>([['phone', 45], ['email', 25], ['meeting', 10], ['messenger', 20]]),
        notes: r.pick(CONTACT_NOTES),
      });
    }
  }

  // ---- deals --------------------------------------------------------------------------

  const deals: Deal[] = [];
  const deal: Rec[] = [];
  for (const cp of counterparties) {
    const count = r.weighted<number>(
      cp.status === 'potential' ? [[0, 10], [1, 55], [2, 35]]
        : cp.status === 'active' ? [[1, 35], [2, 45], [3, 20]]
          : cp.status === 'key' ? [[2, 40], [3, 40], [4, 20]]
            : cp.status === 'inactive' ? [[0, 50], [1, 50]]
              : [[0, 60], [1, 40]],
    );
    for (let k = 0; k < count; k++) {
      const stage = r.weighted<Stage>(
        cp.status === 'potential' ? [['first_contact', 35], ['needs_identified', 30], ['proposal', 20], ['negotiation', 8], ['lost', 7]]
          : cp.status === 'active' ? [['first_contact', 8], ['needs_identified', 10], ['proposal', 14], ['negotiation', 12], ['contract', 8], ['won', 32], ['lost', 16]]
            : cp.status === 'key' ? [['first_contact', 5], ['needs_identified', 8], ['proposal', 12], ['negotiation', 12], ['contract', 10], ['won', 43], ['lost', 10]]
              : cp.status === 'inactive' ? [['won', 50], ['lost', 50]]
                : [['lost', 100]],
      );
      const closed = stage === 'won' || stage === 'lost';
      let startMs: number;
      let closeMs: number | null = null;
      let expected: number;
      if (!closed) {
        startMs = workday(day(-r.int(5, 120)));
        expected = r.chance(0.1) ? day(-r.int(1, 20)) : day(r.int(7, 150));
      } else {
        const latestClose = cp.status === 'inactive' ? -120 : -1;
        startMs = workday(day(-r.int(30 - latestClose, 360)));
        closeMs = workday(Math.min(startMs + r.int(14, 120) * DAY, day(latestClose)), startMs, day(latestClose));
        expected = closeMs;
      }
      const productLine = r.weighted<ProductLine>([['licenses', 30], ['implementation', 25], ['support', 20], ['consulting', 12], ['training', 13]]);
      const seats = r.pick(cp.segment === 'smb' ? [5, 10, 15, 20] : cp.segment === 'mid' ? [25, 30, 50, 75] : [100, 150, 200, 300, 500]);
      const title = r.pick(PRODUCT_TITLES[productLine]).replace('{n}', String(productLine === 'training' ? Math.min(seats, 40) : seats));
      const [low, high] = ({ licenses: [250_000, 1_500_000], implementation: [400_000, 3_000_000], support: [120_000, 900_000], consulting: [150_000, 800_000], training: [40_000, 300_000] } as const)[productLine];
      const raw = r.int(low, high) * { smb: 0.4, mid: 1, enterprise: 3 }[cp.segment];
      const amount = r.chance(0.3) ? round2(raw * 1.2 + r.int(0, 99) / 100) : Math.round(raw / 1000) * 1000;
      const d: Deal = {
        id: newId(startMs + HOUR * 9), owner: cp.owner, counterparty: cp, contact: r.pick(cp.contacts), stage, productLine, amount, startMs, closeMs, stageEnteredMs: {},
      };
      deals.push(d);
      const record: Rec = {
        id: d.id,
        owner: d.owner,
        counterparty: cp.id,
        contact: d.contact,
        title: `${cp.brand}: ${title}`,
        productLine,
        amount,
        currency: 'rub',
        expectedCloseDate: ymd(expected),
        stage,
      };
      if (stage === 'lost') record.lostReason = r.pick(LOST_REASONS);
      if (closeMs !== null) record.actualCloseDate = ymd(closeMs);
      deal.push(record);
    }
  }

  // ---- interactions -------------------------------------------------------------------

  const interaction: Rec[] = [];
  const interactionRecord = (
    o: { owner: string; cp: Counterparty; contact: string; deal: Deal | null; stage: Stage | null; type: InteractionType; at: number; result: InteractionResult | null; text?: string },
  ): void => {
    const [minDuration, maxDuration] = DURATION[o.type];
    const durationMinutes = Math.max(5, Math.round(r.int(minDuration, maxDuration) / 5) * 5);
    const planned = o.result === null;
    interaction.push({
      id: newId(planned ? nowMs - r.int(1, 10) * DAY : o.at - r.int(0, 2) * DAY),
      owner: o.owner,
      type: o.type,
      counterparty: o.cp.id,
      contact: o.contact,
      deal: o.deal?.id ?? null,
      dealStage: o.stage,
      plannedAt: iso(o.at),
      durationMinutes,
      completedAt: planned ? null : iso(o.at + durationMinutes * MINUTE),
      result: o.result,
      description: o.text ?? (planned ? r.pick(PLANNED_AGENDA[o.type] ?? ['']) : r.pick(DESCRIPTIONS[o.result ?? 'continue'] ?? [''])),
      nextStep: planned ? 'Зафиксировать результат и договориться о следующем шаге' : r.pick(NEXT_STEPS[o.result ?? 'continue'] ?? ['']),
    });
  };
  const dealContact = (d: Deal): string => (r.chance(0.8) ? d.contact : r.pick(d.counterparty.contacts));
  const openDeals: Deal[] = [];

  for (const d of deals) {
    // The stages the deal went through, each with the activity that happened in it.
    const finalIndex = d.stage === 'won' ? OPEN_STAGES.length - 1
      : d.stage === 'lost' ? r.int(0, OPEN_STAGES.length - 1)
        : OPEN_STAGES.indexOf(d.stage);
    const steps: Array<{ stage: OpenStage; activity: readonly [InteractionType, InteractionResult] }> = [];
    OPEN_STAGES.slice(0, finalIndex + 1).forEach((stage, index) => {
      const isCurrent = index === finalIndex;
      const during = r.int(0, stage === 'needs_identified' || stage === 'negotiation' ? 2 : 1);
      for (let n = 0; n < during; n++) steps.push({ stage, activity: r.weighted(STAGE_ACTIVITY[stage].during) });
      if (!isCurrent || d.stage === 'won') steps.push({ stage, activity: r.weighted(STAGE_ACTIVITY[stage].leave) });
      else if (d.stage === 'lost') steps.push({ stage, activity: r.weighted(REFUSAL) });
      else if (during === 0) steps.push({ stage, activity: r.weighted(STAGE_ACTIVITY[stage].during) });
    });
    // A closed deal's last step (signature or refusal) happens on its close day; the rest before.
    const endMs = d.closeMs === null ? day(-1) : Math.max(d.startMs, d.closeMs - DAY);
    const startDay = Math.min(d.startMs, endMs);
    const sampled = d.closeMs === null ? steps.length : steps.length - 1;
    const times = Array.from({ length: sampled }, () => {
      const dayMs = workday(startDay + r.int(0, Math.max(0, Math.round((endMs - startDay) / DAY))) * DAY, startDay, endMs);
      return officeTime(Math.min(dayMs, dayStart(endMs)));
    }).sort((a, b) => a - b);
    if (d.closeMs !== null) times.push(Math.max(officeTime(d.closeMs), (times.at(-1) ?? 0) + HOUR));
    steps.forEach((step, index) => {
      const time = times[index] ?? endMs;
      d.stageEnteredMs[step.stage] ??= time;
      const [type, result] = step.activity;
      interactionRecord({ owner: d.owner, cp: d.counterparty, contact: dealContact(d), deal: d, stage: step.stage, type, at: time, result });
    });
    if (d.stage === 'won' || d.stage === 'lost') d.stageEnteredMs[d.stage] = d.closeMs ?? endMs;
    else {
      openDeals.push(d);
      if (r.chance(0.65)) {
        const stage = d.stage as OpenStage;
        const [type] = r.weighted(STAGE_ACTIVITY[stage].during);
        const when = officeTime(workday(day(r.int(1, 28)), day(1)));
        interactionRecord({ owner: d.owner, cp: d.counterparty, contact: dealContact(d), deal: d, stage, type, at: when, result: null });
      }
    }
  }

  // Touches outside any deal: reconciliations, greetings, inbound questions.
  for (const cp of counterparties) {
    const count = r.weighted<number>([[0, 35], [1, 40], [2, 25]]);
    for (let n = 0; n < count; n++) {
      const type = r.weighted<InteractionType>([['outgoing_call', 3], ['incoming_call', 3], ['email', 2], ['incoming_letter', 1], ['other', 2], ['meeting', 1]]);
      const contactId = r.pick(cp.contacts);
      if (r.chance(0.1)) {
        interactionRecord({ owner: cp.owner, cp, contact: contactId, deal: null, stage: null, type, at: officeTime(workday(day(r.int(1, 28)), day(1))), result: null });
      } else {
        const refused = cp.status === 'blacklisted' && type !== 'meeting' && r.chance(0.5);
        const result: InteractionResult = type === 'meeting' ? 'meeting_held' : refused ? 'refused' : 'continue';
        const when = officeTime(workday(day(-r.int(1, 365)), day(-365), day(-1)));
        interactionRecord({ owner: cp.owner, cp, contact: contactId, deal: null, stage: null, type, at: when, result, ...(refused ? {} : { text: r.pick(GENERAL_TOUCHES) }) });
      }
    }
  }

  // Today and tomorrow are never empty for the featured logins' calendars.
  for (const login of ['head_sales', 'sales1', 'sales2', 'sales3']) {
    const owner = mustUser(login).id;
    const own = r.shuffle(openDeals.filter((d) => d.owner === owner));
    const ownCps = counterparties.filter((cp) => cp.owner === owner);
    if (own.length === 0 && ownCps.length === 0) continue;
    const slots = r.shuffle([10, 11, 12, 14, 15, 16]);
    for (let n = 0; n < 4; n++) {
      const d = own[n % Math.max(1, own.length)];
      const cp = d?.counterparty ?? r.pick(ownCps);
      const stage = (d?.stage ?? null) as OpenStage | null;
      const type = stage ? r.weighted(STAGE_ACTIVITY[stage].during)[0] : r.pick<InteractionType>(['outgoing_call', 'meeting']);
      const when = at(day(n < 2 ? 0 : 1), slots[n] ?? 10, r.pick([0, 30]));
      interactionRecord({ owner, cp, contact: d ? dealContact(d) : r.pick(cp.contacts), deal: d ?? null, stage, type, at: when, result: null });
    }
  }
  interaction.sort((a, b) => String(a.plannedAt).localeCompare(String(b.plannedAt)) || a.id.localeCompare(b.id));

  // ---- documents ----------------------------------------------------------------------

  interface Doc { owner: string; responsible: string; type: DocumentType; dateMs: number; cp: Counterparty; deal: Deal | null; amount: number; validFrom: string | null; validTo: string | null; approvalStatus: ApprovalStatus }
  const docs: Doc[] = [];
  const lawyer = (): string => r.weighted(lawyers).id;
  const clampToday = (ms: number): number => Math.min(ms, today);
  const reached = (d: Deal, stage: OpenStage): boolean => d.stageEnteredMs[stage] !== undefined;

  for (const d of deals) {
    const common = { owner: d.owner, cp: d.counterparty, deal: d };
    if (reached(d, 'proposal')) {
      const dateMs = clampToday(d.stageEnteredMs.proposal ?? today);
      docs.push({
        ...common, responsible: d.owner, type: 'commercial_proposal', dateMs, amount: d.amount,
        validFrom: ymd(dateMs), validTo: ymd(dateMs + 30 * DAY),
        approvalStatus: d.stage === 'proposal' ? r.weighted<ApprovalStatus>([['draft', 2], ['in_review', 2], ['approved', 5]]) : 'approved',
      });
    }
    if (reached(d, 'contract')) {
      const won = d.stage === 'won';
      const dateMs = clampToday(won ? (d.closeMs ?? today) : (d.stageEnteredMs.contract ?? today));
      const months = d.productLine === 'implementation' || d.productLine === 'consulting' ? 6 : 12;
      const end = new Date(dateMs + MSK);
      end.setUTCMonth(end.getUTCMonth() + months);
      docs.push({
        ...common, responsible: lawyer(), type: 'contract', dateMs, amount: d.amount,
        validFrom: ymd(dateMs), validTo: ymd(end.getTime() - MSK - DAY),
        approvalStatus: won ? 'signed'
          : d.stage === 'lost' ? 'rejected'
            : r.weighted<ApprovalStatus>([['draft', 2], ['in_review', 4], ['rework', 1], ['approved', 2]]),
      });
      if (won) {
        const invoiceMs = clampToday((d.closeMs ?? today) + r.int(0, 3) * DAY);
        docs.push({ ...common, responsible: d.owner, type: 'invoice', dateMs: invoiceMs, amount: d.amount, validFrom: ymd(invoiceMs), validTo: ymd(invoiceMs + 10 * DAY), approvalStatus: 'approved' });
        const actMs = (d.closeMs ?? today) + r.int(5, 40) * DAY;
        if (actMs <= today) docs.push({ ...common, responsible: d.owner, type: 'act', dateMs: actMs, amount: d.amount, validFrom: ymd(actMs), validTo: null, approvalStatus: 'signed' });
        if (r.chance(0.15)) {
          const extraMs = clampToday((d.closeMs ?? today) + r.int(20, 90) * DAY);
          docs.push({
            ...common, responsible: lawyer(), type: 'additional_agreement', dateMs: extraMs, amount: round2(d.amount * r.int(10, 30) / 100),
            validFrom: ymd(extraMs), validTo: ymd(extraMs + 180 * DAY),
            approvalStatus: r.weighted<ApprovalStatus>([['draft', 1], ['in_review', 2], ['approved', 1], ['signed', 4]]),
          });
        }
      }
    }
  }

  // Framework contracts (no deal) with validity spread so that some expire within 7 and
  // within 30 days — the renewal reminders and the "expiring contracts" list need them.
  const frameworkCandidates = counterparties.filter((cp) => cp.status === 'key' || (cp.status === 'active' && r.chance(0.25)));
  const others = r.shuffle(counterparties.filter((cp) => cp.status !== 'blacklisted' && !frameworkCandidates.includes(cp)));
  while (frameworkCandidates.length < 8) frameworkCandidates.push(others.shift() ?? r.pick(counterparties));
  const featuredIds = new Set([...featured].map((login) => mustUser(login).id));
  const ordered = r.shuffle(frameworkCandidates).sort((a, b) => Number(featuredIds.has(b.owner)) - Number(featuredIds.has(a.owner)));
  ordered.forEach((cp, index) => {
    const validToMs = index < 3 ? day(r.int(1, 7))
      : index < 8 ? day(r.int(8, 30))
        : r.chance(0.15) ? day(-r.int(1, 120)) : day(r.int(31, 330));
    const end = new Date(validToMs + DAY + MSK);
    end.setUTCFullYear(end.getUTCFullYear() - 1);
    const validFromMs = end.getTime() - MSK;
    const dateMs = validFromMs - r.int(0, 5) * DAY;
    const volume = { smb: 300_000, mid: 1_200_000, enterprise: 5_000_000 }[cp.segment];
    docs.push({
      owner: cp.owner, responsible: lawyer(), type: 'contract', dateMs, cp, deal: null,
      amount: Math.round((volume * r.int(50, 200)) / 100 / 1000) * 1000,
      validFrom: ymd(validFromMs), validTo: ymd(validToMs), approvalStatus: 'signed',
    });
  });

  docs.sort((a, b) => a.dateMs - b.dateMs);
  const sequence = new Map<string, number>();
  const document: Rec[] = docs.map((doc) => {
    const year = ymd(doc.dateMs).slice(0, 4);
    const key = `${doc.type}/${year}`;
    const n = (sequence.get(key) ?? 0) + 1;
    sequence.set(key, n);
    return {
      id: newId(doc.dateMs + 10 * HOUR),
      owner: doc.owner,
      responsible: doc.responsible,
      type: doc.type,
      number: `${DOCUMENT_NUMBER_PREFIXES[doc.type]}-${year}/${pad(n, 4)}`,
      date: ymd(doc.dateMs),
      counterparty: doc.cp.id,
      deal: doc.deal?.id ?? null,
      amount: doc.amount,
      validFrom: doc.validFrom,
      validTo: doc.validTo,
      approvalStatus: doc.approvalStatus,
    };
  });

  // ---- KPI plans: the current month, three before and two after ------------------------

  const kpi_plan: Rec[] = [];
  const current = new Date(today + MSK);
  for (const user of salesUsers) {
    const planner = managerOf(user) ?? user;
    const scale = user.isHead ? 0.5 : 1;
    for (let offset = -3; offset <= 2; offset++) {
      const periodMs = Date.UTC(current.getUTCFullYear(), current.getUTCMonth() + offset, 1);
      const period = new Date(periodMs).toISOString().slice(0, 10);
      const targets: Record<(typeof KPI_METRICS)[number], number> = {
        calls: Math.round((r.int(60, 110) * scale) / 5) * 5,
        meetings_held: Math.round(r.int(8, 16) * scale),
        proposals_sent: Math.round(r.int(5, 12) * scale),
        contracts_signed: Math.max(1, Math.round(r.int(2, 5) * scale)),
        revenue_won: Math.round((r.int(800_000, 3_000_000) * scale) / 50_000) * 50_000,
      };
      for (const metric of KPI_METRICS) {
        kpi_plan.push({ id: newId(Math.min(periodMs - 10 * DAY, nowMs)), owner: planner.id, employee: user.id, period, metric, target: targets[metric] });
      }
    }
  }

  deals.forEach((d, i) => {
    const record = deal[i] as Rec;
    record[STAGE_HISTORY_KEY] = Object.entries(d.stageEnteredMs)
      .sort(([, a], [, b]) => (a as number) - (b as number))
      .map(([stage, ms]) => [stage, new Date(ms as number).toISOString()]);
  });
  return { sys_department, sys_user, counterparty, contact, deal, interaction, document, kpi_plan };
}
