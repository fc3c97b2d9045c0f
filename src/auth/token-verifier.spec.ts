import { jest } from '@jest/globals';
import { type CryptoKey, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { ApiError } from '../common/errors/api-error.js';
import { validateEnvironment } from '../config/env.schema.js';
import { TokenVerifier } from './token-verifier.js';

const ORGANIZATION = '3c90c3cc-0d44-4b50-8888-8dd25736052a';

async function signed(alg: string, key: CryptoKey, payload: JWTPayload = {}): Promise<string> {
  return new SignJWT({ org_id: ORGANIZATION, scope: 'host_connections:read', ...payload })
    .setProtectedHeader({ alg, typ: 'at+jwt' })
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
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
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

  describe('a token used again', () => {
    const secret = 'a-shared-secret-of-at-least-32-characters';
    let verifier: TokenVerifier;

    const hs256 = (payload: JWTPayload, expiresAt: number) =>
      new SignJWT({ org_id: ORGANIZATION, scope: 'host_connections:read', ...payload })
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(new TextEncoder().encode(secret));

    beforeEach(() => {
      verifier = new TokenVerifier(validateEnvironment({ JWT_SECRET: secret }));
    });

    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    it('should check its signature only the first time', async () => {
      const token = await hs256({}, Math.floor(Date.now() / 1000) + 600);
      const signatureChecks = jest.spyOn(crypto.subtle, 'verify');

      for (let use = 0; use < 5; use++) await verifier.verify(token);

      expect(signatureChecks).toHaveBeenCalledTimes(1);
    });

    it('should refuse it once it has expired, beyond the tolerance', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await hs256({}, now + 10);
      await verifier.verify(token);

      jest.useFakeTimers({ now: (now + 10 + 31) * 1000, doNotFake: ['nextTick', 'setImmediate'] });
      const outcome = await outcomeOf(verifier, token);

      expect(outcome).toStrictEqual(['token_expired']);
    });

    it('should keep the organization of each token', async () => {
      const other = '0b3d1f2e-9a8b-4c7d-8e6f-5a4b3c2d1e0f';
      const expiresAt = Math.floor(Date.now() / 1000) + 600;
      const first = await hs256({}, expiresAt);
      const second = await hs256({ org_id: other }, expiresAt);

      await verifier.verify(first);
      await verifier.verify(second);

      expect((await verifier.verify(first)).organizationId).toBe(ORGANIZATION);
      expect((await verifier.verify(second)).organizationId).toBe(other);
    });

    it('should refuse a wrong signature every time, never caching it', async () => {
      const token = await hs256({}, Math.floor(Date.now() / 1000) + 600);
      const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BA' : 'AA'}`;

      const outcomes = [await outcomeOf(verifier, tampered), await outcomeOf(verifier, tampered)];

      expect(outcomes).toStrictEqual([['invalid_signature'], ['invalid_signature']]);
    });
  });
});
