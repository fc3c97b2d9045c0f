import type { ResponseObject } from '@nestjs/swagger';
import pg from 'pg';
import type { Response } from 'supertest';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import {
  expectMatchesOpenApi,
  type ObservedResponse,
  openApiDocument,
  openApiMismatches,
} from './support/openapi.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { tokenFor } from './support/tokens.js';

const PAGE = 'statuses=connected&statuses=disconnected&limit=10&offset=0';

async function documentedExample(status: number): Promise<unknown> {
  const doc = await openApiDocument();
  const response = doc.paths['/host-connections'].get?.responses[String(status)] as ResponseObject;
  return response.content?.['application/json'].example;
}

function without<T extends object>(value: T, key: keyof T): T {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

function observed(response: Response): ObservedResponse {
  return {
    status: response.status,
    headers: response.headers,
    body: response.body as unknown,
    type: response.type,
    request: { method: response.request.method, url: response.request.url },
  };
}

describe('responses against the OpenAPI document', () => {
  let t: TestApp;
  let guest: OrganizationRow;
  let host: OrganizationRow;
  let stranger: OrganizationRow;

  const list = async (
    query: string,
    orgs: { token?: string; requester?: string; target?: string },
  ) => {
    let request = t.http.get(`/host-connections?${query}`);
    if (orgs.token !== undefined) request = request.set('Authorization', `Bearer ${orgs.token}`);
    if (orgs.requester !== undefined)
      request = request.set('Requester-Organization-ID', orgs.requester);
    if (orgs.target !== undefined) request = request.set('Target-Organization-ID', orgs.target);
    return request;
  };
  const asSelf = async (org: OrganizationRow, query = PAGE) =>
    list(query, { token: await tokenFor(org.id), requester: org.id, target: org.id });

  beforeAll(async () => {
    t = await startTestApp();
    guest = await anOrganization(t.db, { name: 'Guest Co' });
    host = await anOrganization(t.db, { name: 'Acme Freight', email: 'ops@acme.example' });
    const other = await anOrganization(t.db, { name: 'Bolt Logistics' });
    stranger = await anOrganization(t.db);
    await aConnection(t.db, host, guest, {
      archived: true,
      archived_at: '2025-06-01T10:00:00.654321Z',
      active_action_type: 'analytics_request',
      active_action_updated_at: '2025-06-02T11:30:00.000001Z',
    });
    await aConnection(t.db, other, guest, { status: 'disconnected' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should match the 200 schema when optional fields are both set and null', async () => {
    const response = await asSelf(guest);

    expect(response.status).toBe(200);
    const body = response.body as { items: Array<Record<string, unknown>> };
    expect(body.items.map((item) => item.active_action_type)).toEqual(['analytics_request', null]);
    await expectMatchesOpenApi(response);
  });

  it('should match the 200 schema for a count-only page', async () => {
    const response = await asSelf(guest, 'statuses=connected&limit=0&offset=0');

    expect(response.body).toEqual({ items: [], total_items: 1 });
    await expectMatchesOpenApi(response);
  });

  it.each<[string, number, () => Promise<Response>]>([
    ['no token', 401, () => list(PAGE, { requester: guest.id, target: guest.id })],
    [
      'a malformed header',
      401,
      () => t.http.get(`/host-connections?${PAGE}`).set('Authorization', 'Basic abc'),
    ],
    [
      'a token without the scope',
      403,
      async () =>
        list(PAGE, {
          token: await tokenFor(guest.id, { scope: 'other' }),
          requester: guest.id,
          target: guest.id,
        }),
    ],
    [
      "a requester that is not the token's organization",
      403,
      async () =>
        list(PAGE, { token: await tokenFor(guest.id), requester: host.id, target: guest.id }),
    ],
    [
      'missing organization headers',
      422,
      async () => list(PAGE, { token: await tokenFor(guest.id) }),
    ],
    [
      'several invalid query parameters',
      422,
      () =>
        asSelf(guest, 'statuses=CONNECTED&limit=abc&offset=-1&order_by=x&archived=maybe&unknown=1'),
    ],
  ])('should match the documented error for %s', async (_, status, send) => {
    const response = await send();

    expect(response.status).toBe(status);
    await expectMatchesOpenApi(response);
  });

  it.each<[number, string, () => Promise<Response>]>([
    [
      401,
      'an expired token',
      async () =>
        list(PAGE, {
          token: await tokenFor(guest.id, { expiresIn: Math.floor(Date.now() / 1000) - 3600 }),
          requester: guest.id,
          target: guest.id,
        }),
    ],
    [
      403,
      'a cross-organization request without a connection',
      async () =>
        list(PAGE, {
          token: await tokenFor(stranger.id),
          requester: stranger.id,
          target: guest.id,
        }),
    ],
    [422, 'limit=101', () => asSelf(guest, 'statuses=connected&limit=101&offset=0')],
  ])('should answer %i exactly as its documented example for %s', async (status, _, send) => {
    const response = await send();

    expect(response.status).toBe(status);
    expect(response.body).toEqual(await documentedExample(status));
    await expectMatchesOpenApi(response);
  });

  describe('expectMatchesOpenApi', () => {
    let page: ObservedResponse;
    let row: Record<string, unknown>;
    const withRow = (change: (row: Record<string, unknown>) => Record<string, unknown>) => ({
      ...page,
      body: { ...(page.body as object), items: [change({ ...row })] },
    });

    beforeAll(async () => {
      page = observed(await asSelf(guest, 'statuses=connected&limit=1&offset=0'));
      row = (page.body as { items: Array<Record<string, unknown>> }).items[0];
    });

    it('should accept the unchanged response', async () => {
      expect(await openApiMismatches(page)).toEqual([]);
    });

    it.each<[string, (row: Record<string, unknown>) => Record<string, unknown>]>([
      ['an undocumented field', (r) => ({ ...r, internal_id: 7 })],
      ['a missing field', (r) => without(r, 'archived_at')],
      ['a status outside the enum', (r) => ({ ...r, status: 'pending' })],
      ['an action type outside the enum', (r) => ({ ...r, active_action_type: 'audit' })],
      ['a host id that is not a UUID', (r) => ({ ...r, host_organization_id: '42' })],
      ['an email that is not one', (r) => ({ ...r, host_email: 'acme' })],
      ['a timestamp that is not RFC 3339', (r) => ({ ...r, created_at: '2025-01-01 00:00:00' })],
      ['null where the field is not nullable', (r) => ({ ...r, host_name: null })],
      ['a string boolean', (r) => ({ ...r, archived: 'true' })],
    ])('should reject a row with %s', async (_, change) => {
      await expect(expectMatchesOpenApi(withRow(change))).rejects.toThrow(
        /GET .*\/host-connections\?.* → 200 does not match the OpenAPI document/,
      );
    });

    it('should reject a negative total', async () => {
      const mismatches = await openApiMismatches({ ...page, body: { items: [], total_items: -1 } });

      expect(mismatches).toEqual(['body/total_items must be >= 0']);
    });

    it('should reject a 200 without its documented Cache-Control header', async () => {
      const headers = without(page.headers, 'cache-control');

      expect(await openApiMismatches({ ...page, headers })).toEqual([
        'header Cache-Control is documented as required but missing',
      ]);
    });

    it('should reject an undocumented status', async () => {
      expect(await openApiMismatches({ ...page, status: 404 })).toEqual([
        'status 404 is not documented',
      ]);
    });

    it('should reject an error body outside the envelope', async () => {
      const mismatches = await openApiMismatches({
        ...page,
        status: 422,
        body: { statusCode: 422, message: ['limit must be an integer'] },
      });

      expect(mismatches).toContain("body must have required property 'detail'");
    });

    it('should reject an undocumented content type', async () => {
      expect(await openApiMismatches({ ...page, type: 'text/html' })).toEqual([
        'content type "text/html" is not documented (application/json)',
      ]);
    });

    it('should reject a path the document does not have', async () => {
      const request = { method: 'GET', url: 'http://127.0.0.1/host-connections/extra/more' };

      expect(await openApiMismatches({ ...page, request })).toEqual([
        'the document has no operation GET /host-connections/extra/more',
      ]);
    });
  });
});

describe('a 503 against the OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    // A short statement timeout turns a lock wait into the query timeout the contract maps to 503.
    t = await startTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: '300' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('should answer 503 exactly as its documented example when the table is locked', async () => {
    const guest = await anOrganization(t.db);
    const token = await tokenFor(guest.id);
    const locker = new pg.Client({ connectionString: t.database.url });
    await locker.connect();
    let response: Response;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE host_connections IN ACCESS EXCLUSIVE MODE');
      response = await t.http
        .get(`/host-connections?${PAGE}`)
        .set('Authorization', `Bearer ${token}`)
        .set('Requester-Organization-ID', guest.id)
        .set('Target-Organization-ID', guest.id);
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }

    expect(response.status).toBe(503);
    expect(response.body).toEqual(await documentedExample(503));
    await expectMatchesOpenApi(response);
  });
});
