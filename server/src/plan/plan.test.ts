import { describe, expect, it } from '@jest/globals';
import { formatChange, isWidening } from './plan.js';

describe('isWidening', () => {
  it.each([
    ['varchar(64)', 'varchar(64)', true],
    ['varchar(64)', 'varchar(200)', true],
    ['varchar(64)', 'character varying(65)', true],
    ['varchar(64)', 'text', true],
    ['varchar(200)', 'varchar(100)', false],
    ['text', 'varchar(10000)', false],
    ['text', 'text', true],
    ['numeric(18,2)', 'numeric(20,2)', true],
    ['numeric(18,2)', 'numeric(19,3)', true],
    ['numeric(18,2)', 'numeric(18,4)', false],
    ['numeric(18,4)', 'numeric(18,2)', false],
    ['numeric(18,2)', 'numeric(10,2)', false],
    ['int', 'bigint', true],
    ['int4', 'int', true],
    ['bigint', 'int', false],
    ['int', 'numeric(18,4)', true],
    ['int', 'numeric(9,0)', false],
    ['boolean', 'int', false],
    ['int', 'varchar(255)', false],
    ['date', 'timestamptz', false],
    ['uuid', 'uuid', true],
  ])('%s → %s: %s', (from, to, expected) => {
    expect(isWidening(from, to)).toBe(expected);
  });
});

describe('formatChange', () => {
  it.each([
    [{ kind: 'addColumn', destructive: false, detail: 'add column a.b varchar(64)' }, '+ add column a.b varchar(64)'],
    [{ kind: 'dropColumn', destructive: true, detail: 'drop column a.b and its values' }, '! drop column a.b and its values (destructive)'],
    [{ kind: 'alterColumn', destructive: false, detail: 'alter column a.b varchar(64) → varchar(80)' }, '~ alter column a.b varchar(64) → varchar(80)'],
    [{ kind: 'dropIndex', destructive: false, detail: 'drop index a_b_idx on a' }, '- drop index a_b_idx on a'],
  ] as const)('%o', (change, line) => {
    expect(formatChange({ table: 'a', ...change })).toBe(line);
  });
});
