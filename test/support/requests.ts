import type { Response } from 'supertest';
import { expectMatchesOpenApi } from './openapi.js';
import type { TestApp } from './test-app.js';
import { tokenFor } from './tokens.js';

/** What a client sends besides the query: each part is left out when undefined. */
export interface Caller {
  authorization?: string;
  requester?: string;
  target?: string;
}

/** A caller with a valid token of `organization`, listing `target` (itself by default). */
export async function callerFor(
  organization: { id: string },
  target: { id: string } = organization,
): Promise<Caller> {
  return {
    authorization: `Bearer ${await tokenFor(organization.id)}`,
    requester: organization.id,
    target: target.id,
  };
}

/**
 * GET /host-connections with `query` sent exactly as written (already percent-encoded),
 * so tests control every byte of the query string. Every response is also checked against
 * the served OpenAPI document, so the document and the behaviour cannot drift apart.
 */
export async function getHostConnections(
  t: TestApp,
  query: string,
  caller: Caller,
): Promise<Response> {
  let request = t.http.get(`/host-connections?${query}`);
  if (caller.authorization !== undefined)
    request = request.set('Authorization', caller.authorization);
  if (caller.requester !== undefined)
    request = request.set('Requester-Organization-ID', caller.requester);
  if (caller.target !== undefined) request = request.set('Target-Organization-ID', caller.target);
  const response = await request;
  await expectMatchesOpenApi(response);
  return response;
}
