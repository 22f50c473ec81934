import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../src/cli.js';
import { minimalMetadata, writeFixture, type FixtureFiles } from './helpers/metadata-fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited freely
type Json = any;

// The CLI opens the database from its environment: here an embedded PGlite in a temporary
// CARDO_DATA_DIR (no DATABASE_URL), which also covers the embedded path end to end.
let dataDir: string;
const dirs: string[] = [];
beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'cardo-data-'));
});
// Every command opens (and the first creates) a PGlite on disk: seconds each on a busy machine.
const SLOW = 180_000;
afterAll(async () => {
  await Promise.all([dataDir, ...dirs].map((d) => rm(d, { recursive: true, force: true })));
});

async function cardo(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: '/', env: { CARDO_DATA_DIR: dataDir } });
  return { code, out, err };
}

async function fixture(edit?: (files: Record<string, Json>) => void): Promise<string> {
  const files = minimalMetadata() as Record<string, Json>;
  edit?.(files);
  const dir = await writeFixture(files as FixtureFiles);
  dirs.push(dir);
  return dir;
}

describe('cardo plan and cardo apply (embedded PGlite)', () => {
  let base: string;
  beforeAll(async () => {
    base = await fixture();
  });

  it('plans the whole schema on an empty database, then applies it', async () => {
    const plan = await cardo(['plan', base]);
    expect(plan.err).toEqual([]);
    expect(plan.code).toBe(0);
    expect(plan.out).toContainEqual(expect.stringMatching(/^\+ create table client \(\d+ columns\)$/));
    expect(plan.out).toContain('+ add foreign key order.client → client (on delete cascade)');
    expect(plan.out).toContain('+ add index client_dup_same_phone_uq on client unique (dup_same_phone) where dup_same_phone is not null');
    // The changes, a blank line, then the SQL.
    const blank = plan.out.indexOf('');
    expect(blank).toBeGreaterThan(0);
    expect(plan.out.slice(blank + 1).every((line) => line.endsWith(';'))).toBe(true);
    expect(plan.out).toContain('create index "client_name_trgm" on "client" using gin ("name" gin_trgm_ops);');

    const apply = await cardo(['apply', base]);
    expect(apply.err).toEqual([]);
    expect(apply.code).toBe(0);
    expect(apply.out).toContainEqual(expect.stringMatching(/^\+ create table order \(\d+ columns\)$/));
    expect(apply.out).toContainEqual(expect.stringMatching(/^Applied \d+ statements in one transaction\.$/));
    expect(apply.out.at(-1)).toMatch(/^Recorded metadata version [0-9a-f]{12}\.$/);

    expect(await cardo(['plan', base])).toEqual({ code: 0, out: ['No changes: the database matches the metadata.'], err: [] });
    const again = await cardo(['apply', base]);
    expect(again.code).toBe(0);
    expect(again.out).toEqual(['No schema changes: the database matches the metadata.', expect.stringMatching(/^Metadata version [0-9a-f]{12} was already applied\.$/)]);
  }, SLOW);

  it('lists an added field as a safe change and applies it', async () => {
    const next = await fixture((f) => f['entities/client.json'].fields.push({ name: 'phone2', label: { en: 'Phone 2', ru: 'Телефон 2' }, type: 'phone' }));
    const plan = await cardo(['plan', next]);
    expect(plan.out.slice(0, 3)).toEqual(['+ add column client.phone2 varchar(64)', '', 'alter table "client" add "phone2" varchar(64) null;']);
    const apply = await cardo(['apply', next]);
    expect(apply.code).toBe(0);
    expect(apply.out[0]).toBe('+ add column client.phone2 varchar(64)');
  }, SLOW);

  it('refuses a destructive change with a message naming it, and applies it with --allow-destructive', async () => {
    // Back to the base metadata: client.phone2 goes away.
    const plan = await cardo(['plan', base]);
    expect(plan.code).toBe(0);
    expect(plan.out[0]).toBe('! drop column client.phone2 and its values (destructive)');
    expect(plan.out).toContain('1 destructive change(s): `cardo apply` refuses them without --allow-destructive.');

    const refused = await cardo(['apply', base]);
    expect(refused.code).toBe(1);
    expect(refused.out).toEqual([]);
    expect(refused.err.join('\n')).toMatch(/^CARDO_ERR_META_DESTRUCTIVE: The metadata change drops or narrows data, so nothing was applied:\n {2}! drop column client\.phone2 and its values\n/);
    expect(refused.err.join('\n')).toContain('--allow-destructive');
    expect((await cardo(['plan', base])).out[0]).toBe('! drop column client.phone2 and its values (destructive)');

    const allowed = await cardo(['apply', base, '--allow-destructive']);
    expect(allowed.err).toEqual([]);
    expect(allowed.code).toBe(0);
    expect(allowed.out[0]).toBe('! drop column client.phone2 and its values (destructive)');
    expect((await cardo(['plan', base])).out).toEqual(['No changes: the database matches the metadata.']);
  }, SLOW);

  it('exits 1 with the problems when the metadata is invalid', async () => {
    const broken = await fixture((f) => (f['entities/order.json'].fields[1].target = 'customer'));
    for (const command of ['plan', 'apply']) {
      const { code, out, err } = await cardo([command, broken]);
      expect(code).toBe(1);
      expect(out).toEqual([]);
      expect(err).toContainEqual(expect.stringMatching(/entities\/order\.json:\/fields\/1\/target CARDO_ERR_META_UNKNOWN_ENTITY/));
      expect(err.at(-1)).toMatch(/^CARDO_ERR_META_INVALID/);
    }
  }, SLOW);

  it('documents both commands in the usage text', async () => {
    const { out } = await cardo(['help']);
    expect(out.join('\n')).toMatch(/plan \[dir\][\s\S]*apply \[dir\] \[--allow-destructive\]/);
  });
});
