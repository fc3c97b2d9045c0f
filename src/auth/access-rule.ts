import type { AccessMode } from './principal.js';

export const REQUESTER_HEADER = 'requester-organization-id';
export const TARGET_HEADER = 'target-organization-id';

export const ACCESS_RULE = Symbol('ACCESS_RULE');

/** What a route demands: a token scope, and which organization scenarios it serves. */
export interface AccessRule {
  scope: string;
  modes: readonly AccessMode[];
}
