import { parseErrorEnvelope } from './support/envelope.js';
import { anOrganization } from './support/factories.js';
import { claimsFor, forgeToken, forgeTokenFromJson, hs256 } from './support/forged-tokens.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { TEST_JWT_SECRET } from './support/tokens.js';

// The contract's token rules ("Edge cases, decided"), with tokens made by hand.

const LIST = '/host-connections?statuses=connected&limit=1&offset=0';
const sign = hs256(TEST_JWT_SECRET);
const now = () => Math.floor(Date.now() / 1000);

interface Mode {
  app: TestApp;
  orgId: string;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same bytes spelled with a non-zero unused bit in the last character of a segment. */
function withUnusedBitSet(segment: string): string {
  const last = BASE64URL.indexOf(segment[segment.length - 1]);
  return `${segment.slice(0, -1)}${BASE64URL[last | 1]}`;
}

function segmentsOf(token: string): [string, string, string] {
  const [header, payload, signature] = token.split('.');
  return [header, payload, signature];
}

describe('token rules', () => {
  let strict: Mode;
  let generic: Mode;

  beforeAll(async () => {
    const start = async (env: Record<string, string>): Promise<Mode> => {
      const app = await startTestApp(env);
      return { app, orgId: (await anOrganization(app.db)).id };
    };
    strict = await start({});
    generic = await start({ JWT_ALLOW_GENERIC_TYP: 'true' });
  });

  afterAll(async () => {
    for (const mode of [strict, generic]) await mode?.app.close();
  });

  const call = (mode: Mode, token: string) =>
    mode.app.http
      .get(LIST)
      .set('Authorization', `Bearer ${token}`)
      .set('Requester-Organization-ID', mode.orgId)
      .set('Target-Organization-ID', mode.orgId);

  async function expectRefused(mode: Mode, token: string, code: string): Promise<void> {
    const response = await call(mode, token);

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    const envelope = parseErrorEnvelope(response.headers['content-type'], response.text);
    expect(envelope.detail.map((detail) => detail.code)).toStrictEqual([code]);
  }

  const typed = (mode: Mode, typ: unknown) =>
    forgeToken({ alg: 'HS256', ...(typ !== undefined && { typ }) }, claimsFor(mode.orgId), sign);

  describe('the token type', () => {
    it.each(['at+jwt', 'AT+JWT', 'application/at+jwt', 'Application/At+JWT'])(
      'should accept typ %j',
      async (typ) => {
        const response = await call(strict, typed(strict, typ));

        expect(response.status).toBe(200);
      },
    );

    it.each<unknown>([
      'JWT',
      'jwt',
      'application/jwt',
      undefined,
      'dpop+jwt',
      'id_token+jwt',
      'at+jwt ',
      42,
    ])('should refuse typ %j by default', async (typ) => {
      await expectRefused(strict, typed(strict, typ), 'invalid_token_type');
    });

    it.each<unknown>(['JWT', 'jwt', 'application/jwt', undefined, 'at+jwt'])(
      'should accept typ %j with JWT_ALLOW_GENERIC_TYP=true',
      async (typ) => {
        const response = await call(generic, typed(generic, typ));

        expect(response.status).toBe(200);
      },
    );

    it.each<unknown>(['dpop+jwt', 'id_token+jwt', 'application/id_token+jwt', 'JOSE', ''])(
      'should refuse typ %j even with JWT_ALLOW_GENERIC_TYP=true',
      async (typ) => {
        await expectRefused(generic, typed(generic, typ), 'invalid_token_type');
      },
    );
  });

  describe('the time claims', () => {
    const header = JSON.stringify({ alg: 'HS256', typ: 'at+jwt' });
    const payloadWith = (mode: Mode, claim: string, json: string) => {
      const claims: Record<string, unknown> = claimsFor(mode.orgId);
      delete claims[claim];
      return `${JSON.stringify(claims).slice(0, -1)},"${claim}":${json}}`;
    };

    it.each([
      ['exp', '1e400'],
      ['exp', '-1e400'],
      ['nbf', '1e400'],
      ['nbf', '-1e400'],
      ['iat', '1e400'],
      ['iat', '-1e400'],
      ['exp', `"${now() + 3600}"`],
      ['nbf', `"${now()}"`],
      ['iat', `"${now()}"`],
      ['exp', 'null'],
      ['nbf', 'true'],
      ['iat', '[1]'],
    ])('should refuse %s: %s as an invalid claim', async (claim, json) => {
      const token = forgeTokenFromJson(header, payloadWith(strict, claim, json), sign);

      await expectRefused(strict, token, 'invalid_claim');
    });

    // 35 s, not 31: the clock may tick between signing and checking.
    it.each(['nbf', 'iat'])(
      'should refuse a token whose %s is more than 30 s in the future',
      async (claim) => {
        const token = forgeToken(
          { alg: 'HS256', typ: 'at+jwt' },
          claimsFor(strict.orgId, { [claim]: now() + 35 }),
          sign,
        );

        await expectRefused(strict, token, 'token_not_yet_valid');
      },
    );

    it.each(['nbf', 'iat'])(
      'should accept a token whose %s is 20 s in the future (clock skew)',
      async (claim) => {
        const token = forgeToken(
          { alg: 'HS256', typ: 'at+jwt' },
          claimsFor(strict.orgId, { [claim]: now() + 20 }),
          sign,
        );

        const response = await call(strict, token);

        expect(response.status).toBe(200);
      },
    );
  });

  describe('the spelling of the token', () => {
    let token: string;

    beforeAll(() => {
      token = forgeToken({ alg: 'HS256', typ: 'at+jwt' }, claimsFor(strict.orgId), sign);
    });

    it('should accept the canonical spelling (control)', async () => {
      const response = await call(strict, token);

      expect(response.status).toBe(200);
    });

    it.each<[string, (segments: [string, string, string]) => string]>([
      ['"=" after the signature', ([h, p, s]) => `${h}.${p}.${s}=`],
      ['"==" after the payload', ([h, p, s]) => `${h}.${p}==.${s}`],
      ['an unused bit set in the signature', ([h, p, s]) => `${h}.${p}.${withUnusedBitSet(s)}`],
      [
        'standard base64 characters',
        ([h, p, s]) => `${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}+`,
      ],
      ['a fourth segment', ([h, p, s]) => `${h}.${p}.${s}.${s}`],
    ])('should refuse the same token with %s', async (_name, respell) => {
      const respelled = respell(segmentsOf(token));

      await expectRefused(strict, respelled, 'malformed_token');
    });

    it.each(['header', 'payload'])(
      'should refuse an unused bit set in the last character of the %s',
      async (part) => {
        // Only a segment whose length is not a multiple of 4 has unused bits: pad until so.
        let [h, p, s] = segmentsOf(token);
        for (let pad = 1; h.length % 4 === 0 || p.length % 4 === 0; pad++) {
          [h, p, s] = segmentsOf(
            forgeToken(
              { alg: 'HS256', typ: 'at+jwt', kid: 'k'.repeat(pad) },
              claimsFor(strict.orgId, { jti: 'j'.repeat(pad) }),
              sign,
            ),
          );
        }
        const respelled =
          part === 'header'
            ? `${withUnusedBitSet(h)}.${p}.${s}`
            : `${h}.${withUnusedBitSet(p)}.${s}`;

        await expectRefused(strict, respelled, 'malformed_token');
      },
    );
  });

  describe('critical header parameters', () => {
    it.each<[string, Record<string, unknown>]>([
      ['an unknown extension', { crit: ['exp-x'], 'exp-x': 1 }],
      ['b64, which jose understands but a JWT may not use', { crit: ['b64'], b64: true }],
      ['an empty list', { crit: [] }],
      ['a malformed value', { crit: 'exp-x' }],
    ])('should refuse %s with its own code', async (_name, extension) => {
      const token = forgeToken(
        { alg: 'HS256', typ: 'at+jwt', ...extension },
        claimsFor(strict.orgId),
        sign,
      );

      await expectRefused(strict, token, 'unsupported_critical_header');
    });
  });
});
