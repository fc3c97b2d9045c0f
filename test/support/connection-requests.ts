import type { Response } from 'supertest';
import { expectMatchesOpenApi } from './openapi.js';
import type { Caller } from './requests.js';
import type { TestApp } from './test-app.js';
import { tokenFor, READ_SCOPE } from './tokens.js';

export const WRITE_SCOPE = 'host_connections:write';

/** A caller whose token carries both scopes, acting on `target` (itself by default). */
export async function writerFor(
  organization: { id: string },
  target: { id: string } = organization,
): Promise<Caller> {
  return {
    authorization: `Bearer ${await tokenFor(organization.id, { scope: `${READ_SCOPE} ${WRITE_SCOPE}` })}`,
    requester: organization.id,
    target: target.id,
  };
}

type Test = ReturnType<TestApp['http']['get']>;

function withCaller(request: Test, caller: Caller): Test {
  if (caller.authorization !== undefined)
    request = request.set('Authorization', caller.authorization);
  if (caller.requester !== undefined)
    request = request.set('Requester-Organization-ID', caller.requester);
  if (caller.target !== undefined) request = request.set('Target-Organization-ID', caller.target);
  return request;
}

/** GET /host-connections/{path}, checked against the served OpenAPI document. */
export async function getConnection(t: TestApp, path: string, caller: Caller): Promise<Response> {
  const response = await withCaller(t.http.get(`/host-connections/${path}`), caller);
  await expectMatchesOpenApi(response);
  return response;
}

export interface PatchOptions {
  ifMatch?: string;
  /** Sent as is; a JSON value otherwise. */
  raw?: string;
  contentType?: string | null;
}

/** PATCH /host-connections/{path} with `body`, checked against the served OpenAPI document. */
export async function patchConnection(
  t: TestApp,
  path: string,
  caller: Caller,
  body: unknown,
  options: PatchOptions = {},
): Promise<Response> {
  let request = withCaller(t.http.patch(`/host-connections/${path}`), caller);
  if (options.ifMatch !== undefined) request = request.set('If-Match', options.ifMatch);
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) request = request.set('Content-Type', contentType);
  const response = await request.send(options.raw ?? JSON.stringify(body));
  await expectMatchesOpenApi(response);
  return response;
}
