import { exportSPKI, generateKeyPair } from 'jose';
import type { Response } from 'supertest';
import { aConnection, anOrganization, type OrganizationRow } from './support/factories.js';
import { aJwksKey, JwksServer, unreachableJwksUrl } from './support/jwks-server.js';
import { callerFor, type Caller, getHostConnections } from './support/requests.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import {
  nowInSeconds,
  READ_SCOPE,
  type SigningKey,
  tokenFor,
  type TokenOptions,
  unsecuredTokenFor,
} from './support/tokens.js';

const QUERY = 'statuses=connected,disconnected&limit=100&offset=0';
const BAD_QUERY = 'statuses=pending&limit=101&offset=0';
const REQUESTER = 'requester-organization-id';
const TARGET = 'target-organization-id';

interface ErrorDetail {
  loc: string[];
  msg: string;
  type: string;
  code: string;
}

function expectError(
  response: Response,
  status: number,
  detail: ErrorDetail,
  wwwAuthenticate?: string,
): void {
  expect(response.status).toBe(status);
  expect(response.headers['www-authenticate']).toBe(wwwAuthenticate);
  expect(response.body).toStrictEqual({ detail: [detail] });
}

function expectInvalidToken(response: Response, msg: string, code: string): void {
  expectError(
    response,
    401,
    { loc: ['header', 'authorization'], msg, type: 'invalid_token', code },
    'Bearer error="invalid_token"',
  );
}

function expectInsufficientScope(response: Response): void {
  expectError(
    response,
    403,
    {
      loc: ['header', 'authorization'],
      msg: 'The token lacks the required scope "host_connections:read"',
      type: 'insufficient_scope',
      code: 'insufficient_scope',
    },
    'Bearer error="insufficient_scope", scope="host_connections:read"',
  );
}

function expectOrganizationMismatch(response: Response): void {
  expectError(response, 403, {
    loc: ['header', REQUESTER],
    msg: "Requester-Organization-ID does not match the token's organization",
    type: 'permission_denied',
    code: 'organization_mismatch',
  });
}

function expectNoConnection(response: Response): void {
  expectError(response, 403, {
    loc: ['header', TARGET],
    msg: 'The requester has no connected connection with the target organization',
    type: 'permission_denied',
    code: 'no_connection',
  });
}

function expectServiceUnavailable(response: Response): void {
  expectError(response, 503, {
    loc: [],
    msg: 'The service is temporarily unavailable, please retry',
    type: 'service_unavailable',
    code: 'service_unavailable',
  });
}

const headerMissing = (name: string) => ({
  loc: ['header', name],
  msg: 'Field required',
  type: 'missing',
  code: 'missing',
});
const headerNotUuid = (name: string) => ({
  loc: ['header', name],
  msg: 'Input should be a valid UUID',
  type: 'uuid_parsing',
  code: 'invalid_uuid',
});

function hostIds(response: Response): string[] {
  return (response.body as { items: Array<{ host_organization_id: string }> }).items.map(
    (item) => item.host_organization_id,
  );
}

