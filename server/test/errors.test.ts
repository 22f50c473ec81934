import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { ERRORS } from '../src/errors.js';

describe('error registry', () => {
  it('documents every code in docs/errors.md', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.keys(ERRORS).filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(ERRORS))('%s has a 4xx/5xx status and a sentence', (code, { status, message }) => {
    expect(code).toMatch(/^CARDO_ERR_[A-Z]+_[A-Z_]+$/);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(600);
    expect(message).toMatch(/^[A-Z"'a-z].*\.$/);
  });
});
