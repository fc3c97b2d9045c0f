import type { Request } from 'express';

/** Who is calling, as proven by the access token. */
export interface Principal {
  subject: string | null;
  organizationId: string;
  scopes: ReadonlySet<string>;
}

export type AccessMode = 'self' | 'cross';

/**
 * The organizations a request may see, resolved by OrganizationGuard. Services take this,
 * never the raw headers. In cross mode every row must also have `partyId` (the requester)
 * as its other organization, so a host never learns about its guest's other hosts.
 */
export interface OrganizationContext {
  requesterId: string;
  targetId: string;
  mode: AccessMode;
  partyId: string | null;
}

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
  organizationContext?: OrganizationContext;
}
