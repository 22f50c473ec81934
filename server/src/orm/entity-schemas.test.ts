import { describe, expect, it } from '@jest/globals';
import { conditionFields, constraintName } from './entity-schemas.js';

describe('constraintName', () => {
  it('is <table>_<column>_<suffix> when that fits PostgreSQL identifiers', () => {
    expect(constraintName('counterparty', 'brand', 'trgm')).toBe('counterparty_brand_trgm');
  });

  it('shortens longer names to 63 characters, deterministically and distinctly', () => {
    const table = 'a_rather_long_entity_name_for_testing_limits';
    const a = constraintName(table, 'dup_same_legal_name_and_phone', 'uq');
    const b = constraintName(table, 'dup_same_legal_name_and_email', 'uq');
    expect(a).toHaveLength(63);
    expect(a).toMatch(/^a_rather_long_entity_name_for_testing_limits_dup_sa_[0-9a-f]{8}_uq$/);
    expect(constraintName(table, 'dup_same_legal_name_and_phone', 'uq')).toBe(a);
    expect(b).not.toBe(a);
  });
});

describe('conditionFields', () => {
  it('collects the fields a condition reads, through $and/$or/$not and dot paths', () => {
    const fields = conditionFields({ status: 'active', $or: [{ amount: { $gte: 10 } }, { $not: { 'client.status': { $in: ['x'] } } }], owner: '$me' });
    expect([...fields].sort()).toEqual(['amount', 'client', 'owner', 'status']);
  });
});
