import type { Role } from '../../db/api-tokens.ts';

/** What a request may do. Routes ask for a capability, never for a role. */
export type Capability =
  | 'targets:read'
  | 'targets:write'
  | 'snapshots:read'
  | 'alerts:read'
  | 'alerts:triage'
  | 'subscriptions:own'
  | 'subscriptions:all'
  | 'tokens:manage'
  | 'queues:admin'
  | 'search:read'
  | 'searches:own'
  | 'searches:all';

/**
 * Operators manage targets; reviewers read snapshots and triage alerts; researchers read alerts and manage their
 * own subscriptions; admin does everything. Every role searches the archive and keeps saved searches of its own.
 */
const GRANTS: Record<Role, ReadonlySet<Capability>> = {
  admin: new Set<Capability>(['targets:read', 'targets:write', 'snapshots:read', 'alerts:read', 'alerts:triage', 'subscriptions:own', 'subscriptions:all', 'tokens:manage', 'queues:admin', 'search:read', 'searches:own', 'searches:all']),
  operator: new Set<Capability>(['targets:read', 'targets:write', 'snapshots:read', 'alerts:read', 'search:read', 'searches:own']),
  reviewer: new Set<Capability>(['targets:read', 'snapshots:read', 'alerts:read', 'alerts:triage', 'search:read', 'searches:own']),
  researcher: new Set<Capability>(['alerts:read', 'subscriptions:own', 'search:read', 'searches:own']),
};

export function can(role: Role, capability: Capability): boolean {
  return GRANTS[role].has(capability);
}

export const ROLES: readonly Role[] = ['admin', 'operator', 'reviewer', 'researcher'];
