import type { JwtClaims } from './jwt';

export type Role = 'admin' | 'model_owner' | 'auditor';

/** Highest privilege first: a user in several groups acts with the strongest role. */
export const ROLE_PRECEDENCE: readonly Role[] = ['admin', 'model_owner', 'auditor'];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  model_owner: 'Model owner',
  auditor: 'Auditor',
};

export function roleFromGroups(groups: unknown): Role | null {
  const list: unknown[] = Array.isArray(groups)
    ? groups
    : typeof groups === 'string'
      ? groups.split(/[,\s]+/)
      : [];
  for (const role of ROLE_PRECEDENCE) {
    if (list.includes(role)) {
      return role;
    }
  }
  return null;
}

export function roleFromClaims(claims: JwtClaims): Role | null {
  return roleFromGroups(claims['cognito:groups']);
}

export function usernameFromClaims(claims: JwtClaims): string {
  for (const key of ['cognito:username', 'username', 'preferred_username', 'email', 'sub']) {
    const value = claims[key];
    if (typeof value === 'string' && value) {
      return value;
    }
  }
  return 'unknown user';
}

/** May create and change models, risk profiles, lifecycle status, versions and metrics. */
export function canWrite(role: Role | null): boolean {
  return role === 'admin' || role === 'model_owner';
}

/** May change a record a team owns (a dataset): admins any, model owners only their teams'. */
export function canChangeTeamRecord(role: Role | null, teams: readonly string[], owner: string | null | undefined): boolean {
  return role === 'admin' || (role === 'model_owner' && !!owner && teams.includes(owner));
}

/** May delete models. */
export function canDelete(role: Role | null): boolean {
  return role === 'admin';
}

/** A user's teams are their Cognito groups named `team-<slug>`. */
export function teamsFromGroups(groups: unknown): string[] {
  const list: unknown[] = Array.isArray(groups) ? groups : typeof groups === 'string' ? groups.split(/[,\s]+/) : [];
  return list
    .filter((g): g is string => typeof g === 'string' && g.startsWith('team-') && g.length > 5)
    .map((g) => g.slice(5))
    .sort();
}
