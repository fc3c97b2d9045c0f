import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parseErrorEnvelope } from './support/envelope.js';
import { anOrganization } from './support/factories.js';
import {
  claimsFor,
  forgeToken,
  hs256,
  recordingServer,
  type RecordingServer,
  rs256,
} from './support/forged-tokens.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_JWT_SECRET, tokenFor } from './support/tokens.js';

const LIST = '/host-connections?statuses=connected&limit=1&offset=0';
const PATH_AND_SQL_KIDS = [
  '../../../../../../dev/null',
  '/etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  'file:///dev/null',
  "' UNION SELECT 'secret' --",
  "x'; DROP TABLE host_connections; --",
  'kid\u0000',
];

type TokenFactory = (orgId: string) => Promise<string> | string;
interface Mode {
  app: TestApp;
  orgId: string;
}

const now = () => Math.floor(Date.now() / 1000);

describe('token attacks', () => {
  const serviceKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const attackerKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const servicePem = serviceKey.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const serviceJwk = {
    ...serviceKey.publicKey.export({ format: 'jwk' }),
    kid: 'service',
    alg: 'RS256',
  };
  const attackerJwk = { ...attackerKey.publicKey.export({ format: 'jwk' }), kid: 'attacker' };
  let attackerSite: RecordingServer;
  let jwksSite: RecordingServer;
  let secretMode: Mode;
  let pemMode: Mode;
  let jwksMode: Mode;

  beforeAll(async () => {
    attackerSite = await recordingServer({ keys: [attackerJwk] });
    jwksSite = await recordingServer({ keys: [serviceJwk] });
    const start = async (env: Record<string, string | undefined>): Promise<Mode> => {
      const app = await startTestApp(env);
      return { app, orgId: (await anOrganization(app.db)).id };
    };
    secretMode = await start({});
    pemMode = await start({ JWT_SECRET: undefined, JWT_PUBLIC_KEY: servicePem });
    jwksMode = await start({ JWT_SECRET: undefined, JWKS_URL: `${jwksSite.url}/jwks.json` });
  });

  afterAll(async () => {
    for (const mode of [secretMode, pemMode, jwksMode]) await mode?.app.close();
    await attackerSite.close();
    await jwksSite.close();
  });

  const call = (mode: Mode, token: string) =>
    mode.app.http
      .get(LIST)
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', mode.orgId)
      .set('Target-Organization-ID', mode.orgId);

  async function expectRejected(mode: Mode, token: string): Promise<void> {
    const response = await call(mode, token);

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    parseErrorEnvelope(response.headers['content-type'], response.text);
  }

  // Headers that name where to fetch a key: a verifier that follows them lets the
  // attacker choose the key. Signed with the attacker's own key, which they serve.
  const keyLocationHeaders: Array<[string, () => Record<string, unknown>]> = [
    ['jku', () => ({ alg: 'RS256', kid: 'attacker', jku: `${attackerSite.url}/jwks.json` })],
    ['x5u', () => ({ alg: 'RS256', kid: 'attacker', x5u: `${attackerSite.url}/cert.pem` })],
    ['jwk', () => ({ alg: 'RS256', kid: 'attacker', jwk: attackerJwk })],
  ];

  const unsigned: Array<[string, TokenFactory]> = ['none', 'None', 'NONE', 'nOnE'].map((alg) => [
    `alg "${alg}"`,
    (orgId) => forgeToken({ alg, typ: 'JWT' }, claimsFor(orgId), null),
  ]);

  function sharedAttacks(signingKey: () => KeyObject): Array<[string, TokenFactory]> {
    return [
      ...unsigned,
      ...keyLocationHeaders.map(([name, header]): [string, TokenFactory] => [
        `a ${name} header pointing at the attacker's key`,
        (orgId) => forgeToken(header(), claimsFor(orgId), rs256(attackerKey.privateKey)),
      ]),
      ...PATH_AND_SQL_KIDS.map((kid): [string, TokenFactory] => [
        `kid ${JSON.stringify(kid)} with an empty HMAC key`,
        (orgId) => forgeToken({ alg: 'HS256', kid }, claimsFor(orgId), hs256('')),
      ]),
      ...PATH_AND_SQL_KIDS.map((kid): [string, TokenFactory] => [
        `kid ${JSON.stringify(kid)} signed by the attacker's RSA key`,
        (orgId) =>
          forgeToken({ alg: 'RS256', kid }, claimsFor(orgId), rs256(attackerKey.privateKey)),
      ]),
      [
        'an unknown critical header',
        (orgId) =>
          forgeToken(
            { alg: 'RS256', kid: 'service', crit: ['exp-x'], 'exp-x': 1 },
            claimsFor(orgId),
            rs256(signingKey()),
          ),
      ],
    ];
  }

  describe('with JWT_SECRET (HS256)', () => {
    const attacks: Array<[string, TokenFactory]> = [
      ...sharedAttacks(() => attackerKey.privateKey),
      ['a signature by another secret', (orgId) => tokenFor(orgId, { secret: 'x'.repeat(40) })],
      ['a token over 8 KB', (orgId) => tokenFor(orgId, { claims: { padding: 'x'.repeat(8200) } })],
      // Time only moves on between signing and checking: 1 s beyond the tolerance is safe.
      [
        'exp 31 s ago (1 s beyond the tolerance)',
        (orgId) => tokenFor(orgId, { expiresIn: now() - 31 }),
      ],
      // Not 31 s: the clock may tick between signing and checking, which brings nbf closer.
      ['nbf 35 s ahead', (orgId) => tokenFor(orgId, { claims: { nbf: now() + 35 } })],
      [
        'no exp',
        (orgId) =>
          forgeToken(
            { alg: 'HS256' },
            claimsFor(orgId, { exp: undefined }),
            hs256(TEST_JWT_SECRET),
          ),
      ],
    ];

    it.each(attacks)('should refuse %s with 401', async (_name, token) => {
      await expectRejected(secretMode, await token(secretMode.orgId));
    });

    it.each<[string, TokenFactory]>([
      ['a plain token', (orgId) => tokenFor(orgId)],
      [
        'exp 20 s ago (within the 30 s tolerance)',
        (orgId) => tokenFor(orgId, { expiresIn: now() - 20 }),
      ],
      [
        'nbf 20 s ahead (within the tolerance)',
        (orgId) => tokenFor(orgId, { claims: { nbf: now() + 20 } }),
      ],
      [
        'a path in kid, signed with the real secret (kid is never followed)',
        (orgId) =>
          forgeToken(
            { alg: 'HS256', typ: 'at+jwt', kid: '../../../dev/null' },
            claimsFor(orgId),
            hs256(TEST_JWT_SECRET),
          ),
      ],
    ])('should accept %s (control)', async (_name, token) => {
      const response = await call(secretMode, await token(secretMode.orgId));

      expect(response.status).toBe(200);
    });
  });

  describe('with JWT_PUBLIC_KEY (RSA)', () => {
    const attacks: Array<[string, TokenFactory]> = [
      ...sharedAttacks(() => serviceKey.privateKey),
      [
        'HS256 signed with the public key PEM as the secret',
        (orgId) => forgeToken({ alg: 'HS256' }, claimsFor(orgId), hs256(servicePem)),
      ],
      [
        'HS256 signed with the public key PEM without its last newline',
        (orgId) => forgeToken({ alg: 'HS256' }, claimsFor(orgId), hs256(servicePem.trimEnd())),
      ],
      [
        'HS256 signed with the public key DER as the secret',
        (orgId) =>
          forgeToken(
            { alg: 'HS256' },
            claimsFor(orgId),
            hs256(serviceKey.publicKey.export({ type: 'spki', format: 'der' })),
          ),
      ],
      [
        'RS256 signed by a key that is not the configured one',
        (orgId) => forgeToken({ alg: 'RS256' }, claimsFor(orgId), rs256(attackerKey.privateKey)),
      ],
    ];

    it.each(attacks)('should refuse %s with 401', async (_name, token) => {
      await expectRejected(pemMode, await token(pemMode.orgId));
    });

    it('should accept a token signed by the configured key (control)', async () => {
      const token = forgeToken(
        { alg: 'RS256', typ: 'at+jwt' },
        claimsFor(pemMode.orgId),
        rs256(serviceKey.privateKey),
      );

      const response = await call(pemMode, token);

      expect(response.status).toBe(200);
    });
  });

  describe('with JWKS_URL', () => {
    const attacks: Array<[string, TokenFactory]> = [
      ...sharedAttacks(() => serviceKey.privateKey),
      [
        'HS256 signed with the JWKS document as the secret',
        (orgId) =>
          forgeToken(
            { alg: 'HS256', kid: 'service' },
            claimsFor(orgId),
            hs256(JSON.stringify({ keys: [serviceJwk] })),
          ),
      ],
      [
        'HS256 signed with the public key PEM as the secret',
        (orgId) =>
          forgeToken({ alg: 'HS256', kid: 'service' }, claimsFor(orgId), hs256(servicePem)),
      ],
      [
        "the service's kid, signed by the attacker's key",
        (orgId) =>
          forgeToken(
            { alg: 'RS256', kid: 'service' },
            claimsFor(orgId),
            rs256(attackerKey.privateKey),
          ),
      ],
    ];

    it.each(attacks)('should refuse %s with 401', async (_name, token) => {
      await expectRejected(jwksMode, await token(jwksMode.orgId));
    });

    it('should accept a token signed by a key of the JWKS (control)', async () => {
      const token = forgeToken(
        { alg: 'RS256', typ: 'at+jwt', kid: 'service' },
        claimsFor(jwksMode.orgId),
        rs256(serviceKey.privateKey),
      );

      const response = await call(jwksMode, token);

      expect(response.status).toBe(200);
    });

    it('should only ever fetch the configured JWKS', () => {
      expect(new Set(jwksSite.hits)).toEqual(new Set(['/jwks.json']));
    });
  });

  // Last: every jku, x5u and jwk header above has been sent to all three key sources.
  it('should never have fetched anything a token pointed at', () => {
    expect(attackerSite.hits).toEqual([]);
  });
});
