import { type CryptoKey, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { ApiError } from '../common/errors/api-error.js';
import { validateEnvironment } from '../config/env.schema.js';
import { TokenVerifier } from './token-verifier.js';

const ORGANIZATION = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

async function signed(alg: string, key: CryptoKey, payload: JWTPayload = {}): Promise<string> {
  return new SignJWT({ org_id: ORGANIZATION, scope: 'host_connections:read', ...payload })
    .setProtectedHeader({ alg })
    .setSubject('client-42')
    .setExpirationTime('5m')
    .sign(key);
}

async function outcomeOf(verifier: TokenVerifier, token: string): Promise<unknown> {
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return error.details.map((detail) => detail.code);
  }
}

describe('TokenVerifier', () => {
  describe.each([
    ['an Ed25519', 'EdDSA', 'ES256'],
    ['a P-384', 'ES384', 'ES256'],
    ['an RSA', 'PS256', 'ES256'],
  ])('with %s public key', (_, alg, foreignAlg) => {
    let verifier: TokenVerifier;
    let privateKey: CryptoKey;

    beforeAll(async () => {
      const pair = await generateKeyPair(alg, { extractable: true });
      privateKey = pair.privateKey;
      verifier = new TokenVerifier(
        validateEnvironment({ JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }),
      );
    });

    it(`should accept a ${alg} token signed by the matching private key`, async () => {
      const token = await signed(alg, privateKey);

      const principal = await verifier.verify(token);

      expect(principal.organizationId).toBe(ORGANIZATION);
    });

    it(`should refuse a ${foreignAlg} token`, async () => {
      const foreign = await generateKeyPair(foreignAlg);

      const outcome = await outcomeOf(verifier, await signed(foreignAlg, foreign.privateKey));

      expect(outcome).toStrictEqual(['unsupported_algorithm']);
    });
  });

  describe('the principal', () => {
    let verifier: TokenVerifier;
    let key: CryptoKey;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      key = pair.privateKey;
      verifier = new TokenVerifier(
        validateEnvironment({ JWT_PUBLIC_KEY: await exportSPKI(pair.publicKey) }),
      );
    });

    it('should carry the subject, the lower-cased organization and every scope from scope and scp', async () => {
      const token = await signed('ES256', key, {
        org_id: ORGANIZATION.toUpperCase(),
        scope: 'openid  host_connections:read',
        scp: ['profile', 42, ''],
      });

      const principal = await verifier.verify(token);

      expect(principal).toStrictEqual({
        subject: 'client-42',
        organizationId: ORGANIZATION,
        scopes: new Set(['openid', 'host_connections:read', 'profile']),
      });
    });

    it('should carry no subject and no scope when the token has neither', async () => {
      const token = await new SignJWT({ org_id: ORGANIZATION, scope: 42 })
        .setProtectedHeader({ alg: 'ES256' })
        .setExpirationTime('5m')
        .sign(key);

      const principal = await verifier.verify(token);

      expect(principal).toStrictEqual({
        subject: null,
        organizationId: ORGANIZATION,
        scopes: new Set(),
      });
    });
  });
});
