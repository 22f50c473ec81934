import { describe, expect, it } from '@jest/globals';
import type { Role, Roles } from '../types.js';
import { matrixEntities, newRole, roleNameProblem, setFlag, setScope } from './roles-edit.js';

const seller: Role = { name: 'seller', label: { en: 'Seller' }, permissions: { deal: { read: 'own', fields: { owner: 'readOnly' } }, sys_task: { read: 'own' } } };
const roles: Roles = { roles: [seller, { name: 'boss', label: { en: 'Boss' }, permissions: { '*': { read: 'all' }, gone: { read: 'all' } } }] };

describe('role matrix edits', () => {
  it('lists * first, the entities, then other granted names', () => {
    expect(matrixEntities(roles, ['deal', 'contact'])).toEqual(['*', 'deal', 'contact', 'gone', 'sys_task']);
  });

  it('sets and clears a scope, keeping field rules and dropping an empty entity', () => {
    const granted = setScope(seller, 'contact', 'create', 'department');
    expect(granted.permissions.contact).toEqual({ create: 'department' });
    const widened = setScope(granted, 'deal', 'read', 'all');
    expect(widened.permissions.deal).toEqual({ read: 'all', fields: { owner: 'readOnly' } });
    expect(setScope(widened, 'deal', 'read', undefined).permissions.deal).toEqual({ fields: { owner: 'readOnly' } });
    expect(Object.keys(setScope(granted, 'contact', 'create', undefined).permissions)).toEqual(['deal', 'sys_task']);
    expect(seller.permissions.contact).toBeUndefined();
  });

  it('writes flags only when on', () => {
    expect(setFlag(seller, 'studio', true).studio).toBe(true);
    expect('studio' in setFlag(setFlag(seller, 'studio', true), 'studio', false)).toBe(false);
  });

  it('checks new role names', () => {
    expect(newRole('auditor', ['en', 'ru'])).toEqual({ name: 'auditor', label: { en: 'auditor', ru: 'auditor' }, permissions: {} });
    expect(roleNameProblem(roles, 'auditor')).toBeNull();
    expect(roleNameProblem(roles, 'seller')).toBe('taken');
    expect(roleNameProblem(roles, 'Bad-name')).toBe('rule');
  });
});
