import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { validateMetadataDir } from '../src/metadata/validate.js';
import { minimalMetadata, writeFixture } from './helpers/metadata-fixture.js';

// The BPMN MIWG reference models, written by other tools (vendored with their README).
const MIWG = path.resolve(import.meta.dirname, 'fixtures/bpmn-miwg');
const files = (await readdir(MIWG)).filter((f) => f.endsWith('.bpmn')).sort();

/** Element ids of a kind, read from the XML text (independently of the validator's parser). */
function idsOf(xml: string, tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const tag of tags) {
    const re = new RegExp(`<(?:[A-Za-z0-9]+:)?${tag}\\b[^>]*\\bid="([^"]+)"`, 'g');
    for (const m of xml.matchAll(re)) out.push(m[1] as string);
  }
  return out;
}

const UNSUPPORTED_TAGS = ['scriptTask', 'callActivity', 'sendTask', 'receiveTask', 'businessRuleTask', 'manualTask', 'eventBasedGateway', 'complexGateway', 'intermediateThrowEvent', 'transaction', 'adHocSubProcess'];
const RUNNABLE_TAGS = ['userTask', 'exclusiveGateway', 'parallelGateway', 'inclusiveGateway', 'sequenceFlow'];

describe('BPMN MIWG reference models', () => {
  it('all 21 reference models are present', () => expect(files).toHaveLength(21));

  it.each(files)('%s loads, and cardo validate names each unsupported element by id', async (name) => {
    const xml = await readFile(path.join(MIWG, name), 'utf8');
    const fixture = minimalMetadata();
    fixture[`workflows/${name.replaceAll('.', '-').replace(/-bpmn$/, '')}.bpmn`] = xml;
    const problems = (await validateMetadataDir(await writeFixture(fixture))).problems.filter((p) => p.file.startsWith('workflows/') && !p.file.endsWith('approval.bpmn'));
    // It parses: no file-level parse error.
    expect(problems.filter((p) => p.code === 'CARDO_ERR_META_BPMN')).toEqual([]);
    const unsupported = new Map(problems.filter((p) => p.code === 'CARDO_ERR_META_BPMN_UNSUPPORTED').map((p) => [p.pointer.slice(1), p.message]));
    for (const id of idsOf(xml, UNSUPPORTED_TAGS)) expect([id, unsupported.has(id)]).toEqual([id, true]);
    // Runnable kinds are reported only for what they carry: a loop, or a condition in another language.
    for (const id of idsOf(xml, RUNNABLE_TAGS)) if (unsupported.has(id)) expect([id, unsupported.get(id)]).toEqual([id, expect.stringMatching(/loops and multi-instance|conditions in "/)]);
    for (const p of problems) expect(p.message.length).toBeGreaterThan(10);
  });
});
