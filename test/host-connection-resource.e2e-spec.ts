import { randomUUID } from 'node:crypto';
import type { ErrorEnvelope } from '../src/common/errors/api-error.js';
import {
  aConnection,
  anOrganization,
  type OrganizationRow,
  truncateAll,
} from './support/factories.js';
import {
  getConnection,
  patchConnection,
  WRITE_SCOPE,
  writerFor,
} from './support/connection-requests.js';
import { counterDrift, storedConnection } from './support/counters.js';
import { LogCapture } from './support/log-capture.js';
import { openApiDocument } from './support/openapi.js';
import { callerFor, type Caller, getHostConnections } from './support/requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { READ_SCOPE, tokenFor } from './support/tokens.js';

const ETAG = /^"[A-Za-z0-9_-]{27}"$/;
const MICROSECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

const notFound = {
  detail: [
    {
      loc: ['path', 'host_org_id'],
      msg: 'The target organization has no connection with this host',
      type: 'not_found',
      code: 'not_found',
    },
  ],
};

describe('GET and PATCH /host-connections/{host_org_id}', () => {
  const logs = new LogCapture();
  let t: TestApp;
  let guest: OrganizationRow;
  let host: OrganizationRow;
  let otherHost: OrganizationRow;

  beforeAll(async () => {
    // The document comes from a preview app built with `logger: false`, which silences Nest's
    // shared Logger: built first, the service's own logger replaces it again.
    await openApiDocument();
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: logs });
  });
  afterAll(async () => {
    await t.close();
  });

  beforeEach(async () => {
    await truncateAll(t.db);
    guest = await anOrganization(t.db, { name: 'Guest Bank', email: 'credit@guest.example' });
    host = await anOrganization(t.db, { name: 'Acme Freight', email: 'ops@acme.example' });
    otherHost = await anOrganization(t.db);
    await aConnection(t.db, host, guest, {
      owner_email: 'jane@acme.example',
      active_action_type: 'analytics_request',
      active_action_updated_at: '2025-12-12T12:00:00.654321Z',
      created_at: '2025-12-12T12:00:00.123456Z',
      updated_at: '2025-12-13T08:30:00.000001Z',
    });
    await aConnection(t.db, otherHost, guest);
    logs.clear();
  });

  const expected = () => ({
    host_organization_id: host.id,
    guest_organization_id: guest.id,
    host_name: 'Acme Freight',
    host_email: 'ops@acme.example',
    owner_email: 'jane@acme.example',
    status: 'connected',
    archived: false,
    created_at: '2025-12-12T12:00:00.123456Z',
    updated_at: '2025-12-13T08:30:00.000001Z',
    archived_at: null,
    active_action_type: 'analytics_request',
    active_action_updated_at: '2025-12-12T12:00:00.654321Z',
  });

  const auditLines = () =>
    logs.records().filter((record) => record.context === 'HostConnectionsAudit');

  describe('GET', () => {
    it('should answer the connection with its fields in order, no-store and a strong ETag when the guest reads its own', async () => {
      const response = await getConnection(t, host.id.toUpperCase(), await callerFor(guest));

      expect(response.status).toBe(200);
      expect(JSON.stringify(response.body)).toBe(JSON.stringify(expected()));
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.etag).toMatch(ETAG);
    });

    it('should answer the same headers without a body when the method is HEAD', async () => {
      const caller = await callerFor(guest);
      const get = await getConnection(t, host.id, caller);

      const head = await t.http
        .head(`/host-connections/${host.id}`)
        .set('Authorization', caller.authorization ?? '')
        .set('Requester-Organization-ID', guest.id)
        .set('Target-Organization-ID', guest.id);

      expect(head.status).toBe(200);
      expect(head.text).toBeUndefined();
      expect(head.headers.etag).toBe(get.headers.etag);
      expect(head.headers['cache-control']).toBe('no-store');
      expect(head.headers['content-length']).toBe(get.headers['content-length']);
    });

    it('should answer 404 when the guest has no connection with that host', async () => {
      const stranger = await anOrganization(t.db);

      const unknown = await getConnection(t, randomUUID(), await callerFor(guest));
      const notConnected = await getConnection(t, stranger.id, await callerFor(guest));

      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual(notFound);
      expect(notConnected.status).toBe(404);
      expect(notConnected.body).toEqual(notFound);
    });

    it("should answer the host's own connection in a cross-organization request", async () => {
      const response = await getConnection(t, host.id, await callerFor(host, guest));

      expect(response.status).toBe(200);
      expect(response.body).toEqual(expected());
    });

    it('should answer 404, as for a missing host, when a cross-organization request names another host', async () => {
      const other = await getConnection(t, otherHost.id, await callerFor(host, guest));
      const missing = await getConnection(t, randomUUID(), await callerFor(host, guest));

      expect(other.status).toBe(404);
      expect(other.text).toBe(missing.text);
      expect(other.headers['content-length']).toBe(missing.headers['content-length']);
    });

    it('should answer 403 when a cross-organization request has no connected connection', async () => {
      const stranger = await anOrganization(t.db);

      const response = await getConnection(t, stranger.id, await callerFor(stranger, guest));

      expect(response.status).toBe(403);
      expect((response.body as ErrorEnvelope).detail[0].code).toBe('no_connection');
    });

    it('should report an invalid path and every query parameter together when both are wrong', async () => {
      const response = await getConnection(t, 'acme?limit=1&x=2', await callerFor(guest));

      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        detail: [
          {
            loc: ['path', 'host_org_id'],
            msg: 'Input should be a valid UUID',
            type: 'uuid_parsing',
            code: 'invalid_uuid',
          },
          {
            loc: ['query', 'limit'],
            msg: 'Unknown query parameter',
            type: 'extra_forbidden',
            code: 'unknown_parameter',
          },
          {
            loc: ['query', 'x'],
            msg: 'Unknown query parameter',
            type: 'extra_forbidden',
            code: 'unknown_parameter',
          },
        ],
      });
    });

    it('should answer 401 before anything else, then 403 for a token without the read scope', async () => {
      const writeOnly = `Bearer ${await tokenFor(guest.id, { scope: WRITE_SCOPE })}`;

      const noToken = await getConnection(t, 'not-a-uuid', { requester: 'x' });
      const noScope = await getConnection(t, 'not-a-uuid', { authorization: writeOnly });

      expect(noToken.status).toBe(401);
      expect(noToken.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(noScope.status).toBe(403);
      expect(noScope.headers['www-authenticate']).toBe(
        `Bearer error="insufficient_scope", scope="${READ_SCOPE}"`,
      );
    });

    it('should change the ETag when an import rewrites a field of the row, and only then', async () => {
      const caller = await callerFor(guest);
      const before = await getConnection(t, host.id, caller);
      await t.db.query(
        `UPDATE host_connections SET owner_email = owner_email WHERE host_organization_id = $1`,
        [host.id],
      );
      const same = await getConnection(t, host.id, caller);

      await t.db.query(`UPDATE organizations SET name = 'Acme Freight Ltd' WHERE id = $1`, [
        host.id,
      ]);
      const renamed = await getConnection(t, host.id, caller);
      await t.db.query(
        `UPDATE host_connections SET owner_email = 'june@acme.example' WHERE host_organization_id = $1`,
        [host.id],
      );
      const rewritten = await getConnection(t, host.id, caller);

      expect(same.headers.etag).toBe(before.headers.etag);
      expect(renamed.headers.etag).not.toBe(before.headers.etag);
      expect(rewritten.headers.etag).not.toBe(renamed.headers.etag);
      expect(new Set([before, renamed, rewritten].map((r) => r.headers.etag)).size).toBe(3);
    });
  });

  describe('PATCH', () => {
    let writer: Caller;
    beforeEach(async () => {
      writer = await writerFor(guest);
    });

    it('should archive with archived_at = updated_at = the database clock to the microsecond, and the list should see it at once', async () => {
      const [{ before }] = await t.db.query<Array<{ before: string }>>(
        `SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS before`,
      );

      const response = await patchConnection(t, host.id, writer, { archived: true });

      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers.etag).toMatch(ETAG);
      const body = response.body as Record<string, string>;
      expect(body).toEqual({
        ...expected(),
        archived: true,
        archived_at: body.updated_at,
        updated_at: body.updated_at,
      });
      expect(body.updated_at).toMatch(MICROSECONDS);
      expect(body.updated_at > before).toBe(true);
      expect(await storedConnection(t.db, guest.id, host.id)).toEqual(
        expect.objectContaining({
          archived: true,
          archived_at: body.updated_at,
          updated_at: body.updated_at,
        }),
      );
      const read = await getConnection(t, host.id, writer);
      expect(read.body).toEqual(body);
      expect(read.headers.etag).toBe(response.headers.etag);
      const archived = await getHostConnections(
        t,
        'statuses=connected&archived=true&limit=10&offset=0',
        await callerFor(guest),
      );
      expect(archived.body).toEqual({ items: [body], total_items: 1 });
      const unarchived = await getHostConnections(
        t,
        'statuses=connected&archived=false&limit=0&offset=0',
        await callerFor(guest),
      );
      expect(unarchived.body).toEqual({ items: [], total_items: 1 });
      expect(await counterDrift(t.db)).toEqual([]);
    });

    it('should clear archived_at when unarchiving, and disconnect then reconnect', async () => {
      await patchConnection(t, host.id, writer, { archived: true });

      const unarchived = await patchConnection(t, host.id, writer, { archived: false });
      const disconnected = await patchConnection(t, host.id, writer, { status: 'disconnected' });
      const reconnected = await patchConnection(t, host.id, writer, {
        status: 'connected',
        archived: true,
      });

      expect(unarchived.status).toBe(200);
      expect(unarchived.body).toEqual(
        expect.objectContaining({ archived: false, archived_at: null }),
      );
      expect(disconnected.body).toEqual(
        expect.objectContaining({ status: 'disconnected', archived: false }),
      );
      expect(reconnected.body).toEqual(
        expect.objectContaining({
          status: 'connected',
          archived: true,
          archived_at: (reconnected.body as { updated_at: string }).updated_at,
        }),
      );
      const list = await getHostConnections(
        t,
        'statuses=disconnected&limit=10&offset=0',
        await callerFor(guest),
      );
      expect(list.body).toEqual({ items: [], total_items: 0 });
      expect(await counterDrift(t.db)).toEqual([]);
    });

    it('should leave the row exactly as it was and answer 200 when nothing changes', async () => {
      const before = await storedConnection(t.db, guest.id, host.id);
      const read = await getConnection(t, host.id, writer);

      const response = await patchConnection(t, host.id, writer, {
        archived: false,
        status: 'connected',
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(expected());
      expect(response.headers.etag).toBe(read.headers.etag);
      expect(await storedConnection(t.db, guest.id, host.id)).toEqual(before);
      expect(auditLines()).toEqual([]);
    });

    it('should write one audit line per effective change, without the token', async () => {
      await patchConnection(t, host.id, writer, { archived: true, status: 'disconnected' });
      const stored = await storedConnection(t.db, guest.id, host.id);

      const lines = auditLines();

      expect(lines).toEqual([
        expect.objectContaining({
          level: 'info',
          msg: 'host connection changed',
          requestId: expect.any(String) as unknown,
          requesterOrganizationId: guest.id,
          subject: 'test-client',
          hostOrganizationId: host.id,
          guestOrganizationId: guest.id,
          changes: [
            { field: 'status', from: 'connected', to: 'disconnected' },
            { field: 'archived', from: false, to: true },
            { field: 'archived_at', from: null, to: stored?.archived_at },
            { field: 'updated_at', from: '2025-12-13T08:30:00.000001Z', to: stored?.updated_at },
          ],
        }),
      ]);
      const token = (writer.authorization ?? '').slice('Bearer '.length);
      expect(logs.lines.some((line) => line.includes(token))).toBe(false);
    });

    describe('If-Match', () => {
      it('should apply the change when If-Match holds the current ETag, or *', async () => {
        const read = await getConnection(t, host.id, writer);

        const first = await patchConnection(
          t,
          host.id,
          writer,
          { archived: true },
          { ifMatch: `"x", ${read.headers.etag}` },
        );
        const second = await patchConnection(
          t,
          host.id,
          writer,
          { archived: false },
          { ifMatch: '*' },
        );

        expect(first.status).toBe(200);
        expect(first.headers.etag).not.toBe(read.headers.etag);
        expect(second.status).toBe(200);
        expect(second.body).toEqual(expect.objectContaining({ archived: false }));
      });

      it.each([
        ['a stale ETag', 'stale'],
        ['the weak form of the current ETag', 'weak'],
        ['a malformed value', 'malformed'],
      ])('should answer 412 and change nothing when If-Match is %s', async (_name, kind) => {
        const read = await getConnection(t, host.id, writer);
        await patchConnection(t, host.id, writer, { archived: true });
        const current = await getConnection(t, host.id, writer);
        const before = await storedConnection(t.db, guest.id, host.id);
        const ifMatch = {
          stale: read.headers.etag,
          weak: `W/${current.headers.etag}`,
          malformed: 'abc',
        }[kind] as string;

        const response = await patchConnection(
          t,
          host.id,
          writer,
          { archived: false },
          { ifMatch },
        );

        expect(response.status).toBe(412);
        expect(response.body).toEqual({
          detail: [
            {
              loc: ['header', 'if-match'],
              msg: 'The connection has changed since the ETag in If-Match was read',
              type: 'precondition_failed',
              code: 'precondition_failed',
            },
          ],
        });
        expect(await storedConnection(t.db, guest.id, host.id)).toEqual(before);
      });
    });

    describe('body', () => {
      it('should report every problem of the body together', async () => {
        const response = await patchConnection(
          t,
          host.id,
          writer,
          {
            archived: 'true',
            status: null,
            owner_email: 'x@example.com',
            __proto__: 1,
          },
          { raw: '{"archived":"true","status":null,"owner_email":"x@example.com","__proto__":1}' },
        );

        expect(response.status).toBe(422);
        expect(response.body).toEqual({
          detail: [
            {
              loc: ['body', 'owner_email'],
              msg: 'Unknown field',
              type: 'extra_forbidden',
              code: 'unknown_field',
            },
            {
              loc: ['body', '__proto__'],
              msg: 'Unknown field',
              type: 'extra_forbidden',
              code: 'unknown_field',
            },
            {
              loc: ['body', 'archived'],
              msg: 'Input should be a valid boolean',
              type: 'bool_type',
              code: 'invalid_boolean',
            },
            {
              loc: ['body', 'status'],
              msg: "Input should be 'connected' or 'disconnected'",
              type: 'enum',
              code: 'invalid_enum_value',
            },
          ],
        });
      });

      it.each<[string, string, unknown[]]>([
        [
          'malformed JSON',
          '{"archived": tru',
          [
            {
              loc: ['body'],
              msg: 'The body is not valid JSON',
              type: 'json_invalid',
              code: 'invalid_json',
            },
          ],
        ],
        [
          'an empty body',
          '',
          [
            {
              loc: ['body'],
              msg: 'The body is not valid JSON',
              type: 'json_invalid',
              code: 'invalid_json',
            },
          ],
        ],
        [
          'an array',
          '[{"archived": true}]',
          [
            {
              loc: ['body'],
              msg: 'Input should be a JSON object',
              type: 'model_attributes_type',
              code: 'not_an_object',
            },
          ],
        ],
        [
          'null',
          'null',
          [
            {
              loc: ['body'],
              msg: 'Input should be a JSON object',
              type: 'model_attributes_type',
              code: 'not_an_object',
            },
          ],
        ],
        [
          'no field',
          '{}',
          [
            {
              loc: ['body'],
              msg: "At least one of 'archived', 'status' is required",
              type: 'missing',
              code: 'no_field',
            },
          ],
        ],
        [
          'the enum in another case',
          '{"status": "CONNECTED"}',
          [
            {
              loc: ['body', 'status'],
              msg: "Input should be 'connected' or 'disconnected'",
              type: 'enum',
              code: 'invalid_enum_value',
            },
          ],
        ],
        [
          '1 for a boolean',
          '{"archived": 1}',
          [
            {
              loc: ['body', 'archived'],
              msg: 'Input should be a valid boolean',
              type: 'bool_type',
              code: 'invalid_boolean',
            },
          ],
        ],
      ])('should answer 422 with loc body for %s', async (_name, raw, detail) => {
        const response = await patchConnection(t, host.id, writer, undefined, { raw });

        expect(response.status).toBe(422);
        expect(response.body).toEqual({ detail });
        expect(await counterDrift(t.db)).toEqual([]);
      });

      it('should report an invalid path, a query parameter and the body together', async () => {
        const response = await t.http
          .patch('/host-connections/acme?dry_run=1')
          .set('Authorization', writer.authorization ?? '')
          .set('Requester-Organization-ID', guest.id)
          .set('Target-Organization-ID', guest.id)
          .set('Content-Type', 'application/json')
          .send('{"archived": "yes"}');

        expect(response.status).toBe(422);
        expect(
          (response.body as ErrorEnvelope).detail.map((entry: { loc: unknown }) => entry.loc),
        ).toEqual([
          ['path', 'host_org_id'],
          ['query', 'dry_run'],
          ['body', 'archived'],
        ]);
      });

      it.each([
        ['text/plain', 'text/plain'],
        ['form data', 'application/x-www-form-urlencoded'],
        ['JSON in another charset', 'application/json; charset=latin1'],
      ])('should answer 415 when the content type is %s', async (_name, contentType) => {
        const response = await patchConnection(
          t,
          host.id,
          writer,
          { archived: true },
          { contentType },
        );

        expect(response.status).toBe(415);
        expect(response.body).toEqual({
          detail: [
            {
              loc: ['header', 'content-type'],
              msg: 'The request body must be application/json',
              type: 'unsupported_media_type',
              code: 'unsupported_media_type',
            },
          ],
        });
      });

      it('should accept application/json with a UTF-8 charset, and a body of exactly 16 KiB', async () => {
        const padded = `{"archived": true}${' '.repeat(16 * 1024 - 18)}`;

        const response = await patchConnection(t, host.id, writer, undefined, {
          raw: padded,
          contentType: 'Application/JSON; charset=UTF-8',
        });

        expect(Buffer.byteLength(padded)).toBe(16 * 1024);
        expect(response.status).toBe(200);
      });

      it('should answer 413 above 16 KiB, and change nothing', async () => {
        const before = await storedConnection(t.db, guest.id, host.id);

        const response = await patchConnection(t, host.id, writer, undefined, {
          raw: `{"archived": true}${' '.repeat(16 * 1024 - 17)}`,
        });

        expect(response.status).toBe(413);
        expect(response.body).toEqual({
          detail: [
            {
              loc: ['body'],
              msg: 'The request body must be at most 16384 bytes',
              type: 'payload_too_large',
              code: 'payload_too_large',
            },
          ],
        });
        expect(await storedConnection(t.db, guest.id, host.id)).toEqual(before);
      });
    });

    describe('check order', () => {
      const badBody = { raw: '{"archived": "no"' };

      it('should answer 401 first, whatever else is wrong', async () => {
        const response = await patchConnection(t, 'acme', {}, undefined, {
          ...badBody,
          contentType: 'text/plain',
        });

        expect(response.status).toBe(401);
      });

      it('should answer 403 insufficient_scope naming the write scope for a read-only token', async () => {
        const readOnly = await callerFor(guest);

        const response = await patchConnection(
          t,
          'acme',
          { authorization: readOnly.authorization },
          undefined,
          badBody,
        );

        expect(response.status).toBe(403);
        expect(response.headers['www-authenticate']).toBe(
          `Bearer error="insufficient_scope", scope="${WRITE_SCOPE}"`,
        );
        expect((response.body as ErrorEnvelope).detail[0].code).toBe('insufficient_scope');
      });

      it('should answer 422 for the organization headers before access, path and body', async () => {
        const response = await patchConnection(
          t,
          'acme',
          { authorization: writer.authorization, requester: guest.id },
          undefined,
          badBody,
        );

        expect(response.status).toBe(422);
        expect((response.body as ErrorEnvelope).detail).toEqual([
          {
            loc: ['header', 'target-organization-id'],
            msg: 'Field required',
            type: 'missing',
            code: 'missing',
          },
        ]);
      });

      it('should refuse a cross-organization request with 403, even from a connected host, before path and body', async () => {
        const connectedHost = await writerFor(host, guest);

        const invalid = await patchConnection(t, 'acme', connectedHost, undefined, badBody);
        const valid = await patchConnection(t, host.id, connectedHost, { archived: true });

        expect(invalid.status).toBe(403);
        expect(valid.status).toBe(403);
        expect((valid.body as ErrorEnvelope).detail[0]).toEqual(
          expect.objectContaining({ code: 'access_mode_not_allowed' }),
        );
        expect((await storedConnection(t.db, guest.id, host.id))?.archived).toBe(false);
      });

      it('should answer 415 after access and before the path and body are validated', async () => {
        const response = await patchConnection(t, 'acme', writer, undefined, {
          ...badBody,
          contentType: 'text/plain',
        });

        expect(response.status).toBe(415);
      });

      it('should answer 422 for path and body before 404, and 404 before 412', async () => {
        const invalid = await patchConnection(t, randomUUID(), writer, undefined, badBody);
        const missing = await patchConnection(
          t,
          randomUUID(),
          writer,
          { archived: true },
          { ifMatch: '"nope"' },
        );

        expect(invalid.status).toBe(422);
        expect(missing.status).toBe(404);
        expect(missing.body).toEqual(notFound);
      });
    });
  });

  describe('other methods', () => {
    it.each([
      ['POST', '/host-connections', 'GET, HEAD'],
      ['PUT', '/host-connections', 'GET, HEAD'],
      ['DELETE', '/host-connections', 'GET, HEAD'],
      ['PATCH', '/host-connections', 'GET, HEAD'],
      ['POST', `/host-connections/${randomUUID()}`, 'GET, HEAD, PATCH'],
      ['PUT', `/host-connections/${randomUUID()}`, 'GET, HEAD, PATCH'],
      ['DELETE', `/host-connections/${randomUUID()}`, 'GET, HEAD, PATCH'],
      ['OPTIONS', `/host-connections/${randomUUID()}`, 'GET, HEAD, PATCH'],
    ])('should answer 405 with Allow when the method is %s %s', async (method, path, allow) => {
      const response = await t.http[method.toLowerCase() as 'post'](path);

      expect(response.status).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.body).toEqual({
        detail: [
          {
            loc: [],
            msg: `Method not allowed; this path allows ${allow}`,
            type: 'method_not_allowed',
            code: 'method_not_allowed',
          },
        ],
      });
    });

    it('should keep answering 404 for paths that are not the route', async () => {
      const responses = await Promise.all(
        [
          '/host-connections/',
          '/HOST-CONNECTIONS',
          `/HOST-CONNECTIONS/${randomUUID()}`,
          `/host-connections/${randomUUID()}/x`,
        ].map((path) => t.http.delete(path)),
      );

      expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
    });
  });
});
