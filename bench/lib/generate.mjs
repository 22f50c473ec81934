// Synthetic CRM data at scale: departments and users, counterparties with ~3 contacts each.
// Every record is a pure function of its index (and the run's `now`), so a record can be
// regenerated anywhere — the create scenario draws fresh counterparties from indexes past
// the seeded ones — and uniqueness holds by construction, not by a set of everything seen:
//   brand  — carries a word spelled from a bijective syllable code of the index;
//   phones — subscriber numbers are an affine permutation of the index;
//   INN    — its digits are another permutation of the index.
// Words and cities come from the demo vocabulary (server/dist/demo), enum values from the
// compiled model, so the data stays valid when the metadata changes.
import { ru } from '@faker-js/faker';
import { importDist } from './dist.mjs';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** splitmix32: a tiny, fast PRNG; seeded per record so each record is reproducible alone. */
export function rng(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    weighted(pairs) {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let x = next() * total;
      for (const [value, w] of pairs) if ((x -= w) < 0) return value;
      return pairs[pairs.length - 1][0];
    },
    bytes(n) {
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
}

/** i ↦ (a·i + b) mod m: a bijection on [0, m) when a and m are coprime. */
function permute(i, a, b, m) {
  // (x·y) mod m in doubles without losing bits: y split in 16-bit halves (m < 2^31).
  const x = i % m;
  const y = a % m;
  const high = ((x * Math.floor(y / 65536)) % m) * 65536;
  return ((high % m) + ((x * (y % 65536)) % m) + (b % m)) % m;
}

// 20 consonants × 6 vowels: open syllables, so a word never contains a consonant cluster and
// can never equal a vocabulary word (Строй, Групп…); 120³ = 1,728,000 three-syllable words.
const CONSONANTS = ['б', 'в', 'г', 'д', 'ж', 'з', 'к', 'л', 'м', 'н', 'п', 'р', 'с', 'т', 'ф', 'х', 'ц', 'ч', 'ш', 'щ'];
const VOWELS = ['а', 'е', 'и', 'о', 'у', 'я'];
const SYLLABLES = CONSONANTS.flatMap((c) => VOWELS.map((v) => c + v));
const FINALS = ['н', 'р', 'л', 'с', 'т', 'к', 'м', '', '', ''];
const WORD_SPACE = SYLLABLES.length ** 3;

/** A unique, pronounceable brand word for n ≥ 0 (Варолин, Кесумат…). */
export function uniqueWord(n) {
  let rest = n;
  let word = '';
  do {
    word += SYLLABLES[rest % SYLLABLES.length];
    rest = Math.floor(rest / SYLLABLES.length);
  } while (rest > 0 || word.length < 6);
  word += FINALS[n % FINALS.length];
  return word.charAt(0).toUpperCase() + word.slice(1);
}

const TRANSLIT = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh',
  щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};
