export const ROLES = ['reader', 'contributor', 'maintainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a token's subject and role. */
export interface Principal {
  subject: string;
  role: Role;
  tokenId: string;
}

/** What GET /v1/whoami answers: the caller's subject and role. */
export type WhoAmI = Pick<Principal, 'subject' | 'role'>;

export function hasRole(principal: Pick<Principal, 'role'>, needed: Role): boolean {
  return ROLES.indexOf(principal.role) >= ROLES.indexOf(needed);
}
