import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Entity, NotificationTrigger } from '../../../server/src/generated/metadata.js';
import { loadMetadataDir, type MetadataFile } from '../../../server/src/metadata/load.js';
import { validateFiles } from '../../../server/src/metadata/validate.js';
import { skeletonAutomation } from '../automation/automation-model.js';
import { dateFields, EntityIndex, formatRecipient, OFFSET, parseRecipient, pickableFields, placeholders, problemsAt, settableFields, skeletonNotification, templateProblems, userFields, withTriggerOn } from './notification-model.js';

const METADATA = path.resolve(import.meta.dirname, '../../../metadata');
let files: MetadataFile[];
let index: EntityIndex;

beforeAll(async () => {
  files = (await loadMetadataDir(METADATA)).files;
  index = new EntityIndex(files.filter((f) => f.kind === 'entity').map((f) => f.json as Entity));
});

describe('fields an entity offers', () => {
  it('includes the system fields and users behind references', () => {
    expect(dateFields(index, 'counterparty').map((f) => f.name)).toEqual(['createdAt', 'updatedAt']);
    expect(dateFields(index, 'deal').map((f) => f.name)).toEqual(expect.arrayContaining(['expectedCloseDate', 'lastInteractionAt', 'createdAt']));
    expect(userFields(index, 'counterparty').map((f) => f.name)).toEqual(expect.arrayContaining(['owner', 'createdBy', 'updatedBy']));
    expect(userFields(index, 'counterparty').map((f) => f.name)).not.toContain('brand');
    expect(userFields(index, 'nope')).toEqual([]);
  });

  it('offers the stages as the options of a stage field', () => {
    const stage = pickableFields(index, 'deal').find((f) => f.name === 'stage');
    expect(stage?.options?.map((o) => o.value)).toEqual(expect.arrayContaining(['won', 'lost', 'contract']));
    expect(pickableFields(index, 'deal').find((f) => f.name === 'title')?.options).toBeUndefined();
  });

  it('lets automations set read-only fields of the entity but not the system ones', () => {
    const names = settableFields(index, 'deal').map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['actualCloseDate', 'title', 'owner']));
    expect(names).not.toContain('createdAt');
    expect(names).not.toContain('id');
  });

  it('offers placeholders for the fields and one step through references, each of which the server accepts', () => {
    const paths = placeholders(index, 'deal').map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['title', 'amount', 'counterparty', 'counterparty.brand', 'owner.fullName', 'contact.fullName']));
    expect(paths).not.toContain('counterparty.owner.fullName');
    expect(paths.every((p) => templateProblems(index, 'deal', `{{${p}}}`).length === 0)).toBe(true);
  });
});

describe('templateProblems (the server check of templates)', () => {
  it.each<[string, string, string[]]>([
    ['plain text', 'Hello', []],
    ['known paths', 'Deal {{title}} with {{ counterparty.brand }}', []],
    ['an unknown field', 'Deal {{titel}}', ['"titel": entity "deal" has no field "titel".']],
    ['a path through a non-reference', '{{title.x}}', ['"title.x": "title" is a string field, not a reference, so it has no fields.']],
    ['an unclosed placeholder', 'Deal {{title', ['At character 6: "{{" is not closed by "}}"']],
    ['not a path', '{{a b}}', ['At character 3: "a b" is not a field path such as counterparty.brand']],
  ])('%s', (_, text, expected) => {
    expect(templateProblems(index, 'deal', text)).toEqual(expected);
  });
});

describe('offsets', () => {
  it('is the pattern of common.schema.json', async () => {
    const common = JSON.parse(await readFile(path.resolve(METADATA, '../server/schema/common.schema.json'), 'utf8')) as { $defs: { duration: { pattern: string } } };
    expect(OFFSET.source).toBe(common.$defs.duration.pattern);
  });

  it.each([['-P3D', true], ['P14D', true], ['-PT30M', true], ['P1Y2M', true], ['P', false], ['-PT', false], ['3 days', false], ['P3DT', false], ['+P1D', false]])('%s → %s', (offset, ok) => {
    expect(OFFSET.test(offset)).toBe(ok);
  });
});

describe('recipients', () => {
  it.each(['owner', 'field:responsible', 'role:lawyer', 'manager:owner', 'manager:field:responsible'])('%s round-trips', (recipient) => {
    expect(formatRecipient(parseRecipient(recipient))).toBe(recipient);
  });

  it('takes them apart for the pickers', () => {
    expect(parseRecipient('manager:field:responsible')).toEqual({ kind: 'manager', field: 'responsible' });
    expect(parseRecipient('role:lawyer')).toEqual({ kind: 'role', role: 'lawyer' });
  });
});

describe('withTriggerOn', () => {
  const date: NotificationTrigger = { on: 'date', dateField: 'createdAt', offset: '-P1D' };
  it.each<[NotificationTrigger, NotificationTrigger['on'], NotificationTrigger]>([
    [date, 'create', { on: 'create' }],
    [date, 'fieldChange', { on: 'fieldChange', fields: [] }],
    [{ on: 'fieldChange', fields: ['stage'] }, 'date', { on: 'date' }],
    [{ on: 'update' }, 'date', { on: 'date' }],
    [date, 'date', date],
  ])('%j → %s', (trigger, on, expected) => {
    expect(withTriggerOn(trigger, on)).toEqual(expected);
  });
});

describe('problemsAt', () => {
  it('takes the pointer and what is under it', () => {
    const p = (pointer: string) => ({ code: 'CARDO_ERR_META_TEMPLATE' as const, file: 'x', pointer, message: pointer });
    expect(problemsAt([p('/subject'), p('/subject/en'), p('/subjects'), p('/body/en')], '/subject').map((x) => x.pointer)).toEqual(['/subject', '/subject/en']);
  });
});

describe('skeletons of the explorer’s New buttons', () => {
  it('are valid metadata for any entity', async () => {
    const extra: MetadataFile[] = ['counterparty', 'deal', 'sys_task'].flatMap((entity) => [
      { path: `notifications/new-${entity}.json`, kind: 'notification', name: `new-${entity}`, bytes: Buffer.from(''), json: skeletonNotification(`new-${entity}`, entity, ['en', 'ru']) },
      { path: `automations/new-${entity}.json`, kind: 'automation', name: `new-${entity}`, bytes: Buffer.from(''), json: skeletonAutomation(`new-${entity}`, entity, ['en', 'ru']) },
    ]);
    const { problems } = await validateFiles([...files, ...extra]);
    expect(problems).toEqual([]);
  });
});
