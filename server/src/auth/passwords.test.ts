import { describe, expect, it } from '@jest/globals';
import { assertPasswordPolicy, generatePassword, hashPassword, verifyPassword } from './passwords.js';

describe('password hashes', () => {
  it('round-trips and refuses a wrong password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash, so equal passwords hash differently', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', b!)).toBe(true);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const hash = await hashPassword('Пароль-й-é');
    expect(await verifyPassword('Пароль-и\u0306-e\u0301', hash)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another algorithm', '$2b$10$abcdefghijklmnopqrstuv'],
    ['missing parts', 'scrypt$32768$8$1$c2FsdA'],
    ['N not a power of two', 'scrypt$30000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['N beyond the memory bound', 'scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['r beyond the bound', 'scrypt$32768$64$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a key too short', 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
  ])('never matches a malformed stored hash (%s)', async (_case, stored) => {
    expect(await verifyPassword('anything', stored)).toBe(false);
  });

  it('verifies hashes made with other parameters than today\'s', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('old password', salt, 64, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword('old password', stored)).toBe(true);
    expect(await verifyPassword('old passwort', stored)).toBe(false);
  });
});

describe('generatePassword', () => {
  it('is long, readable and different every time', () => {
    const passwords = Array.from({ length: 200 }, generatePassword);
    for (const p of passwords) {
      expect(p).toMatch(/^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      expect(p.length).toBeGreaterThanOrEqual(16);
    }
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('satisfies the password policy', () => {
    expect(() => assertPasswordPolicy(generatePassword())).not.toThrow();
  });
});

describe('assertPasswordPolicy', () => {
  it.each([['', false], ['short', false], ['1234567', false], ['12345678', true], ['x'.repeat(256), true], ['x'.repeat(257), false]])('%j acceptable: %s', (password, ok) => {
    if (ok) expect(() => assertPasswordPolicy(password)).not.toThrow();
    else expect(() => assertPasswordPolicy(password)).toThrow(expect.objectContaining({ code: 'CARDO_ERR_API_VALIDATION' }));
  });
});
