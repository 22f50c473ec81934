import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadMetadataDir, type MetadataFile } from './load.js';
import { indexReferences, type Item, type ReferenceIndex } from './references.js';
import { applyEdits, planRename, rewriteExpression } from './rename.js';
import { validateFiles } from './validate.js';

const CRM = path.resolve(import.meta.dirname, '../../../metadata');
let files: MetadataFile[];
let refs: ReferenceIndex;

beforeAll(async () => {
  files = (await loadMetadataDir(CRM)).files;
  refs = await indexReferences(files);
}, 60_000);

const where = (item: Item) => refs.to(item).map((r) => `${r.file}#${r.pointer} ${r.usage}`);

describe('the references index on the CRM metadata', () => {
  it.each<[string, Item, string[]]>([
    ['reference fields\' targets and related lists', { kind: 'entity', name: 'counterparty' }, ['entities/deal.json#/fields/1/target name', 'entities/contact.json#/fields/', 'app.json#/menu/']],
    ['related lists on forms', { kind: 'entity', name: 'deal' }, ['entities/counterparty.json#/form/tabs/']],
    ['roles\' entity permissions (a key)', { kind: 'entity', name: 'deal' }, ['roles.json#/roles/0/permissions/deal name']],
    ['a workflow\'s cardo:entity', { kind: 'entity', name: 'document' }, ['workflows/document-approval.bpmn#/', 'templates/contract.json#/entity name']],
    ['a candidate role', { kind: 'role', name: 'lawyer' }, ['workflows/document-approval.bpmn#/']],
    ['forms, lists, conditions, notifications and templates naming a field', { kind: 'field', entity: 'deal', name: 'lastInteractionAt' }, ['entities/deal.json#/form/tabs/', 'notifications/deal-no-interaction.json#/trigger/dateField path', 'notifications/deal-no-interaction.json#/body/en template']],
    ['a stage field in conditions', { kind: 'field', entity: 'deal', name: 'stage' }, ['notifications/deal-no-interaction.json#/when condition', 'entities/deal.json#/lists/']],
    ['a field reached through a dot path', { kind: 'field', entity: 'counterparty', name: 'brand' }, ['notifications/deal-no-interaction.json#/body/en template', 'workflows/document-approval.bpmn#/', 'templates/contract.json#/fileName template']],
    ['assignee expressions', { kind: 'field', entity: 'document', name: 'responsible' }, ['workflows/document-approval.bpmn#/']],
    ['a document type\'s template condition', { kind: 'field', entity: 'document', name: 'type' }, ['templates/contract.json#/when condition']],
  ])('%s', (_what, item, expected) => {
    const found = where(item);
    for (const prefix of expected) expect(found.some((f) => f.startsWith(prefix))).toBe(true);
  });

  it('finds BPMN references by element id and attribute', () => {
    const bpmn = refs.to({ kind: 'field', entity: 'document', name: 'responsible' }).filter((r) => r.file.endsWith('.bpmn'));
    expect(bpmn.length).toBeGreaterThan(0);
    for (const r of bpmn) expect(r.pointer).toMatch(/^\/[\w-]+\/cardo:assignee$/);
    expect(refs.to({ kind: 'role', name: 'lawyer' }).find((r) => r.file.endsWith('.bpmn'))?.pointer).toMatch(/\/cardo:candidateRole$/);
  });

  it('lists nothing for an unused name and does not list system fields as fields of an entity', () => {
    expect(refs.to({ kind: 'entity', name: 'nothing_here' })).toEqual([]);
    expect(refs.to({ kind: 'field', entity: 'deal', name: 'owner' })).toEqual([]);
  });
});

describe('rename', () => {
  const edited = async (rename: Parameters<typeof planRename>[1]) => {
    const { edits } = await planRename(files, rename);
    return { edits, after: applyEdits(files, edits), text: (p: string) => edits.find((e) => e.path === p)?.bytes?.toString('utf8') };
  };

  it('renames a field in its entity, notifications and their templates; the result validates', async () => {
    const { edits, after, text } = await edited({ kind: 'field', entity: 'deal', from: 'lastInteractionAt', to: 'lastContactAt' });
    expect((await validateFiles(after)).problems).toEqual((await validateFiles(files)).problems);
    const notification = JSON.parse(text('notifications/deal-no-interaction.json') ?? '{}') as { trigger: { dateField: string }; body: { en: string } };
    expect(notification.trigger.dateField).toBe('lastContactAt');
    expect(notification.body.en).toContain('{{lastContactAt}}');
    expect(JSON.parse(text('entities/deal.json') ?? '{}').fields.some((f: { name: string }) => f.name === 'lastContactAt')).toBe(true);
    for (const e of edits) expect(e.bytes?.toString('utf8') ?? '').not.toMatch(/\blastInteractionAt\b/);
  }, 60_000);

  it('refuses a rename that would break what it cannot rewrite (placeholders inside .docx templates), listing the problems', async () => {
    await expect(planRename(files, { kind: 'field', entity: 'counterparty', from: 'brand', to: 'brandName' })).rejects.toMatchObject({
      code: 'CARDO_ERR_STUDIO_RENAME',
      extra: { problems: expect.arrayContaining([expect.objectContaining({ file: 'templates/contract.docx', message: expect.stringContaining('brand') })]) },
    });
  }, 60_000);

  it('renames an entity: moves its file and rewrites targets, permissions and cardo:entity', async () => {
    const { edits, text } = await edited({ kind: 'entity', from: 'document', to: 'paper' });
    expect(edits.find((e) => e.path === 'entities/document.json')?.bytes).toBeNull();
    expect(JSON.parse(text('entities/paper.json') ?? '{}').name).toBe('paper');
    expect(text('workflows/document-approval.bpmn')).toContain('cardo:entity="paper"');
    expect(JSON.parse(text('roles.json') ?? '{}').roles[0].permissions.paper).toBeDefined();
  }, 60_000);

  it('renames a role in roles.json and candidate roles', async () => {
    const { text } = await edited({ kind: 'role', from: 'lawyer', to: 'legal' });
    expect(text('workflows/document-approval.bpmn')).toContain('cardo:candidateRole="legal"');
    expect(JSON.parse(text('roles.json') ?? '{}').roles.map((r: { name: string }) => r.name)).toContain('legal');
  }, 60_000);

  it.each([
    [{ kind: 'entity', from: 'deal', to: 'contact' }, /exists already/],
    [{ kind: 'entity', from: 'nope', to: 'other' }, /There is no entity/],
    [{ kind: 'entity', from: 'deal', to: '../x' }, /is not a name/],
    [{ kind: 'field', entity: 'deal', from: 'amount', to: 'title' }, /exists already/],
  ] as const)('refuses %j', async (rename, message) => {
    await expect(planRename(files, rename)).rejects.toMatchObject({ code: 'CARDO_ERR_STUDIO_RENAME', message: expect.stringMatching(message) });
  });

  it.each([
    ['record.amount * 2', 'record.sum * 2'],
    ["record.title == 'record.amount'", "record.title == 'record.amount'"],
    ['manager(record.amount)', 'manager(record.sum)'],
    ['${record.amount}', '${record.sum}'],
  ])('rewrites the paths of the expression %s', (text, expected) => {
    expect(rewriteExpression(text, (p) => p.replace(/^record\.amount$/, 'record.sum'))).toBe(expected);
  });
});
