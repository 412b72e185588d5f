import { describe, expect, it } from 'vitest';
import { makeJwt } from '../test/helpers';
import { decodeJwt } from './jwt';
import { canChangeTeamRecord, canDelete, canWrite, roleFromClaims, roleFromGroups, usernameFromClaims } from './roles';

describe('roles', () => {
  it.each([
    [['auditor', 'admin'], 'admin'],
    [['auditor', 'model_owner'], 'model_owner'],
    [['auditor'], 'auditor'],
    [['data-science'], null],
    [undefined, null],
  ])('groups %j act as %s', (groups, role) => {
    expect(roleFromGroups(groups)).toBe(role);
  });

  it('reads groups and username from a decoded ID token, including non-ASCII names', () => {
    const claims = decodeJwt(makeJwt({ 'cognito:groups': ['model_owner'], 'cognito:username': 'demo-owner' }));
    expect(roleFromClaims(claims)).toBe('model_owner');
    expect(usernameFromClaims(claims)).toBe('demo-owner');
    const utf8 = `x.${btoa(String.fromCharCode(...new TextEncoder().encode('{"email":"zoë@example.eu"}')))}.y`;
    expect(usernameFromClaims(decodeJwt(utf8))).toBe('zoë@example.eu');
  });

  it('lets admins and model owners write, only admins delete, auditors neither', () => {
    expect([canWrite('admin'), canWrite('model_owner'), canWrite('auditor'), canWrite(null)]).toEqual([true, true, false, false]);
    expect([canDelete('admin'), canDelete('model_owner'), canDelete('auditor')]).toEqual([true, false, false]);
  });

  it('lets admins change any team\'s record, model owners only their own teams\', auditors none', () => {
    expect(canChangeTeamRecord('admin', [], 'payments-ml')).toBe(true);
    expect(canChangeTeamRecord('admin', [], null)).toBe(true);
    expect(canChangeTeamRecord('model_owner', ['payments-ml'], 'payments-ml')).toBe(true);
    expect(canChangeTeamRecord('model_owner', ['payments-ml'], 'hr-ml')).toBe(false);
    expect(canChangeTeamRecord('model_owner', ['payments-ml'], null)).toBe(false);
    expect(canChangeTeamRecord('auditor', ['payments-ml'], 'payments-ml')).toBe(false);
  });
});
