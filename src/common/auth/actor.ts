export const STAFF_ROLES = ['admin', 'hub_staff', 'counselor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = StaffRole | 'guardian';

/** Who is making the request, resolved from the access token on every request. */
export interface Actor {
  type: 'user' | 'guardian';
  id: string;
  role: Role;
  /** Hubs a staff member or counselor works in; empty for admins (they see all) and guardians. */
  hubIds: string[];
}

export const isAdmin = (actor: Actor): boolean => actor.role === 'admin';

/** True when the actor may see objects of this hub (admins see every hub). */
export const canSeeHub = (actor: Actor, hubId: string): boolean =>
  actor.role === 'admin' || (actor.type === 'user' && actor.hubIds.includes(hubId));