for (const ch of 'abcdefghijklmnopqrstuvwxyz0123456789') TRANSLIT[ch] = ch;
export function translit(s) {
  let out = '';
  for (const ch of s.toLowerCase()) {
    const t = TRANSLIT[ch] ?? '-';
    if (t !== '-' || (out !== '' && !out.endsWith('-'))) out += t;
  }
  return out.endsWith('-') ? out.slice(0, -1) : out;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
/** UUID v7 (RFC 9562) from a timestamp and the record's PRNG: ids ascend with creation time. */
function uuidV7(ms, r) {
  const high = Math.floor(ms / 65536);
  const low = ms % 65536;
  const rand = () => Math.floor(r.next() * 256);
  const h = HEX[(high >>> 24) & 0xff] + HEX[(high >>> 16) & 0xff] + HEX[(high >>> 8) & 0xff] + HEX[high & 0xff];
  return `${h}-${HEX[(low >>> 8) & 0xff]}${HEX[low & 0xff]}-${HEX[0x70 | (rand() & 0x0f)]}${HEX[rand()]}-${HEX[0x80 | (rand() & 0x3f)]}${HEX[rand()]}-${HEX[rand()]}${HEX[rand()]}${HEX[rand()]}${HEX[rand()]}${HEX[rand()]}${HEX[rand()]}`;
}

const pad = (n, width) => String(n).padStart(width, '0');

/** Legal forms by segment, and brand shapes: word, word-suffix, root word, word second-word, prefix word. */
const FORMS = {
  smb: [['ООО', 73], ['ИП', 22], ['АО', 5]],
  mid: [['ООО', 75], ['АО', 15], ['ЗАО', 10]],
  enterprise: [['АО', 45], ['ПАО', 35], ['ООО', 20]],
};
const BRAND_PATTERNS = [[0, 30], [1, 25], [2, 20], [3, 15], [4, 10]];

/**
 * The generators for one compiled model. `now` fixes the time line; `count` is the number
 * of seeded counterparties (creation dates spread over five years, oldest first).
 */
export async function createGenerators(model, { now = Date.now(), count, seed = 1 }) {
  const vocab = await importDist('demo/vocabulary.js');
  const { withInnChecksum } = await importDist('demo/inn.js');
  const { normalizeFor } = await importDist('records/normalize.js');
  const { duplicateKeys } = await importDist('records/duplicates.js');

  const counterpartyEntity = model.entities.get('counterparty');
  const contactEntity = model.entities.get('contact');
  if (!counterpartyEntity || !contactEntity) throw new Error('the metadata has no counterparty or contact entity');
  const options = (entity, field) => entity.field.get(field)?.options ?? [];
  /** Weighted values restricted to what the metadata declares; unknown weights count 1. */
  const weightsFor = (entity, field, weights) => options(entity, field).map((value) => [value, weights[value] ?? 1]);

  const cities = vocab.CITIES.map((c) => [c, c.weight]);
  const industries = options(counterpartyEntity, 'industry');
  const statusWeights = weightsFor(counterpartyEntity, 'status', { potential: 31, active: 38, key: 8, inactive: 16, blacklisted: 7 });
  const segmentWeights = weightsFor(counterpartyEntity, 'segment', { smb: 55, mid: 30, enterprise: 15 });
  const sourceWeights = weightsFor(counterpartyEntity, 'source', { website: 25, referral: 20, cold_call: 20, exhibition: 10, advertising: 15, partner: 10, tender: 3, other: 2 });
  const channelWeights = weightsFor(counterpartyEntity, 'preferredChannel', { phone: 40, email: 30, meeting: 15, messenger: 15, post: 2 });
  const contactChannelWeights = weightsFor(contactEntity, 'preferredChannel', { phone: 45, email: 25, meeting: 10, messenger: 20, post: 1 });
  const streets = ru.location.street_name_part;
  const names = {
    male: { first: ru.person.first_name.male, last: ru.person.last_name.male, middle: ru.person.middle_name.male },
    female: { first: ru.person.first_name.female, last: ru.person.last_name.female, middle: ru.person.middle_name.female },
  };
  const translitCache = new Map();
  /** Names repeat (a few hundred of each), so their transliteration is memoized. */
  const translitName = (name) => {
    let t = translitCache.get(name);
    if (t === undefined) translitCache.set(name, (t = translit(name)));
    return t;
  };
  const person = (r) => {
    const set = r.chance(0.55) ? names.male : names.female;
    const last = r.pick(set.last);
    const first = r.pick(set.first);
    const middle = r.pick(set.middle);
    return { last, first, middle, fullName: `${last} ${first} ${middle}` };
  };
  const formatPhone = (r, area, subscriber) => r.weighted(vocab.PHONE_FORMATS)(area, subscriber);
  const SUBSCRIBERS = 8_000_000; // 200-00-00 … 999-99-99
  const subscriber = (n) => String(2_000_000 + (n % SUBSCRIBERS));

  const span = 5 * 365 * DAY;
  const createdAtOf = (i, r) => Math.min(now - HOUR, Math.round(now - span + (span * (i + r.next())) / Math.max(count, 1)));

  /**
   * Counterparty number i (API field names, system fields included) and its contacts.
   * `users` are the owners to spread records over.
   */
  function counterparty(i, users) {
    const r = rng(Math.imul(i + 1, 0x27d4eb2d) ^ seed);
    const city = r.weighted(cities);
    const segment = r.weighted(segmentWeights);
    const form = r.weighted(FORMS[segment] ?? FORMS.smb);
    const individual = form === 'ИП';
    const industry = r.pick(industries);
    const word = uniqueWord(permute(i, 1_000_003, 77_777, WORD_SPACE) + (i >= WORD_SPACE ? WORD_SPACE * Math.floor(i / WORD_SPACE) : 0));
    const suffixes = vocab.BRAND_SUFFIXES[industry] ?? vocab.BRAND_SUFFIXES.other;
    const prefixes = vocab.BRAND_PREFIXES[industry];
    // Words are separated (space or hyphen), so the unique word survives normalization intact.
    const pattern = r.weighted(BRAND_PATTERNS);
    const brand =
      pattern === 0 ? word
        : pattern === 1 ? `${word}-${r.pick(suffixes)}`
          : pattern === 2 ? `${r.pick(vocab.BRAND_ROOTS)} ${word}`
            : pattern === 3 ? `${word} ${r.pick(vocab.BRAND_WORDS)}`
              : prefixes ? `${r.pick(prefixes)} ${word}` : `${word} ${city.name}`;
    const proprietor = individual ? person(r) : null;
    const domain = `${translit(brand)}.${r.weighted(vocab.TOP_LEVEL_DOMAINS)}`;
    const createdMs = createdAtOf(i, r);
    const updatedMs = Math.min(now - 1000, createdMs + r.int(0, 60) * DAY);
    const owner = users.length > 0 ? users[r.int(0, users.length - 1)] : null;
    // Landline in the client's city (mobile for most sole proprietors); unique by construction.
    const phoneIndex = permute(i, 2_750_159, 13, SUBSCRIBERS);
    const phone = individual && r.chance(0.6) ? formatPhone(r, r.pick(vocab.MOBILE_CODES), subscriber(phoneIndex)) : formatPhone(r, r.pick(city.areaCodes), subscriber(phoneIndex));
    const innDigits = permute(i, individual ? 48_271_553 : 4_827_161, 5, individual ? 100_000_000 : 10_000_000);
    const inn = withInnChecksum(city.region + pad(innDigits, individual ? 8 : 7));
    const email = proprietor && r.chance(0.6) ? `${translitName(proprietor.last)}.${translitName(proprietor.first)}.${i.toString(36)}@${r.pick(vocab.PERSONAL_MAIL_DOMAINS)}` : `${r.pick(vocab.CORPORATE_MAILBOXES)}@${domain}`;
    const record = {
      id: uuidV7(createdMs, r),
      createdAt: new Date(createdMs).toISOString(),
      updatedAt: new Date(updatedMs).toISOString(),
      createdBy: owner,
      updatedBy: owner,
      owner,
      version: 1,
      brand,
      legalName: proprietor ? `ИП ${proprietor.last} ${proprietor.first.charAt(0)}. ${proprietor.middle.charAt(0)}.` : `${form} «${brand}»`,
      inn,
      status: r.weighted(statusWeights),
      industry,
      segment,
      phone,
      phone2: r.chance(0.35) ? formatPhone(r, r.pick(city.areaCodes), subscriber(permute(i, 3_999_971, 4_000_000, SUBSCRIBERS))) : null,
      email,
      website: `https://${domain}`,
      address: `${city.postcodePrefix}${pad(r.int(0, 10 ** (6 - city.postcodePrefix.length) - 1), 6 - city.postcodePrefix.length)}, г. ${city.name}, ул. ${r.pick(streets)}, д. ${r.int(1, 150)}${r.chance(0.7) ? `, офис ${r.int(1, 40)}${pad(r.int(1, 20), 2)}` : ''}`,
      source: r.weighted(sourceWeights),
      preferredChannel: r.weighted(channelWeights),
      wishes: r.chance(0.2) ? r.pick(vocab.WISHES) : null,
    };

    const contactCount = segment === 'smb' ? r.int(2, 3) : segment === 'mid' ? r.int(3, 4) : r.int(4, 6);
    const contacts = [];
    const localEmails = new Set();
    for (let c = 0; c < contactCount; c++) {
      const j = i * 8 + c; // contact index: unique while a counterparty has at most 8
      const p = c === 0 && proprietor ? proprietor : person(r);
      const first = translitName(p.first);
      const last = translitName(p.last);
      let contactEmail = r.chance(0.7) ? `${first.charAt(0)}.${last}@${domain}` : `${last}.${first}.${j.toString(36)}@${r.pick(vocab.PERSONAL_MAIL_DOMAINS)}`;
      if (localEmails.has(contactEmail)) contactEmail = `${first}.${last}.${c}@${domain}`;
      localEmails.add(contactEmail);
      const mobile = permute(j, 48_271, 9_999, SUBSCRIBERS * vocab.MOBILE_CODES.length);
      const contactMs = Math.min(now - 1000, createdMs + (c + 1) * HOUR);
      contacts.push({
        id: uuidV7(contactMs, r),
        createdAt: new Date(contactMs).toISOString(),
        updatedAt: new Date(contactMs).toISOString(),
        createdBy: owner,
        updatedBy: owner,
        owner,
        version: 1,
        counterparty: record.id,
        fullName: p.fullName,
        position: c === 0 ? (proprietor ? 'Индивидуальный предприниматель' : 'Генеральный директор') : r.pick(vocab.CONTACT_POSITIONS),
        phone: formatPhone(r, vocab.MOBILE_CODES[Math.floor(mobile / SUBSCRIBERS)], subscriber(mobile)),
        phone2: r.chance(0.1) ? formatPhone(r, r.pick(city.areaCodes), subscriber(permute(j, 7_777_753, 1, SUBSCRIBERS))) : null,
        email: contactEmail,
        birthday: `${new Date(now).getUTCFullYear() - r.int(24, 62)}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`,
        preferredChannel: r.weighted(contactChannelWeights),
        notes: r.chance(0.3) ? r.pick(vocab.CONTACT_NOTES) || null : null,
      });
    }
    return { record, contacts };
  }

  const dealEntity = model.entities.get('deal');
  const interactionEntity = model.entities.get('interaction');
  const stageWeights = dealEntity ? weightsFor(dealEntity, 'stage', { first_contact: 20, needs_identified: 15, proposal: 15, negotiation: 10, contract: 5, won: 20, lost: 15 }) : [];
  const typeWeights = interactionEntity ? weightsFor(interactionEntity, 'type', { outgoing_call: 30, incoming_call: 15, meeting: 15, email: 25, outgoing_letter: 5, incoming_letter: 5, showing: 3, other: 2 }) : [];

  /**
   * The deals (30% of counterparties have one) and interactions (2–8, five on average) of
   * counterparty number i, given its record and contacts. Its own random stream: the
   * counterparties and contacts are the same with or without them.
   */
  function activity(i, record, contacts) {
    if (!dealEntity || !interactionEntity) return { deals: [], interactions: [] };
    const r = rng(Math.imul(i + 1, 0x165667b1) ^ seed ^ 0xdea1);
    const owner = record.owner;
    const createdMs = Date.parse(record.createdAt);
    const system = (ms) => ({ id: uuidV7(ms, r), createdAt: new Date(ms).toISOString(), updatedAt: new Date(ms).toISOString(), createdBy: owner, updatedBy: owner, owner, version: 1 });
    const deals = [];
    if (r.chance(0.3)) {
      const ms = Math.min(now - 1000, createdMs + r.int(1, 90) * DAY);
      const stage = r.weighted(stageWeights);
      const closed = stage === 'won' || stage === 'lost';
      const expected = ms + r.int(14, 180) * DAY;
      deals.push({
        ...system(ms),
        title: `${r.pick(options(dealEntity, 'productLine')) ?? 'Сделка'}: ${record.brand}`,
        counterparty: record.id,
        contact: contacts.length > 0 ? r.pick(contacts).id : null,
        productLine: r.pick(options(dealEntity, 'productLine')) ?? null,
        amount: r.int(10, 5000) * 1000,
        currency: options(dealEntity, 'currency')[0] ?? null,
        stage,
        expectedCloseDate: new Date(expected).toISOString().slice(0, 10),
        actualCloseDate: closed ? new Date(Math.min(now - DAY, expected)).toISOString().slice(0, 10) : null,
        lostReason: stage === 'lost' ? (r.pick(options(dealEntity, 'lostReason')) ?? null) : null,
        lastInteractionAt: null,
        description: null,
      });
    }
    const interactions = [];
    const n = r.int(2, 8);
    for (let k = 0; k < n; k++) {
      const ms = Math.min(now - 1000, createdMs + Math.round(((now - createdMs) * (k + r.next())) / n));
      const deal = deals.length > 0 && r.chance(0.5) ? deals[0] : null;
      const done = ms < now - DAY || r.chance(0.5);
      interactions.push({
        ...system(ms),
        type: r.weighted(typeWeights),
        counterparty: record.id,
        contact: contacts.length > 0 ? r.pick(contacts).id : null,
        deal: deal?.id ?? null,
        dealStage: deal ? deal.stage : null,
        plannedAt: new Date(ms).toISOString(),
        durationMinutes: r.int(1, 12) * 5,
        completedAt: done ? new Date(ms + r.int(5, 120) * 60_000).toISOString() : null,
        result: done ? (r.pick(options(interactionEntity, 'result')) ?? null) : null,
        description: r.chance(0.3) ? `Обсуждение: ${record.brand}` : null,
        nextStep: null,
      });
      if (deal && done) deal.lastInteractionAt = interactions[k].completedAt;
    }
    return { deals, interactions };
  }

  /** A create body (writable fields only) for counterparty number i: what a client would POST. */
  function counterpartyBody(i, owner) {
    const { record } = counterparty(i, owner ? [owner] : []);
    const body = {};
    for (const [key, value] of Object.entries(record)) {
      const field = counterpartyEntity.field.get(key);
      if (!field || field.system || value === null) continue;
      body[key] = value;
    }
    if (owner) body.owner = owner;
    return body;
  }

  /**
   * 200 users in a department tree: a commercial director over nine sales departments, each
   * with a head (the manager of its members). The first department is the big one: its head
   * has 40 people under him, in two groups with heads of their own (the tree the `scoped`
   * scenario's head of sales reads through). Ids are fixed, so a re-seed gives the same users.
   */
  function organisation(userCount = 200) {
    const r = rng(seed ^ 0x5eed);
    const base = now - 6 * 365 * DAY;
    const departments = [{ id: uuidV7(base, r), name: 'Коммерческая дирекция', parent: null, head: null }];
    const departmentCount = Math.max(1, Math.min(9, Math.ceil(userCount / 20)));
    for (let d = 0; d < departmentCount; d++) departments.push({ id: uuidV7(base + (d + 1) * 1000, r), name: `Отдел продаж № ${d + 1}`, parent: departments[0].id, head: null });
    // The big department (users 1–41: its head and 40 below) when there are enough users.
    const big = userCount >= 100 && departmentCount > 1 ? 41 : 0;
    const groups = [];
    if (big) {
      const r2 = rng(seed ^ 0x6700);
      for (let g = 0; g < 2; g++) groups.push({ id: uuidV7(base + (departmentCount + g + 1) * 1000, r2), name: `Группа продаж 1.${g + 1}`, parent: departments[1].id, head: null });
      departments.push(...groups);
    }
    const departmentOf = (u) => {
      if (u === 0) return departments[0];
      if (big && u <= big) return u === 1 ? departments[1] : groups[u % 2];
      const others = big ? departmentCount - 1 : departmentCount;
      return departments[(big ? 2 : 1) + ((u - 1 - big) % others)];
    };
    const users = [];
    for (let u = 0; u < userCount; u++) {
      const p = person(r);
      const isDirector = u === 0;
      const department = departmentOf(u);
      const isHead = isDirector || department.head === null;
      const id = uuidV7(base + DAY + u * 1000, r);
      if (isHead) department.head = id;
      const parentHead = department.parent ? departments.find((d) => d.id === department.parent)?.head : null;
      users.push({
        id,
        login: `bench${pad(u + 1, 3)}`,
        fullName: p.fullName,
        email: `bench${pad(u + 1, 3)}@cardo-bench.example`,
        phone: formatPhone(r, r.pick(vocab.MOBILE_CODES), subscriber(u * 7919)),
        position: isDirector ? 'Коммерческий директор' : isHead ? 'Руководитель отдела продаж' : r.pick(vocab.SALES_POSITIONS),
        department: department.id,
        // A head reports to the head of the department above; a member to their own head.
        manager: isDirector ? null : isHead ? (parentHead ?? users[0].id) : department.head,
        active: true,
        locale: 'ru',
      });
    }
    return { departments, users };
  }

  // Duplicate keys exactly as the runtime computes them (duplicateKeys), except phones: the
  // phone library costs ~25 µs a number, so generated Russian numbers take a digits-only path
  // that callers check against duplicateKeys on a sample (see keysOf/verifyKeys).
  const region = model.phoneRegion;
  const fastPhone = (value) => {
    const digits = String(value).replace(/\D/g, '');
    if (digits.length === 11 && (digits[0] === '8' || digits[0] === '7')) return `+7${digits.slice(1)}`;
    return normalizeFor('phone', value, region);
  };
  /** [column, key] of every duplicate rule for these values. */
  function keysOf(entity, values) {
    const out = [];
    for (const rule of entity.duplicateRules) {
      const parts = rule.fields.map((f) => (rule.normalize === 'phone' ? (values[f.name] === null || values[f.name] === undefined || values[f.name] === '' ? null : fastPhone(values[f.name])) : normalizeFor(rule.normalize, values[f.name], region)));
      out.push([rule.column, parts.every((p) => p !== null) ? parts.join('\u001f') : null]);
    }
    return out;
  }
  /** Throws unless keysOf agrees with the runtime's own duplicateKeys for these values. */
  function verifyKeys(entity, values) {
    const fast = new Map(keysOf(entity, values));
    for (const [rule, key] of duplicateKeys(model, entity, values)) {
      if (fast.get(rule.column) !== key) throw new Error(`duplicate key mismatch for ${entity.name}.${rule.column}: bench computed ${JSON.stringify(fast.get(rule.column))}, runtime ${JSON.stringify(key)} (values ${JSON.stringify(values)})`);
    }
  }

  return { counterparty, activity, counterpartyBody, organisation, keysOf, verifyKeys, entities: { counterparty: counterpartyEntity, contact: contactEntity, deal: dealEntity, interaction: interactionEntity } };
}
