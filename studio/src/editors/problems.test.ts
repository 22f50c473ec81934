import { describe, expect, it } from '@jest/globals';
import type { MetadataProblem } from '../types.js';
import { pointerOf, problemsAt } from './problems.js';

const problem = (pointer: string): MetadataProblem => ({ code: 'CARDO_ERR_META_SCHEMA', file: 'roles.json', pointer, message: `at ${pointer}` });

describe('problems at controls', () => {
  it('escapes pointer segments', () => {
    expect(pointerOf('roles', 0, 'permissions', '*', 'read')).toBe('/roles/0/permissions/*/read');
    expect(pointerOf('a/b', 'c~d')).toBe('/a~1b/c~0d');
  });

  it('matches exactly, or below with deep', () => {
    const problems = [problem('/sources/0/start'), problem('/sources/0/when/type'), problem('/sources/10'), problem('/label')];
    expect(problemsAt(problems, '/sources/0/start')).toEqual(['at /sources/0/start']);
    expect(problemsAt(problems, '/sources/0')).toEqual([]);
    expect(problemsAt(problems, '/sources/0', true)).toEqual(['at /sources/0/start', 'at /sources/0/when/type']);
  });
});