describe('GET /host-connections authentication and authorization', () => {
  describe('with an HS256 secret', () => {
    let t: TestApp;
    let guest: OrganizationRow;
    let host: OrganizationRow;

    beforeAll(async () => {
      t = await startTestApp();
      guest = await anOrganization(t.db);
      host = await anOrganization(t.db);
      await aConnection(t.db, host, guest);
    });

    afterAll(async () => {
      await t.close();
    });

    // The guest listing its own hosts with `authorization` as the Authorization header.
    const asGuest = (authorization: string | undefined) =>
      getHostConnections(t, QUERY, { authorization, requester: guest.id, target: guest.id });
    const withToken = async (options: TokenOptions) =>
      asGuest(`Bearer ${await tokenFor(guest.id, options)}`);

    describe('the token', () => {
      it('should answer 200 when the token is valid', async () => {
        const response = await withToken({});

        expect(response.status).toBe(200);
        expect(hostIds(response)).toStrictEqual([host.id]);
      });

      it('should answer 401 when there is no Authorization header', async () => {
        const response = await asGuest(undefined);

        expectInvalidToken(response, 'A bearer token is required', 'missing_token');
      });

      it.each(['', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Token abc', 'Bearer a b'])(
        'should answer 401 when the Authorization header is %j',
        async (authorization) => {
          const response = await asGuest(authorization);

          expectInvalidToken(
            response,
            'The Authorization header must be "Bearer <token>"',
            'malformed_token',
          );
        },
      );

      it.each(['bearer', 'BEARER', 'bEaReR'])(
        'should accept the scheme name written %s',
        async (scheme) => {
          const token = await tokenFor(guest.id);

          const response = await asGuest(`${scheme} ${token}`);

          expect(response.status).toBe(200);
        },
      );

      it.each(['not-a-jwt', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9.e30'])(
        'should answer 401 when the token is %s',
        async (token) => {
          const response = await asGuest(`Bearer ${token}`);

          expectInvalidToken(response, 'The token is malformed', 'malformed_token');
        },
      );

      it('should answer 401 when the token is larger than 8 KiB', async () => {
        const response = await withToken({ claims: { padding: 'x'.repeat(9000) } });

        expectInvalidToken(response, 'The token is too large', 'token_too_large');
      });

      it('should answer 401 when the token expired more than 30 seconds ago', async () => {
        const response = await withToken({ expiresIn: nowInSeconds() - 60 });

        expectInvalidToken(response, 'The token has expired', 'token_expired');
      });

      it('should accept a token that expired 10 seconds ago (clock skew)', async () => {
        const response = await withToken({ expiresIn: nowInSeconds() - 10 });

        expect(response.status).toBe(200);
      });

      it('should answer 401 when nbf is more than 30 seconds in the future', async () => {
        const response = await withToken({ claims: { nbf: nowInSeconds() + 60 } });

        expectInvalidToken(response, 'The token is not valid yet', 'token_not_yet_valid');
      });

      it('should accept a token whose nbf is 10 seconds in the future (clock skew)', async () => {
        const response = await withToken({ claims: { nbf: nowInSeconds() + 10 } });

        expect(response.status).toBe(200);
      });

      it('should answer 401 when the token has no exp claim', async () => {
        const response = await withToken({ expiresIn: null });

        expectInvalidToken(response, "The token's exp claim is invalid", 'invalid_claim');
      });

      it('should answer 401 when the token is signed with another secret', async () => {
        const response = await withToken({
          secret: 'another-secret-that-is-long-enough-0123456789',
        });

        expectInvalidToken(response, 'The token signature is invalid', 'invalid_signature');
      });

      it('should answer 401 when the payload was altered after signing', async () => {
        const [header, , signature] = (await tokenFor(guest.id)).split('.');
        const [, otherPayload] = (await tokenFor(host.id)).split('.');

        const response = await getHostConnections(t, QUERY, {
          authorization: `Bearer ${header}.${otherPayload}.${signature}`,
          requester: host.id,
          target: host.id,
        });

        expectInvalidToken(response, 'The token signature is invalid', 'invalid_signature');
      });

      it('should answer 401 when the token is unsecured (alg none)', async () => {
        const response = await asGuest(`Bearer ${unsecuredTokenFor(guest.id)}`);

        expectInvalidToken(
          response,
          'The token is signed with an algorithm that is not accepted',
          'unsupported_algorithm',
        );
      });

      it('should answer 401 when the token uses HS512 instead of HS256', async () => {
        const key = new TextEncoder().encode('a-secret-that-is-long-enough-for-hs512-'.repeat(2));

        const response = await withToken({ signWith: { alg: 'HS512', key } });

        expectInvalidToken(
          response,
          'The token is signed with an algorithm that is not accepted',
          'unsupported_algorithm',
        );
      });

      it.each([
        ['missing', undefined],
        ['not a UUID', 'acme'],
        ['a number', 42],
        ['a UUID in braces', '{3c90c3cc-0d44-4b50-8888-8dd25736052a}'],
      ])('should answer 401 when the org_id claim is %s', async (_, orgId) => {
        const response = await withToken({ claims: { org_id: orgId } });

        expectInvalidToken(
          response,
          "The token's org_id claim must be an organization UUID",
          'invalid_organization_claim',
        );
      });

      it('should accept an org_id claim in upper case', async () => {
        const response = await asGuest(`Bearer ${await tokenFor(guest.id.toUpperCase())}`);

        expect(response.status).toBe(200);
      });
    });

    describe('the scope', () => {
      it.each([
        ['no scope claim', { scope: null }],
        ['another scope', { scope: 'host_connections:write' }],
        ['a scope that only starts like it', { scope: 'host_connections:read:own' }],
        ['the scope in another case', { scope: 'HOST_CONNECTIONS:READ' }],
        ['an empty scope array', { scope: [] }],
      ])('should answer 403 insufficient_scope when the token has %s', async (_, options) => {
        const response = await withToken(options);

        expectInsufficientScope(response);
      });

      it.each([
        ['among other scopes', { scope: `openid ${READ_SCOPE} profile` }],
        ['as an array in scope', { scope: ['openid', READ_SCOPE] }],
        ['as an array in scp', { scope: null, claims: { scp: [READ_SCOPE] } }],
        ['as a string in scp', { scope: null, claims: { scp: READ_SCOPE } }],
      ])('should accept the scope given %s', async (_, options) => {
        const response = await withToken(options);

        expect(response.status).toBe(200);
      });
    });

    describe('the organization headers', () => {
      let authorization: string;

      beforeAll(async () => {
        authorization = `Bearer ${await tokenFor(guest.id)}`;
      });

      it.each<[string, { requester?: string; target?: string }, object[]]>([
        ['Requester-Organization-ID is missing', { target: 'guest' }, [headerMissing(REQUESTER)]],
        ['Target-Organization-ID is missing', { requester: 'guest' }, [headerMissing(TARGET)]],
        ['both headers are missing', {}, [headerMissing(REQUESTER), headerMissing(TARGET)]],
        [
          'Requester-Organization-ID is not a UUID',
          { requester: 'acme', target: 'guest' },
          [headerNotUuid(REQUESTER)],
        ],
        [
          'Target-Organization-ID is not a UUID',
          { requester: 'guest', target: 'acme' },
          [headerNotUuid(TARGET)],
        ],
        [
          'neither header is a UUID',
          { requester: '', target: '42' },
          [headerNotUuid(REQUESTER), headerNotUuid(TARGET)],
        ],
        [
          'one header is missing and the other is not a UUID',
          { target: 'acme' },
          [headerMissing(REQUESTER), headerNotUuid(TARGET)],
        ],
      ])('should answer 422 when %s', async (_, headers, detail) => {
        const pick = (value: string | undefined) => (value === 'guest' ? guest.id : value);

        const response = await getHostConnections(t, QUERY, {
          authorization,
          requester: pick(headers.requester),
          target: pick(headers.target),
        });

        expect(response.status).toBe(422);
        expect(response.body).toStrictEqual({ detail });
      });

      it.each([
        ['in braces', (id: string) => `{${id}}`],
        ['as a URN', (id: string) => `urn:uuid:${id}`],
        ['without hyphens', (id: string) => id.replaceAll('-', '')],
        ['with an extra digit', (id: string) => `${id}0`],
      ])('should answer 422 when a UUID is written %s', async (_, write) => {
        const response = await getHostConnections(t, QUERY, {
          authorization,
          requester: guest.id,
          target: write(guest.id),
        });

        expect(response.status).toBe(422);
        expect(response.body).toStrictEqual({ detail: [headerNotUuid(TARGET)] });
      });

      it('should accept upper-case UUIDs and answer with lower-case ids', async () => {
        const response = await getHostConnections(t, QUERY, {
          authorization,
          requester: guest.id.toUpperCase(),
          target: guest.id.toUpperCase(),
        });

        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          items: [{ host_organization_id: host.id, guest_organization_id: guest.id }],
        });
      });

      it('should answer 403 when Requester-Organization-ID is not the token organization', async () => {
        const response = await getHostConnections(t, QUERY, {
          authorization,
          requester: host.id,
          target: host.id,
        });

        expectOrganizationMismatch(response);
      });
    });

    describe('organization access', () => {
      it('should list every host of the organization itself, and nothing it hosts', async () => {
        const self = await anOrganization(t.db, { name: 'Self' });
        const connected = await anOrganization(t.db, { name: 'A connected host' });
        const disconnected = await anOrganization(t.db, { name: 'B disconnected host' });
        const itsGuest = await anOrganization(t.db, { name: 'C its own guest' });
        await aConnection(t.db, connected, self, { status: 'connected' });
        await aConnection(t.db, disconnected, self, { status: 'disconnected' });
        await aConnection(t.db, self, itsGuest, { status: 'connected' });

        const response = await getHostConnections(t, QUERY, await callerFor(self));

        expect(response.status).toBe(200);
        expect(hostIds(response)).toStrictEqual([connected.id, disconnected.id]);
        expect(response.body).toMatchObject({ total_items: 2 });
      });

      it('should list only its own row when the requester is a connected host of the target', async () => {
        const target = await anOrganization(t.db, { name: 'Target' });
        const requester = await anOrganization(t.db, { name: 'B requester' });
        const otherHost = await anOrganization(t.db, { name: 'A other host' });
        const formerHost = await anOrganization(t.db, { name: 'C former host' });
        await aConnection(t.db, requester, target, { status: 'connected' });
        await aConnection(t.db, otherHost, target, { status: 'connected' });
        await aConnection(t.db, formerHost, target, { status: 'disconnected' });

        const response = await getHostConnections(t, QUERY, await callerFor(requester, target));

        expect(response.status).toBe(200);
        expect(hostIds(response)).toStrictEqual([requester.id]);
        expect(response.body).toMatchObject({ total_items: 1 });
      });

      it('should list nothing of the target hosts when the requester is a connected guest of the target', async () => {
        const target = await anOrganization(t.db);
        const requester = await anOrganization(t.db);
        const targetsHost = await anOrganization(t.db);
        await aConnection(t.db, target, requester, { status: 'connected' });
        await aConnection(t.db, targetsHost, target, { status: 'connected' });

        const response = await getHostConnections(t, QUERY, await callerFor(requester, target));

        expect(response.status).toBe(200);
        expect(response.text).toBe('{"items":[],"total_items":0}');
      });

      it('should list the requester row of the target when the requester is a connected guest and a former host', async () => {
        const target = await anOrganization(t.db);
        const requester = await anOrganization(t.db);
        const targetsHost = await anOrganization(t.db);
        await aConnection(t.db, target, requester, { status: 'connected' });
        await aConnection(t.db, requester, target, { status: 'disconnected' });
        await aConnection(t.db, targetsHost, target, { status: 'connected' });

        const response = await getHostConnections(t, QUERY, await callerFor(requester, target));

        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          items: [{ host_organization_id: requester.id, status: 'disconnected' }],
          total_items: 1,
        });
      });

      it('should answer 403 when the only connection between the two is disconnected', async () => {
        const target = await anOrganization(t.db);
        const requester = await anOrganization(t.db);
        await aConnection(t.db, requester, target, { status: 'disconnected' });

        const response = await getHostConnections(t, QUERY, await callerFor(requester, target));

        expectNoConnection(response);
      });

      it('should answer 403 when the two organizations have no connection', async () => {
        const target = await anOrganization(t.db);
        const requester = await anOrganization(t.db);
        const middle = await anOrganization(t.db);
        await aConnection(t.db, requester, middle, { status: 'connected' });
        await aConnection(t.db, middle, target, { status: 'connected' });

        const response = await getHostConnections(t, QUERY, await callerFor(requester, target));

        expectNoConnection(response);
      });

      it('should answer 403 when the target organization does not exist', async () => {
        const requester = await anOrganization(t.db);

        const response = await getHostConnections(
          t,
          QUERY,
          await callerFor(requester, { id: '3c90c3cc-0d44-4b50-8888-8dd25736052a' }),
        );

        expectNoConnection(response);
      });
    });

    // The contract's order: token and scope (401, 403), headers (422), access (403), query (422).
    describe('the order of the checks', () => {
      let stranger: OrganizationRow;

      beforeAll(async () => {
        stranger = await anOrganization(t.db);
      });

      it('should answer 401 for a bad token before looking at bad headers or query', async () => {
        const response = await getHostConnections(t, BAD_QUERY, {
          authorization: 'Bearer not-a-jwt',
          requester: 'acme',
        });

        expectInvalidToken(response, 'The token is malformed', 'malformed_token');
      });

      it('should answer 403 for a missing scope before looking at bad headers', async () => {
        const response = await getHostConnections(t, BAD_QUERY, {
          authorization: `Bearer ${await tokenFor(guest.id, { scope: 'openid' })}`,
          requester: 'acme',
        });

        expectInsufficientScope(response);
      });

      it('should report only the headers when both the headers and the query are bad', async () => {
        const response = await getHostConnections(t, BAD_QUERY, {
          authorization: `Bearer ${await tokenFor(guest.id)}`,
          requester: guest.id,
          target: 'acme',
        });

        expect(response.status).toBe(422);
        expect(response.body).toStrictEqual({ detail: [headerNotUuid(TARGET)] });
      });

      it('should answer 422 for a bad header before checking the token organization', async () => {
        const response = await getHostConnections(t, QUERY, {
          authorization: `Bearer ${await tokenFor(guest.id)}`,
          requester: host.id,
          target: 'acme',
        });

        expect(response.status).toBe(422);
        expect(response.body).toStrictEqual({ detail: [headerNotUuid(TARGET)] });
      });

      it('should answer 403 for an organization mismatch before looking at a bad query', async () => {
        const response = await getHostConnections(t, BAD_QUERY, {
          authorization: `Bearer ${await tokenFor(guest.id)}`,
          requester: host.id,
          target: host.id,
        });

        expectOrganizationMismatch(response);
      });

      it('should answer 403 for a missing connection before looking at a bad query', async () => {
        const response = await getHostConnections(t, BAD_QUERY, await callerFor(stranger, guest));

        expectNoConnection(response);
      });

      it('should answer 422 for the query once everything else is right', async () => {
        const response = await getHostConnections(t, BAD_QUERY, await callerFor(guest));

        expect(response.status).toBe(422);
        expect(response.body).toStrictEqual({
          detail: [
            {
              loc: ['query', 'statuses'],
              msg: "Input should be 'connected' or 'disconnected'",
              type: 'enum',
              code: 'invalid_enum_value',
            },
            {
              loc: ['query', 'limit'],
              msg: 'Input should be less than or equal to 100',
              type: 'less_than_equal',
              code: 'out_of_range',
            },
          ],
        });
      });
    });
  });

  describe('with JWT_ISSUER and JWT_AUDIENCE', () => {
    const ISSUER = 'https://id.example.com/';
    const AUDIENCE = 'host-connections';
    let t: TestApp;
    let organization: OrganizationRow;

    beforeAll(async () => {
      t = await startTestApp({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
      organization = await anOrganization(t.db);
    });

    afterAll(async () => {
      await t.close();
    });

    const withClaims = async (claims: TokenOptions['claims']) =>
      getHostConnections(t, QUERY, {
        authorization: `Bearer ${await tokenFor(organization.id, { claims })}`,
        requester: organization.id,
        target: organization.id,
      });

    it.each([
      ['the configured iss and aud', { iss: ISSUER, aud: AUDIENCE }],
      ['aud as an array holding the configured one', { iss: ISSUER, aud: ['other', AUDIENCE] }],
    ])('should accept a token with %s', async (_, claims) => {
      const response = await withClaims(claims);

      expect(response.status).toBe(200);
    });

    it.each([
      ['another iss', { iss: 'https://evil.example.com/', aud: AUDIENCE }, 'iss'],
      ['no iss', { aud: AUDIENCE }, 'iss'],
      ['another aud', { iss: ISSUER, aud: 'other-service' }, 'aud'],
      ['no aud', { iss: ISSUER }, 'aud'],
    ])('should answer 401 when the token has %s', async (_, claims, claim) => {
      const response = await withClaims(claims);

      expectInvalidToken(response, `The token's ${claim} claim is invalid`, 'invalid_claim');
    });
  });

  describe('with JWT_ORG_CLAIM', () => {
    const CLAIM = 'https://id.example.com/organization';
    let t: TestApp;
    let organization: OrganizationRow;

    beforeAll(async () => {
      t = await startTestApp({ JWT_ORG_CLAIM: CLAIM });
      organization = await anOrganization(t.db);
    });

    afterAll(async () => {
      await t.close();
    });

    const withClaims = async (claims: TokenOptions['claims']) =>
      getHostConnections(t, QUERY, {
        authorization: `Bearer ${await tokenFor(organization.id, { claims })}`,
        requester: organization.id,
        target: organization.id,
      });

    it('should read the organization from the configured claim', async () => {
      const response = await withClaims({ org_id: undefined, [CLAIM]: organization.id });

      expect(response.status).toBe(200);
    });

    it('should answer 401 when only org_id is present', async () => {
      const response = await withClaims({});

      expectInvalidToken(
        response,
        `The token's ${CLAIM} claim must be an organization UUID`,
        'invalid_organization_claim',
      );
    });
  });

  describe.each([
    ['RS256', 'ES256'],
    ['ES256', 'RS256'],
  ])('with a %s public key (JWT_PUBLIC_KEY)', (alg, otherAlg) => {
    let t: TestApp;
    let organization: OrganizationRow;
    let signing: SigningKey;
    let pem: string;

    beforeAll(async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      pem = await exportSPKI(publicKey);
      signing = { alg, key: privateKey };
      t = await startTestApp({ JWT_SECRET: undefined, JWT_PUBLIC_KEY: pem });
      organization = await anOrganization(t.db);
    });

    afterAll(async () => {
      await t.close();
    });

    const withToken = async (options: TokenOptions) =>
      getHostConnections(t, QUERY, {
        authorization: `Bearer ${await tokenFor(organization.id, options)}`,
        requester: organization.id,
        target: organization.id,
      });

    it(`should accept a token signed with the ${alg} private key`, async () => {
      const response = await withToken({ signWith: signing });

      expect(response.status).toBe(200);
    });

    it('should answer 401 when the token is signed by another key of the same type', async () => {
      const other = await generateKeyPair(alg);

      const response = await withToken({ signWith: { alg, key: other.privateKey } });

      expectInvalidToken(response, 'The token signature is invalid', 'invalid_signature');
    });

    it('should answer 401 when the token is HS256 signed with the public key PEM as the secret', async () => {
      const response = await withToken({
        signWith: { alg: 'HS256', key: new TextEncoder().encode(pem) },
      });

      expectInvalidToken(
        response,
        'The token is signed with an algorithm that is not accepted',
        'unsupported_algorithm',
      );
    });

    it(`should answer 401 when the token is signed with ${otherAlg}`, async () => {
      const other = await generateKeyPair(otherAlg);

      const response = await withToken({ signWith: { alg: otherAlg, key: other.privateKey } });

      expectInvalidToken(
        response,
        'The token is signed with an algorithm that is not accepted',
        'unsupported_algorithm',
      );
    });

    it('should answer 401 when the token is unsecured (alg none)', async () => {
      const response = await getHostConnections(t, QUERY, {
        authorization: `Bearer ${unsecuredTokenFor(organization.id)}`,
        requester: organization.id,
        target: organization.id,
      });

      expectInvalidToken(
        response,
        'The token is signed with an algorithm that is not accepted',
        'unsupported_algorithm',
      );
    });
  });

  describe('with a JWKS URL', () => {
    let jwks: JwksServer;
    let t: TestApp;
    let organization: OrganizationRow;

    beforeAll(async () => {
      jwks = await JwksServer.start();
      t = await startTestApp({ JWT_SECRET: undefined, JWKS_URL: jwks.url, JWKS_COOLDOWN_MS: '0' });
      organization = await anOrganization(t.db);
    });

    afterAll(async () => {
      await t.close();
      await jwks.stop();
    });

    const withKey = async (signing: SigningKey) =>
      getHostConnections(t, QUERY, {
        authorization: `Bearer ${await tokenFor(organization.id, { signWith: signing })}`,
        requester: organization.id,
        target: organization.id,
      });

    it('should fetch the key set once and reuse it for later tokens of the same key', async () => {
      const key = await aJwksKey('cache-1');
      jwks.answer = { kind: 'keys', keys: [key.jwk] };
      const fetchesBefore = jwks.requests;

      const first = await withKey(key.signing);
      const second = await withKey(key.signing);

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(jwks.requests - fetchesBefore).toBe(1);
    });

    it('should accept a rotated key without a restart and refuse the retired one', async () => {
      const before = await aJwksKey('rotation-1', 'RS256');
      const after = await aJwksKey('rotation-2');
      jwks.answer = { kind: 'keys', keys: [before.jwk] };
      const beforeRotation = await withKey(before.signing);
      jwks.answer = { kind: 'keys', keys: [after.jwk] };

      const rotated = await withKey(after.signing);
      const retired = await withKey(before.signing);

      expect(beforeRotation.status).toBe(200);
      expect(rotated.status).toBe(200);
      expectInvalidToken(retired, 'The token was signed by an unknown key', 'unknown_key');
    });

    it('should answer 401 when the kid is known but the signature is not its own', async () => {
      const published = await aJwksKey('impostor-1');
      const impostor = await aJwksKey('impostor-1');
      jwks.answer = { kind: 'keys', keys: [published.jwk] };

      const response = await withKey(impostor.signing);

      expectInvalidToken(response, 'The token signature is invalid', 'invalid_signature');
    });

    it('should answer 401 without fetching keys when the token is HS256', async () => {
      const fetchesBefore = jwks.requests;

      const response = await getHostConnections(t, QUERY, {
        authorization: `Bearer ${await tokenFor(organization.id)}`,
        requester: organization.id,
        target: organization.id,
      });

      expectInvalidToken(
        response,
        'The token is signed with an algorithm that is not accepted',
        'unsupported_algorithm',
      );
      expect(jwks.requests).toBe(fetchesBefore);
    });

    it.each([
      ['answers 500', { kind: 'status', status: 500 } as const],
      ['redirects', { kind: 'status', status: 302 } as const],
      ['answers something that is not JSON', { kind: 'body', body: '<html>' } as const],
      ['answers JSON that is not a key set', { kind: 'body', body: '{"keys": 42}' } as const],
    ])('should answer 503 when the key set endpoint %s', async (_, answer) => {
      const key = await aJwksKey(`broken-${answer.kind}-${jwks.requests}`);
      jwks.answer = answer;

      const response = await withKey(key.signing);

      expectServiceUnavailable(response);
    });
  });

  describe('with a JWKS URL where nothing answers', () => {
    let t: TestApp;
    let organization: OrganizationRow;

    beforeAll(async () => {
      t = await startTestApp({ JWT_SECRET: undefined, JWKS_URL: await unreachableJwksUrl() });
      organization = await anOrganization(t.db);
    });

    afterAll(async () => {
      await t.close();
    });

    it('should answer 503 and not blame the token', async () => {
      const key = await aJwksKey('down-1');
      const caller: Caller = {
        authorization: `Bearer ${await tokenFor(organization.id, { signWith: key.signing })}`,
        requester: organization.id,
        target: organization.id,
      };

      const response = await getHostConnections(t, QUERY, caller);

      expectServiceUnavailable(response);
    });
  });
});
