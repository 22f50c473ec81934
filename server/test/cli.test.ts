import { rm } from 'node:fs/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../src/cli.js';
import { minimalMetadata, writeFixture } from './helpers/metadata-fixture.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are edited freely
type Json = any;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function cardo(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: '/', env: {} });
  return { code, out, err };
}

describe('cardo validate', () => {
  it('prints a one-line summary and exits 0 on valid metadata', async () => {
    const dir = await writeFixture(minimalMetadata());
    dirs.push(dir);
    const { code, out, err } = await cardo(['validate', dir]);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/valid — 2 entities, 2 roles, 1 automation, 1 notification, 1 calendar, 1 report, 1 document template, 1 workflow$/);
  });

  it('prints all three mistakes as file:pointer code message and exits 1', async () => {
    const files = minimalMetadata() as Record<string, Json>;
    files['entities/client.json'].fields[0].type = 'varchar';
    files['entities/order.json'].fields[1].target = 'customer';
    files['notifications/meeting-reminder.json'].recipients[2] = 'role:director';
    const dir = await writeFixture(files);
    dirs.push(dir);
    const { code, out, err } = await cardo(['validate', dir]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    const rel = dir.slice(1);
    expect(err.slice(0, 3)).toEqual([
      expect.stringMatching(new RegExp(`^${rel}/entities/client\\.json:/fields/0/type CARDO_ERR_META_SCHEMA Must be one of: "string"`)),
      expect.stringMatching(new RegExp(`^${rel}/entities/order\\.json:/fields/1/target CARDO_ERR_META_UNKNOWN_ENTITY There is no entity "customer"\\.$`)),
      expect.stringMatching(new RegExp(`^${rel}/notifications/meeting-reminder\\.json:/recipients/2 CARDO_ERR_META_UNKNOWN_ROLE There is no role "director"`)),
    ]);
    expect(err[3]).toMatch(/^3 problems in /);
  });

  it('refuses an unknown command', async () => {
    const { code, err } = await cardo(['frobnicate']);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^Unknown command "frobnicate"/);
  });
});

describe('cardo format', () => {
  it('rewrites files canonically, and a second run changes nothing', async () => {
    const files = minimalMetadata() as Record<string, Json>;
    // Out of order keys and a default written out.
    const { name, ...rest } = files['entities/client.json'];
    files['entities/client.json'] = { ...rest, name };
    files['entities/client.json'].fields[0].unique = false;
    const dir = await writeFixture(files);
    dirs.push(dir);
    const check = await cardo(['format', dir, '--check']);
    expect(check.code).toBe(1);
    expect(check.out).toContain(`not canonical: ${dir.slice(1)}/entities/client.json`);
    const first = await cardo(['format', dir]);
    expect(first.code).toBe(0);
    const second = await cardo(['format', dir, '--check']);
    expect(second).toEqual({ code: 0, out: ['all files are canonical'], err: [] });
    expect((await cardo(['validate', dir])).code).toBe(0);
  });
});
